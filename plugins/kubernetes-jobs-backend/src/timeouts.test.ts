import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { kubernetesJobsPlugin } from './plugin';
import { component } from './__testUtils__/sandbox';

/**
 * A cluster that hangs (accepts connections, never answers): every answer comes within the
 * configured timeout, as a clear 504 naming the cluster, not a request that waits forever.
 */
jest.setTimeout(30000);

const SHOP = 'component:default/shop';
const jane = mockCredentials.user.header('user:default/jane');

let hanging: http.Server;
const held: http.ServerResponse[] = [];
let backend: Awaited<ReturnType<typeof startTestBackend>>;

beforeAll(async () => {
  hanging = http.createServer((_req, res) => {
    held.push(res); // never answered
  });
  await new Promise<void>(resolve => hanging.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
  backend = await startTestBackend({
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
                    name: 'slow',
                    url,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: 'secret-token-value',
                    skipTLSVerify: true,
                  },
                ],
              },
            ],
          },
          kubernetesJobs: {
            requestTimeoutSeconds: 1,
            watch: { syncTimeoutSeconds: 1 },
          },
        },
      }),
      catalogServiceMock.factory({
        entities: [component('shop', { 'backstage.io/kubernetes-id': 'shop' })],
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
    ],
  });
});

afterAll(async () => {
  await backend?.stop();
  held.forEach(res => res.destroy());
  hanging?.closeAllConnections();
  await new Promise(resolve => hanging?.close(resolve));
});

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const result = await fn();
  return [result, Date.now() - started];
}

it('answers a list within the timeout, saying which cluster is slow', async () => {
  const [res, ms] = await timed(() =>
    request(backend.server)
      .get('/api/kubernetes-jobs/definitions')
      .query({ entityRef: SHOP })
      .set('authorization', jane),
  );
  expect(res.status).toBe(200);
  expect(ms).toBeLessThan(5000);
  expect(res.body.errors.length).toBeGreaterThan(0);
  expect(res.body.errors[0].cluster).toBe('slow');
  expect(res.body.clusters).toEqual([
    expect.objectContaining({ cluster: 'slow', synced: false }),
  ]);
});

it('answers a Run with 504 saying the outcome is not known yet', async () => {
  const [res, ms] = await timed(() =>
    request(backend.server)
      .post('/api/kubernetes-jobs/definitions/slow/shop/job/migrate/runs')
      .set('authorization', jane)
      .send({ entityRef: SHOP }),
  );
  expect(ms).toBeLessThan(5000);
  // The definition is read first: the read is what times out here.
  expect(res.status).toBe(504);
  expect(res.body.error.name).toBe('ClusterTimeoutError');
  expect(res.body.error.message).toBe(
    "Cluster 'slow' did not answer within 1 s to read Job 'migrate' in namespace 'shop'",
  );
  expect(JSON.stringify(res.body)).not.toContain('secret-token-value');
});
