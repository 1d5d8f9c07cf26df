import { useApi } from '@backstage/core-plugin-api';
import {
  DefinitionListResponse,
  DefinitionPageQuery,
  concernsCluster,
  concernsDefinition,
  concernsPage,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { kubernetesJobsApiRef } from '../apis';
import { laggingClusters } from '../utils/clusters';
import { hasActiveRun } from '../utils/runs';
import { PolledAsyncState, usePolledAsync } from './usePolledAsync';

/**
 * Lists definitions: those of one entity, or all the user may see when `entityRef` is absent,
 * whole or one `page` at a time. Refreshes when the backend announces a change that concerns
 * what is shown, or, without the signals plugin, every few seconds while any of them has an
 * active run.
 *
 * @public
 */
export function useDefinitions(options: {
  entityRef?: string;
  page?: DefinitionPageQuery;
}): PolledAsyncState<DefinitionListResponse> {
  const { entityRef, page } = options;
  const api = useApi(kubernetesJobsApiRef);
  const pageKey = JSON.stringify(page ?? null);
  return usePolledAsync(
    () => api.getDefinitions({ entityRef, ...(page ? { page } : {}) }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, entityRef, pageKey],
    {
      pollWhile: value => value.items.some(hasActiveRun),
      // A page: only hints that may change it (concernsPage says which). An entity's list: the
      // hints about the definitions it shows. The whole list: every hint about a definition.
      // And a cluster's health, when the list shows that cluster (so "may be out of date"
      // appears and goes as it changes).
      refreshOn: (signal, value) => {
        const clusters = value?.clusters?.map(c => c.cluster) ?? [];
        if (page) {
          return concernsPage(signal, {
            query: page,
            items: value?.items ?? [],
            hasNext: !!value?.nextCursor,
            clusters,
          });
        }
        return (
          concernsCluster(signal, clusters) ||
          (signal.type !== 'cluster' &&
            signal.type !== 'request' &&
            (!entityRef ||
              !!value?.items.some(item =>
                concernsDefinition(signal, item.definition),
              )))
        );
      },
      // No hint says that a cluster finished its first list: ask until it did.
      pollEvenWithSignalsWhile: value => laggingClusters(value).length > 0,
    },
  );
}
