import { createGetRunLogsAction } from './createGetRunLogsAction';
import { RUN, actionUnderTest } from './__testUtils__/invokeAction';

const LOGS = {
  pod: 'nightly-export-x7k2p-abcde',
  container: 'main',
  text: 'ok\n',
};

describe('kubernetes-jobs:get-run-logs', () => {
  it('reads the logs with the options given', async () => {
    const action = actionUnderTest(createGetRunLogsAction, LOGS);
    const { output } = await action.invoke({
      ...RUN,
      container: 'main',
      tailLines: 100,
    });
    expect(output).toEqual(LOGS);
    expect(action.operations.logs).toHaveBeenCalledWith(
      action.credentials,
      { cluster: 'prod', namespace: 'shop', name: 'nightly-export-x7k2p' },
      'component:default/shop',
      expect.objectContaining({ container: 'main', tailLines: 100 }),
    );
  });

  it('refuses a tail outside 1 to 10000, naming it', async () => {
    const action = actionUnderTest(createGetRunLogsAction, LOGS);
    await expect(action.invoke({ ...RUN, tailLines: 0 })).rejects.toMatchObject(
      {
        name: 'InputError',
        message: expect.stringContaining('tailLines'),
      },
    );
    expect(action.operations.logs).not.toHaveBeenCalled();
  });
});
