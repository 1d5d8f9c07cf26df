// @ts-check

/**
 * Evidence that outlives the pods, and who really started a run.
 *
 * - `trigger`: how the run was started (`portal`, `schedule`, `outside`);
 * - `claimed_by`: what the run Job's annotation claims when no record of ours confirms it
 *   (earlier versions stored such claims in `triggered_by`; they move here);
 * - `failure_summary`, `attempts`: the failure in plain words;
 * - `evidence`, `evidence_saved_at`: log tails, events and pods saved when the run ended.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('kubernetes_jobs_runs', table => {
    table.string('trigger', 16).nullable();
    table.string('claimed_by').nullable();
    table.text('failure_summary').nullable();
    table.integer('attempts').nullable();
    table.text('evidence').nullable();
    table.timestamp('evidence_saved_at', { useTz: true }).nullable();
  });
  // Records made for a Run request carry the entity of the request: the backend wrote them.
  await knex('kubernetes_jobs_runs')
    .whereNotNull('entity_ref')
    .update({ trigger: 'portal' });
  await knex('kubernetes_jobs_runs')
    .whereNull('entity_ref')
    .update({
      trigger: 'outside',
      claimed_by: knex.ref('triggered_by'),
      triggered_by: null,
    });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('kubernetes_jobs_runs', table => {
    table.dropColumn('trigger');
    table.dropColumn('claimed_by');
    table.dropColumn('failure_summary');
    table.dropColumn('attempts');
    table.dropColumn('evidence');
    table.dropColumn('evidence_saved_at');
  });
};
