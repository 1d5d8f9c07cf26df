import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Server } from 'node:http';
import request from 'supertest';
import { FIELD_MANAGER, USER_AGENT } from './cluster/KubernetesClusterClient';
import { kubernetesJobsPlugin } from './plugin';
import { SandboxAdmin, component, eventually } from './__testUtils__/sandbox';

/**
 * The plugin's writes carry its name: in a cluster, `metadata.managedFields` says which of a
 * Job's changes came from the portal (not from `node-fetch`), and the audit log shows the
 * plugin's User-Agent on every request.
 */

const SHOP = 'component:default/shop';
const jane = mockCredentials.user.header('user:default/jane');
const api = '/api/kubernetes-jobs';
const cronJobPath = '/apis/batch/v1/namespaces/shop/cronjobs/nightly';

// The plugin's own token, so its requests can be told from the admin's setup and checks.
const PLUGIN_TOKEN = 'plugin-token';

let admin: SandboxAdmin;
let server: Server;

beforeAll(async () => {
  admin = await SandboxAdmin.start({
    tokens: { [PLUGIN_TOKEN]: { name: 'backstage' } },
  });
  await admin.createNamespace('shop');
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'reindex',
    script: 'echo reindexing; sleep 600',
  });
  await admin.createDefinitionCronJob({ namespace: 'shop', name: 'nightly' });
  await admin.request(
    'PATCH',
    cronJobPath,
    {
      metadata: {
        annotations: { 'job-assistant/allow-schedule-control': 'true' },
      },
      spec: { suspend: false },
    },
    'application/merge-patch+json',
  );

  const config = admin.config();
  config.kubernetes.clusterLocatorMethods[0].clusters[0].serviceAccountToken =
    PLUGIN_TOKEN;
  const backend = await startTestBackend({
    features: [
      kubernetesJobsPlugin,
      mockServices.rootConfig.factory({ data: config }),
      catalogServiceMock.factory({
        entities: [component('shop', { 'backstage.io/kubernetes-id': 'shop' })],
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
    ],
  });
  server = backend.server;
}, 30000);

afterAll(async () => {
  await admin?.close();
});

function managers(object: any): string[] {
  return (object.metadata.managedFields ?? []).map((e: any) => e.manager);
}

it('records Run, Kill and a schedule pause under the plugin as field manager', async () => {
  const run = await request(server)
    .post(`${api}/definitions/sandbox/shop/job/reindex/runs`)
    .set('authorization', jane)
    .send({ entityRef: SHOP });
  expect(run.status).toBe(201);
  const created = await admin.getJob('shop', run.body.name);
  expect(created.metadata.managedFields).toEqual([
    {
      manager: FIELD_MANAGER,
      operation: 'Update',
      apiVersion: 'batch/v1',
      time: expect.any(String),
      fieldsType: 'FieldsV1',
    },
  ]);

  await eventually(async () => {
    const res = await request(server)
      .get(`${api}/runs/sandbox/shop/${run.body.name}`)
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    return res.body.state === 'Running' ? true : undefined;
  }, 20000);
  const kill = await request(server)
    .post(`${api}/runs/sandbox/shop/${run.body.name}/kill`)
    .set('authorization', jane)
    .send({ entityRef: SHOP });
  expect(kill.status).toBe(200);
  const killed = await admin.getJob('shop', run.body.name);
  expect(killed.spec.suspend).toBe(true);
  expect(managers(killed)).toEqual([FIELD_MANAGER]);

  const pause = await request(server)
    .post(`${api}/definitions/sandbox/shop/cronjob/nightly/schedule`)
    .set('authorization', jane)
    .send({ entityRef: SHOP, suspend: true });
  expect(pause.status).toBe(200);
  const cronJob = await admin.request('GET', cronJobPath);
  expect(cronJob.spec.suspend).toBe(true);
  // The admin's own writes stay under its client's name (Node's fetch says `node`).
  expect(managers(cronJob)).toEqual(['node', FIELD_MANAGER]);
});

it('sends its User-Agent on every request, and its field manager on every write', () => {
  const ours = admin.sandbox.requests.filter(r => r.user === 'backstage');
  expect(USER_AGENT).toMatch(
    /^backstage-kubernetes-jobs\/\S+ \(@job-assistant\/plugin-kubernetes-jobs-backend\)$/,
  );
  expect(
    ours.filter(r => r.query.includes('watch=true')).length,
  ).toBeGreaterThan(0);
  expect(ours.filter(r => r.userAgent !== USER_AGENT)).toEqual([]);
  const writes = ours.filter(r => r.method !== 'GET');
  expect(writes.map(r => r.method)).toEqual(['POST', 'PATCH', 'PATCH']);
  for (const r of writes) {
    expect(new URLSearchParams(r.query).get('fieldManager')).toBe(
      FIELD_MANAGER,
    );
  }
});
