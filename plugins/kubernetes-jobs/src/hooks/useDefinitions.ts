import { useApi } from '@backstage/core-plugin-api';
import { DefinitionListResponse } from '@job-assistant/plugin-kubernetes-jobs-common';
import { kubernetesJobsApiRef } from '../apis';
import { hasActiveRun } from '../utils/runs';
import { PolledAsyncState, usePolledAsync } from './usePolledAsync';

/**
 * Lists definitions: those of one entity, or all the user may see when `entityRef` is absent.
 * Refreshes every few seconds while any of them has an active run.
 *
 * @public
 */
export function useDefinitions(options: {
  entityRef?: string;
}): PolledAsyncState<DefinitionListResponse> {
  const { entityRef } = options;
  const api = useApi(kubernetesJobsApiRef);
  return usePolledAsync(
    () => api.getDefinitions({ entityRef }),
    [api, entityRef],
    { pollWhile: value => value.items.some(hasActiveRun) },
  );
}
