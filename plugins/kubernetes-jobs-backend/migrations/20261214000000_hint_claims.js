// @ts-check

/**
 * Which replica tells browsers of a change its watch saw: each replica sees every change, and
 * a signal published on one reaches the browsers of all. The first replica to claim a change
 * (an insert of its key) publishes the hint; the others do not, unless they saw the change
 * well after that claim. Keys are kept for minutes only.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kubernetes_jobs_hint_claims', table => {
    table.comment('Changes seen by the watch whose hint a replica published');
    table
      .string('change_key', 64)
      .primary()
      .comment('A hash of the cluster, object uid and resourceVersion');
    table
      .bigInteger('claimed_at')
      .notNullable()
      .comment('When the hint was published, in milliseconds since the epoch');
    table.index(['claimed_at'], 'kubernetes_jobs_hint_claims_claimed_at_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kubernetes_jobs_hint_claims');
};
