import { useApi } from '@backstage/core-plugin-api';
import { RunRequestList } from '@job-assistant/plugin-kubernetes-jobs-common';
import { kubernetesJobsApiRef } from '../apis';
import { PolledAsyncState, usePolledAsync } from './usePolledAsync';

/** How often the list is asked for again without the signals plugin. */
const PENDING_POLL_MS = 30_000;

/**
 * Run requests still waiting: those the user may see, only those asked through one entity
 * (`entityRef`), or only those the user may approve now (`waitingForMe`). Refreshes on every
 * request hint (any of them may belong to the list), or, without the signals plugin, every
 * 30 seconds.
 *
 * @public
 */
export function usePendingRunRequests(
  options: {
    entityRef?: string;
    waitingForMe?: boolean;
  } = {},
): PolledAsyncState<RunRequestList> {
  const { entityRef, waitingForMe } = options;
  const api = useApi(kubernetesJobsApiRef);
  return usePolledAsync(
    async () => {
      const list = await api.listRunRequests(
        waitingForMe ? { waitingForMe } : undefined,
      );
      return entityRef
        ? { items: list.items.filter(r => r.entityRef === entityRef) }
        : list;
    },
    [api, entityRef, waitingForMe],
    {
      pollWhile: () => true,
      refreshOn: signal => signal.type === 'request',
      intervalMs: PENDING_POLL_MS,
    },
  );
}
