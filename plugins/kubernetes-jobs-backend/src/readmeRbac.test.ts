import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { SandboxRbacRule } from '@job-assistant/sandbox-cluster';
import request from 'supertest';
import { kubernetesJobsPlugin } from './plugin';
import { readmeRole } from './__testUtils__/readmeRbac';
import { SandboxAdmin, component, eventually } from './__testUtils__/sandbox';

/**
 * Every feature through a service account holding exactly the README's RBAC, as a platform
 * team installs it: the cluster-wide ClusterRole and the namespaced Role, each with and without
 * the schedule-control opt-in. The rules are read from the README, so what we tell people to
 * apply is what is proven here.
 */
jest.setTimeout(120_000);

const api = '/api/kubernetes-jobs';
const jane = mockCredentials.user.header('user:default/jane');
const SERVICE_ACCOUNT =
  'system:serviceaccount:backstage:backstage-kubernetes-jobs';

const variants: Array<{
  title: string;
  rules: () => SandboxRbacRule[];
  namespaced: boolean;
  scheduleControl: boolean;
}> = [
  {
    title: 'ClusterRole',
    rules: () => readmeRole('ClusterRole', 'backstage-kubernetes-jobs'),
    namespaced: false,
    scheduleControl: false,
  },
  {
    title: 'ClusterRole + schedule-control opt-in',
    rules: () => [
      ...readmeRole('ClusterRole', 'backstage-kubernetes-jobs'),
      ...readmeRole(
        'ClusterRole',
        'backstage-kubernetes-jobs-schedule-control',
      ),
    ],
    namespaced: false,
    scheduleControl: true,
  },
  {
    title: 'namespaced Role',
    rules: () => readmeRole('Role', 'backstage-kubernetes-jobs'),
    namespaced: true,
    scheduleControl: false,
  },
  {
    title: 'namespaced Role + schedule-control opt-in',
    rules: () => [
      ...readmeRole('Role', 'backstage-kubernetes-jobs'),
      ...readmeRole('Role', 'backstage-kubernetes-jobs-schedule-control'),
    ],
    namespaced: true,
    scheduleControl: true,
  },
];

it('reads the README roles it grants', () => {
  expect(readmeRole('ClusterRole', 'backstage-kubernetes-jobs')).toContainEqual(
    {
      namespaces: undefined,
      apiGroups: ['batch'],
      resources: ['jobs'],
      verbs: ['get', 'list', 'watch', 'create', 'patch'],
    },
  );
  // The base rules never change a CronJob: that is the opt-in's job.
  for (const kind of ['ClusterRole', 'Role'] as const) {
    const base = readmeRole(kind, 'backstage-kubernetes-jobs');
    expect(
      base.some(
        r => r.resources.includes('cronjobs') && r.verbs.includes('patch'),
      ),
    ).toBe(false);
    expect(
      readmeRole(kind, 'backstage-kubernetes-jobs-schedule-control'),
    ).toEqual([
      {
        namespaces: kind === 'Role' ? ['shop'] : undefined,
        apiGroups: ['batch'],
        resources: ['cronjobs'],
        verbs: ['patch'],
      },
    ]);
  }
});

