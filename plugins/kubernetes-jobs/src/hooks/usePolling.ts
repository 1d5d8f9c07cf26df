import { useEffect, useRef, useState } from 'react';

/** How often live views refresh while something is still running. */
export const POLL_INTERVAL_MS = 3000;

/** Whether the browser tab is shown; always true outside a browser. */
export function isDocumentVisible(): boolean {
  return (
    typeof document === 'undefined' || document.visibilityState !== 'hidden'
  );
}

/**
 * Calls `callback` every `intervalMs` while `enabled` is true and the browser tab is visible.
 *
 * @remarks
 * Polling stops as soon as the tab is hidden, so a forgotten tab does not keep asking the
 * clusters for status. When the tab becomes visible again the callback runs at once rather
 * than after a full interval, because what the user sees is likely stale.
 */
export function usePolling(
  callback: () => void,
  options: { enabled: boolean; intervalMs?: number },
): void {
  const { enabled, intervalMs = POLL_INTERVAL_MS } = options;
  const savedCallback = useRef(callback);
  savedCallback.current = callback;

  const [visible, setVisible] = useState(isDocumentVisible);
  useEffect(() => {
    const onChange = () => setVisible(isDocumentVisible());
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);

  const wasVisible = useRef(visible);
  useEffect(() => {
    const becameVisible = visible && !wasVisible.current;
    wasVisible.current = visible;
    if (!enabled || !visible) {
      return undefined;
    }
    if (becameVisible) {
      savedCallback.current();
    }
    const id = setInterval(() => savedCallback.current(), intervalMs);
    return () => clearInterval(id);
  }, [enabled, visible, intervalMs]);
}
