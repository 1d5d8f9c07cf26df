import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { Server } from 'http';
import { kubernetesJobsPlugin } from './plugin';
import { SandboxAdmin, component, eventually } from './__testUtils__/sandbox';

/**
 * Runs and kills end to end: the plugin over HTTP, the real @kubernetes/client-node, and the
 * sandbox cluster's apiserver and Job controller. Checks what lands in the cluster, not only
 * what the API answers.
 */

const SHOP = 'component:default/shop';
const jane = mockCredentials.user.header('user:default/jane');

let admin: SandboxAdmin;
let server: Server;

// A service account whose Kubernetes RBAC is narrower than the Backstage policy: it may read
// Jobs in `shop` but not create or patch them.
const READ_ONLY_TOKEN = 'read-only-token';

beforeAll(async () => {
  admin = await SandboxAdmin.start({
    tokens: {
      [READ_ONLY_TOKEN]: {
        name: 'system:serviceaccount:backstage:read-only',
        rules: [
          {
            namespaces: ['shop'],
            apiGroups: ['batch'],
            resources: ['jobs', 'cronjobs'],
            verbs: ['get', 'list', 'watch'],
          },
          {
            namespaces: ['shop'],
            apiGroups: [''],
            resources: ['pods', 'events'],
            verbs: ['get', 'list'],
          },
        ],
      },
    },
  });
  await admin.createNamespace('shop');
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'migrate',
    labels: {
      'backstage.io/kubernetes-id': 'shop',
      'app.kubernetes.io/part-of': 'shop',
    },
    annotations: {
      'job-assistant': 'enable',
      'argocd.argoproj.io/tracking-id': 'shop:batch/Job:shop/migrate',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
    },
    // 40 simulated seconds: two real ones, so the duration (second precision) is not 0.
    script: 'echo migrating; sleep 40; echo migrated',
  });
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'check',
    script: 'echo checking; echo cache is stale >&2; exit 3',
    backoffLimit: 1,
  });
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'reindex',
    script: 'echo reindexing; sleep 600',
  });
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'warmup',
    suspend: false,
    script: 'echo warming; sleep 1',
  });
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'parallel',
    annotations: {
      'job-assistant': 'enable',
      'job-assistant/allow-parallel-runs': 'true',
    },
    script: 'sleep 600',
  });
  await admin.createDefinitionCronJob({ namespace: 'shop', name: 'nightly' });

  const backend = await startTestBackend({
    features: [
      kubernetesJobsPlugin,
      mockServices.rootConfig.factory({
        data: admin.config([{ name: 'read-only', token: READ_ONLY_TOKEN }]),
      }),
      catalogServiceMock.factory({
        entities: [
          component('shop', { 'backstage.io/kubernetes-id': 'shop' }),
          component('shop-elsewhere', {
            'backstage.io/kubernetes-id': 'shop',
            'backstage.io/kubernetes-cluster': 'read-only',
            // A namespaced Role cannot list across namespaces.
            'backstage.io/kubernetes-namespace': 'shop',
          }),
        ],
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
    ],
  });
  server = backend.server;
}, 30000);

afterAll(async () => {
  await admin?.close();
});

function run(kind: string, name: string) {
  return request(server)
    .post(`/api/kubernetes-jobs/definitions/sandbox/shop/${kind}/${name}/runs`)
    .set('authorization', jane)
    .send({ entityRef: SHOP });
}

function getRun(name: string) {
  return request(server)
    .get(`/api/kubernetes-jobs/runs/sandbox/shop/${name}`)
    .query({ entityRef: SHOP })
    .set('authorization', jane);
}

async function waitForState(name: string, state: string) {
  return eventually(async () => {
    const res = await getRun(name);
    return res.body.state === state ? res.body : undefined;
  }, 20000);
}

