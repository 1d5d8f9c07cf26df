import {
  JobRun,
  RunEventList,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { PolledAsyncState } from './usePolledAsync';
import { usePolledRunData } from './usePolledRunData';

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
  return usePolledRunData(run, entityRef, (api, location, ref) =>
    api.getRunEvents(location, ref),
  );
}
