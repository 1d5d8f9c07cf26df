import { ReactElement } from 'react';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';

/** Props of {@link ActionButton}. */
export interface ActionButtonProps {
  label: string;
  /** Accessible name, more precise than the visible label ("Run shop-db-migrate"). */
  ariaLabel: string;
  icon: ReactElement;
  onClick: () => void;
  /** When set, the button is disabled and this says why. */
  disabledReason?: string;
  color?: 'primary' | 'secondary' | 'default';
}

/**
 * A small outlined button; when disabled, a tooltip (and the accessible description) say why.
 */
export function ActionButton(props: ActionButtonProps) {
  const { label, ariaLabel, icon, onClick, disabledReason, color } = props;
  const button = (
    <Button
      size="small"
      variant="outlined"
      color={color ?? 'primary'}
      startIcon={icon}
      onClick={onClick}
      aria-label={ariaLabel}
      disabled={!!disabledReason}
      style={{ whiteSpace: 'nowrap' }}
    >
      {label}
    </Button>
  );
  if (!disabledReason) {
    return button;
  }
  // A disabled button fires no mouse events: the span carries the tooltip.
  return (
    <Tooltip title={disabledReason}>
      <span>{button}</span>
    </Tooltip>
  );
}