describe('Run', () => {
  it('creates a new Job with every field the design asks for, and never touches the definition', async () => {
    const before = await admin.getJob('shop', 'migrate');
    const res = await run('job', 'migrate');
    expect(res.status).toBe(201);

    const job = await admin.getJob('shop', res.body.name);
    expect(job.metadata.name).toMatch(/^migrate-[a-z0-9]{5}$/);
    expect(job.metadata.generateName).toBe('migrate-');
    expect(job.spec.suspend).toBe(false);
    expect(job.metadata.labels).toMatchObject({
      'backstage.io/kubernetes-id': 'shop',
      'app.kubernetes.io/part-of': 'shop',
      'job-assistant/definition': 'migrate',
      'job-assistant/definition-kind': 'Job',
    });
    expect(job.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: 'migrate',
        uid: before.metadata.uid,
        controller: false,
        blockOwnerDeletion: false,
      },
    ]);
    expect(job.metadata.annotations['job-assistant/triggered-by']).toBe(
      'user:default/jane',
    );
    expect(
      Date.parse(job.metadata.annotations['job-assistant/triggered-at']),
    ).not.toBeNaN();
    expect(job.metadata.annotations).not.toHaveProperty('job-assistant');
    expect(job.metadata.annotations).not.toHaveProperty(
      'argocd.argoproj.io/tracking-id',
    );
    expect(job.metadata.annotations).not.toHaveProperty(
      'kubectl.kubernetes.io/last-applied-configuration',
    );
    // The apiserver generated a fresh identity and selector for the run, not the definition's.
    expect(job.metadata.uid).not.toBe(before.metadata.uid);
    expect(
      job.spec.selector.matchLabels['batch.kubernetes.io/controller-uid'],
    ).toBe(job.metadata.uid);
    expect(
      job.spec.template.metadata.labels['batch.kubernetes.io/job-name'],
    ).toBe(job.metadata.name);

    const done = await waitForState(res.body.name, 'Succeeded');
    expect(done.durationSeconds).toBeGreaterThan(0);

    const after = await admin.getJob('shop', 'migrate');
    expect(JSON.stringify(after)).toBe(JSON.stringify(before));
  });

  it('reports a failing run as Failed with its reason', async () => {
    const res = await run('job', 'check');
    expect(res.status).toBe(201);
    const failed = await waitForState(res.body.name, 'Failed');
    expect(failed.failure).toEqual({
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    });
    expect(failed.pods.failed).toBe(2);
  });

  it('runs a CronJob now from its jobTemplate', async () => {
    const cronJob = await admin.request(
      'GET',
      '/apis/batch/v1/namespaces/shop/cronjobs/nightly',
    );
    const res = await run('cronjob', 'nightly');
    expect(res.status).toBe(201);
    expect(res.body.definition).toMatchObject({
      kind: 'CronJob',
      name: 'nightly',
    });
    const job = await admin.getJob('shop', res.body.name);
    expect(job.metadata.ownerReferences[0]).toMatchObject({
      kind: 'CronJob',
      uid: cronJob.metadata.uid,
    });
    expect(job.spec.template.spec.containers[0].name).toBe('export');
    await waitForState(res.body.name, 'Succeeded');
    const cronJobAfter = await admin.request(
      'GET',
      '/apis/batch/v1/namespaces/shop/cronjobs/nightly',
    );
    expect(cronJobAfter.spec).toEqual(cronJob.spec);
    expect(cronJobAfter.metadata.resourceVersion).toBe(
      cronJob.metadata.resourceVersion,
    );
  });

  it('starts exactly one run when several Runs arrive at once', async () => {
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => run('job', 'reindex')),
    );
    const statuses = responses.map(r => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    const runs = await admin.listJobs(
      'shop',
      'job-assistant/definition=reindex',
    );
    expect(runs).toHaveLength(1);

    // Clean up for the kill test below: it kills this run.
    expect(runs[0].metadata.name).toBe(
      responses.find(r => r.status === 201)!.body.name,
    );
  });

  it('allows parallel runs when the definition says so', async () => {
    expect((await run('job', 'parallel')).status).toBe(201);
    expect((await run('job', 'parallel')).status).toBe(201);
  });

  it('counts a definition that ran by itself as its first run', async () => {
    const res = await request(server)
      .get('/api/kubernetes-jobs/definitions/sandbox/shop/job/warmup')
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    expect(res.status).toBe(200);
    expect(res.body.runs).toHaveLength(1);
    expect(res.body.runs[0]).toMatchObject({
      name: 'warmup',
      isDefinition: true,
    });
  });
});

