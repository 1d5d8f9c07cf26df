import { useCallback } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  DefinitionLocation,
  JobDefinition,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { kubernetesJobsApiRef } from '../apis';
import { ActionState, useAction } from './useAction';

/**
 * Pauses or resumes a CronJob's schedule. The backend's refusal (409 when its owners did not
 * opt in, 403 when not allowed) ends up in `error`.
 *
 * @public
 */
export function useSetSchedule(): ActionState<
  [definition: DefinitionLocation, entityRef: string, suspend: boolean],
  JobDefinition
> {
  const api = useApi(kubernetesJobsApiRef);
  const set = useCallback(
    (definition: DefinitionLocation, entityRef: string, suspend: boolean) =>
      api.setSchedule(definition, entityRef, suspend),
    [api],
  );
  return useAction(set);
}
