import { ReactNode } from 'react';
import { act, renderHook } from '@testing-library/react';
import { ApiRef } from '@backstage/core-plugin-api';
import { TestApiProvider } from '@backstage/test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { JobRun } from '@job-assistant/plugin-kubernetes-jobs-common';
import { kubernetesJobsApiRef } from '../apis';
import { makeRun, SHOP_REF } from '../__fixtures__/fixtures';
import { mockKubernetesJobsApi } from '../__testUtils__/mockKubernetesJobsApi';
import { mockSignalApi, runSignal } from '../__testUtils__/mockSignalApi';
import { usePolledRunData } from './usePolledRunData';
import { POLL_INTERVAL_MS } from './usePolling';

const running = makeRun({ state: 'Running', finishedAt: undefined });

async function render(signals?: ReturnType<typeof mockSignalApi>) {
  const api = mockKubernetesJobsApi({
    getRunPods: jest.fn().mockResolvedValue({ items: [] }),
  });
  const apis: [ApiRef<any>, any][] = [[kubernetesJobsApiRef, api]];
  if (signals) {
    // Without it, an app without the signals plugin.
    apis.push([signalApiRef, signals.api]);
  }
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestApiProvider<any[]> apis={apis}>{children}</TestApiProvider>
  );
  const hook = renderHook(
    ({ run }: { run: JobRun }) =>
      usePolledRunData(run, SHOP_REF, (a, location, ref) =>
        a.getRunPods(location, ref),
      ),
    { wrapper, initialProps: { run: running } },
  );
  await wait(0);
  return { ...hook, api };
}

async function wait(ms: number) {
  await act(async () => {
    jest.advanceTimersByTime(ms);
  });
}

describe('usePolledRunData', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('loads what it is given for the run, polls while it is active, and once more when it ends', async () => {
    const { api, result, rerender } = await render();
    expect(api.getRunPods).toHaveBeenCalledWith(
      { cluster: 'sandbox', namespace: 'shop', name: 'shop-db-migrate-x7k2p' },
      SHOP_REF,
    );
    expect(result.current.value).toEqual({ items: [] });
    expect(result.current.polling).toBe(true);
    await wait(POLL_INTERVAL_MS * 2);
    expect(api.getRunPods).toHaveBeenCalledTimes(3);

    rerender({ run: makeRun({ state: 'Failed' }) });
    await wait(0);
    expect(api.getRunPods).toHaveBeenCalledTimes(4);
    await wait(POLL_INTERVAL_MS * 3);
    expect(api.getRunPods).toHaveBeenCalledTimes(4);
    expect(result.current.polling).toBe(false);
  });

  it('refreshes on a hint about the run instead of polling, and ignores other runs', async () => {
    const signals = mockSignalApi();
    const { api } = await render(signals);
    await wait(POLL_INTERVAL_MS * 3);
    expect(api.getRunPods).toHaveBeenCalledTimes(1);

    signals.publish(runSignal({ run: 'shop-db-migrate-other' }));
    await wait(1000);
    expect(api.getRunPods).toHaveBeenCalledTimes(1);

    signals.publish(runSignal());
    await wait(1000);
    expect(api.getRunPods).toHaveBeenCalledTimes(2);
  });
});
