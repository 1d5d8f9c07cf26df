// @ts-check

/**
 * The parameter values a run was started with (JSON), as the backend validated them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('kubernetes_jobs_runs', table => {
    table.text('parameters').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('kubernetes_jobs_runs', table => {
    table.dropColumn('parameters');
  });
};
