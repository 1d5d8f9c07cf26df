// @ts-check

/**
 * Run requests: runs asked for at a later time, or waiting for approval, kept as history.
 *
 * - `kubernetes_jobs_run_requests`: one row per request, with the definition as it was when the
 *   request was made (its uid and a hash of its spec: an approval is for what was reviewed);
 *   `claimed_at` is set by the one replica that starts a due request (an atomic update);
 * - `kubernetes_jobs_run_request_decisions`: approvals and rejections, one per person and request;
 * - on run records, who approved the run and the request it came from.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kubernetes_jobs_run_requests', table => {
    table.comment('Runs asked for later or after approval, kept as history');
    table.string('id', 36).primary().comment('A UUID');
    table.string('cluster').notNullable();
    table.string('namespace', 63).notNullable();
    table.string('definition_kind', 16).notNullable().comment('Job or CronJob');
    table.string('definition_name', 253).notNullable();
    table
      .string('definition_uid', 64)
      .notNullable()
      .comment('The definition object the request was made for');
    table
      .string('spec_fingerprint', 64)
      .notNullable()
      .comment("sha256 of the definition's Job spec when the request was made");
    table.string('entity_ref').notNullable();
    table.string('requested_by').notNullable();
    table.timestamp('requested_at', { useTz: true }).notNullable();
    table.text('parameters').nullable().comment('JSON, as validated');
    table.timestamp('not_before', { useTz: true }).nullable();
    table
      .integer('approvals_required')
      .notNullable()
      .defaultTo(0)
      .comment('0: no approval needed');
    table.text('approver_groups').nullable().comment('JSON list of group refs');
    table.text('approval_reason').nullable();
    table.timestamp('expires_at', { useTz: true }).nullable();
    table.string('state', 32).notNullable();
    table.text('state_reason').nullable();
    table.string('run_name', 253).nullable();
    table
      .timestamp('claimed_at', { useTz: true })
      .nullable()
      .comment('Set by the replica starting the request: it starts once');
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(
      ['state', 'not_before'],
      'kubernetes_jobs_run_requests_due_idx',
    );
    table.index(
      ['cluster', 'namespace', 'definition_kind', 'definition_name'],
      'kubernetes_jobs_run_requests_definition_idx',
    );
  });
  await knex.schema.createTable(
    'kubernetes_jobs_run_request_decisions',
    table => {
      table.comment('Approvals and rejections of run requests');
      table.increments('id').primary();
      table
        .string('request_id', 36)
        .notNullable()
        .references('id')
        .inTable('kubernetes_jobs_run_requests')
        .onDelete('CASCADE');
      table.string('decided_by').notNullable();
      table.timestamp('decided_at', { useTz: true }).notNullable();
      table.string('decision', 16).notNullable().comment('approve or reject');
      table.text('comment').nullable();
      table.unique(['request_id', 'decided_by'], {
        indexName: 'kubernetes_jobs_run_request_decisions_once_idx',
      });
    },
  );
  await knex.schema.alterTable('kubernetes_jobs_runs', table => {
    table.text('approved_by').nullable().comment('JSON list of user refs');
    table.string('request_id', 36).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('kubernetes_jobs_runs', table => {
    table.dropColumn('approved_by');
    table.dropColumn('request_id');
  });
  await knex.schema.dropTable('kubernetes_jobs_run_request_decisions');
  await knex.schema.dropTable('kubernetes_jobs_run_requests');
};
