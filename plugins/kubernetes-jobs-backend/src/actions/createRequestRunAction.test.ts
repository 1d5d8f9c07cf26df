import { createRequestRunAction } from './createRequestRunAction';
import {
  A_REQUEST,
  DEFINITION,
  actionUnderTest,
} from './__testUtils__/invokeAction';

describe('kubernetes-jobs:request-run', () => {
  it('asks for a run at a time as the caller, named as this action in the audit', async () => {
    const action = actionUnderTest(createRequestRunAction, A_REQUEST);
    const { output } = await action.invoke({
      ...DEFINITION,
      parameters: { EXPORT_DATE: '2026-12-01' },
      at: '2026-12-24T02:00:00+01:00',
    });
    expect(output).toEqual(A_REQUEST);
    expect(action.operations.requests.request).toHaveBeenCalledWith(
      {
        credentials: action.credentials,
        actionId: 'kubernetes-jobs:request-run',
      },
      {
        cluster: 'prod',
        namespace: 'shop',
        kind: 'CronJob',
        name: 'nightly-export',
      },
      {
        entityRef: 'component:default/shop',
        parameters: { EXPORT_DATE: '2026-12-01' },
        at: '2026-12-24T02:00:00+01:00',
      },
    );
  });

  it('refuses a time without its zone, naming at, before asking anything', async () => {
    const action = actionUnderTest(createRequestRunAction, A_REQUEST);
    await expect(
      action.invoke({ ...DEFINITION, at: '24.12.2026 02:00' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        'at must be a date and time with its zone',
      ),
    });
    expect(action.operations.requests.request).not.toHaveBeenCalled();
  });
});
