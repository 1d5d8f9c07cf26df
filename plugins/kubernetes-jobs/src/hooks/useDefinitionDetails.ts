import { useApi } from '@backstage/core-plugin-api';
import {
  DefinitionDetails,
  DefinitionLocation,
  concernsDefinition,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { kubernetesJobsApiRef } from '../apis';
import { isActiveRun } from '../utils/runs';
import { PolledAsyncState, usePolledAsync } from './usePolledAsync';

/**
 * One definition with the first page of its runs. Refreshes when the backend announces a
 * change to the definition or one of its runs, or, without the signals plugin, every few
 * seconds while a run is active.
 *
 * @public
 */
export function useDefinitionDetails(
  definition: DefinitionLocation,
  entityRef: string,
): PolledAsyncState<DefinitionDetails> {
  const api = useApi(kubernetesJobsApiRef);
  const { cluster, namespace, kind, name } = definition;
  return usePolledAsync(
    () => api.getDefinition({ cluster, namespace, kind, name }, entityRef),
    [api, cluster, namespace, kind, name, entityRef],
    {
      pollWhile: value => value.runs.some(isActiveRun),
      refreshOn: signal =>
        concernsDefinition(signal, { cluster, namespace, kind, name }),
    },
  );
}
