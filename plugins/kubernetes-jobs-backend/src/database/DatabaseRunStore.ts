import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  DefinitionStats,
  JobRun,
  ParameterValue,
  RunState,
  ACTIVE_STATES,
  isActiveState,
  DefinitionLocation,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { Knex } from 'knex';
import { toDate } from '../util/dates';
import {
  Row,
  TABLE,
  definitionKeyString,
  isUniqueViolation,
  FinishedRun,
  ObservedRun,
  RECORD_COLUMNS,
  RecordedRun,
  keyOfRow,
  progressColumns,
  rowToRun,
} from './rows';
import { SavedEvidence, getEvidence, saveEvidence } from './evidence';
import { observeRuns } from './observe';
import { statsFor } from './stats';
import { RunPage, RunStore } from './RunStore';
import { chunks } from '../util/chunks';

/** Reservations younger than this are a run being created by some replica right now. */
const RESERVATION_GRACE_MS = 60_000;

/**
 * {@link RunStore} on Backstage's database service (SQLite in development, PostgreSQL in
 * production), with migrations shipped in the package.
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

  private forDefinition(key: DefinitionLocation) {
    return this.db<Row>(TABLE).where({
      cluster: key.cluster,
      namespace: key.namespace,
      definition_kind: key.kind,
      definition_name: key.name,
    });
  }

  async reserve(
    key: DefinitionLocation,
    run: {
      entityRef: string;
      triggeredBy: string;
      triggeredAt: Date;
      exclusive: boolean;
      parameters?: Record<string, ParameterValue>;
      approvedBy?: string[];
      requestId?: string;
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
          trigger: 'portal',
          parameters:
            run.parameters && Object.keys(run.parameters).length
              ? JSON.stringify(run.parameters)
              : null,
          approved_by: run.approvedBy?.length
            ? JSON.stringify(run.approvedBy)
            : null,
          request_id: run.requestId ?? null,
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
          `${key.kind} '${key.name}' already has an active run (or one being started); wait for it to finish or stop it before starting another`,
        );
      }
      throw error;
    }
  }

  async attach(id: number, run: JobRun): Promise<void> {
    // Usually the tracker has not seen the Job yet: one statement fills in the reservation.
    // It changes nothing if the tracker already recognised it (job_uid set), and breaks the
    // unique job_uid if the tracker recorded the Job apart: both are settled below.
    try {
      const updated = await this.db<Row>(TABLE)
        .where({ id })
        .whereNull('job_uid')
        .update(attachedColumns(run));
      if (updated) return;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    // The tracker may insert the Job's record between our read and our write: then the
    // write breaks the unique job_uid, and the next attempt merges into that record.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.transaction(tx => this.attachOnce(tx, id, run));
        return;
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 3) throw error;
      }
    }
  }

  private async attachOnce(tx: Knex.Transaction, id: number, run: JobRun) {
    const tracked = await tx<Row>(TABLE)
      .where({ job_uid: run.uid })
      .first('id', 'state');
    if (tracked?.id === id) {
      // The tracker (of this replica or another) saw the Job first and recognised this very
      // reservation as its run: the record is complete, and newer than `run` may be.
      return;
    }
    if (!tracked) {
      await tx<Row>(TABLE).where({ id }).update(attachedColumns(run));
      return;
    }
    const reservation = await tx<Row>(TABLE)
      .where({ id })
      .first(
        'entity_ref',
        'triggered_by',
        'triggered_at',
        'active_key',
        'parameters',
        'approved_by',
        'request_id',
      );
    if (!reservation) return;
    await tx<Row>(TABLE).where({ id }).delete();
    await tx<Row>(TABLE)
      .where({ id: tracked.id })
      .update({
        entity_ref: reservation.entity_ref,
        triggered_by: reservation.triggered_by,
        triggered_at: reservation.triggered_at,
        parameters: reservation.parameters,
        approved_by: reservation.approved_by,
        request_id: reservation.request_id,
        trigger: 'portal',
        claimed_by: null,
        active_key: isActiveState(tracked.state as RunState)
          ? reservation.active_key
          : null,
        updated_at: new Date(),
      });
  }

  async discard(id: number, _key: DefinitionLocation): Promise<void> {
    await this.db<Row>(TABLE).where({ id }).delete();
  }

  async releaseIfInactive(
    key: DefinitionLocation,
    options: {
      activeJobUids: Set<string>;
      checkedAt: Date;
      knownJobUids?: Set<string>;
    },
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
      // A view that tells which Jobs it has seen (a watch cache) judges those whenever their
      // record was written, and no other; a list judges the records written before it was read.
      const judged =
        holder.job_uid && options.knownJobUids
          ? options.knownJobUids.has(holder.job_uid)
          : updatedAt < options.checkedAt.getTime();
      if (stillCreating || seenActive || !judged) continue;
      await this.db<Row>(TABLE)
        .where({ id: holder.id, active_key: definitionKeyString(key) })
        .update({ active_key: null });
    }
  }

  async observe(observed: ObservedRun[]): Promise<FinishedRun[]> {
    return (await observeRuns(this.db, observed)).finished;
  }

  observeChanges(observed: ObservedRun[]) {
    return observeRuns(this.db, observed);
  }

  saveEvidence(jobUid: string, evidence: SavedEvidence): Promise<boolean> {
    return saveEvidence(this.db, jobUid, evidence);
  }

  getEvidence(jobUid: string): Promise<SavedEvidence | undefined> {
    return getEvidence(this.db, jobUid);
  }

  async recordKill(
    jobUid: string,
    killedBy: string,
    killedAt: Date,
  ): Promise<void> {
    await this.db<Row>(TABLE).where({ job_uid: jobUid }).update({
      killed_by: killedBy,
      killed_at: killedAt,
      updated_at: new Date(),
    });
  }

  async markRemoved(jobUids: string[]): Promise<void> {
    if (!jobUids.length) return;
    await this.db<Row>(TABLE).whereIn('job_uid', jobUids).update({
      removed_from_cluster: true,
      active_key: null,
      updated_at: new Date(),
    });
  }

  async markRemovedExcept(
    scope: { cluster: string; namespace?: string },
    options: { presentJobUids: Set<string>; checkedAt: Date },
  ): Promise<void> {
    let query = this.db<Row>(TABLE)
      .where({ cluster: scope.cluster, removed_from_cluster: false })
      .whereNotNull('job_uid')
      .where('updated_at', '<', options.checkedAt);
    if (scope.namespace) query = query.where({ namespace: scope.namespace });
    const candidates = await query.select('job_uid');
    const gone = candidates
      .map(row => row.job_uid as string)
      .filter(uid => !options.presentJobUids.has(uid));
    for (const batch of chunks(gone, 500)) await this.markRemoved(batch);
  }

  async findRun(location: {
    cluster: string;
    namespace: string;
    name: string;
  }) {
    const row = (await this.db<Row>(TABLE)
      .where({
        cluster: location.cluster,
        namespace: location.namespace,
        job_name: location.name,
      })
      .orderBy('id', 'desc')
      .first(RECORD_COLUMNS)) as Row | undefined;
    if (!row) return undefined;
    return {
      ...rowToRun(row),
      definitionKey: keyOfRow(row),
      entityRef: row.entity_ref ?? undefined,
    };
  }

  async findRunOfRequest(requestId: string): Promise<JobRun | undefined> {
    const row = (await this.db<Row>(TABLE)
      .where({ request_id: requestId })
      .whereNotNull('job_uid')
      .first(RECORD_COLUMNS)) as Row | undefined;
    return row ? rowToRun(row) : undefined;
  }

  async listRunningNotSlowNotified(): Promise<RecordedRun[]> {
    const rows = (await this.db<Row>(TABLE)
      .where({ state: 'Running', removed_from_cluster: false })
      .whereNotNull('job_uid')
      .whereNull('slow_notified_at')
      .select(RECORD_COLUMNS)) as unknown as Row[];
    return rows.map(row => ({
      key: keyOfRow(row),
      run: rowToRun(row),
      triggeredBy: row.triggered_by ?? undefined,
      entityRef: row.entity_ref ?? undefined,
    }));
  }

  async claimSlowNotice(jobUid: string, at: Date): Promise<boolean> {
    const claimed = await this.db<Row>(TABLE)
      .where({ job_uid: jobUid })
      .whereNull('slow_notified_at')
      .update({ slow_notified_at: at });
    return claimed === 1;
  }

  stats(keys: DefinitionLocation[]): Promise<Map<string, DefinitionStats>> {
    return statsFor(this.db, keys);
  }

  async listRuns(
    key: DefinitionLocation,
    options: { limit: number; before?: string },
  ): Promise<RunPage> {
    let query = this.forDefinition(key)
      .select(RECORD_COLUMNS)
      .whereNotNull('job_uid');
    if (options.before) {
      const beforeId = Number(options.before);
      if (Number.isInteger(beforeId)) query = query.where('id', '<', beforeId);
    }
    const rows = (await query
      .orderBy('id', 'desc')
      .limit(options.limit + 1)) as unknown as Row[];
    const page = rows.slice(0, options.limit);
    return {
      runs: page.map(rowToRun),
      nextCursor:
        rows.length > options.limit
          ? String(page[page.length - 1].id)
          : undefined,
    };
  }

  async cleanup(options: {
    olderThan?: Date;
    keepPerDefinition?: number;
  }): Promise<number> {
    let deleted = 0;
    const finished = () =>
      this.db<Row>(TABLE)
        .whereNotIn('state', [...ACTIVE_STATES])
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

/** What attaching a created Job writes on its reservation. */
function attachedColumns(run: JobRun) {
  return {
    ...progressColumns(run),
    definition_uid: run.definition.uid ?? null,
    updated_at: new Date(),
  };
}
