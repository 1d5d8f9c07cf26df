import { createApiRef } from '@backstage/core-plugin-api';
import {
  DefinitionDetails,
  DefinitionKind,
  DefinitionListResponse,
  JobRun,
  ObjectLocation,
  RunEvent,
  RunLogs,
  RunPod,
} from '@job-assistant/plugin-kubernetes-jobs-common';

/**
 * Identifies a definition: where it lives and whether it is a Job or a CronJob.
 *
 * @public
 */
export interface DefinitionLocator extends ObjectLocation {
  kind: DefinitionKind;
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
  }): Promise<DefinitionListResponse>;

  /** One definition with its stats and its runs, newest first. */
  getDefinition(
    definition: DefinitionLocator,
    entityRef: string,
  ): Promise<DefinitionDetails>;

  /** Starts a new run of a definition. Rejects with a 409 when a run is already active. */
  runDefinition(
    definition: DefinitionLocator,
    entityRef: string,
  ): Promise<JobRun>;

  /** One run. */
  getRun(run: ObjectLocation, entityRef: string): Promise<JobRun>;

  /** Stops an active run; it stays in the history as Killed. */
  killRun(run: ObjectLocation, entityRef: string): Promise<JobRun>;

  /** Recent Kubernetes events about a run and its pods. */
  getRunEvents(run: ObjectLocation, entityRef: string): Promise<RunEvent[]>;

  /** The pods of a run and their containers. */
  getRunPods(run: ObjectLocation, entityRef: string): Promise<RunPod[]>;

  /** Logs of one container of one pod of a run. */
  getRunLogs(
    run: ObjectLocation,
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
