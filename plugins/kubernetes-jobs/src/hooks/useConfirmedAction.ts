import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { ToastApiMessage, toastApiRef } from '@backstage/frontend-plugin-api';
import { ActionState } from './useAction';

/** How long the toast saying that an action was done stays. */
const DONE_TOAST_TIMEOUT_MS = 5000;

/** Options of {@link useConfirmedAction}. */
export interface ConfirmedActionOptions<TResult> {
  /** What the toast says once the action was done. */
  toast: (result: TResult) => Pick<ToastApiMessage, 'title' | 'status'>;
  /** Called with the result once the action was done. */
  onDone?: (result: TResult) => void;
}

/** State of {@link useConfirmedAction}. */
export interface ConfirmedActionState<TArgs extends unknown[]> {
  /** True while the confirmation dialog is open. */
  open: boolean;
  /** Opens the dialog. */
  ask: () => void;
  /** Closes the dialog and forgets a failure, so that it opens clean the next time. */
  close: () => void;
  /**
   * Runs the action. Once it was done, the dialog closes and a toast says so; when it failed,
   * the dialog stays open to say why.
   */
  confirm: (...args: TArgs) => Promise<void>;
}

/**
 * An action that a dialog confirms first (run, stop, pause a schedule): whether the dialog is
 * open, and what closing and confirming it do.
 */
export function useConfirmedAction<TArgs extends unknown[], TResult>(
  action: ActionState<TArgs, TResult>,
  options: ConfirmedActionOptions<TResult>,
): ConfirmedActionState<TArgs> {
  const toastApi = useApi(toastApiRef);
  const [open, setOpen] = useState(false);
  return {
    open,
    ask: () => setOpen(true),
    close: () => {
      setOpen(false);
      action.reset();
    },
    confirm: async (...args: TArgs) => {
      const result = await action.execute(...args);
      if (result !== undefined) {
        setOpen(false);
        toastApi.post({
          ...options.toast(result),
          timeout: DONE_TOAST_TIMEOUT_MS,
        });
        options.onDone?.(result);
      }
    },
  };
}
