import { useApi } from '@backstage/core-plugin-api';
import { JobRun, RunLogs } from '@job-assistant/plugin-kubernetes-jobs-common';
import { kubernetesJobsApiRef } from '../apis';
import { isActiveRun } from '../utils/runs';
import { PolledAsyncState, usePolledAsync } from './usePolledAsync';

/** How much of a log the viewer asks for. */
export const LOG_TAIL_LINES = 2000;

/**
 * Logs of one container of a pod of a run. With `follow`, refreshes while the run is active.
 * Does nothing until a pod is chosen.
 *
 * @public
 */
export function useRunLogs(
  run: JobRun,
  entityRef: string,
  options: { pod?: string; container?: string; follow: boolean },
): PolledAsyncState<RunLogs | undefined> {
  const api = useApi(kubernetesJobsApiRef);
  const { cluster, namespace, name, state } = run;
  const { pod, container, follow } = options;
  return usePolledAsync(
    async () =>
      pod
        ? api.getRunLogs({ cluster, namespace, name }, entityRef, {
            pod,
            container,
            tailLines: LOG_TAIL_LINES,
          })
        : undefined,
    [api, cluster, namespace, name, entityRef, pod, container, state],
    // No `refreshOn`: the backend announces changes of runs, not new log lines, so following
    // the log of an active run polls even when the app has the signals plugin.
    { pollWhile: () => follow && isActiveRun(run) && pod !== undefined },
  );
}
