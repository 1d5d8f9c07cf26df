import { WarningPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  ClusterError,
  ClusterStatus,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { laggingClusters } from '../../utils/clusters';
import { distinct } from '../../utils/filters';
import { describeKind } from '../../utils/words';
import { formatRelativeTime, formatTimestamp } from '../../utils/format';

/**
 * Props of {@link ClusterErrorsPanel}.
 *
 * @public
 */
export interface ClusterErrorsPanelProps {
  errors: ClusterError[];
  /** How current each cluster's data is; those still loading or not answering are named. */
  clusters?: ClusterStatus[];
  /** Run history cannot be read right now: said in plain words. */
  historyUnavailable?: boolean;
}

/**
 * Says that run history cannot be read (the backend's database is away): counts and past runs
 * cover only what the cluster still keeps, and runs cannot be started until it is back.
 *
 * @public
 */
export function HistoryUnavailableAlert() {
  return (
    <Alert severity="warning" role="status">
      Run history can't be read right now, so counts and past runs only cover
      what the cluster still keeps, and new runs can't be started until it is
      back. Running Jobs carry on.
    </Alert>
  );
}

/**
 * "12 seconds ago", "2 minutes ago": seconds count here, since a cluster is marked within
 * seconds of going quiet; the list refreshes every few seconds while a cluster lags.
 */
function ago(iso: string | undefined, now = Date.now()): string {
  const seconds = Math.max(1, Math.round((now - Date.parse(iso ?? '')) / 1000));
  if (Number.isNaN(seconds)) return 'a while ago';
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'} ago`;
  return formatRelativeTime(iso, now);
}

function LaggingCluster(props: { status: ClusterStatus }) {
  const { cluster, synced, staleSince, lastError } = props.status;
  return (
    <Alert severity="info" role="status">
      {synced ? (
        <span title={formatTimestamp(staleSince)}>
          Cluster {cluster} is not answering: showing what it said{' '}
          {ago(staleSince)}; it may be out of date.
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
 * Names the clusters that could not be read, those still loading, and those not answering (their
 * Jobs shown as they last were), so a partial or possibly out-of-date list is not mistaken for a
 * full, current one; and says when run history is unavailable.
 *
 * @public
 */
export function ClusterErrorsPanel(props: ClusterErrorsPanelProps) {
  const { errors, historyUnavailable } = props;
  const lagging = laggingClusters({ errors, clusters: props.clusters });
  if (errors.length === 0 && lagging.length === 0 && !historyUnavailable) {
    return null;
  }
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 8 }}>
      {historyUnavailable && <HistoryUnavailableAlert />}
      {errors.length > 0 && (
        <WarningPanel
          severity="warning"
          title={errorsTitle(errors)}
          defaultExpanded
        >
          <ul>
            {errors.map((e, i) => (
              <li key={`${e.cluster}/${e.kind ?? ''}/${i}`}>
                <strong>{e.cluster}</strong>
                {e.kind && ` (its ${describeKind(e.kind)}s)`}: {e.message}
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

/**
 * Names the clusters that could not be read. A cluster that refused only one kind (its
 * CronJobs, say) still lists the other: the title says that only some are missing.
 */
function errorsTitle(errors: ClusterError[]): string {
  const whole = distinct(errors.filter(e => !e.kind).map(e => e.cluster));
  const partial = distinct(
    errors
      .filter(e => e.kind && !whole.includes(e.cluster))
      .map(e => e.cluster),
  );
  const parts: string[] = [];
  if (whole.length === 1) {
    parts.push(
      `Cluster ${whole[0]} could not be reached: its Jobs are missing below`,
    );
  } else if (whole.length > 1) {
    parts.push(
      `Clusters ${whole.join(
        ', ',
      )} could not be reached: their Jobs are missing below`,
    );
  }
  if (partial.length > 0) {
    parts.push(
      `${partial.length === 1 ? 'Cluster' : 'Clusters'} ${partial.join(
        ', ',
      )} could be read only in part: some of ${
        partial.length === 1 ? 'its' : 'their'
      } Jobs are missing below`,
    );
  }
  return parts.join('. ');
}
