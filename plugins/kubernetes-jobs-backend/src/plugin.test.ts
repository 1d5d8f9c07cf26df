import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { Server } from 'http';
import { SandboxAdmin, component } from './__testUtils__/sandbox';
import {
  Decider,
  RecordedAuditEvent,
  startPluginBackend,
} from './__testUtils__/pluginBackend';

/**
 * The HTTP edge: every route's 200 / 400 / 403 / 404 / 409, through the real plugin wiring
 * (startTestBackend), a mock catalog and permission service, and the sandbox cluster over HTTP.
 */

const entities = [
  component('shop', { 'backstage.io/kubernetes-id': 'shop' }),
  component(
    'newsletter',
    { 'backstage.io/kubernetes-id': 'newsletter' },
    'team-marketing',
  ),
  component('no-annotations', {}),
];

const jane = mockCredentials.user.header('user:default/jane');

let admin: SandboxAdmin;
let server: Server;
let decide: Decider;
const auditEvents: RecordedAuditEvent[] = [];

beforeAll(async () => {
  admin = await SandboxAdmin.start();
  await admin.createNamespace('shop');
  await admin.createNamespace('marketing');
  await admin.createDefinitionJob({ namespace: 'shop', name: 'shop-migrate' });
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'shop-long',
    script: 'echo working; sleep 600',
  });
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'shop-plain',
    annotations: {},
  });
  await admin.createDefinitionJob({
    namespace: 'marketing',
    name: 'newsletter-export',
    labels: { 'backstage.io/kubernetes-id': 'newsletter' },
  });

  server = await startPluginBackend({
    admin,
    entities,
    decide: () => decide,
    auditEvents,
  });
}, 30000);

beforeEach(() => {
  decide = () => AuthorizeResult.ALLOW;
  auditEvents.length = 0;
});

afterAll(async () => {
  await admin?.close();
});

const SHOP = 'component:default/shop';

