import { createListDefinitionsAction } from './createListDefinitionsAction';
import {
  A_DEFINITION,
  SOME_STATS,
  actionUnderTest,
} from './__testUtils__/invokeAction';

const LIST = {
  items: [{ definition: A_DEFINITION, stats: SOME_STATS }],
  errors: [{ cluster: 'dev', message: "Cluster 'dev' is unreachable" }],
};

describe('kubernetes-jobs:list-definitions', () => {
  it('lists one entity’s definitions as the caller, the entity ref normalised', async () => {
    const action = actionUnderTest(createListDefinitionsAction, LIST);
    const { output } = await action.invoke({ entityRef: 'Component:shop' });
    expect(output).toEqual(LIST);
    expect(action.operations.listDefinitions).toHaveBeenCalledWith(
      action.credentials,
      'component:default/shop',
    );
  });

  it('lists every definition without an entity ref', async () => {
    const action = actionUnderTest(createListDefinitionsAction, LIST);
    await action.invoke({});
    expect(action.operations.listDefinitions).toHaveBeenCalledWith(
      action.credentials,
      undefined,
    );
  });

  it('refuses a malformed entity ref, naming it, before asking anything', async () => {
    const action = actionUnderTest(createListDefinitionsAction, LIST);
    await expect(action.invoke({ entityRef: 'shop' })).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('entityRef'),
    });
    expect(action.operations.listDefinitions).not.toHaveBeenCalled();
  });
});
