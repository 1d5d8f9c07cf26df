import { ReactNode } from 'react';
import { act, renderHook } from '@testing-library/react';
import { TestApiProvider } from '@backstage/test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { mockSignalApi, runSignal } from '../__testUtils__/mockSignalApi';
import { SIGNAL_DEBOUNCE_MS, useJobsSignals } from './useJobsSignals';

function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => state,
  });
  act(() => {
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

function render(signals?: ReturnType<typeof mockSignalApi>) {
  const onChange = jest.fn();
  const wrapper = ({ children }: { children: ReactNode }) => (
    // Without `signals`, an app without the signals plugin.
    <TestApiProvider<any[]> apis={signals ? [[signalApiRef, signals.api]] : []}>
      {children}
    </TestApiProvider>
  );
  const hook = renderHook(
    () =>
      useJobsSignals(
        s => s.type !== 'cluster' && s.definitionName === 'shop-db-migrate',
        onChange,
      ),
    { wrapper },
  );
  return { ...hook, onChange };
}

describe('useJobsSignals', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    setVisibility('visible');
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('gathers the hints that concern it into one call after a short delay', () => {
    const signals = mockSignalApi();
    const { result, onChange } = render(signals);
    expect(result.current).toBe(true);

    signals.publish(runSignal());
    signals.publish(runSignal({ type: 'definition', run: undefined }));
    signals.publish(runSignal());
    act(() => jest.advanceTimersByTime(SIGNAL_DEBOUNCE_MS - 1));
    expect(onChange).not.toHaveBeenCalled();
    act(() => jest.advanceTimersByTime(1));
    expect(onChange).toHaveBeenCalledTimes(1);

    act(() => jest.advanceTimersByTime(10_000));
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it('ignores hints about something else, other channels and malformed messages', () => {
    const signals = mockSignalApi();
    const { onChange } = render(signals);
    signals.publish(runSignal({ definitionName: 'shop-reindex' }));
    signals.publish(runSignal(), 'notifications');
    signals.publish({ type: 'run', cluster: 'sandbox' });
    signals.publish({ ...runSignal(), definitionKind: 'Deployment' });
    act(() => jest.advanceTimersByTime(10_000));
    expect(onChange).not.toHaveBeenCalled();
  });

  it('still refreshes while hints keep coming', () => {
    const signals = mockSignalApi();
    const { onChange } = render(signals);
    for (let i = 0; i < 10; i++) {
      signals.publish(runSignal());
      act(() => jest.advanceTimersByTime(100));
    }
    expect(onChange.mock.calls.length).toBeGreaterThanOrEqual(3);
  });

  it('waits while the tab is hidden, and refreshes once when it is shown', () => {
    const signals = mockSignalApi();
    const { onChange } = render(signals);
    setVisibility('hidden');
    signals.publish(runSignal());
    act(() => jest.advanceTimersByTime(SIGNAL_DEBOUNCE_MS));
    signals.publish(runSignal());
    act(() => jest.advanceTimersByTime(SIGNAL_DEBOUNCE_MS));
    expect(onChange).not.toHaveBeenCalled();

    setVisibility('visible');
    expect(onChange).toHaveBeenCalledTimes(1);
    setVisibility('hidden');
    setVisibility('visible');
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it('says so when the app has no signals plugin, so the caller polls', () => {
    const { result } = render();
    expect(result.current).toBe(false);
  });

  it('unsubscribes and drops a pending refresh on unmount', () => {
    const signals = mockSignalApi();
    const { unmount, onChange } = render(signals);
    expect(signals.subscribers()).toBe(1);
    signals.publish(runSignal());
    unmount();
    expect(signals.subscribers()).toBe(0);
    act(() => jest.advanceTimersByTime(SIGNAL_DEBOUNCE_MS));
    expect(onChange).not.toHaveBeenCalled();
  });
});
