import { useCallback } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  DefinitionLocation,
  RunRequest,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { RequestRunOptions, kubernetesJobsApiRef } from '../apis';
import { ActionState, useAction } from './useAction';

/**
 * Asks for a run that waits for a time, for approvals, or both. The backend's refusal (400
 * naming `at` or a parameter, 403 when not allowed) ends up in `error`.
 *
 * @public
 */
export function useRequestRun(): ActionState<
  [
    definition: DefinitionLocation,
    entityRef: string,
    options?: RequestRunOptions,
  ],
  RunRequest
> {
  const api = useApi(kubernetesJobsApiRef);
  const request = useCallback(
    (
      definition: DefinitionLocation,
      entityRef: string,
      options?: RequestRunOptions,
    ) => api.requestRun(definition, entityRef, options),
    [api],
  );
  return useAction(request);
}
