import { createKillRunAction } from './createKillRunAction';
import { A_RUN, RUN, actionUnderTest } from './__testUtils__/invokeAction';

describe('kubernetes-jobs:kill-run', () => {
  it('stops the run as the caller, named as this action in the audit', async () => {
    const killed = { ...A_RUN, state: 'Killed', killedBy: 'user:default/jane' };
    const action = actionUnderTest(createKillRunAction, killed);
    const { output } = await action.invoke(RUN);
    expect(output).toEqual(killed);
    expect(action.operations.kill).toHaveBeenCalledWith(
      { credentials: action.credentials, actionId: 'kubernetes-jobs:kill-run' },
      { cluster: 'prod', namespace: 'shop', name: 'nightly-export-x7k2p' },
      'component:default/shop',
    );
  });

  it('refuses a missing entity ref in the registry, before the action runs', async () => {
    const action = actionUnderTest(createKillRunAction, A_RUN);
    const { entityRef: _, ...withoutEntity } = RUN;
    await expect(action.invoke(withoutEntity)).rejects.toMatchObject({
      name: 'InputError',
    });
    expect(action.operations.kill).not.toHaveBeenCalled();
  });
});
