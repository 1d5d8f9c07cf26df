import { NotFoundError } from '@backstage/errors';
import { createGetRunAction } from './createGetRunAction';
import { A_RUN, RUN, actionUnderTest } from './__testUtils__/invokeAction';

describe('kubernetes-jobs:get-run', () => {
  it('reads the run at its address as the caller', async () => {
    const action = actionUnderTest(createGetRunAction, A_RUN);
    const { output } = await action.invoke(RUN);
    expect(output).toEqual(A_RUN);
    expect(action.operations.getRun).toHaveBeenCalledWith(
      action.credentials,
      { cluster: 'prod', namespace: 'shop', name: 'nightly-export-x7k2p' },
      'component:default/shop',
    );
  });

  it('answers the operation’s error as it is', async () => {
    const action = actionUnderTest(createGetRunAction);
    action.operations.getRun.mockRejectedValue(
      new NotFoundError('No run nightly-export-x7k2p'),
    );
    await expect(action.invoke(RUN)).rejects.toMatchObject({
      name: 'NotFoundError',
      message: 'No run nightly-export-x7k2p',
    });
  });

  it('refuses a bad namespace, naming it', async () => {
    const action = actionUnderTest(createGetRunAction, A_RUN);
    await expect(
      action.invoke({ ...RUN, namespace: 'Shop!' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('namespace'),
    });
    expect(action.operations.getRun).not.toHaveBeenCalled();
  });
});
