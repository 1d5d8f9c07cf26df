import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { ClusterTimeoutError } from './cluster/errors';
import { KubernetesClusterClient } from './cluster/KubernetesClusterClient';
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
  expect(res.body.error.name).toBe('ServiceUnavailableError'); // with status 504
  expect(res.body.error.message).toBe(
    "Cluster 'slow' did not answer within 1 s to read Job 'migrate' in namespace 'shop'",
  );
  expect(JSON.stringify(res.body)).not.toContain('secret-token-value');
});

describe('a timed-out call', () => {
  let hung: http.Server;
  let received = 0;

  beforeAll(async () => {
    hung = http.createServer(() => {
      received++; // never answered
    });
    await new Promise<void>(resolve => hung.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    hung?.closeAllConnections();
    await new Promise(resolve => hung?.close(resolve));
  });

  function openConnections(): Promise<number> {
    return new Promise((resolve, reject) =>
      hung.getConnections((error, count) =>
        error ? reject(error) : resolve(count),
      ),
    );
  }

  it('ends its request, so a hung cluster does not collect sockets', async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name: 'hung',
          server: `http://127.0.0.1:${(hung.address() as AddressInfo).port}`,
          skipTLSVerify: true,
        },
      ],
      users: [{ name: 'plugin', token: 'secret-token-value' }],
      contexts: [{ name: 'hung', cluster: 'hung', user: 'plugin' }],
      currentContext: 'hung',
    });
    const client = new KubernetesClusterClient('hung', kubeConfig, 100);
    const calls = Array.from({ length: 4 }, () => [
      client.readJob('shop', 'migrate'),
      client.listPage('Job', { limit: 1, timeoutMs: 50 }),
      client.createJob('shop', { metadata: { generateName: 'migrate-' } }),
      client.mergePatchJob('shop', 'migrate-x1y2z', { spec: {} }),
      client.readPodLog('shop', 'migrate-x1y2z-abcde', { container: 'main' }),
    ]).flat();

    const outcomes = await Promise.allSettled(calls);
    for (const outcome of outcomes) {
      expect(outcome).toEqual({
        status: 'rejected',
        reason: expect.any(ClusterTimeoutError),
      });
    }
    // The answer itself is unchanged: a timely 504 saying what is not known.
    expect((outcomes[3] as PromiseRejectedResult).reason.message).toBe(
      "Cluster 'hung' did not answer within 0.1 s to patch Job 'migrate-x1y2z' in namespace 'shop'; whether it happened is not known yet: look again in a moment",
    );
    expect(received).toBe(20);

    // Every request was ended by its client: none of the 20 connections stays open.
    const deadline = Date.now() + 2000;
    let open = await openConnections();
    while (open > 0 && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 20));
      open = await openConnections();
    }
    expect(open).toBe(0);
  });
});
