import { NotAllowedError } from '@backstage/errors';
import { createApproveRunRequestAction } from './createApproveRunRequestAction';
import {
  A_REQUEST,
  REQUEST,
  actionUnderTest,
} from './__testUtils__/invokeAction';

describe('kubernetes-jobs:approve-run-request', () => {
  it('approves as the caller (never as anyone else), with the comment', async () => {
    const approved = {
      ...A_REQUEST,
      state: 'Started',
      run: { name: 'nightly-export-x7k2p' },
    };
    const action = actionUnderTest(createApproveRunRequestAction, approved);
    const { output } = await action.invoke({
      ...REQUEST,
      comment: 'checked the migration',
    });
    expect(output).toEqual(approved);
    expect(action.operations.requests.approve).toHaveBeenCalledWith(
      {
        credentials: action.credentials,
        actionId: 'kubernetes-jobs:approve-run-request',
      },
      A_REQUEST.id,
      { entityRef: 'component:default/shop', comment: 'checked the migration' },
    );
  });

  it("passes the service's refusal of one's own request on as it is", async () => {
    const action = actionUnderTest(createApproveRunRequestAction);
    action.operations.requests.approve.mockRejectedValue(
      new NotAllowedError(
        'Nobody approves their own request: someone else must approve it',
      ),
    );
    await expect(action.invoke(REQUEST)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('Nobody approves their own request'),
    });
  });

  it('refuses a malformed id before asking anything', async () => {
    const action = actionUnderTest(createApproveRunRequestAction);
    await expect(action.invoke({ ...REQUEST, id: '42' })).rejects.toMatchObject(
      {
        name: 'InputError',
        message: expect.stringContaining('id is not a run request id'),
      },
    );
    expect(action.operations.requests.approve).not.toHaveBeenCalled();
  });
});
