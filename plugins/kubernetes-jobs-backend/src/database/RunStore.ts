import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  DefinitionKind,
  JobRun,
  RunState,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { Knex } from 'knex';

const TABLE = 'kubernetes_jobs_runs';

/** A definition, as history refers to it. */
export interface DefinitionKey {
  cluster: string;
  namespace: string;
  kind: DefinitionKind;
  name: string;
}

/** One page of a definition's history, newest first. */
export interface RunPage {
  runs: JobRun[];
  /** Pass as `before` to get the next page; absent on the last page. */
  nextCursor?: string;
}

/**
 * Run history that outlives the Jobs, and the cross-replica half of the one-active-run guard.
 *
 * @public
 */
export interface RunStore {
  /**
   * Takes the one-active-run slot of a definition before its Job is created. Throws a
   * ConflictError when another run (possibly being created by another backend replica) holds it.
   * Returns the id of the reservation, to `attach` the created Job to or `discard`.
   */
  reserve(
    key: DefinitionKey,
    run: {
      entityRef: string;
      triggeredBy: string;
      triggeredAt: Date;
      exclusive: boolean;
    },
  ): Promise<number>;
  /** Records the Job created for a reservation. */
  attach(id: number, run: JobRun): Promise<void>;
  /** Drops a reservation whose Job could not be created. */
  discard(id: number): Promise<void>;
  /**
   * Frees the slot of a definition when the run holding it is no longer active in the cluster.
   * Only records written before `checkedAt` are freed: a run created by another replica after the
   * cluster was read is not mistaken for a finished one.
   */
  releaseIfInactive(
    key: DefinitionKey,
    options: { activeJobUids: Set<string>; checkedAt: Date },
  ): Promise<void>;
  /** Brings records up to date with what the cluster shows, adding runs not seen before. */
  recordFromCluster(
    key: DefinitionKey,
    entityRef: string | undefined,
    runs: JobRun[],
  ): Promise<void>;
  /** Marks runs whose Job no longer exists. Their last known state stays. */
  markRemoved(jobUids: string[]): Promise<void>;
  /**
   * Marks the definition's recorded runs that the cluster no longer shows as removed. Only
   * records written before `checkedAt` count: one created after the cluster was read is not gone.
   */
  markRemovedIfNotSeen(
    key: DefinitionKey,
    options: { seenJobUids: Set<string>; checkedAt: Date },
  ): Promise<void>;
  /** A page of a definition's history, newest first. */
  listRuns(
    key: DefinitionKey,
    options: { limit: number; before?: string },
  ): Promise<RunPage>;
  /** Every recorded run of the given definitions, for stats. */
  listAllRuns(keys: DefinitionKey[]): Promise<Map<string, JobRun[]>>;
  /** Runs last known as active, to reconcile with their clusters. */
  listActive(): Promise<Array<JobRun & { definitionKey: DefinitionKey }>>;
  /** Retention: deletes finished runs older than `olderThan`, and beyond `keepPerDefinition`. */
  cleanup(options: {
    olderThan?: Date;
    keepPerDefinition?: number;
  }): Promise<number>;
}

/** The key of a definition as a string (also the active-slot value). */
export function definitionKeyString(key: DefinitionKey): string {
  return [key.cluster, key.namespace, key.kind, key.name].join('/');
}

interface Row {
  id: number;
  cluster: string;
  namespace: string;
  definition_kind: string;
  definition_name: string;
  definition_uid: string | null;
  entity_ref: string | null;
  job_name: string | null;
  job_uid: string | null;
  triggered_by: string | null;
  triggered_at: Date | string | number | null;
  killed_by: string | null;
  killed_at: Date | string | number | null;
  state: string;
  started_at: Date | string | number | null;
  finished_at: Date | string | number | null;
  duration_seconds: number | null;
  failure_reason: string | null;
  failure_message: string | null;
  removed_from_cluster: boolean | number;
  active_key: string | null;
  created_at: Date | string | number;
  updated_at: Date | string | number;
}

const ACTIVE_STATES: RunState[] = ['Pending', 'Running'];

/** Reservations younger than this are a run being created by some replica right now. */
const RESERVATION_GRACE_MS = 60_000;

