import { ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
import Alert from '@material-ui/lab/Alert';
import { describeError } from '../../utils/errors';

/**
 * Props of {@link JobsErrorPanel}.
 *
 * @public
 */
export interface JobsErrorPanelProps {
  error: Error;
}

/**
 * Says why Jobs could not be loaded: a missing permission reads as a plain explanation,
 * anything else shows the backend's error with its details.
 *
 * @public
 */
export function JobsErrorPanel(props: JobsErrorPanelProps) {
  const { error } = props;
  const description = describeError(error, 'load');
  if (description.statusCode === 403) {
    return (
      <WarningPanel
        severity="warning"
        title={description.title}
        defaultExpanded
        message={`${description.message}. Ask the owners of this component or your platform team for access.`}
      />
    );
  }
  return <ResponseErrorPanel error={error} title={description.title} />;
}

/**
 * Says that a refresh failed while the page keeps showing what it loaded before, rather than
 * replacing a useful page with an error.
 *
 * @public
 */
export function RefreshErrorAlert(props: JobsErrorPanelProps) {
  const description = describeError(props.error, 'load');
  return (
    <Alert severity="warning" role="status">
      Could not refresh: {description.message}. Showing what was loaded before.
    </Alert>
  );
}
