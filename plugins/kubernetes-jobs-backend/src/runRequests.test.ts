import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { Server } from 'http';
import request from 'supertest';
import { kubernetesJobsPlugin } from './plugin';
import { SandboxAdmin, component, eventually } from './__testUtils__/sandbox';

/**
 * Run requests at the HTTP edge: the real plugin wiring, Backstage's real scheduler sweeping
 * every second, the sandbox cluster over HTTP, and a permission service, group memberships, an
 * auditor, notifications and signals the test watches. Each route's 201/200, 400, 403, 404 and
 * 409, with its audit event.
 */
jest.setTimeout(60_000);

const API = '/api/kubernetes-jobs';
const SHOP = 'component:default/shop';
const JANE = 'user:default/jane';
const SAM = 'user:default/sam';
const MARCO = 'user:default/marco';
const header = (ref: string) => mockCredentials.user.header(ref);
const MEMBERSHIPS: Record<string, string[]> = {
  [SAM]: [SAM, 'group:default/sre'],
};

let admin: SandboxAdmin;
let server: Server;
let backend: Awaited<ReturnType<typeof startTestBackend>>;
let decide: (permission: string, user: string) => AuthorizeResult;
const userOf = (credentials: { principal: unknown }) =>
  (credentials.principal as { userEntityRef?: string }).userEntityRef ??
  'service';
const audits: Array<{
  eventId: string;
  meta: any;
  outcome?: string;
  error?: string;
}> = [];
const notifications: NotificationSendOptions[] = [];
const signals: unknown[] = [];

beforeAll(async () => {
  admin = await SandboxAdmin.start();
  await admin.createNamespace('shop');
  await admin.createDefinitionJob({ namespace: 'shop', name: 'later' });
  for (const name of ['approved', 'rejected', 'cancelled']) {
    await admin.createDefinitionJob({
      namespace: 'shop',
      name,
      annotations: {
        'job-assistant': 'enable',
        'job-assistant/approval': 'required',
        'job-assistant/approvers': 'group:default/sre',
      },
    });
  }
  backend = await startTestBackend({
    features: [
      kubernetesJobsPlugin,
      schedulerServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          ...admin.config(),
          // The policy changes between requests: views may not be behind it (1 ms).
          kubernetesJobs: {
            runRequests: { sweepSeconds: 1 },
            viewCacheSeconds: 0.001,
          },
        },
      }),
      catalogServiceMock.factory({
        entities: [component('shop', { 'backstage.io/kubernetes-id': 'shop' })],
      }),
      mockServices.permissions.mock({
        authorize: async (requests, { credentials }) =>
          requests.map(r => ({
            result: decide(r.permission.name, userOf(credentials)),
          })) as any,
        // The mock catalog shows every entity to everyone: so does its read permission.
        authorizeConditional: async (requests, { credentials }) =>
          requests.map(r => ({
            result:
              r.permission.name === 'catalog.entity.read'
                ? AuthorizeResult.ALLOW
                : decide(r.permission.name, userOf(credentials)),
          })) as any,
      }).factory,
      mockServices.userInfo.mock({
        getUserInfo: async credentials => {
          const ref = (credentials.principal as { userEntityRef: string })
            .userEntityRef;
          return {
            userEntityRef: ref,
            ownershipEntityRefs: MEMBERSHIPS[ref] ?? [ref],
          };
        },
      }).factory,
      mockServices.auditor.mock({
        createEvent: async ({ eventId, meta }) => {
          const event: (typeof audits)[number] = { eventId, meta };
          audits.push(event);
          return {
            success: async () => {
              event.outcome = 'success';
            },
            fail: async ({ error }) => {
              event.outcome = 'fail';
              event.error = error.message;
            },
          };
        },
      }).factory,
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          send: async (options: NotificationSendOptions) => {
            notifications.push(options);
          },
        }),
      }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({
          publish: async (message: unknown) => {
            signals.push(message);
          },
        }),
      }),
    ],
  });
  server = backend.server;
}, 60_000);

afterAll(async () => {
  await backend?.stop();
  await admin?.close();
});

beforeEach(() => {
  decide = () => AuthorizeResult.ALLOW;
  audits.length = 0;
  notifications.length = 0;
});

const definition = (name: string) =>
  `${API}/definitions/sandbox/shop/job/${name}`;

function ask(name: string, body: object = {}, who = JANE) {
  return request(server)
    .post(`${definition(name)}/requests`)
    .set('authorization', header(who))
    .send({ entityRef: SHOP, ...body });
}

function decideOn(
  id: string,
  verb: 'approve' | 'reject' | 'cancel',
  who: string,
  body: object = {},
) {
  return request(server)
    .post(`${API}/requests/${id}/${verb}`)
    .set('authorization', header(who))
    .send({ entityRef: SHOP, ...body });
}