function toDate(
  value: Date | string | number | null | undefined,
): Date | undefined {
  if (value === null || value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function toIso(
  value: Date | string | number | null | undefined,
): string | undefined {
  return toDate(value)?.toISOString();
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' || // PostgreSQL
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'ER_DUP_ENTRY' ||
    /UNIQUE constraint failed|duplicate key/i.test(e?.message ?? '')
  );
}

function rowToRun(row: Row): JobRun {
  return {
    cluster: row.cluster,
    namespace: row.namespace,
    name: row.job_name ?? '',
    uid: row.job_uid ?? '',
    definition: {
      kind: row.definition_kind as DefinitionKind,
      name: row.definition_name,
      uid: row.definition_uid ?? undefined,
    },
    isDefinition: Boolean(row.job_uid && row.job_uid === row.definition_uid),
    state: row.state as RunState,
    createdAt: toIso(row.created_at),
    startedAt: toIso(row.started_at),
    finishedAt: toIso(row.finished_at),
    durationSeconds: row.duration_seconds ?? undefined,
    triggeredBy: row.triggered_by ?? undefined,
    triggeredAt: toIso(row.triggered_at),
    killedBy: row.killed_by ?? undefined,
    killedAt: toIso(row.killed_at),
    // Pod counts are live data; history keeps the outcome, not the pods.
    pods: { active: 0, ready: 0, succeeded: 0, failed: 0, terminating: 0 },
    failure:
      row.failure_reason || row.failure_message
        ? {
            reason: row.failure_reason ?? undefined,
            message: row.failure_message ?? undefined,
          }
        : undefined,
    removedFromCluster: Boolean(row.removed_from_cluster),
  };
}

function runColumns(run: JobRun) {
  return {
    job_name: run.name,
    job_uid: run.uid,
    state: run.state,
    started_at: toDate(run.startedAt) ?? null,
    finished_at: toDate(run.finishedAt) ?? null,
    duration_seconds: run.durationSeconds ?? null,
    failure_reason: run.failure?.reason ?? null,
    failure_message: run.failure?.message ?? null,
    killed_by: run.killedBy ?? null,
    killed_at: toDate(run.killedAt) ?? null,
  };
}

/**
 * {@link RunStore} on Backstage's database service (SQLite in development, PostgreSQL in
 * production), with migrations shipped in the package.
 *
 * @public
 */
export class DatabaseRunStore implements RunStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseRunStore> {
    const knex = await options.database.getClient();
    if (!options.skipMigrations && !options.database.migrations?.skip) {
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@job-assistant/plugin-kubernetes-jobs-backend',
          'migrations',
        ),
      });
    }
    return new DatabaseRunStore(knex);
  }

  constructor(private readonly db: Knex) {}

  private forDefinition(key: DefinitionKey) {
    return this.db<Row>(TABLE).where({
      cluster: key.cluster,
      namespace: key.namespace,
      definition_kind: key.kind,
      definition_name: key.name,
    });
  }

  async reserve(
    key: DefinitionKey,
    run: {
      entityRef: string;
      triggeredBy: string;
      triggeredAt: Date;
      exclusive: boolean;
    },
  ): Promise<number> {
    const now = new Date();
    try {
      const [inserted] = await this.db<Row>(TABLE)
        .insert({
          cluster: key.cluster,
          namespace: key.namespace,
          definition_kind: key.kind,
          definition_name: key.name,
          entity_ref: run.entityRef,
          triggered_by: run.triggeredBy,
          triggered_at: run.triggeredAt,
          state: 'Pending',
          active_key: run.exclusive ? definitionKeyString(key) : null,
          removed_from_cluster: false,
          created_at: now,
          updated_at: now,
        })
        .returning('id');
      return typeof inserted === 'object'
        ? (inserted as { id: number }).id
        : inserted;
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          `${key.kind} '${key.name}' already has an active run (or one being started); wait for it to finish or kill it before starting another`,
        );
      }
      throw error;
    }
  }

  async attach(id: number, run: JobRun): Promise<void> {
    await this.db<Row>(TABLE)
      .where({ id })
      .update({
        ...runColumns(run),
        definition_uid: run.definition.uid ?? null,
        updated_at: new Date(),
      });
  }

  async discard(id: number): Promise<void> {
    await this.db<Row>(TABLE).where({ id }).delete();
  }

  async releaseIfInactive(
    key: DefinitionKey,
    options: { activeJobUids: Set<string>; checkedAt: Date },
  ): Promise<void> {
    const holders = await this.db<Row>(TABLE)
      .where({ active_key: definitionKeyString(key) })
      .select('id', 'job_uid', 'updated_at');
    for (const holder of holders) {
      const updatedAt = toDate(holder.updated_at)?.getTime() ?? 0;
      const stillCreating =
        !holder.job_uid && Date.now() - updatedAt < RESERVATION_GRACE_MS;
      const seenActive =
        holder.job_uid && options.activeJobUids.has(holder.job_uid);
      const writtenAfterCheck = updatedAt >= options.checkedAt.getTime();
      if (stillCreating || seenActive || writtenAfterCheck) continue;
      await this.db<Row>(TABLE)
        .where({ id: holder.id, active_key: definitionKeyString(key) })
        .update({ active_key: null });
    }
  }

  async recordFromCluster(
    key: DefinitionKey,
    entityRef: string | undefined,
    runs: JobRun[],
  ): Promise<void> {
    if (!runs.length) return;
    const existing = await this.db<Row>(TABLE)
      .whereIn(
        'job_uid',
        runs.map(r => r.uid),
      )
      .select('id', 'job_uid', 'state', 'active_key');
    const byUid = new Map(existing.map(row => [row.job_uid, row]));
    const now = new Date();
    for (const run of runs) {
      const row = byUid.get(run.uid);
      const active = ACTIVE_STATES.includes(run.state);
      if (row) {
        await this.db<Row>(TABLE)
          .where({ id: row.id })
          .update({
            ...runColumns(run),
            // A finished run gives its slot back.
            ...(active ? {} : { active_key: null }),
            removed_from_cluster: false,
            updated_at: now,
          });
      } else {
        // A run this backend did not create (another tool, a CronJob's schedule, the definition
        // itself): recorded so that it stays in history too.
        try {
          await this.db<Row>(TABLE).insert({
            cluster: key.cluster,
            namespace: key.namespace,
            definition_kind: key.kind,
            definition_name: key.name,
            definition_uid: run.definition.uid ?? null,
            entity_ref: entityRef ?? null,
            triggered_by: run.triggeredBy ?? null,
            triggered_at: toDate(run.triggeredAt ?? run.createdAt) ?? null,
            ...runColumns(run),
            active_key: null,
            removed_from_cluster: false,
            created_at: toDate(run.createdAt) ?? now,
            updated_at: now,
          });
        } catch (error) {
          // Another replica recorded it first.
          if (!isUniqueViolation(error)) throw error;
        }
      }
    }
  }

  async markRemoved(jobUids: string[]): Promise<void> {
    if (!jobUids.length) return;
    await this.db<Row>(TABLE).whereIn('job_uid', jobUids).update({
      removed_from_cluster: true,
      active_key: null,
      updated_at: new Date(),
    });
  }

  async markRemovedIfNotSeen(
    key: DefinitionKey,
    options: { seenJobUids: Set<string>; checkedAt: Date },
  ): Promise<void> {
    const candidates = await this.forDefinition(key)
      .whereNotNull('job_uid')
      .where({ removed_from_cluster: false })
      .where('updated_at', '<', options.checkedAt)
      .select('job_uid');
    const gone = candidates
      .map(row => row.job_uid as string)
      .filter(uid => !options.seenJobUids.has(uid));
    await this.markRemoved(gone);
  }

  async listRuns(
    key: DefinitionKey,
    options: { limit: number; before?: string },
  ): Promise<RunPage> {
    let query = this.forDefinition(key).whereNotNull('job_uid');
    if (options.before) {
      const beforeId = Number(options.before);
      if (Number.isInteger(beforeId)) query = query.where('id', '<', beforeId);
    }
    const rows = await query.orderBy('id', 'desc').limit(options.limit + 1);
    const page = rows.slice(0, options.limit);
    return {
      runs: page.map(rowToRun),
      nextCursor:
        rows.length > options.limit
          ? String(page[page.length - 1].id)
          : undefined,
    };
  }

  async listAllRuns(keys: DefinitionKey[]): Promise<Map<string, JobRun[]>> {
    const result = new Map<string, JobRun[]>(
      keys.map(k => [definitionKeyString(k), []]),
    );
    if (!keys.length) return result;
    const rows = await this.db<Row>(TABLE)
      .whereNotNull('job_uid')
      .where(builder => {
        for (const key of keys) {
          builder.orWhere({
            cluster: key.cluster,
            namespace: key.namespace,
            definition_kind: key.kind,
            definition_name: key.name,
          });
        }
      })
      .orderBy('id', 'desc');
    for (const row of rows) {
      result
        .get(
          definitionKeyString({
            cluster: row.cluster,
            namespace: row.namespace,
            kind: row.definition_kind as DefinitionKind,
            name: row.definition_name,
          }),
        )
        ?.push(rowToRun(row));
    }
    return result;
  }

  async listActive(): Promise<
    Array<JobRun & { definitionKey: DefinitionKey }>
  > {
    const rows = await this.db<Row>(TABLE)
      .whereIn('state', ACTIVE_STATES)
      .whereNotNull('job_uid')
      .where({ removed_from_cluster: false });
    return rows.map(row => ({
      ...rowToRun(row),
      definitionKey: {
        cluster: row.cluster,
        namespace: row.namespace,
        kind: row.definition_kind as DefinitionKind,
        name: row.definition_name,
      },
    }));
  }

  async cleanup(options: {
    olderThan?: Date;
    keepPerDefinition?: number;
  }): Promise<number> {
    let deleted = 0;
    const finished = () =>
      this.db<Row>(TABLE)
        .whereNotIn('state', ACTIVE_STATES)
        .whereNull('active_key');
    if (options.olderThan) {
      deleted += await finished()
        .where('created_at', '<', options.olderThan)
        .delete();
    }
    if (options.keepPerDefinition !== undefined) {
      const definitions = await this.db<Row>(TABLE).distinct(
        'cluster',
        'namespace',
        'definition_kind',
        'definition_name',
      );
      for (const d of definitions) {
        const keep = await this.db<Row>(TABLE)
          .where({
            cluster: d.cluster,
            namespace: d.namespace,
            definition_kind: d.definition_kind,
            definition_name: d.definition_name,
          })
          .orderBy('id', 'desc')
          .limit(options.keepPerDefinition)
          .select('id');
        deleted += await finished()
          .where({
            cluster: d.cluster,
            namespace: d.namespace,
            definition_kind: d.definition_kind,
            definition_name: d.definition_name,
          })
          .whereNotIn(
            'id',
            keep.map(k => k.id),
          )
          .delete();
      }
    }
    return deleted;
  }
}
