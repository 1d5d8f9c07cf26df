import { useApi } from '@backstage/core-plugin-api';
import { JobRun, RunPod } from '@job-assistant/plugin-kubernetes-jobs-common';
import { kubernetesJobsApiRef } from '../apis';
import { isActiveRun } from '../utils/runs';
import { PolledAsyncState, usePolledAsync } from './usePolledAsync';

/**
 * Pods of a run. Refreshes while the run is active (a retried Job gets new pods).
 *
 * @public
 */
export function useRunPods(
  run: JobRun,
  entityRef: string,
): PolledAsyncState<RunPod[]> {
  const api = useApi(kubernetesJobsApiRef);
  const { cluster, namespace, name, state } = run;
  return usePolledAsync(
    () => api.getRunPods({ cluster, namespace, name }, entityRef),
    [api, cluster, namespace, name, entityRef, state],
    { pollWhile: () => isActiveRun(run) },
  );
}
