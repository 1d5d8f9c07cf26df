import { createListRunRequestsAction } from './createListRunRequestsAction';
import {
  A_REQUEST,
  DEFINITION,
  actionUnderTest,
} from './__testUtils__/invokeAction';

const LIST = { items: [A_REQUEST] };

describe('kubernetes-jobs:list-run-requests', () => {
  it('lists the requests waiting for the caller', async () => {
    const action = actionUnderTest(createListRunRequestsAction, LIST);
    const { output } = await action.invoke({ waitingForMe: true });
    expect(output).toEqual(LIST);
    expect(action.operations.requests.listPending).toHaveBeenCalledWith(
      action.credentials,
      { waitingForMe: true },
    );
  });

  it("lists a definition's requests through its entity", async () => {
    const action = actionUnderTest(createListRunRequestsAction, LIST);
    await action.invoke(DEFINITION);
    expect(action.operations.requests.listForDefinition).toHaveBeenCalledWith(
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

  it('refuses half an address, before asking anything', async () => {
    const action = actionUnderTest(createListRunRequestsAction, LIST);
    await expect(
      action.invoke({ cluster: 'prod', name: 'nightly-export' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        'entityRef, cluster, namespace, kind and name',
      ),
    });
    expect(action.operations.requests.listForDefinition).not.toHaveBeenCalled();
    expect(action.operations.requests.listPending).not.toHaveBeenCalled();
  });
});
