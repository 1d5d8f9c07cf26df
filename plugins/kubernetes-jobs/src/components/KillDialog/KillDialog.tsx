import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { JobRun } from '@job-assistant/plugin-kubernetes-jobs-common';
import { describeError } from '../../utils/errors';
import { formatRelativeTime, shortEntityName } from '../../utils/format';

/**
 * Props of {@link KillDialog}.
 *
 * @public
 */
export interface KillDialogProps {
  open: boolean;
  run: JobRun;
  /** True while the run is being killed. */
  pending?: boolean;
  /** Why the last attempt failed, as the backend said it. */
  error?: Error;
  onConfirm: () => void;
  onClose: () => void;
}

/**
 * Asks for confirmation before killing a run, saying what happens to it.
 *
 * @public
 */
export function KillDialog(props: KillDialogProps) {
  const { open, run, pending, error, onConfirm, onClose } = props;
  const titleId = `kill-dialog-title-${run.uid}`;
  const descriptionId = `kill-dialog-description-${run.uid}`;
  const failure = error && describeError(error, 'kill');
  const started = run.startedAt ?? run.triggeredAt ?? run.createdAt;

  return (
    <Dialog
      open={open}
      onClose={pending ? undefined : onClose}
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id={titleId}>
        Kill this run of {run.definition.name}?
      </DialogTitle>
      <DialogContent>
        <div id={descriptionId}>
          <DialogContentText>
            The run <strong>{run.name}</strong> in namespace{' '}
            <strong>{run.namespace}</strong> on cluster{' '}
            <strong>{run.cluster}</strong>
            {started && <> started {formatRelativeTime(started)}</>}
            {run.triggeredBy && <> by {shortEntityName(run.triggeredBy)}</>}.
          </DialogContentText>
          <DialogContentText>
            Killing it stops its pods now; work in progress may be left half
            done. The run stays in the history as Killed, and you can start a
            new one later.
          </DialogContentText>
        </div>
        {failure && (
          <Alert severity="error" role="alert">
            <AlertTitle>{failure.title}</AlertTitle>
            {failure.message}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={pending}>
          Cancel
        </Button>
        <Button
          onClick={onConfirm}
          color="secondary"
          variant="contained"
          disabled={pending}
          startIcon={
            pending ? <CircularProgress size={16} color="inherit" /> : undefined
          }
        >
          {pending ? 'Killing…' : 'Kill run'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
