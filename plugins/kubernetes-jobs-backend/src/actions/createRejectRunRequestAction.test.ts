import { createRejectRunRequestAction } from './createRejectRunRequestAction';
import {
  A_REQUEST,
  REQUEST,
  actionUnderTest,
} from './__testUtils__/invokeAction';

describe('kubernetes-jobs:reject-run-request', () => {
  it('rejects as the caller, with the comment', async () => {
    const rejected = { ...A_REQUEST, state: 'Rejected' };
    const action = actionUnderTest(createRejectRunRequestAction, rejected);
    const { output } = await action.invoke({
      ...REQUEST,
      comment: 'not during the sale',
    });
    expect(output).toEqual(rejected);
    expect(action.operations.requests.reject).toHaveBeenCalledWith(
      {
        credentials: action.credentials,
        actionId: 'kubernetes-jobs:reject-run-request',
      },
      A_REQUEST.id,
      { entityRef: 'component:default/shop', comment: 'not during the sale' },
    );
  });

  it('refuses a comment over 1000 characters, naming it', async () => {
    const action = actionUnderTest(createRejectRunRequestAction);
    await expect(
      action.invoke({ ...REQUEST, comment: 'x'.repeat(1001) }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        'comment must be at most 1000 characters',
      ),
    });
    expect(action.operations.requests.reject).not.toHaveBeenCalled();
  });
});
