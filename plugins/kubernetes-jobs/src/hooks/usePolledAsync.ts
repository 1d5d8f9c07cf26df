import { DependencyList, useEffect, useRef } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { KubernetesJobsHint } from '@job-assistant/plugin-kubernetes-jobs-common';
import { useJobsSignals } from './useJobsSignals';
import { usePolling } from './usePolling';

/**
 * State of data that is loaded once and then refreshed while it may still change.
 *
 * @public
 */
export interface PolledAsyncState<T> {
  /**
   * The latest value; kept while a refresh is in flight, and when a refresh fails (then
   * `error` says why), so a page keeps showing what it has.
   */
  value?: T;
  /** Why the last load failed; cleared by the next successful one. */
  error?: Error;
  /** True while the first load or a refresh is in flight. */
  loading: boolean;
  /** Loads again now. The latest call wins when calls overlap. */
  retry: () => void;
  /** True while the value is being refreshed periodically (not when changes are pushed). */
  polling: boolean;
}

/** Options of {@link usePolledAsync}. */
export interface PolledAsyncOptions<T> {
  /** While true the value may still change, so it is refreshed. */
  pollWhile: (value: T) => boolean;
  /**
   * The hints that concern the value. When the app has the signals plugin, these hints
   * refresh the value and `pollWhile` no longer polls; without it, or without `refreshOn`,
   * `pollWhile` polls.
   */
  refreshOn?: (signal: KubernetesJobsHint, value: T | undefined) => boolean;
  /** Polls, with or without signals, for changes that no hint announces. */
  pollEvenWithSignalsWhile?: (value: T) => boolean;
  intervalMs?: number;
}

/**
 * Loads `fn`, then refreshes it while it may still change: on the hints that concern it when
 * the backend pushes them, by polling otherwise. This is the one place that decides which.
 */
export function usePolledAsync<T>(
  fn: () => Promise<T>,
  deps: DependencyList,
  options: PolledAsyncOptions<T>,
): PolledAsyncState<T> {
  // useAsyncFn keeps the previous value while reloading, so refreshes never flash a spinner.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const [state, load] = useAsyncFn(fn, deps, { loading: true });

  useEffect(() => {
    load();
  }, [load]);

  // useAsyncFn forgets the value when a call fails; a failed refresh should not blank a page
  // that has something to show, so the last value loaded by this `load` is kept.
  const last = useRef<{ load: typeof load; value: T }>();
  if (state.value !== undefined) {
    last.current = { load, value: state.value };
  }
  const value =
    state.value ??
    (last.current?.load === load ? last.current.value : undefined);
  const { refreshOn } = options;
  const pushed = useJobsSignals(
    refreshOn && (signal => refreshOn(signal, value)),
    load,
  );

  const changing = value !== undefined && options.pollWhile(value);
  const unannounced =
    value !== undefined && !!options.pollEvenWithSignalsWhile?.(value);
  const polling = (changing && !pushed) || unannounced;
  usePolling(load, { enabled: polling, intervalMs: options.intervalMs });

  return {
    value,
    error: state.error,
    loading: state.loading,
    retry: load,
    polling,
  };
}
