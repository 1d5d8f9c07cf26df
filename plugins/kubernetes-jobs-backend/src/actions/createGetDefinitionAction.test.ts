import { createGetDefinitionAction } from './createGetDefinitionAction';
import {
  A_DEFINITION,
  A_RUN,
  DEFINITION,
  SOME_STATS,
  actionUnderTest,
} from './__testUtils__/invokeAction';

const DETAILS = { definition: A_DEFINITION, stats: SOME_STATS, runs: [A_RUN] };

describe('kubernetes-jobs:get-definition', () => {
  it('reads the definition at its address as the caller', async () => {
    const action = actionUnderTest(createGetDefinitionAction, DETAILS);
    const { output } = await action.invoke(DEFINITION);
    expect(output).toEqual(DETAILS);
    expect(action.operations.getDefinition).toHaveBeenCalledWith(
      action.credentials,
      {
        cluster: 'prod',
        namespace: 'shop',
        kind: 'CronJob',
        name: 'nightly-export',
      },
      'component:default/shop',
    );
  });

  it('refuses a name Kubernetes would not accept, naming the field', async () => {
    const action = actionUnderTest(createGetDefinitionAction, DETAILS);
    await expect(
      action.invoke({ ...DEFINITION, name: 'Nightly_Export' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('name'),
    });
    expect(action.operations.getDefinition).not.toHaveBeenCalled();
  });
});
