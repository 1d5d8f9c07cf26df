import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { JobDefinition } from '@job-assistant/plugin-kubernetes-jobs-common';
import { describeSchedule } from '../../utils/format';
import { describeError, isRefusal } from '../../utils/errors';
import { DefinitionTechnicalFacts } from '../DefinitionView/DefinitionTechnicalFacts';
import { TechnicalDetails } from '../TechnicalDetails/TechnicalDetails';

/**
 * Props of {@link RunDialog}.
 *
 * @public
 */
export interface RunDialogProps {
  open: boolean;
  definition: JobDefinition;
  /** True when the definition already has an active run. */
  hasActiveRun?: boolean;
  /** True while the run is being started. */
  pending?: boolean;
  /** Why the last attempt failed, as the backend said it. */
  error?: Error;
  onConfirm: () => void;
  onClose: () => void;
}

/**
 * Asks for confirmation before starting a run, saying what will run where. When the backend
 * refuses (a run already active, not allowed), it says so and Run stays disabled: pressing it
 * again would only be refused again.
 *
 * @public
 */
export function RunDialog(props: RunDialogProps) {
  const { open, definition, hasActiveRun, pending, error, onConfirm, onClose } =
    props;
  const titleId = `run-dialog-title-${definition.uid}`;
  const descriptionId = `run-dialog-description-${definition.uid}`;
  const failure = error && describeError(error, 'run');
  const oneAtATimeBusy = !!hasActiveRun && !definition.allowParallelRuns;
  const refused = !!error && isRefusal(error);

  return (
    <Dialog
      open={open}
      onClose={pending ? undefined : onClose}
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id={titleId}>Run {definition.name}?</DialogTitle>
      <DialogContent>
        <div id={descriptionId}>
          <DialogContentText>
            This starts a new run of <strong>{definition.name}</strong> on{' '}
            <strong>{definition.cluster}</strong>, now.
          </DialogContentText>
          {definition.description && (
            <DialogContentText>{definition.description}</DialogContentText>
          )}
          {definition.kind === 'CronJob' && definition.schedule && (
            <DialogContentText>
              This run comes in addition to its schedule (
              {describeSchedule(definition.schedule, definition.timeZone)}),
              which does not change.
            </DialogContentText>
          )}
          <DialogContentText>
            You can follow the run on this page and stop it at any time.
          </DialogContentText>
        </div>
        {oneAtATimeBusy && !failure && (
          <Alert severity="info" role="status">
            A run of this Job is already in progress, and it runs one at a time:
            wait for it to finish or stop it first.
          </Alert>
        )}
        {failure && (
          <Alert severity="error" role="alert">
            <AlertTitle>{failure.title}</AlertTitle>
            {failure.message}
          </Alert>
        )}
        <TechnicalDetails about="of this Job">
          <DefinitionTechnicalFacts definition={definition} />
        </TechnicalDetails>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={pending}>
          {refused ? 'Close' : 'Cancel'}
        </Button>
        <Button
          onClick={onConfirm}
          color="primary"
          variant="contained"
          disabled={pending || oneAtATimeBusy || refused}
          startIcon={
            pending ? <CircularProgress size={16} color="inherit" /> : undefined
          }
        >
          {pending ? 'Starting…' : 'Run'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
