import { DependencyList, useEffect } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { usePolling } from './usePolling';

/**
 * State of data that is loaded once and then refreshed while it may still change.
 *
 * @public
 */
export interface PolledAsyncState<T> {
  /** The latest value; kept while a refresh is in flight. */
  value?: T;
  error?: Error;
  /** True while the first load or a refresh is in flight. */
  loading: boolean;
  /** Loads again now. The latest call wins when calls overlap. */
  retry: () => void;
  /** True while the value is being refreshed periodically. */
  polling: boolean;
}

/**
 * Loads `fn` and, while `pollWhile(value)` holds, loads it again periodically.
 */
export function usePolledAsync<T>(
  fn: () => Promise<T>,
  deps: DependencyList,
  options: { pollWhile: (value: T) => boolean; intervalMs?: number },
): PolledAsyncState<T> {
  // useAsyncFn keeps the previous value while reloading, so refreshes never flash a spinner.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const [state, load] = useAsyncFn(fn, deps, { loading: true });

  useEffect(() => {
    load();
  }, [load]);

  const polling = state.value !== undefined && options.pollWhile(state.value);
  usePolling(load, { enabled: polling, intervalMs: options.intervalMs });

  return {
    value: state.value,
    error: state.error,
    loading: state.loading,
    retry: load,
    polling,
  };
}
