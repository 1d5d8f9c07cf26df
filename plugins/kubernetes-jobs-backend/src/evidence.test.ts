import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { kubernetesJobsPlugin } from './plugin';
import { SandboxAdmin, component, eventually } from './__testUtils__/sandbox';

/**
 * Evidence through the sandbox: a failed run explained in words, a stopped run and a run whose
 * Job was deleted still showing their logs and events (saved with the record), and a run Job
 * that claims a trigger in its annotation shown as started outside the portal.
 */
jest.setTimeout(60000);

const SHOP = 'component:default/shop';
const jane = mockCredentials.user.header('user:default/jane');
const api = '/api/kubernetes-jobs';

let admin: SandboxAdmin;
let backend: Awaited<ReturnType<typeof startTestBackend>>;

beforeAll(async () => {
  admin = await SandboxAdmin.start();
  await admin.createNamespace('shop');
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'check',
    script:
      'echo checking; echo "Cache check failed: 1 of 3 nodes unreachable" >&2; exit 3',
  });
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'reindex',
    script: 'for i in 1 2 3; do echo "indexed part $i"; done; sleep 600',
  });
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'export',
    script: 'echo "exported 42 rows"',
  });
  backend = await startTestBackend({
    features: [
      kubernetesJobsPlugin,
      mockServices.rootConfig.factory({ data: admin.config() }),
      catalogServiceMock.factory({
        entities: [component('shop', { 'backstage.io/kubernetes-id': 'shop' })],
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
    ],
  });
}, 30000);

afterAll(async () => {
  await backend?.stop();
  await admin?.close();
});

function get(path: string, query: Record<string, unknown> = {}) {
  return request(backend.server)
    .get(`${api}${path}`)
    .query({ entityRef: SHOP, ...query })
    .set('authorization', jane);
}

async function start(definition: string): Promise<string> {
  const res = await request(backend.server)
    .post(`${api}/definitions/sandbox/shop/job/${definition}/runs`)
    .set('authorization', jane)
    .send({ entityRef: SHOP });
  expect(res.status).toBe(201);
  return res.body.name;
}

it('explains a failed run in words', async () => {
  const name = await start('check');
  const run = await eventually(async () => {
    const res = await get(`/runs/sandbox/shop/${name}`);
    return res.body.failureSummary ? res.body : undefined;
  }, 20000);
  expect(run.state).toBe('Failed');
  expect(run.failureSummary).toBe(
    'Failed. Last message: Cache check failed: 1 of 3 nodes unreachable (exit code 3)',
  );
  // Kubernetes' own words stay available, for technical details.
  expect(run.failure.reason).toBe('BackoffLimitExceeded');
  expect(run.trigger).toBe('portal');
  expect(run.triggeredBy).toBe('user:default/jane');
});

it('keeps the logs and events of a stopped run after its pods are gone', async () => {
  const name = await start('reindex');
  await eventually(async () => {
    const res = await get(`/runs/sandbox/shop/${name}/logs`);
    return res.body.text?.includes('indexed part 3') ? true : undefined;
  }, 20000);
  const stopped = await request(backend.server)
    .post(`${api}/runs/sandbox/shop/${name}/kill`)
    .set('authorization', jane)
    .send({ entityRef: SHOP });
  expect(stopped.status).toBe(200);

  // The Job controller deletes the pods of a suspended Job.
  await eventually(async () => {
    const pods = await admin.request(
      'GET',
      `/api/v1/namespaces/shop/pods?labelSelector=${encodeURIComponent(
        `batch.kubernetes.io/job-name=${name}`,
      )}`,
    );
    return pods.items.length === 0 ? true : undefined;
  }, 20000);

  const logs = await get(`/runs/sandbox/shop/${name}/logs`);
  expect(logs.status).toBe(200);
  expect(logs.body.text).toContain('indexed part 3');
  expect(logs.body.savedAt).toEqual(expect.any(String));
  const pods = await get(`/runs/sandbox/shop/${name}/pods`);
  expect(pods.body.items).toHaveLength(1);
  expect(pods.body.savedAt).toEqual(expect.any(String));
  const run = await get(`/runs/sandbox/shop/${name}`);
  expect(run.body).toMatchObject({
    state: 'Killed',
    killedBy: 'user:default/jane',
  });
});

it('serves a finished run’s logs from its record once the Job is deleted', async () => {
  const name = await start('export');
  await eventually(async () => {
    const res = await get('/definitions/sandbox/shop/job/export/runs');
    const run = res.body.items?.find((r: any) => r.name === name);
    return run?.state === 'Succeeded' && run.evidenceSavedAt ? run : undefined;
  }, 20000);
  await admin.request(
    'DELETE',
    `/apis/batch/v1/namespaces/shop/jobs/${name}?propagationPolicy=Background`,
  );
  const run = await eventually(async () => {
    const res = await get(`/runs/sandbox/shop/${name}`);
    return res.body.removedFromCluster ? res.body : undefined;
  }, 20000);
  expect(run.state).toBe('Succeeded');
  const logs = await get(`/runs/sandbox/shop/${name}/logs`);
  expect(logs.status).toBe(200);
  expect(logs.body.text).toContain('exported 42 rows');
  expect(logs.body.savedAt).toEqual(expect.any(String));
  const events = await get(`/runs/sandbox/shop/${name}/events`);
  expect(events.status).toBe(200);
  expect(events.body.savedAt).toEqual(expect.any(String));
});

it('shows a run Job that claims a trigger as started outside the portal', async () => {
  const definition = await admin.getJob('shop', 'export');
  // Anyone who may create Jobs in the namespace can write this annotation.
  const forged = await admin.request(
    'POST',
    '/apis/batch/v1/namespaces/shop/jobs',
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        generateName: 'export-',
        labels: { 'backstage.io/kubernetes-id': 'shop' },
        annotations: {
          'job-assistant/triggered-by': 'user:default/guest',
          'job-assistant/triggered-at': new Date().toISOString(),
        },
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            name: 'export',
            uid: definition.metadata.uid,
          },
        ],
      },
      spec: {
        template: {
          spec: {
            restartPolicy: 'Never',
            containers: [
              { name: 'main', image: 'busybox', command: ['sh', '-c', 'true'] },
            ],
          },
        },
      },
    },
  );
  const run = await eventually(async () => {
    const res = await get(`/runs/sandbox/shop/${forged.metadata.name}`);
    return res.status === 200 ? res.body : undefined;
  });
  expect(run.triggeredBy).toBeUndefined();
  expect(run.trigger).toBe('outside');
  expect(run.claimedTriggeredBy).toBe('user:default/guest');

  // History says the same once the tracker recorded it.
  const recorded = await eventually(async () => {
    const res = await get('/definitions/sandbox/shop/job/export/runs');
    return res.body.items?.find((r: any) => r.name === forged.metadata.name);
  });
  expect(recorded).toMatchObject({
    trigger: 'outside',
    claimedTriggeredBy: 'user:default/guest',
  });
  expect(recorded.triggeredBy).toBeUndefined();
});
