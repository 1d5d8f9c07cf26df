import { ConflictError } from '@backstage/errors';
import { createRunDefinitionAction } from './createRunDefinitionAction';
import {
  A_RUN,
  DEFINITION,
  actionUnderTest,
} from './__testUtils__/invokeAction';

describe('kubernetes-jobs:run-definition', () => {
  it('starts a run as the caller, with its parameters, named as this action in the audit', async () => {
    const action = actionUnderTest(createRunDefinitionAction, A_RUN);
    const { output } = await action.invoke({
      ...DEFINITION,
      parameters: { EXPORT_DATE: '2026-12-01', DRY_RUN: true },
    });
    expect(output).toEqual(A_RUN);
    expect(action.operations.run).toHaveBeenCalledWith(
      {
        credentials: action.credentials,
        actionId: 'kubernetes-jobs:run-definition',
      },
      {
        cluster: 'prod',
        namespace: 'shop',
        kind: 'CronJob',
        name: 'nightly-export',
      },
      {
        entityRef: 'component:default/shop',
        parameters: { EXPORT_DATE: '2026-12-01', DRY_RUN: true },
      },
    );
  });

  it('answers a conflict (another run is active) as a conflict', async () => {
    const action = actionUnderTest(createRunDefinitionAction);
    action.operations.run.mockRejectedValue(
      new ConflictError('nightly-export-abcde is still running'),
    );
    await expect(action.invoke(DEFINITION)).rejects.toMatchObject({
      name: 'ConflictError',
    });
  });

  it('refuses an unknown kind before asking anything', async () => {
    const action = actionUnderTest(createRunDefinitionAction, A_RUN);
    await expect(
      action.invoke({ ...DEFINITION, kind: 'Deployment' }),
    ).rejects.toMatchObject({ name: 'InputError' });
    expect(action.operations.run).not.toHaveBeenCalled();
  });
});
