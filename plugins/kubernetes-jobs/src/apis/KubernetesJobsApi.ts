import { createApiRef } from '@backstage/core-plugin-api';
import {
  DefinitionDetails,
  DefinitionListResponse,
  DefinitionPageQuery,
  DefinitionLocation,
  JobDefinition,
  JobRun,
  ParameterValue,
  RunEventList,
  RunHistoryPage,
  RunLocation,
  RunLogs,
  RunPodList,
  RunRequest,
  RunRequestList,
} from '@job-assistant/plugin-kubernetes-jobs-common';

/**
 * Options of {@link KubernetesJobsApi.getRunHistory}.
 *
 * @public
 */
export interface GetRunHistoryOptions {
  /** The `nextCursor` of the page before. */
  cursor: string;
  /** How many runs to return (the backend allows 1 to 200, and defaults to 50). */
  limit?: number;
}

/**
 * Options of {@link KubernetesJobsApi.getRunLogs}.
 *
 * @public
 */
export interface GetRunLogsOptions {
  /** Pod to read; the backend picks the newest pod of the run when absent. */
  pod?: string;
  /** Container to read; the backend picks the first container when absent. */
  container?: string;
  /** Only the last lines of the log. */
  tailLines?: number;
}

/**
 * What {@link KubernetesJobsApi.requestRun} asks for.
 *
 * @public
 */
export interface RequestRunOptions {
  /** Values for the parameters the definition declares. */
  parameters?: Record<string, ParameterValue>;
  /**
   * Not before this time: ISO 8601 with its zone (`2026-12-07T02:00:00+01:00`). Absent: as soon
   * as it may (once approved, when the definition needs approval).
   */
  at?: string;
}

/**
 * Talks to the kubernetes-jobs backend.
 *
 * @remarks
 * Every call that concerns one definition or run names the catalog entity it belongs to,
 * because permissions are checked on that entity.
 *
 * @public
 */
export interface KubernetesJobsApi {
  /**
   * Lists definitions with their stats: those of one entity, or, without `entityRef`,
   * every definition the user may see across clusters.
   */
  getDefinitions(options?: {
    entityRef?: string;
    /**
     * One page of every definition (not with `entityRef`): filtered, sorted, from a cursor;
     * the answer then carries `total`, `available`, `facets` and `nextCursor`.
     */
    page?: DefinitionPageQuery;
  }): Promise<DefinitionListResponse>;

  /**
   * One definition with its stats and the first page of its runs, newest first;
   * `nextCursor` leads to older runs.
   */
  getDefinition(
    definition: DefinitionLocation,
    entityRef: string,
  ): Promise<DefinitionDetails>;

  /** A page of older runs of a definition, newest first, from a `nextCursor`. */
  getRunHistory(
    definition: DefinitionLocation,
    entityRef: string,
    options: GetRunHistoryOptions,
  ): Promise<RunHistoryPage>;

  /**
   * Starts a new run of a definition, with values for the parameters it declares. Rejects with
   * a 409 when a run is already active, a 400 naming the parameter (`parameters.NAME: why`)
   * when a value is refused.
   */
  runDefinition(
    definition: DefinitionLocation,
    entityRef: string,
    parameters?: Record<string, ParameterValue>,
  ): Promise<JobRun>;

  /**
   * Pauses (`suspend: true`) or resumes a CronJob's schedule. Only for CronJobs whose owners
   * opted in (`scheduleControl`); rejects with a 409 otherwise. Answers the definition as it is
   * now.
   */
  setSchedule(
    definition: DefinitionLocation,
    entityRef: string,
    suspend: boolean,
  ): Promise<JobDefinition>;

  /**
   * Asks for a run that waits for a time, for approvals, or both. Rejects with a 400 naming
   * `at` when the time is in the past or too far ahead, or naming a refused parameter.
   */
  requestRun(
    definition: DefinitionLocation,
    entityRef: string,
    options?: RequestRunOptions,
  ): Promise<RunRequest>;

  /** The run requests of a definition asked through the entity: those still waiting first. */
  getRunRequests(
    definition: DefinitionLocation,
    entityRef: string,
  ): Promise<RunRequestList>;

  /**
   * Run requests still waiting whose Jobs the user may see; with `waitingForMe`, only those the
   * user may approve now.
   */
  listRunRequests(options?: {
    waitingForMe?: boolean;
  }): Promise<RunRequestList>;

  /** One run request. */
  getRunRequest(id: string, entityRef: string): Promise<RunRequest>;

  /**
   * Approves a run request, with an optional comment. Rejects with a 403 for one's own request,
   * a 409 when it no longer waits.
   */
  approveRunRequest(
    id: string,
    entityRef: string,
    comment?: string,
  ): Promise<RunRequest>;

  /** Rejects a run request, with an optional comment: it ends `Rejected`. */
  rejectRunRequest(
    id: string,
    entityRef: string,
    comment?: string,
  ): Promise<RunRequest>;

  /** Cancels a run request that still waits: it ends `Cancelled`. */
  cancelRunRequest(id: string, entityRef: string): Promise<RunRequest>;

  /** One run. */
  getRun(run: RunLocation, entityRef: string): Promise<JobRun>;

  /**
   * Stops an active run (the portal says "Stop"; the API and the permission say "kill"). It
   * stays in the history in state `Killed`.
   */
  killRun(run: RunLocation, entityRef: string): Promise<JobRun>;

  /**
   * Kubernetes events about a run and its pods: live, or, with `savedAt`, those saved when the
   * run ended (Kubernetes keeps events for about an hour).
   */
  getRunEvents(run: RunLocation, entityRef: string): Promise<RunEventList>;

  /**
   * The pods of a run and their containers: live, or, with `savedAt`, those saved when the run
   * ended, once Kubernetes deleted them.
   */
  getRunPods(run: RunLocation, entityRef: string): Promise<RunPodList>;

  /**
   * Logs of one container of one pod of a run; with `savedAt`, the tail saved when the run
   * ended.
   */
  getRunLogs(
    run: RunLocation,
    entityRef: string,
    options?: GetRunLogsOptions,
  ): Promise<RunLogs>;
}

/**
 * Reference to the {@link KubernetesJobsApi}.
 *
 * @public
 */
export const kubernetesJobsApiRef = createApiRef<KubernetesJobsApi>({
  id: 'plugin.kubernetes-jobs.service',
});
