import { ReactNode } from 'react';
import { act, renderHook } from '@testing-library/react';
import { TestApiProvider } from '@backstage/test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { KubernetesJobsHint } from '@job-assistant/plugin-kubernetes-jobs-common';
import { mockSignalApi, runSignal } from '../__testUtils__/mockSignalApi';
import { PolledAsyncOptions, usePolledAsync } from './usePolledAsync';
import { POLL_INTERVAL_MS } from './usePolling';

const concernsMigrate = (signal: KubernetesJobsHint) =>
  signal.type !== 'cluster' && signal.definitionName === 'shop-db-migrate';

async function render(
  options: Partial<PolledAsyncOptions<string>>,
  signals?: ReturnType<typeof mockSignalApi>,
) {
  const fn = jest.fn().mockResolvedValue('Running');
  const wrapper = ({ children }: { children: ReactNode }) => (
    // Without `signals`, an app without the signals plugin.
    <TestApiProvider<any[]> apis={signals ? [[signalApiRef, signals.api]] : []}>
      {children}
    </TestApiProvider>
  );
  const hook = renderHook(
    () => usePolledAsync(fn, [], { pollWhile: () => true, ...options }),
    { wrapper },
  );
  await wait(0);
  return { ...hook, fn };
}

async function wait(ms: number) {
  await act(async () => {
    jest.advanceTimersByTime(ms);
  });
}

describe('usePolledAsync', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('polls while the value may change when the app has no signals plugin', async () => {
    const { fn, result } = await render({ refreshOn: concernsMigrate });
    expect(result.current.value).toBe('Running');
    expect(result.current.polling).toBe(true);
    await wait(POLL_INTERVAL_MS * 3);
    expect(fn).toHaveBeenCalledTimes(4);
  });

  it('does not poll when hints are pushed, and refreshes once on a hint that concerns it', async () => {
    const signals = mockSignalApi();
    const { fn, result } = await render(
      { refreshOn: concernsMigrate },
      signals,
    );
    expect(result.current.polling).toBe(false);
    await wait(POLL_INTERVAL_MS * 10);
    expect(fn).toHaveBeenCalledTimes(1);

    signals.publish(runSignal({ definitionName: 'shop-reindex' }));
    await wait(1000);
    expect(fn).toHaveBeenCalledTimes(1);

    signals.publish(runSignal());
    signals.publish(runSignal());
    await wait(1000);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('gives the hint filter the current value', async () => {
    const signals = mockSignalApi();
    const refreshOn = jest.fn(() => false);
    await render({ refreshOn }, signals);
    signals.publish(runSignal());
    expect(refreshOn).toHaveBeenCalledWith(runSignal(), 'Running');
  });

  it('polls with signals for what no hint announces', async () => {
    const signals = mockSignalApi();
    const { fn } = await render(
      { refreshOn: concernsMigrate, pollEvenWithSignalsWhile: () => true },
      signals,
    );
    await wait(POLL_INTERVAL_MS * 2);
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('polls with signals when it names no hints (logs are not pushed)', async () => {
    const signals = mockSignalApi();
    const { fn } = await render({}, signals);
    expect(signals.subscribers()).toBe(0);
    await wait(POLL_INTERVAL_MS * 2);
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('keeps the last value when a refresh fails, says why, and recovers', async () => {
    const { fn, result } = await render({});
    fn.mockRejectedValueOnce(new Error('Cluster sandbox did not answer'));
    await wait(POLL_INTERVAL_MS);
    expect(result.current.value).toBe('Running');
    expect(result.current.error?.message).toBe(
      'Cluster sandbox did not answer',
    );

    fn.mockResolvedValueOnce('Succeeded');
    await wait(POLL_INTERVAL_MS);
    expect(result.current.value).toBe('Succeeded');
    expect(result.current.error).toBeUndefined();
  });
});
