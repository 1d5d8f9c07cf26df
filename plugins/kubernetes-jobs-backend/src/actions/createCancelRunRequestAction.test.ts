import { ConflictError } from '@backstage/errors';
import { createCancelRunRequestAction } from './createCancelRunRequestAction';
import {
  A_REQUEST,
  REQUEST,
  actionUnderTest,
} from './__testUtils__/invokeAction';

describe('kubernetes-jobs:cancel-run-request', () => {
  it('cancels as the caller', async () => {
    const cancelled = { ...A_REQUEST, state: 'Cancelled' };
    const action = actionUnderTest(createCancelRunRequestAction, cancelled);
    const { output } = await action.invoke(REQUEST);
    expect(output).toEqual(cancelled);
    expect(action.operations.requests.cancel).toHaveBeenCalledWith(
      {
        credentials: action.credentials,
        actionId: 'kubernetes-jobs:cancel-run-request',
      },
      A_REQUEST.id,
      { entityRef: 'component:default/shop' },
    );
  });

  it('answers a request that already started as a conflict', async () => {
    const action = actionUnderTest(createCancelRunRequestAction);
    action.operations.requests.cancel.mockRejectedValue(
      new ConflictError('This run request can no longer be cancelled'),
    );
    await expect(action.invoke(REQUEST)).rejects.toMatchObject({
      name: 'ConflictError',
    });
  });
});
