import { useCallback } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  DefinitionLocation,
  JobRun,
  ParameterValue,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { kubernetesJobsApiRef } from '../apis';
import { ActionState, useAction } from './useAction';

/**
 * Starts a run of a definition, with values for its parameters. The backend's refusal (409
 * when a run is already active, 403 when not allowed, 400 naming a refused parameter) ends up
 * in `error`.
 *
 * @public
 */
export function useRunDefinition(): ActionState<
  [
    definition: DefinitionLocation,
    entityRef: string,
    parameters?: Record<string, ParameterValue>,
  ],
  JobRun
> {
  const api = useApi(kubernetesJobsApiRef);
  const run = useCallback(
    (
      definition: DefinitionLocation,
      entityRef: string,
      parameters?: Record<string, ParameterValue>,
    ) =>
      parameters
        ? api.runDefinition(definition, entityRef, parameters)
        : api.runDefinition(definition, entityRef),
    [api],
  );
  return useAction(run);
}
