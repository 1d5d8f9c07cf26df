import { useCallback } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { RunRequest } from '@job-assistant/plugin-kubernetes-jobs-common';
import { kubernetesJobsApiRef } from '../apis';
import { ActionState, useAction } from './useAction';

/**
 * An approver's decision on a run request: approve or reject it, with an optional comment. The
 * backend's refusal (403 for one's own request, 409 when it no longer waits) ends up in `error`.
 *
 * @public
 */
export function useDecideRunRequest(): ActionState<
  [request: RunRequest, decision: 'approve' | 'reject', comment?: string],
  RunRequest
> {
  const api = useApi(kubernetesJobsApiRef);
  const decide = useCallback(
    (request: RunRequest, decision: 'approve' | 'reject', comment?: string) =>
      decision === 'approve'
        ? api.approveRunRequest(request.id, request.entityRef, comment)
        : api.rejectRunRequest(request.id, request.entityRef, comment),
    [api],
  );
  return useAction(decide);
}

/**
 * Cancels a run request that still waits. The backend's refusal (403 for someone else's
 * request without the kill permission, 409 once it started or ended) ends up in `error`.
 *
 * @public
 */
export function useCancelRunRequest(): ActionState<
  [request: RunRequest],
  RunRequest
> {
  const api = useApi(kubernetesJobsApiRef);
  const cancel = useCallback(
    (request: RunRequest) =>
      api.cancelRunRequest(request.id, request.entityRef),
    [api],
  );
  return useAction(cancel);
}