describe('Kill', () => {
  it('suspends the run, keeps it as Killed history, and leaves the definition alone', async () => {
    const definitionBefore = await admin.getJob('shop', 'reindex');
    const [active] = await admin.listJobs(
      'shop',
      'job-assistant/definition=reindex',
    );
    await waitForState(active.metadata.name, 'Running');

    const res = await request(server)
      .post(
        `/api/kubernetes-jobs/runs/sandbox/shop/${active.metadata.name}/kill`,
      )
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('Killed');

    const job = await admin.getJob('shop', active.metadata.name);
    expect(job.spec.suspend).toBe(true);
    expect(job.metadata.annotations['job-assistant/killed-by']).toBe(
      'user:default/jane',
    );

    // The controller terminates the pods; the run stays, shown as Killed.
    await eventually(async () => {
      const current = await admin.getJob('shop', active.metadata.name);
      return (current.status.active ?? 0) === 0 &&
        current.status.conditions?.some(
          (c: any) => c.type === 'Suspended' && c.status === 'True',
        )
        ? current
        : undefined;
    });
    const details = await request(server)
      .get('/api/kubernetes-jobs/definitions/sandbox/shop/job/reindex')
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    expect(details.body.runs[0]).toMatchObject({
      name: active.metadata.name,
      state: 'Killed',
    });
    expect(details.body.stats.counts.killed).toBe(1);

    // A new run may start now that none is active.
    expect((await run('job', 'reindex')).status).toBe(201);

    const definitionAfter = await admin.getJob('shop', 'reindex');
    expect(JSON.stringify(definitionAfter)).toBe(
      JSON.stringify(definitionBefore),
    );
  });

  it('refuses to kill a definition that is itself running', async () => {
    const res = await request(server)
      .post('/api/kubernetes-jobs/runs/sandbox/shop/warmup/kill')
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('is a definition, not a run');
  });
});

describe('a cluster whose RBAC is narrower than the policy', () => {
  it('lists, but reports a refused run clearly, naming cluster, action and namespace', async () => {
    const entityRef = 'component:default/shop-elsewhere';
    const list = await request(server)
      .get('/api/kubernetes-jobs/definitions')
      .query({ entityRef })
      .set('authorization', jane);
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: any) => i.definition.name)).toContain(
      'migrate',
    );

    const res = await request(server)
      .post('/api/kubernetes-jobs/definitions/read-only/shop/job/migrate/runs')
      .set('authorization', jane)
      .send({ entityRef });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(
      "The kubernetes-jobs backend's Kubernetes RBAC does not allow it to create Job 'migrate-*' in namespace 'shop' on cluster 'read-only'",
    );
    expect(res.body.error.message).not.toContain(READ_ONLY_TOKEN);
  });
});

describe('the global list on a cluster with namespaced RBAC', () => {
  it('reads the namespaces that entities name when the cluster-wide list is refused', async () => {
    const res = await request(server)
      .get('/api/kubernetes-jobs/definitions')
      .set('authorization', jane);
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([]);
    const readOnly = res.body.items.filter(
      (i: any) => i.definition.cluster === 'read-only',
    );
    expect(readOnly.map((i: any) => i.definition.name)).toContain('migrate');
  });
});

describe('a cluster that cannot be reached', () => {
  it('is reported per cluster in lists, and as 503 naming the cluster for one object', async () => {
    const backend = await startTestBackend({
      features: [
        kubernetesJobsPlugin,
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: 'gone',
                      url: 'http://127.0.0.1:1',
                      skipTLSVerify: true,
                      authProvider: 'serviceAccount',
                      serviceAccountToken: 'secret-token-value',
                    },
                  ],
                },
              ],
            },
          },
        }),
        catalogServiceMock.factory({
          entities: [
            component('shop', { 'backstage.io/kubernetes-id': 'shop' }),
          ],
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
    const list = await request(backend.server)
      .get('/api/kubernetes-jobs/definitions')
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
    // Said per kind, at once (not after the read's sync timeout), and in the cluster status.
    expect(list.body.errors).toEqual([
      expect.objectContaining({
        cluster: 'gone',
        statusCode: 503,
        kind: 'Job',
      }),
      expect.objectContaining({
        cluster: 'gone',
        statusCode: 503,
        kind: 'CronJob',
      }),
    ]);
    expect(list.body.errors[0].message).toContain(
      "Cluster 'gone' is unreachable",
    );
    expect(list.body.clusters).toEqual([
      expect.objectContaining({ cluster: 'gone', synced: false }),
    ]);
    expect(list.body.clusters[0].lastError).toContain('unreachable');

    const one = await request(backend.server)
      .post('/api/kubernetes-jobs/definitions/gone/shop/job/migrate/runs')
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(one.status).toBe(503);
    expect(one.body.error.message).toContain("Cluster 'gone' is unreachable");
    expect(JSON.stringify(one.body)).not.toContain('secret-token-value');
    await backend.stop();
  });
});
