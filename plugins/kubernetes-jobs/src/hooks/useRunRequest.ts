import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/core-plugin-api';
import { RunRequest } from '@job-assistant/plugin-kubernetes-jobs-common';
import { kubernetesJobsApiRef } from '../apis';

/**
 * One run request, read once (a request that started a run no longer changes). Nothing to
 * read without an id.
 */
export function useRunRequest(
  id: string | undefined,
  entityRef: string,
): { value?: RunRequest; error?: Error; loading: boolean } {
  const api = useApi(kubernetesJobsApiRef);
  return useAsync(
    async () => (id ? api.getRunRequest(id, entityRef) : undefined),
    [api, id, entityRef],
  );
}
