import { mockServices } from '@backstage/backend-test-utils';
import { RunRequest } from '@job-assistant/plugin-kubernetes-jobs-common';
import { RequestNotifier } from './RequestNotifier';

const REQUEST: RunRequest = {
  id: '6f1c2b9e-0d4a-4c8e-9b7a-2f3e4d5c6b7a',
  cluster: 'production',
  namespace: 'shop',
  definition: { kind: 'Job', name: 'migrate' },
  entityRef: 'component:default/shop',
  requestedBy: 'user:default/jane',
  requestedAt: '2026-12-01T10:00:00.000Z',
  approval: {
    required: 1,
    approverGroups: [],
    reason: 'every run on cluster production needs approval',
  },
  decisions: [],
  expiresAt: '2026-12-02T10:00:00.000Z',
  state: 'WaitingForApproval',
  updatedAt: '2026-12-01T10:00:00.000Z',
};

function setup(enabled = true) {
  const send = jest.fn(async () => {});
  const notifier = new RequestNotifier({
    notifications: { send },
    logger: mockServices.logger.mock(),
    config: { enabled, notifyOwnerOnFailure: false },
  });
  const sent = async () => {
    await new Promise(r => setImmediate(r));
    return send.mock.calls.map(([options]: any) => options);
  };
  return { notifier, sent };
}

describe('RequestNotifier', () => {
  it("tells the entity's owner (the entity, resolved by the notifications backend) when no group is named, never the requester", async () => {
    const { notifier, sent } = setup();
    notifier.requestChanged(REQUEST, 'requested');
    expect(await sent()).toEqual([
      {
        recipients: {
          type: 'entity',
          entityRef: ['component:default/shop'],
          excludeEntityRef: 'user:default/jane',
        },
        payload: expect.objectContaining({
          title: 'migrate waits for your approval',
          description: expect.stringContaining(
            'user:default/jane asks to run migrate on cluster production: every run on cluster production needs approval.',
          ),
          link: `/kubernetes-jobs/production/shop/job/migrate?request=${REQUEST.id}`,
          scope: `kubernetes-jobs:request:${REQUEST.id}:approvers`,
        }),
      },
    ]);
  });

  it('updates the approvers’ notification (same scope) and tells the requester why it will not run', async () => {
    const { notifier, sent } = setup();
    notifier.requestChanged(
      {
        ...REQUEST,
        state: 'Expired',
        stateReason: 'nobody approved it in time',
      },
      'expired',
    );
    const [approvers, requester] = await sent();
    expect(approvers.payload).toMatchObject({
      scope: `kubernetes-jobs:request:${REQUEST.id}:approvers`,
      severity: 'low',
    });
    expect(requester).toMatchObject({
      recipients: { type: 'entity', entityRef: ['user:default/jane'] },
      payload: {
        title: 'Your request to run migrate expired',
        description:
          'Your run of migrate will not start: nobody approved it in time.',
        scope: `kubernetes-jobs:request:${REQUEST.id}:requester`,
      },
    });
  });

  it('says nothing to a requester who cancelled themselves, nor when notifications are off', async () => {
    const cancelled = {
      ...REQUEST,
      approval: undefined,
      state: 'Cancelled' as const,
      stateReason: 'cancelled by user:default/jane',
    };
    const on = setup();
    on.notifier.requestChanged(cancelled, 'cancelled');
    expect(await on.sent()).toEqual([]);
    const off = setup(false);
    off.notifier.requestChanged(REQUEST, 'requested');
    expect(await off.sent()).toEqual([]);
  });
});
