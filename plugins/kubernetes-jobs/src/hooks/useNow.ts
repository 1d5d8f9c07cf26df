import { useState } from 'react';
import { usePolling } from './usePolling';

/** How often a live clock moves: a 15-second Job's progress should not jump. */
export const CLOCK_INTERVAL_MS = 1000;

/**
 * The current time, moving every {@link CLOCK_INTERVAL_MS} while `enabled`, for what counts
 * from a start ("3 min so far"). It stands still in a hidden browser tab, as polling does, and
 * catches up at once when the tab is shown again.
 */
export function useNow(
  options: { enabled?: boolean; intervalMs?: number } = {},
): number {
  const { enabled = true, intervalMs = CLOCK_INTERVAL_MS } = options;
  const [, setTick] = useState(0);
  usePolling(() => setTick(tick => tick + 1), { enabled, intervalMs });
  // Read at render: any re-render, a tick or new data, shows the time as it is.
  return Date.now();
}
