import { useApi } from '@backstage/core-plugin-api';
import { DefinitionDetails } from '@job-assistant/plugin-kubernetes-jobs-common';
import { DefinitionLocator, kubernetesJobsApiRef } from '../apis';
import { isActiveRun } from '../utils/runs';
import { PolledAsyncState, usePolledAsync } from './usePolledAsync';

/**
 * One definition with its runs. Refreshes every few seconds while a run is active.
 *
 * @public
 */
export function useDefinitionDetails(
  definition: DefinitionLocator,
  entityRef: string,
): PolledAsyncState<DefinitionDetails> {
  const api = useApi(kubernetesJobsApiRef);
  const { cluster, namespace, kind, name } = definition;
  return usePolledAsync(
    () => api.getDefinition({ cluster, namespace, kind, name }, entityRef),
    [api, cluster, namespace, kind, name, entityRef],
    { pollWhile: value => value.runs.some(isActiveRun) },
  );
}
