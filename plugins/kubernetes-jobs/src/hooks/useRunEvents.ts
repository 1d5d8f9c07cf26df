import { useApi } from '@backstage/core-plugin-api';
import {
  JobRun,
  RunEventList,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { kubernetesJobsApiRef } from '../apis';
import { isActiveRun } from '../utils/runs';
import { concernsRun } from '../utils/signals';
import { PolledAsyncState, usePolledAsync } from './usePolledAsync';

/**
 * Kubernetes events of a run. Refreshes while the run is active (on the backend's hints about
 * it, or by polling without the signals plugin), and once more when its state changes, so the
 * events that explain how it ended show up.
 *
 * @public
 */
export function useRunEvents(
  run: JobRun,
  entityRef: string,
): PolledAsyncState<RunEventList> {
  const api = useApi(kubernetesJobsApiRef);
  const { cluster, namespace, name, state } = run;
  return usePolledAsync(
    () => api.getRunEvents({ cluster, namespace, name }, entityRef),
    [api, cluster, namespace, name, entityRef, state],
    {
      pollWhile: () => isActiveRun(run),
      // A finished run no longer changes; the refresh when its state changed (a
      // dependency above) already showed how it ended.
      refreshOn: signal => isActiveRun(run) && concernsRun(signal, run),
    },
  );
}
