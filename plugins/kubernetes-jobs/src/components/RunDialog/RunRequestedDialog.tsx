import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import {
  RunRequest,
  isPendingRequestState,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { RequestOutcome } from '../RunRequestWords/RunRequestWords';

/** Props of {@link RunRequestedDialog}. */
export interface RunRequestedDialogProps {
  request: RunRequest;
  onClose: () => void;
}

/**
 * Says what happens to a run that was just asked for: who must approve it, or when it runs.
 * It stays until closed, since the run does not start now and the user should know when.
 */
export function RunRequestedDialog(props: RunRequestedDialogProps) {
  const { request, onClose } = props;
  const id = `run-requested-${request.id}`;
  return (
    <Dialog
      open
      onClose={onClose}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-description`}
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id={`${id}-title`}>
        {request.state === 'WaitingForApproval'
          ? `Run of ${request.definition.name} asked for`
          : `Run of ${request.definition.name} planned`}
      </DialogTitle>
      <DialogContent>
        <DialogContentText id={`${id}-description`}>
          <RequestOutcome request={request} />
        </DialogContentText>
        {isPendingRequestState(request.state) && (
          <DialogContentText>
            It is listed under “Waiting runs” with this Job, where you can
            cancel it until it starts.
          </DialogContentText>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} color="primary" variant="contained">
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}
