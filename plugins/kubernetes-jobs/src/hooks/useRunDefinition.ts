import { useCallback } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { JobRun } from '@job-assistant/plugin-kubernetes-jobs-common';
import { DefinitionLocator, kubernetesJobsApiRef } from '../apis';
import { ActionState, useAction } from './useAction';

/**
 * Starts a run of a definition. The backend's refusal (409 when a run is already active,
 * 403 when not allowed) ends up in `error`.
 *
 * @public
 */
export function useRunDefinition(): ActionState<
  [definition: DefinitionLocator, entityRef: string],
  JobRun
> {
  const api = useApi(kubernetesJobsApiRef);
  const run = useCallback(
    (definition: DefinitionLocator, entityRef: string) =>
      api.runDefinition(definition, entityRef),
    [api],
  );
  return useAction(run);
}
