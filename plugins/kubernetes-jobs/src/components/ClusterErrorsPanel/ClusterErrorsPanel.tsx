import { WarningPanel } from '@backstage/core-components';
import { ClusterError } from '@job-assistant/plugin-kubernetes-jobs-common';

/**
 * Props of {@link ClusterErrorsPanel}.
 *
 * @public
 */
export interface ClusterErrorsPanelProps {
  errors: ClusterError[];
}

/**
 * Names the clusters that could not be read, so a partial list is not mistaken for a full one.
 *
 * @public
 */
export function ClusterErrorsPanel(props: ClusterErrorsPanelProps) {
  const { errors } = props;
  if (errors.length === 0) {
    return null;
  }
  const names = errors.map(e => e.cluster).join(', ');
  return (
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
  );
}
