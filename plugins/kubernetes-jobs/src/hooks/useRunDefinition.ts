import { useCallback } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  DefinitionLocation,
  JobRun,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { kubernetesJobsApiRef } from '../apis';
import { ActionState, useAction } from './useAction';

/**
 * Starts a run of a definition. The backend's refusal (409 when a run is already active,
 * 403 when not allowed) ends up in `error`.
 *
 * @public
 */
export function useRunDefinition(): ActionState<
  [definition: DefinitionLocation, entityRef: string],
  JobRun
> {
  const api = useApi(kubernetesJobsApiRef);
  const run = useCallback(
    (definition: DefinitionLocation, entityRef: string) =>
      api.runDefinition(definition, entityRef),
    [api],
  );
  return useAction(run);
}
