import { useState } from 'react';
import DialogContentText from '@material-ui/core/DialogContentText';
import TextField from '@material-ui/core/TextField';
import { RunRequest } from '@job-assistant/plugin-kubernetes-jobs-common';
import { describeError, isRefusal } from '../../utils/errors';
import { formatRelativeTime } from '../../utils/format';
import { ActionFailureAlert } from '../ActionFailureAlert/ActionFailureAlert';
import { ConfirmDialog } from '../ConfirmDialog/ConfirmDialog';
import { Person } from '../Person/Person';

/** Props of {@link DecideRequestDialog}. */
export interface DecideRequestDialogProps {
  request: RunRequest;
  decision: 'approve' | 'reject';
  /** True while the decision is being saved. */
  pending?: boolean;
  /** Why the last attempt failed, as the backend said it. */
  error?: Error;
  /** Called with the comment (undefined when left empty). */
  onConfirm: (comment?: string) => void;
  onClose: () => void;
}

/**
 * An approver approves or rejects a run that someone asked for, with a comment the requester
 * will read.
 */
export function DecideRequestDialog(props: DecideRequestDialogProps) {
  const { request, decision, pending, error, onConfirm, onClose } = props;
  const [comment, setComment] = useState('');
  const approve = decision === 'approve';
  const name = request.definition.name;
  const failure = error && describeError(error, 'decide');
  return (
    <ConfirmDialog
      open
      id={`decide-${decision}-${request.id}`}
      title={
        approve ? `Approve the run of ${name}?` : `Reject the run of ${name}?`
      }
      description={
        <DialogContentText>
          <Person entityRef={request.requestedBy} link={false} /> asked for this
          run {formatRelativeTime(request.requestedAt)}.{' '}
          {approve
            ? 'Once it has the approvals it needs, it starts by itself, as they asked.'
            : 'It will not run; they are told, with your comment.'}
        </DialogContentText>
      }
      confirmLabel={approve ? 'Approve' : 'Reject'}
      pendingLabel={approve ? 'Approving…' : 'Rejecting…'}
      color={approve ? 'primary' : 'secondary'}
      onConfirm={() => onConfirm(comment.trim() || undefined)}
      onClose={onClose}
      pending={pending}
      refused={!!error && isRefusal(error)}
    >
      <TextField
        id={`decide-${decision}-${request.id}-comment`}
        label="Comment (optional)"
        helperText={
          approve
            ? 'What you checked, for the record'
            : 'Why, so they know what to change'
        }
        value={comment}
        onChange={e => setComment(e.target.value)}
        disabled={pending}
        multiline
        minRows={2}
        fullWidth
        margin="dense"
        inputProps={{ maxLength: 1000 }}
      />
      {failure && <ActionFailureAlert failure={failure} />}
    </ConfirmDialog>
  );
}
