import { useApi } from '@backstage/core-plugin-api';
import { DefinitionListResponse } from '@job-assistant/plugin-kubernetes-jobs-common';
import { kubernetesJobsApiRef } from '../apis';
import { laggingClusters } from '../utils/clusters';
import { hasActiveRun } from '../utils/runs';
import { concernsCluster, concernsDefinition } from '../utils/signals';
import { PolledAsyncState, usePolledAsync } from './usePolledAsync';

/**
 * Lists definitions: those of one entity, or all the user may see when `entityRef` is absent.
 * Refreshes when the backend announces a change to one of them, or, without the signals
 * plugin, every few seconds while any of them has an active run.
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
    {
      pollWhile: value => value.items.some(hasActiveRun),
      // Every hint about a definition may concern the list of all definitions; an entity's
      // list, only hints about the definitions it shows. A cluster's health, when the list
      // shows that cluster (so "may be out of date" appears and goes as it changes).
      refreshOn: (signal, value) =>
        concernsCluster(signal, value?.clusters?.map(c => c.cluster) ?? []) ||
        (signal.type !== 'cluster' &&
          signal.type !== 'request' &&
          (!entityRef ||
            !!value?.items.some(item =>
              concernsDefinition(signal, item.definition),
            ))),
      // No hint says that a cluster finished its first list: ask until it did.
      pollEvenWithSignalsWhile: value => laggingClusters(value).length > 0,
    },
  );
}
