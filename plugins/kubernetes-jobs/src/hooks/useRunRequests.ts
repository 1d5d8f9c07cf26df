import { useApi } from '@backstage/core-plugin-api';
import {
  DefinitionLocation,
  RunRequestList,
  isPendingRequestState,
  concernsRequests,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { kubernetesJobsApiRef } from '../apis';
import { PolledAsyncState, usePolledAsync } from './usePolledAsync';

/**
 * The run requests of a definition asked through an entity, those still waiting first.
 * Refreshes when the backend announces a change to one of them, or, without the signals
 * plugin, every few seconds while one still waits.
 *
 * @public
 */
export function useRunRequests(
  definition: DefinitionLocation,
  entityRef: string,
): PolledAsyncState<RunRequestList> {
  const api = useApi(kubernetesJobsApiRef);
  const { cluster, namespace, kind, name } = definition;
  return usePolledAsync(
    () => api.getRunRequests({ cluster, namespace, kind, name }, entityRef),
    [api, cluster, namespace, kind, name, entityRef],
    {
      pollWhile: value =>
        value.items.some(request => isPendingRequestState(request.state)),
      refreshOn: signal =>
        concernsRequests(signal, { cluster, namespace, kind, name }),
    },
  );
}
