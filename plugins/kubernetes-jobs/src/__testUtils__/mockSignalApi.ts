import { act } from '@testing-library/react';
import { SignalApi } from '@backstage/plugin-signals-react';
import {
  KUBERNETES_JOBS_SIGNAL_CHANNEL,
  KubernetesJobsSignal,
} from '@job-assistant/plugin-kubernetes-jobs-common';

/** A SignalApi whose messages the test publishes. */
export function mockSignalApi() {
  const listeners = new Map<string, Set<(message: any) => void>>();
  const api = {
    subscribe: jest.fn((channel: string, onMessage: (message: any) => void) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(onMessage);
      listeners.set(channel, set);
      return { unsubscribe: () => set.delete(onMessage) };
    }),
  } satisfies SignalApi;
  return {
    api: api as SignalApi & typeof api,
    /** Delivers a message to the subscribers of a channel, as the signals plugin would. */
    publish(message: unknown, channel = KUBERNETES_JOBS_SIGNAL_CHANNEL) {
      act(() => listeners.get(channel)?.forEach(listener => listener(message)));
    },
    subscribers(channel = KUBERNETES_JOBS_SIGNAL_CHANNEL) {
      return listeners.get(channel)?.size ?? 0;
    },
  };
}

/** A hint about a run of the fixtures' shop-db-migrate definition, or what `overrides` name. */
export function runSignal(
  overrides: Partial<KubernetesJobsSignal> = {},
): KubernetesJobsSignal {
  return {
    type: 'run',
    cluster: 'sandbox',
    namespace: 'shop',
    definitionKind: 'Job',
    definitionName: 'shop-db-migrate',
    run: 'shop-db-migrate-x7k2p',
    ...overrides,
  };
}
