import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { RunState } from '@job-assistant/plugin-kubernetes-jobs-common';

/**
 * Props of {@link RunStatus}.
 *
 * @public
 */
export interface RunStatusProps {
  /** State of the run; absent when the definition never ran. */
  state?: RunState;
}

/**
 * The state of a run as an icon and a word, so it never relies on colour alone. A run the API
 * calls Killed shows as Stopped.
 *
 * @public
 */
export function RunStatus(props: RunStatusProps) {
  // Keep the icon and its word together in narrow table cells.
  return (
    <Box component="span" whiteSpace="nowrap">
      <StatusIndicator state={props.state} />
    </Box>
  );
}

function StatusIndicator(props: RunStatusProps) {
  switch (props.state) {
    case 'Succeeded':
      return <StatusOK>Succeeded</StatusOK>;
    case 'Failed':
      return <StatusError>Failed</StatusError>;
    case 'Running':
      return <StatusRunning>Running</StatusRunning>;
    case 'Pending':
      return <StatusPending>Pending</StatusPending>;
    case 'Killed':
      // The API's Killed: the portal's one verb for ending a run early is "stop".
      return <StatusAborted>Stopped</StatusAborted>;
    default:
      return (
        <Typography variant="body2" color="textSecondary" component="span">
          Never run
        </Typography>
      );
  }
}
