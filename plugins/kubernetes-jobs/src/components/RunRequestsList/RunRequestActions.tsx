import { useState } from 'react';
import Box from '@material-ui/core/Box';
import DialogContentText from '@material-ui/core/DialogContentText';
import Typography from '@material-ui/core/Typography';
import CheckIcon from '@material-ui/icons/Check';
import ClearIcon from '@material-ui/icons/Clear';
import CloseIcon from '@material-ui/icons/Close';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  RunRequest,
  isPendingRequestState,
  kubernetesJobsApprovePermission,
  kubernetesJobsKillPermission,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { useConfirmedAction } from '../../hooks/useConfirmedAction';
import {
  useCancelRunRequest,
  useDecideRunRequest,
} from '../../hooks/useRunRequestActions';
import { describeError, isRefusal } from '../../utils/errors';
import { ActionButton } from '../ActionButton/ActionButton';
import { ActionFailureAlert } from '../ActionFailureAlert/ActionFailureAlert';
import { ConfirmDialog } from '../ConfirmDialog/ConfirmDialog';
import { DecideRequestDialog } from '../DecideRequestDialog/DecideRequestDialog';
import { Person } from '../Person/Person';
import { approvalsMissing } from '../RunRequestWords/RunRequestWords';

/** Props of {@link RunRequestActions}. */
export interface RunRequestActionsProps {
  request: RunRequest;
  /** The signed-in user, when known. */
  currentUser?: string;
  /** Called after the request was approved, rejected or cancelled. */
  onChange: () => void;
}

/**
 * What the user may do with a waiting request: its requester (or whoever may stop the Job's
 * runs) cancel it; an approver, who is never its requester, approve or reject it. The backend
 * decides in the end; buttons the user may not use are not shown.
 */
export function RunRequestActions(props: RunRequestActionsProps) {
  const { request, currentUser, onChange } = props;
  const name = request.definition.name;
  const mine = !!currentUser && currentUser === request.requestedBy;
  const waitingForApproval = request.state === 'WaitingForApproval';
  const decidedByMe = request.decisions.some(d => d.by === currentUser);
  // Several people may ask for runs of one Job: the accessible names say whose run it is.
  const whose = `${name} asked by ${request.requestedBy.replace(
    /^user:(default\/)?/,
    '',
  )}`;

  const kill = usePermission({
    permission: kubernetesJobsKillPermission,
    resourceRef: request.entityRef,
  });
  const approve = usePermission({
    permission: kubernetesJobsApprovePermission,
    resourceRef: request.entityRef,
  });

  const cancelAction = useCancelRunRequest();
  const cancel = useConfirmedAction(cancelAction, {
    toast: () => ({ title: `Cancelled the run of ${name}`, status: 'info' }),
    onDone: onChange,
  });
  const decideAction = useDecideRunRequest();
  const [decision, setDecision] = useState<'approve' | 'reject'>('approve');
  const decide = useConfirmedAction(decideAction, {
    toast: decided => ({
      title:
        (decided.state === 'Rejected' && `Rejected the run of ${name}`) ||
        (decided.run && `Approved: ${decided.run.name} started`) ||
        `Approved the run of ${name}`,
      status: 'success',
    }),
    onDone: onChange,
  });

  if (!isPendingRequestState(request.state)) {
    return null;
  }
  const mayCancel = mine || (!kill.loading && kill.allowed);
  const mayDecide =
    waitingForApproval &&
    !mine &&
    !decidedByMe &&
    !approve.loading &&
    approve.allowed;
  const cancelFailure =
    cancelAction.error && describeError(cancelAction.error, 'cancel');

  return (
    <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }}>
      {waitingForApproval && mine && (
        <Typography variant="body2" color="textSecondary">
          You asked for this run: someone else must approve it
        </Typography>
      )}
      {waitingForApproval && decidedByMe && (
        <Typography variant="body2" color="textSecondary">
          You approved it; it needs {approvalsMissing(request)} more
        </Typography>
      )}
      {mayDecide && (
        <>
          <ActionButton
            label="Approve"
            ariaLabel={`Approve the run of ${whose}`}
            icon={<CheckIcon />}
            onClick={() => {
              setDecision('approve');
              decide.ask();
            }}
          />
          <ActionButton
            label="Reject"
            ariaLabel={`Reject the run of ${whose}`}
            icon={<ClearIcon />}
            color="secondary"
            onClick={() => {
              setDecision('reject');
              decide.ask();
            }}
          />
        </>
      )}
      {mayCancel && (
        <ActionButton
          label="Cancel"
          ariaLabel={`Cancel the run of ${whose}`}
          icon={<CloseIcon />}
          color="default"
          onClick={cancel.ask}
        />
      )}
      {decide.open && (
        <DecideRequestDialog
          request={request}
          decision={decision}
          pending={decideAction.pending}
          error={decideAction.error}
          onConfirm={comment => decide.confirm(request, decision, comment)}
          onClose={decide.close}
        />
      )}
      {cancel.open && (
        <ConfirmDialog
          open
          id={`cancel-request-${request.id}`}
          title={`Cancel the run of ${name}?`}
          description={
            <DialogContentText>
              It will not run.{' '}
              {mine ? (
                'You can ask for another run at any time.'
              ) : (
                <>
                  <Person entityRef={request.requestedBy} link={false} />, who
                  asked for it, is told.
                </>
              )}
            </DialogContentText>
          }
          confirmLabel="Cancel the run"
          cancelLabel="Keep it"
          pendingLabel="Cancelling…"
          color="secondary"
          onConfirm={() => cancel.confirm(request)}
          onClose={cancel.close}
          pending={cancelAction.pending}
          refused={!!cancelAction.error && isRefusal(cancelAction.error)}
        >
          {cancelFailure && <ActionFailureAlert failure={cancelFailure} />}
        </ConfirmDialog>
      )}
    </Box>
  );
}
