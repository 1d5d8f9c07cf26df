import { mockCredentials } from '@backstage/backend-test-utils';
import {
  SANDBOX_ADMIN_TOKEN,
  SandboxCluster,
  startSandboxCluster,
} from '@job-assistant/sandbox-cluster';
import request from 'supertest';
import { startSampleBackend } from './__testUtils__/sampleBackend';

/**
 * The policy end to end: the real permission backend and catalog (with the demo's entities), the
 * kubernetes-jobs plugin, and the sandbox cluster. Checks that nothing gets around the policy.
 */
const asUser = (ref: string) => mockCredentials.user.header(ref);

describe('the sample policy in a backend', () => {
  let sandbox: SandboxCluster;
  let server: any;

  const admin = (method: string, urlPath: string, body?: unknown) =>
    fetch(`${sandbox.url}${urlPath}`, {
      method,
      headers: {
        authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(r => r.json());
  const definition = (namespace: string, name: string, id: string) =>
    admin('POST', `/apis/batch/v1/namespaces/${namespace}/jobs`, {
      metadata: {
        name,
        labels: { 'backstage.io/kubernetes-id': id },
        annotations: { 'job-assistant': 'enable' },
      },
      spec: {
        suspend: true,
        template: {
          spec: {
            restartPolicy: 'Never',
            containers: [
              {
                name: 'main',
                image: 'busybox',
                command: ['sh', '-c', 'sleep 600'],
              },
            ],
          },
        },
      },
    });

  beforeAll(async () => {
    sandbox = await startSandboxCluster({ timeScale: 0.05 });
    for (const ns of ['shop', 'marketing']) {
      await admin('POST', '/api/v1/namespaces', { metadata: { name: ns } });
    }
    await definition('shop', 'shop-reindex', 'shop');
    await definition('marketing', 'newsletter-export', 'newsletter');

    server = (await startSampleBackend({ sandbox })).server;
  }, 90000);

  afterAll(async () => {
    await sandbox?.close();
  });

  const runShop = (
    user: string | undefined,
    entityRef = 'component:default/shop',
  ) => {
    const req = request(server)
      .post(
        '/api/kubernetes-jobs/definitions/sandbox/shop/job/shop-reindex/runs',
      )
      .send({ entityRef });
    return user ? req.set('authorization', asUser(user)) : req;
  };
  const mutating = (since: number) =>
    sandbox.requests.slice(since).filter(r => r.method !== 'GET');

  it("refuses a non-owner's run, a forged entity ref, and a missing token, without touching the cluster", async () => {
    const mark = sandbox.requests.length;

    const nonOwner = await runShop('user:default/marco');
    expect(nonOwner.status).toBe(403);

    // Marco owns the newsletter: naming it does not reach the shop's definition.
    const forged = await runShop(
      'user:default/marco',
      'component:default/newsletter',
    );
    expect(forged.status).toBe(403);
    expect(forged.body.error.message).toContain(
      'does not belong to component:default/newsletter',
    );

    const anonymous = await request(server)
      .post(
        '/api/kubernetes-jobs/definitions/sandbox/shop/job/shop-reindex/runs',
      )
      .set('authorization', mockCredentials.user.invalidHeader())
      .send({ entityRef: 'component:default/shop' });
    expect(anonymous.status).toBe(401);

    expect(mutating(mark)).toEqual([]);
  });

  it('lets the owner run and a non-owner still read', async () => {
    const owner = await runShop('user:default/guest');
    expect(owner.status).toBe(201);
    expect(owner.body.triggeredBy).toBe('user:default/guest');

    const list = await request(server)
      .get('/api/kubernetes-jobs/definitions')
      .query({ entityRef: 'component:default/shop' })
      .set('authorization', asUser('user:default/marco'));
    expect(list.status).toBe(200);
    expect(list.body.items[0].stats.lastRun.name).toBe(owner.body.name);

    const kill = await request(server)
      .post(`/api/kubernetes-jobs/runs/sandbox/shop/${owner.body.name}/kill`)
      .set('authorization', asUser('user:default/marco'))
      .send({ entityRef: 'component:default/shop' });
    expect(kill.status).toBe(403);
  });

  it('lets an SRE kill anything', async () => {
    const list = await request(server)
      .get('/api/kubernetes-jobs/definitions/sandbox/shop/job/shop-reindex')
      .query({ entityRef: 'component:default/shop' })
      .set('authorization', asUser('user:default/sam'));
    const active = list.body.runs.find(
      (r: any) => r.state === 'Running' || r.state === 'Pending',
    );
    const kill = await request(server)
      .post(`/api/kubernetes-jobs/runs/sandbox/shop/${active.name}/kill`)
      .set('authorization', asUser('user:default/sam'))
      .send({ entityRef: 'component:default/shop' });
    expect(kill.status).toBe(200);
    expect(kill.body.killedBy).toBe('user:default/sam');
  });
});
