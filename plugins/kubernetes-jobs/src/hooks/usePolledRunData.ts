import { useApi } from '@backstage/core-plugin-api';
import {
  JobRun,
  RunLocation,
  concernsRun,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { KubernetesJobsApi, kubernetesJobsApiRef } from '../apis';
import { isActiveRun } from '../utils/runs';
import { PolledAsyncState, usePolledAsync } from './usePolledAsync';

/**
 * Loads something about a run that changes while the run is active (its pods, its events).
 * Refreshes while the run is active, on the backend's hints about it or by polling without the
 * signals plugin, and once more when its state changes, so what explains how it ended shows up.
 *
 * `load` must use nothing but its arguments: a new `load` alone does not load again.
 */
export function usePolledRunData<T>(
  run: JobRun,
  entityRef: string,
  load: (
    api: KubernetesJobsApi,
    run: RunLocation,
    entityRef: string,
  ) => Promise<T>,
): PolledAsyncState<T> {
  const api = useApi(kubernetesJobsApiRef);
  const { cluster, namespace, name, state } = run;
  return usePolledAsync(
    () => load(api, { cluster, namespace, name }, entityRef),
    [api, cluster, namespace, name, entityRef, state],
    {
      pollWhile: () => isActiveRun(run),
      // A finished run no longer changes; the refresh when its state changed (a
      // dependency above) already showed how it ended.
      refreshOn: signal => isActiveRun(run) && concernsRun(signal, run),
    },
  );
}