describe('GET /health', () => {
  it('answers without credentials', async () => {
    const res = await request(server).get('/api/kubernetes-jobs/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});

describe('GET /definitions', () => {
  it("lists the entity's definitions and only those", async () => {
    const res = await request(server)
      .get('/api/kubernetes-jobs/definitions')
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([]);
    expect(res.body.items.map((i: any) => i.definition.name)).toEqual([
      'shop-long',
      'shop-migrate',
    ]);
    expect(res.body.items[0].definition).toMatchObject({
      cluster: 'sandbox',
      namespace: 'shop',
      kind: 'Job',
      entityRef: SHOP,
      entityOwnerRef: 'group:default/team-shop',
      suspended: true,
      allowParallelRuns: false,
    });
  });

  it('lists every readable definition across entities without an entityRef', async () => {
    decide = () => ({
      conditions: {
        not: {
          rule: 'HAS_METADATA',
          resourceType: 'catalog-entity',
          params: { key: 'name', value: 'newsletter' },
        },
      },
    });
    const res = await request(server)
      .get('/api/kubernetes-jobs/definitions')
      .set('authorization', jane);
    expect(res.status).toBe(200);
    const names = res.body.items.map((i: any) => i.definition.name);
    expect(names).toContain('shop-migrate');
    expect(names).not.toContain('newsletter-export');
  });

  it('is 400 for a malformed entityRef', async () => {
    const res = await request(server)
      .get('/api/kubernetes-jobs/definitions')
      .query({ entityRef: 'not a ref::' })
      .set('authorization', jane);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/entityRef/);
  });

  it('is 404 for an entity missing from the catalog', async () => {
    const res = await request(server)
      .get('/api/kubernetes-jobs/definitions')
      .query({ entityRef: 'component:default/nope' })
      .set('authorization', jane);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('component:default/nope');
  });

  it('is 400 naming the annotation for an entity without Kubernetes annotations', async () => {
    const res = await request(server)
      .get('/api/kubernetes-jobs/definitions')
      .query({ entityRef: 'component:default/no-annotations' })
      .set('authorization', jane);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('backstage.io/kubernetes-id');
  });

  it('is 403 when reading is denied, and the cluster is not asked', async () => {
    decide = () => AuthorizeResult.DENY;
    const mark = admin.sandbox.requests.length;
    const res = await request(server)
      .get('/api/kubernetes-jobs/definitions')
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    expect(res.status).toBe(403);
    expect(admin.readsSince(mark)).toEqual([]);
  });
});

describe('GET /definitions/:cluster/:namespace/:kind/:name', () => {
  it('returns the definition with stats and runs', async () => {
    const res = await request(server)
      .get('/api/kubernetes-jobs/definitions/sandbox/shop/job/shop-migrate')
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    expect(res.status).toBe(200);
    expect(res.body.definition.name).toBe('shop-migrate');
    expect(res.body.stats.counts).toBeDefined();
    expect(Array.isArray(res.body.runs)).toBe(true);
  });

  it.each([
    ['/definitions/sandbox/shop/deployment/shop-migrate', /kind/],
    ['/definitions/sandbox/Shop_NS/job/shop-migrate', /namespace/],
    ['/definitions/sandbox/shop/job/Bad_Name', /name/],
  ])('is 400 for %s', async (path, message) => {
    const res = await request(server)
      .get(`/api/kubernetes-jobs${path}`)
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });

  it('is 404 for an unknown cluster, without any connection', async () => {
    const mark = admin.sandbox.requests.length;
    const res = await request(server)
      .get('/api/kubernetes-jobs/definitions/elsewhere/shop/job/shop-migrate')
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain("Cluster 'elsewhere'");
    expect(admin.readsSince(mark)).toEqual([]);
  });

  it('is 404 naming cluster and object for a missing Job', async () => {
    const res = await request(server)
      .get('/api/kubernetes-jobs/definitions/sandbox/shop/job/nope')
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain("'nope'");
    expect(res.body.error.message).toContain("cluster 'sandbox'");
  });

  it('is 404 for a Job that is not a definition', async () => {
    const res = await request(server)
      .get('/api/kubernetes-jobs/definitions/sandbox/shop/job/shop-plain')
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('not a runnable definition');
  });

  it("is 403 for another entity's definition named through this entity", async () => {
    const res = await request(server)
      .get(
        '/api/kubernetes-jobs/definitions/sandbox/marketing/job/newsletter-export',
      )
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(
      'does not belong to component:default/shop',
    );
  });
});

describe('POST /definitions/.../runs and POST /runs/.../kill', () => {
  it('runs, refuses a second active run with 409, kills, and audits each step', async () => {
    const created = await request(server)
      .post('/api/kubernetes-jobs/definitions/sandbox/shop/job/shop-long/runs')
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(created.status).toBe(201);
    expect(created.body.name).toMatch(/^shop-long-[a-z0-9]{5}$/);
    expect(created.body.triggeredBy).toBe('user:default/jane');

    const second = await request(server)
      .post('/api/kubernetes-jobs/definitions/sandbox/shop/job/shop-long/runs')
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toContain(created.body.name);

    const killed = await request(server)
      .post(`/api/kubernetes-jobs/runs/sandbox/shop/${created.body.name}/kill`)
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(killed.status).toBe(200);
    expect(killed.body.state).toBe('Killed');
    expect(killed.body.killedBy).toBe('user:default/jane');

    const again = await request(server)
      .post(`/api/kubernetes-jobs/runs/sandbox/shop/${created.body.name}/kill`)
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(again.status).toBe(409);

    expect(auditEvents.map(e => [e.eventId, e.outcome])).toEqual([
      ['job-run', 'success'],
      ['job-run', 'fail'],
      ['job-kill', 'success'],
      ['job-kill', 'fail'],
    ]);
    expect(auditEvents[0].meta).toMatchObject({
      entityRef: SHOP,
      cluster: 'sandbox',
      namespace: 'shop',
      name: 'shop-long',
    });
  });

  it('is 400 without a body naming the entity', async () => {
    const res = await request(server)
      .post(
        '/api/kubernetes-jobs/definitions/sandbox/shop/job/shop-migrate/runs',
      )
      .set('authorization', jane)
      .send({});
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/entityRef/);
  });

  it('is 403 when running is denied; audited, and nothing reaches the cluster', async () => {
    decide = r =>
      r.permission.name === 'kubernetes-jobs.run'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW;
    const mark = admin.sandbox.requests.length;
    const res = await request(server)
      .post(
        '/api/kubernetes-jobs/definitions/sandbox/shop/job/shop-migrate/runs',
      )
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(res.status).toBe(403);
    expect(admin.mutatingRequestsSince(mark)).toEqual([]);
    expect(auditEvents).toMatchObject([
      { eventId: 'job-run', outcome: 'fail' },
    ]);
  });

  it('is 404 for an unknown cluster', async () => {
    const res = await request(server)
      .post(
        '/api/kubernetes-jobs/definitions/nowhere/shop/job/shop-migrate/runs',
      )
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(res.status).toBe(404);
  });

  it('is 403 for a kill when killing is denied', async () => {
    decide = r =>
      r.permission.name === 'kubernetes-jobs.kill'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW;
    const mark = admin.sandbox.requests.length;
    const res = await request(server)
      .post('/api/kubernetes-jobs/runs/sandbox/shop/anything/kill')
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(res.status).toBe(403);
    expect(admin.mutatingRequestsSince(mark)).toEqual([]);
  });
});

describe('GET /runs/... events, pods and logs', () => {
  it('follows a run to Succeeded and shows its pods, events and logs', async () => {
    const created = await request(server)
      .post(
        '/api/kubernetes-jobs/definitions/sandbox/shop/job/shop-migrate/runs',
      )
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(created.status).toBe(201);
    const base = `/api/kubernetes-jobs/runs/sandbox/shop/${created.body.name}`;

    const done = await eventuallyState(base, 'Succeeded');
    expect(done.startedAt).toBeDefined();
    expect(done.finishedAt).toBeDefined();

    const pods = await request(server)
      .get(`${base}/pods`)
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    expect(pods.status).toBe(200);
    expect(pods.body.items).toHaveLength(1);
    expect(pods.body.items[0].containers).toEqual(['main']);

    const events = await request(server)
      .get(`${base}/events`)
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    expect(events.status).toBe(200);
    expect(events.body.items.map((e: any) => e.reason)).toEqual(
      expect.arrayContaining(['SuccessfulCreate', 'Completed']),
    );

    const logs = await request(server)
      .get(`${base}/logs`)
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    expect(logs.status).toBe(200);
    expect(logs.body).toMatchObject({
      pod: pods.body.items[0].name,
      container: 'main',
    });
    expect(logs.body.text).toContain('hello');
    expect(logs.body.text).toContain('done');

    const tail = await request(server)
      .get(`${base}/logs`)
      .query({ entityRef: SHOP, tailLines: 1 })
      .set('authorization', jane);
    expect(tail.body.text.trim()).toBe('done');

    const badContainer = await request(server)
      .get(`${base}/logs`)
      .query({ entityRef: SHOP, container: 'nope' })
      .set('authorization', jane);
    expect(badContainer.status).toBe(400);
    expect(badContainer.body.error.message).toContain("Container 'nope'");

    const otherPod = await request(server)
      .get(`${base}/logs`)
      .query({ entityRef: SHOP, pod: 'someone-elses-pod' })
      .set('authorization', jane);
    expect(otherPod.status).toBe(404);

    const badTail = await request(server)
      .get(`${base}/logs`)
      .query({ entityRef: SHOP, tailLines: 'lots' })
      .set('authorization', jane);
    expect(badTail.status).toBe(400);
    expect(badTail.body.error.message).toContain('tailLines');
  });

  it('is 404 for a Job that is not a run', async () => {
    const res = await request(server)
      .get('/api/kubernetes-jobs/runs/sandbox/shop/shop-plain')
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('not a run');
  });
});

async function eventuallyState(base: string, state: string) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const res = await request(server)
      .get(base)
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    if (res.body.state === state) return res.body;
    if (Date.now() > deadline) {
      throw new Error(
        `run never reached ${state}; last: ${JSON.stringify(res.body)}`,
      );
    }
    await new Promise(r => setTimeout(r, 100));
  }
}
