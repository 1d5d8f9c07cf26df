import {
  DefinitionStats,
  JobRun,
  ParameterValue,
  DefinitionLocation,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { FinishedRun, ObservedRun, RecordedRun } from './rows';
import { SavedEvidence } from './evidence';

export type { SavedEvidence } from './evidence';
export { definitionKeyString } from './rows';

/** One page of a definition's history, newest first. */
export interface RunPage {
  runs: JobRun[];
  /** Pass as `before` to get the next page; absent on the last page. */
  nextCursor?: string;
}

export type { FinishedRun, ObservedRun, RecordedRun } from './rows';

/**
 * Run history that outlives the Jobs, and the cross-replica half of the one-active-run guard.
 * The run tracker is its one writer of what clusters show; Run and Kill write who did what.
 */
export interface RunStore {
  /**
   * Takes the one-active-run slot of a definition before its Job is created. Throws a
   * ConflictError when another run (possibly being created by another backend replica) holds it.
   * Returns the id of the reservation, to `attach` the created Job to or `discard`.
   */
  reserve(
    key: DefinitionLocation,
    run: {
      entityRef: string;
      triggeredBy: string;
      triggeredAt: Date;
      exclusive: boolean;
      parameters?: Record<string, ParameterValue>;
      /** Who approved it, for a run a request started. */
      approvedBy?: string[];
      /** The run request that started it. */
      requestId?: string;
    },
  ): Promise<number>;
  /**
   * Records the Job created for a reservation. When the run tracker recorded the Job first
   * (its watch can be faster than the create call's answer), that record keeps its progress
   * and takes the reservation's trusted fields (who, when, the active slot).
   */
  attach(id: number, run: JobRun): Promise<void>;
  /**
   * Drops a reservation whose Job was not created. `key` is the definition it was made for:
   * only that definition's answers change.
   */
  discard(id: number, key: DefinitionLocation): Promise<void>;
  /**
   * Frees the slot of a definition when the run holding it is no longer active in the cluster.
   * Only records written before `checkedAt` are freed: a run created by another replica after the
   * cluster was read is not mistaken for a finished one. `knownJobUids` is for a view of the
   * cluster that may not have seen every Job yet (a watch cache): a slot held by a Job it knows
   * is judged by it, whenever the record was written; a slot held by a Job it does not know is
   * left alone (the run tracker frees it once that Job ends or goes).
   */
  releaseIfInactive(
    key: DefinitionLocation,
    options: {
      activeJobUids: Set<string>;
      checkedAt: Date;
      knownJobUids?: Set<string>;
    },
  ): Promise<void>;
  /**
   * Records what clusters show: new runs get a record, known ones move forward (Pending, then
   * Running, then a final state; never back, never from one final state to another), so
   * replicas and late observations cannot undo each other. Idempotent by Job uid. Returns the
   * runs that this call saw finish, exactly once across replicas.
   */
  observe(runs: ObservedRun[]): Promise<FinishedRun[]>;
  /**
   * {@link RunStore.observe}, also saying which observations changed a record (the others
   * found it as observed and wrote nothing).
   */
  observeChanges(
    runs: ObservedRun[],
  ): Promise<{ finished: FinishedRun[]; written: ObservedRun[] }>;
  /**
   * Keeps what a run left behind (log tails, events, pods, the failure in words) with its
   * record. The first save wins (a Stop saves right after its answer; the tracker
   * saves when it sees a run end): returns false when evidence was already saved.
   */
  saveEvidence(jobUid: string, evidence: SavedEvidence): Promise<boolean>;
  /** What was saved when the run ended. */
  getEvidence(jobUid: string): Promise<SavedEvidence | undefined>;
  /**
   * Records who killed a run, as the backend saw the request. `key`, the run's definition,
   * tells whoever keeps its stats which one changed.
   */
  recordKill(
    jobUid: string,
    killedBy: string,
    killedAt: Date,
    key?: DefinitionLocation,
  ): Promise<void>;
  /** Marks runs whose Job no longer exists. Their last known state stays. */
  markRemoved(jobUids: string[]): Promise<void>;
  /**
   * After a full list of a cluster's Jobs (in one namespace, or all): marks the records the list
   * did not show as removed. Records written after `checkedAt` are left alone.
   */
  markRemovedExcept(
    scope: { cluster: string; namespace?: string },
    options: { presentJobUids: Set<string>; checkedAt: Date },
  ): Promise<void>;
  /** A page of a definition's history, newest first (keyset on the record id). */
  listRuns(
    key: DefinitionLocation,
    options: { limit: number; before?: string },
  ): Promise<RunPage>;
  /** The newest record of a run by its Job name. */
  findRun(location: {
    cluster: string;
    namespace: string;
    name: string;
  }): Promise<
    | (JobRun & { definitionKey: DefinitionLocation; entityRef?: string })
    | undefined
  >;
  /** The run a request started, when one was recorded (to tell an interrupted start). */
  findRunOfRequest(requestId: string): Promise<JobRun | undefined>;
  /**
   * Runs recorded as Running (and still in their cluster) whose slowness was not yet claimed:
   * the few that the slow-run check looks at, never the whole history.
   */
  listRunningNotSlowNotified(): Promise<RecordedRun[]>;
  /**
   * Claims telling of a slow run: true for exactly one caller per run, across replicas and
   * restarts.
   */
  claimSlowNotice(jobUid: string, at: Date): Promise<boolean>;
  /** Stats of many definitions, in a fixed number of queries. */
  stats(keys: DefinitionLocation[]): Promise<Map<string, DefinitionStats>>;
  /** Retention: deletes finished runs older than `olderThan`, and beyond `keepPerDefinition`. */
  cleanup(options: {
    olderThan?: Date;
    keepPerDefinition?: number;
  }): Promise<number>;
}
