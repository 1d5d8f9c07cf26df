import { useApi } from '@backstage/core-plugin-api';
import {
  JobRun,
  RunPodList,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { kubernetesJobsApiRef } from '../apis';
import { isActiveRun } from '../utils/runs';
import { concernsRun } from '../utils/signals';
import { PolledAsyncState, usePolledAsync } from './usePolledAsync';

/**
 * Pods of a run. Refreshes while the run is active (a retried Job gets new pods): on the
 * backend's hints about the run, or by polling without the signals plugin.
 *
 * @public
 */
export function useRunPods(
  run: JobRun,
  entityRef: string,
): PolledAsyncState<RunPodList> {
  const api = useApi(kubernetesJobsApiRef);
  const { cluster, namespace, name, state } = run;
  return usePolledAsync(
    () => api.getRunPods({ cluster, namespace, name }, entityRef),
    [api, cluster, namespace, name, entityRef, state],
    {
      pollWhile: () => isActiveRun(run),
      // A finished run no longer changes; the refresh when its state changed (a
      // dependency above) already showed how it ended.
      refreshOn: signal => isActiveRun(run) && concernsRun(signal, run),
    },
  );
}
