import DialogContentText from '@material-ui/core/DialogContentText';
import { JobRun } from '@job-assistant/plugin-kubernetes-jobs-common';
import { describeError, isRefusal } from '../../utils/errors';
import { formatRelativeTime } from '../../utils/format';
import { ActionFailureAlert } from '../ActionFailureAlert/ActionFailureAlert';
import { ConfirmDialog } from '../ConfirmDialog/ConfirmDialog';
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
  const failure = error && describeError(error, 'kill');
  const refused = !!error && isRefusal(error);
  const started = run.startedAt ?? run.triggeredAt ?? run.createdAt;

  return (
    <ConfirmDialog
      open={open}
      id={`stop-dialog-${run.uid}`}
      title={`Stop this run of ${run.definition.name}?`}
      description={
        <>
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
        </>
      }
      confirmLabel="Stop run"
      pendingLabel="Stopping…"
      onConfirm={onConfirm}
      onClose={onClose}
      pending={pending}
      refused={refused}
      color="secondary"
    >
      {failure && <ActionFailureAlert failure={failure} />}
      <TechnicalDetails about="of this run">
        <TechnicalFacts
          facts={[
            ['Job', run.name],
            ['Namespace', run.namespace],
            ['Cluster', run.cluster],
          ]}
        />
      </TechnicalDetails>
    </ConfirmDialog>
  );
}
