import { useCallback, useState } from 'react';

/**
 * State of a user action (a button press that calls the backend).
 *
 * @public
 */
export interface ActionState<TArgs extends unknown[], TResult> {
  /** Runs the action; resolves to its result, or to undefined when it failed. */
  execute: (...args: TArgs) => Promise<TResult | undefined>;
  /** True while an attempt is in flight. */
  pending: boolean;
  /** Why the last attempt failed; cleared by `reset` and by the next attempt. */
  error?: Error;
  /** Forgets the last failure (for example when a dialog is closed). */
  reset: () => void;
}

/** Wraps an async call with pending and error state, for buttons and dialogs. */
export function useAction<TArgs extends unknown[], TResult>(
  fn: (...args: TArgs) => Promise<TResult>,
): ActionState<TArgs, TResult> {
  const [state, setState] = useState<{ pending: boolean; error?: Error }>({
    pending: false,
  });

  const execute = useCallback(
    async (...args: TArgs) => {
      setState({ pending: true });
      try {
        const result = await fn(...args);
        setState({ pending: false });
        return result;
      } catch (error) {
        setState({
          pending: false,
          error: error instanceof Error ? error : new Error(String(error)),
        });
        return undefined;
      }
    },
    [fn],
  );

  const reset = useCallback(() => setState({ pending: false }), []);

  return { execute, reset, ...state };
}
