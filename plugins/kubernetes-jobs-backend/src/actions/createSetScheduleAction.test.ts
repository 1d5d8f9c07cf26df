import { createSetScheduleAction } from './createSetScheduleAction';
import {
  A_DEFINITION,
  DEFINITION,
  actionUnderTest,
} from './__testUtils__/invokeAction';

describe('kubernetes-jobs:set-schedule', () => {
  it('pauses the schedule as the caller, named as this action in the audit', async () => {
    const action = actionUnderTest(createSetScheduleAction, A_DEFINITION);
    const { output } = await action.invoke({ ...DEFINITION, suspend: true });
    expect(output).toEqual(A_DEFINITION);
    expect(action.operations.setSchedule).toHaveBeenCalledWith(
      {
        credentials: action.credentials,
        actionId: 'kubernetes-jobs:set-schedule',
      },
      {
        cluster: 'prod',
        namespace: 'shop',
        kind: 'CronJob',
        name: 'nightly-export',
      },
      { entityRef: 'component:default/shop', suspend: true },
    );
  });

  it('refuses a suspend that is not a boolean', async () => {
    const action = actionUnderTest(createSetScheduleAction, A_DEFINITION);
    await expect(
      action.invoke({ ...DEFINITION, suspend: 'yes' }),
    ).rejects.toMatchObject({ name: 'InputError' });
    expect(action.operations.setSchedule).not.toHaveBeenCalled();
  });
});
