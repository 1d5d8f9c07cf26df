import { WarningPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  ClusterError,
  ClusterStatus,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { laggingClusters } from '../../utils/clusters';
import { formatRelativeTime, formatTimestamp } from '../../utils/format';

/**
 * Props of {@link ClusterErrorsPanel}.
 *
 * @public
 */
export interface ClusterErrorsPanelProps {
  errors: ClusterError[];
  /** How current each cluster's data is; those still loading or reconnecting are named. */
  clusters?: ClusterStatus[];
}

function LaggingCluster(props: { status: ClusterStatus }) {
  const { cluster, synced, staleSince, lastError } = props.status;
  return (
    <Alert severity="info" role="status">
      {synced ? (
        <span title={formatTimestamp(staleSince)}>
          Cluster {cluster}: showing data from {formatRelativeTime(staleSince)},
          reconnecting…
        </span>
      ) : (
        `Cluster ${cluster}: still loading, some of its Jobs may not be listed yet`
      )}
      {lastError && (
        <Typography variant="body2" color="textSecondary">
          {lastError}
        </Typography>
      )}
    </Alert>
  );
}

/**
 * Names the clusters that could not be read, and those still loading or reconnecting, so a
 * partial or out-of-date list is not mistaken for a full, current one.
 *
 * @public
 */
export function ClusterErrorsPanel(props: ClusterErrorsPanelProps) {
  const { errors } = props;
  const lagging = laggingClusters({ errors, clusters: props.clusters });
  if (errors.length === 0 && lagging.length === 0) {
    return null;
  }
  const names = errors.map(e => e.cluster).join(', ');
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 8 }}>
      {errors.length > 0 && (
        <WarningPanel
          severity="warning"
          title={
            errors.length === 1
              ? `Cluster ${names} could not be reached: its Jobs are missing below`
              : `Clusters ${names} could not be reached: their Jobs are missing below`
          }
          defaultExpanded
        >
          <ul>
            {errors.map(e => (
              <li key={e.cluster}>
                <strong>{e.cluster}</strong>: {e.message}
              </li>
            ))}
          </ul>
        </WarningPanel>
      )}
      {lagging.map(status => (
        <LaggingCluster key={status.cluster} status={status} />
      ))}
    </Box>
  );
}
