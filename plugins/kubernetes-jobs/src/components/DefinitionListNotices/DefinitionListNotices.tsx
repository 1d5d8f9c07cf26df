import { DefinitionListResponse } from '@job-assistant/plugin-kubernetes-jobs-common';
import { ClusterErrorsPanel } from '../ClusterErrorsPanel/ClusterErrorsPanel';
import { RefreshErrorAlert } from '../JobsErrorPanel/JobsErrorPanel';

/** Props of {@link DefinitionListNotices}. */
export interface DefinitionListNoticesProps {
  /** The list as last loaded. */
  list: DefinitionListResponse;
  /** Why the last refresh failed, while the list loaded before is still shown. */
  error?: Error;
}

/**
 * What to know before reading a list of definitions: that it could not be refreshed, which
 * clusters are missing from it or behind, and whether run history is unavailable.
 */
export function DefinitionListNotices(props: DefinitionListNoticesProps) {
  const { list, error } = props;
  return (
    <>
      {error && <RefreshErrorAlert error={error} />}
      <ClusterErrorsPanel
        errors={list.errors}
        clusters={list.clusters}
        historyUnavailable={list.historyUnavailable}
      />
    </>
  );
}
