import {
  ClusterStatus,
  DefinitionListResponse,
} from '@job-assistant/plugin-kubernetes-jobs-common';

/**
 * The clusters whose part of a list may be incomplete or out of date: still loading, or not
 * answering (a broken watch, or an apiserver that stopped answering) and showing what they last
 * said. Clusters that could not be read at all are in `errors` instead, and are not repeated here.
 */
export function laggingClusters(
  response: Pick<DefinitionListResponse, 'errors' | 'clusters'>,
): ClusterStatus[] {
  const failed = new Set(response.errors.map(e => e.cluster));
  return (response.clusters ?? []).filter(
    c => !failed.has(c.cluster) && (!c.synced || c.staleSince !== undefined),
  );
}
