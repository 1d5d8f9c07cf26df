import {
  JobRun,
  RunPodList,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { PolledAsyncState } from './usePolledAsync';
import { usePolledRunData } from './usePolledRunData';

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
  return usePolledRunData(run, entityRef, (api, location, ref) =>
    api.getRunPods(location, ref),
  );
}
