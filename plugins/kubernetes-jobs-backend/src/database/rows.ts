import {
  DefinitionKind,
  DefinitionLocation,
  JobRun,
  RunState,
  RunTrigger,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { toDate, toIso } from '../util/dates';

export const TABLE = 'kubernetes_jobs_runs';

/** A run as the cluster shows it, with the definition it belongs to. */
export interface ObservedRun {
  key: DefinitionLocation;
  run: JobRun;
}

/** A record whose run reached a final state with this observation (and no earlier one). */
export interface FinishedRun {
  key: DefinitionLocation;
  run: JobRun;
  /** Who started it, from the record (written by the backend when it created the run). */
  triggeredBy?: string;
  entityRef?: string;
}

/** A run with what its record says of it: who started it from the portal, from which entity. */
export interface RecordedRun {
  key: DefinitionLocation;
  run: JobRun;
  triggeredBy?: string;
  entityRef?: string;
}

/** The key of a definition as a string (also the active-slot value). */
export function definitionKeyString(key: DefinitionLocation): string {
  return [key.cluster, key.namespace, key.kind, key.name].join('/');
}

type DbDate = Date | string | number | null;

export interface Row {
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
  triggered_at: DbDate;
  killed_by: string | null;
  killed_at: DbDate;
  state: string;
  started_at: DbDate;
  finished_at: DbDate;
  duration_seconds: number | null;
  failure_reason: string | null;
  failure_message: string | null;
  removed_from_cluster: boolean | number;
  active_key: string | null;
  trigger: string | null;
  claimed_by: string | null;
  failure_summary: string | null;
  attempts: number | null;
  evidence: string | null;
  evidence_saved_at: DbDate;
  parameters: string | null;
  approved_by: string | null;
  request_id: string | null;
  slow_notified_at?: DbDate;
  created_at: Date | string | number;
  updated_at: Date | string | number;
}

/**
 * Every column but the saved evidence (up to a few hundred KB per run): what lists, stats and
 * the tracker read. The evidence is read only for the one run that needs it.
 */
export const RECORD_COLUMNS: string[] = [
  'id',
  'cluster',
  'namespace',
  'definition_kind',
  'definition_name',
  'definition_uid',
  'entity_ref',
  'job_name',
  'job_uid',
  'triggered_by',
  'triggered_at',
  'killed_by',
  'killed_at',
  'state',
  'started_at',
  'finished_at',
  'duration_seconds',
  'failure_reason',
  'failure_message',
  'removed_from_cluster',
  'active_key',
  'trigger',
  'claimed_by',
  'failure_summary',
  'attempts',
  'evidence_saved_at',
  'parameters',
  'approved_by',
  'request_id',
  'created_at',
  'updated_at',
];

export function keyOfRow(row: Row): DefinitionLocation {
  return {
    cluster: row.cluster,
    namespace: row.namespace,
    kind: row.definition_kind as DefinitionKind,
    name: row.definition_name,
  };
}

export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' || // PostgreSQL
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'ER_DUP_ENTRY' ||
    /UNIQUE constraint failed|duplicate key/i.test(e?.message ?? '')
  );
}

export function rowToRun(row: Row): JobRun {
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
    trigger: (row.trigger as RunTrigger | null) ?? undefined,
    claimedTriggeredBy: row.claimed_by ?? undefined,
    killedBy: row.killed_by ?? undefined,
    killedAt: toIso(row.killed_at),
    failureSummary: row.failure_summary ?? undefined,
    attempts: row.attempts ?? undefined,
    evidenceSavedAt: toIso(row.evidence_saved_at),
    parameters: row.parameters ? JSON.parse(row.parameters) : undefined,
    approvedBy: row.approved_by ? JSON.parse(row.approved_by) : undefined,
    requestId: row.request_id ?? undefined,
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

/** What an observation of the cluster may change of a record: the run's progress. */
export function progressColumns(run: JobRun) {
  return {
    job_name: run.name,
    job_uid: run.uid,
    state: run.state,
    started_at: toDate(run.startedAt) ?? null,
    finished_at: toDate(run.finishedAt) ?? null,
    duration_seconds: run.durationSeconds ?? null,
    failure_reason: run.failure?.reason ?? null,
    failure_message: run.failure?.message ?? null,
    attempts: run.attempts ?? null,
  };
}

/** Whether a record already says what an observation says (nothing to write). */
export function recordsSame(row: Row, run: JobRun): boolean {
  const cols = progressColumns(run);
  const same = (a: DbDate, b: Date | null) =>
    (toDate(a)?.getTime() ?? null) === (b?.getTime() ?? null);
  return (
    row.state === cols.state &&
    row.job_name === cols.job_name &&
    same(row.started_at, cols.started_at) &&
    same(row.finished_at, cols.finished_at) &&
    // A float column may round (PostgreSQL's real): a hundredth of a second is the same.
    Math.abs((row.duration_seconds ?? -1) - (cols.duration_seconds ?? -1)) <
      0.01 &&
    (row.failure_reason ?? null) === cols.failure_reason &&
    (row.failure_message ?? null) === cols.failure_message &&
    (row.attempts ?? null) === cols.attempts &&
    !row.removed_from_cluster
  );
}
