import { ReactNode } from 'react';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';

/** Props of {@link ConfirmDialog}. */
export interface ConfirmDialogProps {
  open: boolean;
  /** Unique on the page: the ids of the title and of the description start with it. */
  id: string;
  /** The question: "Run shop-db-migrate?". */
  title: string;
  /** What confirming does, in words; the dialog's accessible description. */
  description: ReactNode;
  /** What follows the description: choices, warnings, why the backend refused, details. */
  children?: ReactNode;
  /** What the confirm button says: "Run", "Stop run". */
  confirmLabel: string;
  /** What the button that closes without acting says (default "Cancel"). */
  cancelLabel?: string;
  /** What it says while the action is in flight: "Starting…". */
  pendingLabel: string;
  onConfirm: () => void;
  /** Cancel, Close, Escape or a click outside; none of them while the action is in flight. */
  onClose: () => void;
  /** True while the action is in flight: the dialog can be neither confirmed nor closed. */
  pending?: boolean;
  /**
   * The backend refused for a reason that trying again will not change: confirming stays
   * disabled, and Cancel reads Close since there is nothing left to cancel.
   */
  refused?: boolean;
  /** Confirming is not possible, for a reason the dialog says in its content. */
  confirmDisabled?: boolean;
  color?: 'primary' | 'secondary';
}

/**
 * Asks before an action that changes a cluster: the question, what the action does, and the
 * buttons to confirm or cancel it. While the action is in flight, the confirm button spins and
 * says what is happening.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { id, pending, refused, onClose } = props;
  const titleId = `${id}-title`;
  const descriptionId = `${id}-description`;
  return (
    <Dialog
      open={props.open}
      onClose={pending ? undefined : onClose}
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
      maxWidth="sm"
      fullWidth
    >
      <DialogTitle id={titleId}>{props.title}</DialogTitle>
      <DialogContent>
        <div id={descriptionId}>{props.description}</div>
        {props.children}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={pending}>
          {refused ? 'Close' : props.cancelLabel ?? 'Cancel'}
        </Button>
        <Button
          onClick={props.onConfirm}
          color={props.color ?? 'primary'}
          variant="contained"
          disabled={pending || refused || props.confirmDisabled}
          startIcon={
            pending ? <CircularProgress size={16} color="inherit" /> : undefined
          }
        >
          {pending ? props.pendingLabel : props.confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