describe.each(variants)('with the README’s $title', variant => {
  const token = 'readme-rbac-token';
  const SHOP = 'component:default/shop';
  let admin: SandboxAdmin;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    admin = await SandboxAdmin.start({
      tokens: { [token]: { name: SERVICE_ACCOUNT, rules: variant.rules() } },
    });
    await admin.createNamespace('shop');
    await admin.createDefinitionJob({
      namespace: 'shop',
      name: 'migrate',
      script: 'echo migrating; sleep 40; echo migrated',
    });
    await admin.createDefinitionJob({
      namespace: 'shop',
      name: 'reindex',
      script: 'echo reindexing; sleep 6000',
    });
    await admin.createDefinitionCronJob({ namespace: 'shop', name: 'nightly' });
    await admin.request(
      'PATCH',
      '/apis/batch/v1/namespaces/shop/cronjobs/nightly',
      {
        metadata: {
          annotations: { 'job-assistant/allow-schedule-control': 'true' },
        },
      },
      'application/merge-patch+json',
    );

    // The backend talks to the cluster only with the README's service account.
    const config = admin.config();
    config.kubernetes.clusterLocatorMethods[0].clusters[0].serviceAccountToken =
      token;
    backend = await startTestBackend({
      features: [
        kubernetesJobsPlugin,
        mockServices.rootConfig.factory({ data: config }),
        catalogServiceMock.factory({
          entities: [
            component('shop', {
              'backstage.io/kubernetes-id': 'shop',
              // A namespaced Role cannot list across namespaces: the README says so.
              ...(variant.namespaced
                ? { 'backstage.io/kubernetes-namespace': 'shop' }
                : {}),
            }),
          ],
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await admin?.close();
  });

  const get = (path: string, query: Record<string, string> = {}) =>
    request(backend.server)
      .get(`${api}${path}`)
      .query({ entityRef: SHOP, ...query })
      .set('authorization', jane);
  const post = (path: string, body: object = {}) =>
    request(backend.server)
      .post(`${api}${path}`)
      .set('authorization', jane)
      .send({ entityRef: SHOP, ...body });

  it('lists the tab and the Jobs page without a cluster error', async () => {
    const tab = await eventually(async () => {
      const res = await get('/definitions');
      return res.body.items?.length === 3 ? res : undefined;
    }, 30_000);
    expect(tab.body.errors ?? []).toEqual([]);
    const page = await request(backend.server)
      .get(`${api}/definitions`)
      .set('authorization', jane);
    expect(page.status).toBe(200);
    expect(page.body.errors ?? []).toEqual([]);
    expect(page.body.items.map((i: any) => i.definition.name).sort()).toEqual([
      'migrate',
      'nightly',
      'reindex',
    ]);
  });

  it('runs a Job and a CronJob, and reads a run: details, pods, events, logs, history', async () => {
    const started = await post('/definitions/sandbox/shop/job/migrate/runs');
    expect(started.status).toBe(201);
    const name = started.body.name;

    const done = await eventually(async () => {
      const res = await get(`/runs/sandbox/shop/${name}`);
      return res.body.state === 'Succeeded' ? res : undefined;
    }, 60_000);
    expect(done.status).toBe(200);

    const pods = await get(`/runs/sandbox/shop/${name}/pods`);
    expect(pods.status).toBe(200);
    const events = await get(`/runs/sandbox/shop/${name}/events`);
    expect(events.status).toBe(200);
    expect(events.body.items.length).toBeGreaterThan(0);
    const logs = await get(`/runs/sandbox/shop/${name}/logs`, {
      container: 'main',
    });
    expect(logs.status).toBe(200);
    expect(logs.body.text).toContain('migrated');

    // History, with the logs and events kept as evidence when the run ended.
    const recorded = await eventually(async () => {
      const res = await get('/definitions/sandbox/shop/job/migrate/runs');
      const run = res.body.items?.find((r: any) => r.name === name);
      return run?.evidenceSavedAt ? run : undefined;
    }, 30_000);
    expect(recorded.state).toBe('Succeeded');

    const fromCronJob = await post(
      '/definitions/sandbox/shop/cronjob/nightly/runs',
    );
    expect(fromCronJob.status).toBe(201);
  });

  it('stops a run', async () => {
    const started = await post('/definitions/sandbox/shop/job/reindex/runs');
    expect(started.status).toBe(201);
    await eventually(async () => {
      const res = await get(`/runs/sandbox/shop/${started.body.name}`);
      return res.body.state === 'Running' ? res : undefined;
    }, 30_000);
    const killed = await post(`/runs/sandbox/shop/${started.body.name}/kill`);
    expect(killed.status).toBe(200);
    expect(killed.body.state).toBe('Killed');
  });

  if (variant.scheduleControl) {
    it('pauses and resumes a schedule with the opt-in rule', async () => {
      const resumed = await post(
        '/definitions/sandbox/shop/cronjob/nightly/schedule',
        { suspend: false },
      );
      expect(resumed.status).toBe(200);
      expect(resumed.body.suspended).toBe(false);
      const paused = await post(
        '/definitions/sandbox/shop/cronjob/nightly/schedule',
        { suspend: true },
      );
      expect(paused.status).toBe(200);
      expect(paused.body.suspended).toBe(true);
    });
  } else {
    it('refuses to pause a schedule without the opt-in rule, naming the missing permission, changing nothing', async () => {
      const before = await admin.request(
        'GET',
        '/apis/batch/v1/namespaces/shop/cronjobs/nightly',
      );
      const refused = await post(
        '/definitions/sandbox/shop/cronjob/nightly/schedule',
        { suspend: false },
      );
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toMatch(
        /RBAC does not allow it to patch CronJob/,
      );
      expect(refused.body.error.message).toContain('shop');
      const after = await admin.request(
        'GET',
        '/apis/batch/v1/namespaces/shop/cronjobs/nightly',
      );
      expect(after.metadata.resourceVersion).toBe(
        before.metadata.resourceVersion,
      );
      expect(after.spec.suspend).toBe(true);
    });
  }
});