function getRequest(id: string, entityRef = SHOP) {
  return request(server)
    .get(`${API}/requests/${id}`)
    .query({ entityRef })
    .set('authorization', header(JANE));
}

describe('run later', () => {
  it('asks for a run two seconds ahead: 201 Scheduled, then the sweep starts it by itself, once', async () => {
    const when = new Date(Date.now() + 2000).toISOString();
    const res = await ask('later', { at: when });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      state: 'Scheduled',
      notBefore: when,
      requestedBy: JANE,
      definition: { kind: 'Job', name: 'later' },
    });
    // Nothing runs before its time.
    expect(
      await admin.listJobs('shop', 'job-assistant/definition=later'),
    ).toHaveLength(0);
    const started = await eventually(async () => {
      const r = await getRequest(res.body.id);
      return r.body.state === 'Started' ? r.body : undefined;
    }, 15_000);
    expect(new Date(started.updatedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(when).getTime(),
    );
    const job = await admin.getJob('shop', started.run.name);
    expect(job.metadata.annotations).toMatchObject({
      'job-assistant/triggered-by': JANE,
      'job-assistant/request-id': res.body.id,
    });
    expect(
      await admin.listJobs('shop', 'job-assistant/definition=later'),
    ).toHaveLength(1);
    // Audited twice: Jane's request, and the start the backend made at its time.
    expect(audits.map(a => [a.eventId, a.outcome])).toEqual([
      ['job-run-request', 'success'],
      ['job-run-request-start', 'success'],
    ]);
    expect(audits[1].meta).toMatchObject({
      requestId: res.body.id,
      requestedBy: JANE,
    });
    expect(notifications).toContainEqual(
      expect.objectContaining({
        recipients: { type: 'entity', entityRef: [JANE] },
        payload: expect.objectContaining({ title: 'later started' }),
      }),
    );
    expect(signals).toContainEqual(
      expect.objectContaining({
        message: {
          type: 'request',
          cluster: 'sandbox',
          namespace: 'shop',
          definitionKind: 'Job',
          definitionName: 'later',
        },
      }),
    );
  });

  it.each([
    [
      { at: '2020-01-01T00:00:00Z' },
      /^Invalid|at: 2020-01-01T00:00:00.000Z is in the past/,
    ],
    [{ at: '2099-01-01T00:00:00Z' }, /more than 30 days ahead/],
    [{ at: 'tonight' }, /at must be a date and time with its zone/],
    [{ at: '2026-12-24T02:00:00' }, /at must be a date and time with its zone/],
    [{ entityRef: undefined }, /entityRef is required/],
  ])('is 400 for %j, naming the field', async (body, message) => {
    const res = await ask('later', body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });

  it('is 403 without the run permission, audited', async () => {
    decide = permission =>
      permission === 'kubernetes-jobs.run'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW;
    const res = await ask('later', {
      at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(res.status).toBe(403);
    expect(audits).toMatchObject([
      { eventId: 'job-run-request', outcome: 'fail' },
    ]);
  });

  it('is 404 for an unknown cluster or definition', async () => {
    const unknownCluster = await request(server)
      .post(`${API}/definitions/nowhere/shop/job/later/requests`)
      .set('authorization', header(JANE))
      .send({ entityRef: SHOP });
    expect(unknownCluster.status).toBe(404);
    const missing = await ask('nothing-here');
    expect(missing.status).toBe(404);
  });
});

describe('four eyes', () => {
  it('refuses Run on a Job that needs approval (409), and takes the request instead', async () => {
    const run = await request(server)
      .post(`${definition('approved')}/runs`)
      .set('authorization', header(JANE))
      .send({ entityRef: SHOP });
    expect(run.status).toBe(409);
    expect(run.body.error.message).toContain(
      'This Job needs approval (the Job asks for one approval): ask for a run (POST /definitions/sandbox/shop/job/approved/requests)',
    );

    const details = await request(server)
      .get(definition('approved'))
      .query({ entityRef: SHOP })
      .set('authorization', header(JANE));
    expect(details.body.definition.approval).toEqual({
      required: 1,
      approverGroups: ['group:default/sre'],
      reason: 'the Job asks for one approval',
    });
  });

  it('waits for an SRE: the requester cannot approve, Marco is not in the group, Sam starts it', async () => {
    const asked = await ask('approved');
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({
      state: 'WaitingForApproval',
      approval: { required: 1, approverGroups: ['group:default/sre'] },
    });
    const { id } = asked.body;
    expect(notifications).toContainEqual(
      expect.objectContaining({
        recipients: {
          type: 'entity',
          entityRef: ['group:default/sre'],
          excludeEntityRef: JANE,
        },
        payload: expect.objectContaining({
          title: 'approved waits for your approval',
          link: `/kubernetes-jobs/sandbox/shop/job/approved?request=${id}`,
        }),
      }),
    );

    const waiting = (who: string) =>
      request(server)
        .get(`${API}/requests`)
        .query({ waitingForMe: 'true' })
        .set('authorization', header(who));
    expect((await waiting(SAM)).body.items.map((r: any) => r.id)).toContain(id);
    expect(
      (await waiting(JANE)).body.items.map((r: any) => r.id),
    ).not.toContain(id);

    const own = await decideOn(id, 'approve', JANE);
    expect(own.status).toBe(403);
    expect(own.body.error.message).toBe(
      'Nobody approves their own request: someone else must approve it',
    );
    const outsider = await decideOn(id, 'approve', MARCO);
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.message).toBe(
      'Only members of group:default/sre may approve this run',
    );

    const approved = await decideOn(id, 'approve', SAM, { comment: 'ok' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      state: 'Started',
      decisions: [{ by: SAM, decision: 'approve', comment: 'ok' }],
    });
    const again = await decideOn(id, 'approve', SAM);
    expect(again.status).toBe(409);

    expect(
      audits
        .filter(a => a.eventId === 'job-run-request-approve')
        .map(a => a.outcome),
    ).toEqual(['fail', 'fail', 'success', 'fail']);

    // The run says who asked and who approved, from the backend's record.
    const run = await eventually(async () => {
      const r = await request(server)
        .get(`${API}/runs/sandbox/shop/${approved.body.run.name}`)
        .query({ entityRef: SHOP })
        .set('authorization', header(JANE));
      return r.status === 200 && r.body.approvedBy ? r.body : undefined;
    });
    expect(run).toMatchObject({
      triggeredBy: JANE,
      approvedBy: [SAM],
      requestId: id,
    });
    const job = await admin.getJob('shop', approved.body.run.name);
    expect(job.metadata.annotations['job-assistant/approved-by']).toBe(SAM);
  });

  it('rejects with a comment; the requester is told', async () => {
    const { body } = await ask('rejected');
    const rejected = await decideOn(body.id, 'reject', SAM, {
      comment: 'not during the sale',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      state: 'Rejected',
      stateReason: `rejected by ${SAM}: not during the sale`,
    });
    expect(notifications).toContainEqual(
      expect.objectContaining({
        recipients: { type: 'entity', entityRef: [JANE] },
        payload: expect.objectContaining({ title: 'rejected was rejected' }),
      }),
    );
    expect(audits.map(a => [a.eventId, a.outcome])).toContainEqual([
      'job-run-request-reject',
      'success',
    ]);
  });

  it('cancels: someone else without the kill permission is refused, the requester may; twice is a conflict', async () => {
    const { body } = await ask('cancelled');
    decide = permission =>
      permission === 'kubernetes-jobs.kill'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW;
    expect((await decideOn(body.id, 'cancel', MARCO)).status).toBe(403);
    const cancelled = await decideOn(body.id, 'cancel', JANE);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.state).toBe('Cancelled');
    const twice = await decideOn(body.id, 'cancel', JANE);
    expect(twice.status).toBe(409);
    expect(
      audits
        .filter(a => a.eventId === 'job-run-request-cancel')
        .map(a => a.outcome),
    ).toEqual(['fail', 'success', 'fail']);
  });
});

