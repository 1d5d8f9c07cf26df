import { useEffect, useRef } from 'react';
import { useApiHolder } from '@backstage/core-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  KUBERNETES_JOBS_SIGNAL_CHANNEL,
  KubernetesJobsHint,
  SIGNAL_DEBOUNCE_MS,
  isKubernetesJobsHint,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { isDocumentVisible } from './usePolling';

// Hints are gathered into one refetch: a run that starts sends several at once.
export { SIGNAL_DEBOUNCE_MS };

/**
 * Calls `onChange` when a hint on the kubernetes-jobs signals channel passes `concerns`.
 * Returns whether hints arrive at all: false when the app has no signals plugin, or when
 * `concerns` is absent; the caller then has to poll.
 *
 * @remarks
 * The first matching hint schedules one call {@link SIGNAL_DEBOUNCE_MS} later and the hints
 * that follow within that time join it. Unlike a debounce that waits for quiet, a run that
 * keeps changing cannot postpone the refresh forever. While the browser tab is hidden the call
 * waits until it is shown again, as polling does, so a forgotten tab asks for nothing.
 */
export function useJobsSignals(
  concerns: ((signal: KubernetesJobsHint) => boolean) | undefined,
  onChange: () => void,
): boolean {
  // Optional on purpose: an app without the signals plugin has no such API, and polls.
  const signalApi = useApiHolder().get(signalApiRef);
  const enabled = signalApi !== undefined && concerns !== undefined;
  const concernsRef = useRef(concerns);
  concernsRef.current = concerns;
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    if (!signalApi || !enabled) {
      return undefined;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    let missedWhileHidden = false;
    const refresh = () => {
      timer = undefined;
      if (isDocumentVisible()) {
        onChangeRef.current();
      } else {
        missedWhileHidden = true;
      }
    };
    const onVisibilityChange = () => {
      if (missedWhileHidden && isDocumentVisible()) {
        missedWhileHidden = false;
        onChangeRef.current();
      }
    };
    const { unsubscribe } = signalApi.subscribe(
      KUBERNETES_JOBS_SIGNAL_CHANNEL,
      message => {
        if (
          timer === undefined &&
          isKubernetesJobsHint(message) &&
          concernsRef.current?.(message)
        ) {
          timer = setTimeout(refresh, SIGNAL_DEBOUNCE_MS);
        }
      },
    );
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      unsubscribe();
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [signalApi, enabled]);

  return enabled;
}
