// @ts-check

/**
 * One record per run, kept after Kubernetes forgets the Job (TTL, cleanup, definition deletion).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('kubernetes_jobs_runs', table => {
    table.comment('Runs of Kubernetes Job definitions, kept as history');
    table.increments('id').primary();
    table.string('cluster').notNullable();
    table.string('namespace', 63).notNullable();
    table.string('definition_kind', 16).notNullable().comment('Job or CronJob');
    table.string('definition_name', 253).notNullable();
    table.string('definition_uid', 64).nullable();
    table.string('entity_ref').nullable();
    table
      .string('job_name', 253)
      .nullable()
      .comment('Null while a run is being created');
    table.string('job_uid', 64).nullable().unique();
    table.string('triggered_by').nullable();
    table.timestamp('triggered_at', { useTz: true }).nullable();
    table.string('killed_by').nullable();
    table.timestamp('killed_at', { useTz: true }).nullable();
    table.string('state', 16).notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.float('duration_seconds').nullable();
    table.string('failure_reason').nullable();
    table.text('failure_message').nullable();
    table
      .boolean('removed_from_cluster')
      .notNullable()
      .defaultTo(false)
      .comment(
        'The Job is gone from the cluster; this record is all that is left',
      );
    table
      .string('active_key', 512)
      .nullable()
      .unique()
      .comment(
        'cluster/namespace/kind/name while this run holds the one-active-run slot of its definition; ' +
          'unique, so two backend replicas cannot both start a run',
      );
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(
      ['cluster', 'namespace', 'definition_kind', 'definition_name'],
      'kubernetes_jobs_runs_definition_idx',
    );
    table.index(['state'], 'kubernetes_jobs_runs_state_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('kubernetes_jobs_runs');
};
