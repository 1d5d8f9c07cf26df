import { useCallback } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  JobRun,
  RunLocation,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { kubernetesJobsApiRef } from '../apis';
import { ActionState, useAction } from './useAction';

/**
 * Kills an active run. The backend's refusal (409 when it already finished, 403 when not
 * allowed) ends up in `error`.
 *
 * @public
 */
export function useKillRun(): ActionState<
  [run: RunLocation, entityRef: string],
  JobRun
> {
  const api = useApi(kubernetesJobsApiRef);
  const kill = useCallback(
    (run: RunLocation, entityRef: string) => api.killRun(run, entityRef),
    [api],
  );
  return useAction(kill);
}
