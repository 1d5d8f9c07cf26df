import { act, renderHook } from '@testing-library/react';
import { usePolling } from './usePolling';

function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => state,
  });
  act(() => {
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

describe('usePolling', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    setVisibility('visible');
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('calls back every interval while enabled', () => {
    const callback = jest.fn();
    renderHook(() => usePolling(callback, { enabled: true, intervalMs: 3000 }));
    expect(callback).not.toHaveBeenCalled();
    act(() => jest.advanceTimersByTime(3000));
    expect(callback).toHaveBeenCalledTimes(1);
    act(() => jest.advanceTimersByTime(6000));
    expect(callback).toHaveBeenCalledTimes(3);
  });

  it('does nothing while disabled, and stops when disabled', () => {
    const callback = jest.fn();
    const { rerender } = renderHook(
      ({ enabled }) => usePolling(callback, { enabled, intervalMs: 3000 }),
      { initialProps: { enabled: false } },
    );
    act(() => jest.advanceTimersByTime(9000));
    expect(callback).not.toHaveBeenCalled();

    rerender({ enabled: true });
    act(() => jest.advanceTimersByTime(3000));
    expect(callback).toHaveBeenCalledTimes(1);

    rerender({ enabled: false });
    act(() => jest.advanceTimersByTime(9000));
    expect(callback).toHaveBeenCalledTimes(1);
  });

  it('stops while the tab is hidden and refreshes at once when it is shown again', () => {
    const callback = jest.fn();
    renderHook(() => usePolling(callback, { enabled: true, intervalMs: 3000 }));
    setVisibility('hidden');
    act(() => jest.advanceTimersByTime(30000));
    expect(callback).not.toHaveBeenCalled();

    setVisibility('visible');
    expect(callback).toHaveBeenCalledTimes(1);
    act(() => jest.advanceTimersByTime(3000));
    expect(callback).toHaveBeenCalledTimes(2);
  });

  it('uses the latest callback', () => {
    const first = jest.fn();
    const second = jest.fn();
    const { rerender } = renderHook(
      ({ callback }) =>
        usePolling(callback, { enabled: true, intervalMs: 1000 }),
      { initialProps: { callback: first } },
    );
    rerender({ callback: second });
    act(() => jest.advanceTimersByTime(1000));
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
  });
});
