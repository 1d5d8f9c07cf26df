import { ReactNode } from 'react';
import { act, renderHook } from '@testing-library/react';
import { toastApiRef } from '@backstage/frontend-plugin-api';
import { TestApiProvider } from '@backstage/test-utils';
import { ActionState } from './useAction';
import { useConfirmedAction } from './useConfirmedAction';

function render(result: string | undefined) {
  const action: ActionState<[name: string], string> = {
    execute: jest.fn().mockResolvedValue(result),
    reset: jest.fn(),
    pending: false,
  };
  const toastApi = { post: jest.fn(() => ({ close: () => {} })) };
  const onDone = jest.fn();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[[toastApiRef, toastApi]]}>
      {children}
    </TestApiProvider>
  );
  const hook = renderHook(
    () =>
      useConfirmedAction(action, {
        toast: done => ({ title: `Done: ${done}`, status: 'info' }),
        onDone,
      }),
    { wrapper },
  );
  return { ...hook, action, toastApi, onDone };
}

describe('useConfirmedAction', () => {
  it('closes the dialog, says so and reports the result once the action was done', async () => {
    const { result, action, toastApi, onDone } = render('stopped');
    expect(result.current.open).toBe(false);
    act(() => result.current.ask());
    expect(result.current.open).toBe(true);

    await act(() => result.current.confirm('shop-reindex'));
    expect(action.execute).toHaveBeenCalledWith('shop-reindex');
    expect(result.current.open).toBe(false);
    expect(toastApi.post).toHaveBeenCalledWith({
      title: 'Done: stopped',
      status: 'info',
      timeout: 5000,
    });
    expect(onDone).toHaveBeenCalledWith('stopped');
  });

  it('keeps the dialog open when the action failed, and forgets the failure on close', async () => {
    const { result, action, toastApi, onDone } = render(undefined);
    act(() => result.current.ask());

    await act(() => result.current.confirm('shop-reindex'));
    expect(result.current.open).toBe(true);
    expect(toastApi.post).not.toHaveBeenCalled();
    expect(onDone).not.toHaveBeenCalled();
    expect(action.reset).not.toHaveBeenCalled();

    act(() => result.current.close());
    expect(result.current.open).toBe(false);
    expect(action.reset).toHaveBeenCalled();
  });
});