describe('reading requests', () => {
  it("lists a definition's requests and reads one, only through its own entity", async () => {
    const list = await request(server)
      .get(`${definition('cancelled')}/requests`)
      .query({ entityRef: SHOP })
      .set('authorization', header(JANE));
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: any) => r.state)).toEqual(['Cancelled']);
    const { id } = list.body.items[0];
    expect((await getRequest(id)).status).toBe(200);
    const unknown = await getRequest('00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    const malformed = await getRequest('42');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toContain(
      'id is not a run request id',
    );
    const elsewhere = await getRequest(id, 'component:default/nope');
    expect(elsewhere.status).toBe(404);
  });

  it('is 403 for a reader without the read permission, and 400 for a bad filter', async () => {
    decide = () => AuthorizeResult.DENY;
    const denied = await request(server)
      .get(`${definition('approved')}/requests`)
      .query({ entityRef: SHOP })
      .set('authorization', header(JANE));
    expect(denied.status).toBe(403);
    // The list across entities counts nothing the caller may not read.
    const pending = await request(server)
      .get(`${API}/requests`)
      .set('authorization', header(JANE));
    expect(pending.status).toBe(200);
    expect(pending.body.items).toEqual([]);
    const bad = await request(server)
      .get(`${API}/requests`)
      .query({ waitingForMe: 'yes' })
      .set('authorization', header(JANE));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain(
      "waitingForMe must be 'true' or 'false'",
    );
  });
});
