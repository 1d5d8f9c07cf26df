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
import { describeError, isRefusal } from '../../utils/errors';
import { formatRelativeTime } from '../../utils/format';
import { RunTrigger } from '../Person/Person';
import {
  TechnicalDetails,
  TechnicalFacts,
} from '../TechnicalDetails/TechnicalDetails';

/**
 * Props of {@link StopRunDialog}.
 *
 * @public
 */
export interface StopRunDialogProps {
  open: boolean;
  run: JobRun;
  /** True while the run is being stopped. */
  pending?: boolean;
  /** Why the last attempt failed, as the backend said it. */
  error?: Error;
  onConfirm: () => void;
  onClose: () => void;
}

/**
 * Asks for confirmation before stopping a run (the API's "kill"), saying what happens to it.
 *
 * @public
 */
export function StopRunDialog(props: StopRunDialogProps) {
  const { open, run, pending, error, onConfirm, onClose } = props;
  const titleId = `stop-dialog-title-${run.uid}`;
  const descriptionId = `stop-dialog-description-${run.uid}`;
  const failure = error && describeError(error, 'kill');
  const refused = !!error && isRefusal(error);
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
        Stop this run of {run.definition.name}?
      </DialogTitle>
      <DialogContent>
        <div id={descriptionId}>
          <DialogContentText>
            This run of <strong>{run.definition.name}</strong> on{' '}
            <strong>{run.cluster}</strong> started
            {started && ` ${formatRelativeTime(started)}`}
            {(run.trigger || run.triggeredBy) && (
              <>
                {' '}
                <RunTrigger run={run} link={false} />
              </>
            )}
            .
          </DialogContentText>
          <DialogContentText>
            Stopping it ends its work now; work in progress may be left half
            done. The run stays in the history as Stopped, with its logs, and
            you can start a new one later.
          </DialogContentText>
        </div>
        {failure && (
          <Alert severity="error" role="alert">
            <AlertTitle>{failure.title}</AlertTitle>
            {failure.message}
          </Alert>
        )}
        <TechnicalDetails about="of this run">
          <TechnicalFacts
            facts={[
              ['Job', run.name],
              ['Namespace', run.namespace],
              ['Cluster', run.cluster],
            ]}
          />
        </TechnicalDetails>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={pending}>
          {refused ? 'Close' : 'Cancel'}
        </Button>
        <Button
          onClick={onConfirm}
          color="secondary"
          variant="contained"
          disabled={pending || refused}
          startIcon={
            pending ? <CircularProgress size={16} color="inherit" /> : undefined
          }
        >
          {pending ? 'Stopping…' : 'Stop run'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
