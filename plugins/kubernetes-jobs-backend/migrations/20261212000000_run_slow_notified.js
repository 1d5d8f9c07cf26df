// @ts-check

/**
 * When the backend saw a run pass its usual duration (and told whoever it should). Set by the
 * one replica that claims it (an atomic update of a null), so a run is told of once, across
 * replicas and restarts.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('kubernetes_jobs_runs', table => {
    table.timestamp('slow_notified_at', { useTz: true }).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('kubernetes_jobs_runs', table => {
    table.dropColumn('slow_notified_at');
  });
};
