import { ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
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
