import { ReactElement, ReactNode, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';

let nextId = 0;

/** Props of {@link ActionButton}. */
export interface ActionButtonProps {
  label: string;
  /** Accessible name, more precise than the visible label ("Run shop-db-migrate"). */
  ariaLabel: string;
  icon: ReactElement;
  onClick: () => void;
  /** When set, the button is disabled and this says why, next to it. */
  disabledReason?: ReactNode;
  /** Disabled for a moment (while permissions load), with nothing to explain yet. */
  busy?: boolean;
  color?: 'primary' | 'secondary' | 'default';
}

/**
 * A small outlined button. When disabled, the reason is written next to it, not in a hover
 * tooltip that keyboard and touch users never see, and it is the button's accessible
 * description, so a screen reader says it with the button.
 */
export function ActionButton(props: ActionButtonProps) {
  const { label, ariaLabel, icon, onClick, disabledReason, busy, color } =
    props;
  const [reasonId] = useState(() => `kubernetes-jobs-reason-${++nextId}`);
  return (
    <Box display="flex" flexDirection="column" alignItems="flex-start">
      <Button
        size="small"
        variant="outlined"
        color={color ?? 'primary'}
        startIcon={icon}
        onClick={onClick}
        aria-label={ariaLabel}
        aria-describedby={disabledReason ? reasonId : undefined}
        aria-busy={busy || undefined}
        disabled={!!disabledReason || busy}
        style={{ whiteSpace: 'nowrap' }}
      >
        {label}
      </Button>
      {disabledReason && (
        <Typography
          id={reasonId}
          variant="caption"
          color="textSecondary"
          style={{ maxWidth: 220, marginTop: 4 }}
        >
          {disabledReason}
        </Typography>
      )}
    </Box>
  );
}
