import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { ErrorDescription } from '../../utils/errors';

/** Props of {@link ActionFailureAlert}. */
export interface ActionFailureAlertProps {
  failure: ErrorDescription;
}

/** Says in a dialog why the backend did not do what was asked, in the backend's own words. */
export function ActionFailureAlert(props: ActionFailureAlertProps) {
  return (
    <Alert severity="error" role="alert">
      <AlertTitle>{props.failure.title}</AlertTitle>
      {props.failure.message}
    </Alert>
  );
}
