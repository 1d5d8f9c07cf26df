import { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { ClusterConnections } from './ClusterConnections';
import { KubernetesClusterClient } from './KubernetesClusterClient';

/**
 * An apiserver stand-in that answers a list with no Jobs and anything else with a Job, and
 * counts connections. With `dropReused`, it closes a kept-open connection when a second
 * request comes on it, without answering: what a server that closed it while idle does.
 */
let server: http.Server;
let url: string;
let connections = 0;
let dropReused = false;
const authorizations: string[] = [];
const received: string[] = [];
const served = new WeakMap<object, number>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const before = served.get(req.socket) ?? 0;
    served.set(req.socket, before + 1);
    received.push(`${req.method} ${req.url?.split('?')[0]}`);
    if (dropReused && before > 0) {
      req.socket.destroy();
      return;
    }
    authorizations.push(req.headers.authorization ?? '');
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify(
        req.method === 'GET' && req.url?.split('?')[0].endsWith('/jobs')
          ? { apiVersion: 'batch/v1', kind: 'JobList', items: [] }
          : {
              apiVersion: 'batch/v1',
              kind: 'Job',
              metadata: { name: 'nightly', namespace: 'shop' },
            },
      ),
    );
  });
  server.on('connection', () => connections++);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise(resolve => server.close(resolve));
});

beforeEach(() => {
  connections = 0;
  dropReused = false;
  authorizations.length = 0;
  received.length = 0;
});

/** A KubeConfig as the cluster registry makes one per call, with that call's token. */
function kubeConfigWith(token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'sandbox', server: url, skipTLSVerify: true }],
    users: [{ name: 'jobs', token }],
    contexts: [{ name: 'sandbox', cluster: 'sandbox', user: 'jobs' }],
    currentContext: 'sandbox',
  });
  return kc;
}

describe('ClusterConnections', () => {
  it('lets calls to a cluster share one open connection, each with its own token', async () => {
    const shared = new ClusterConnections();
    try {
      for (const token of ['token-1', 'token-2', 'token-3']) {
        // A new client per call, as ClusterAccess makes them.
        const client = new KubernetesClusterClient(
          'sandbox',
          kubeConfigWith(token),
          5_000,
          shared,
        );
        const job = await client.readJob('shop', 'nightly');
        expect(job.metadata?.name).toBe('nightly');
      }
      expect(connections).toBe(1);
      expect(authorizations).toEqual([
        'Bearer token-1',
        'Bearer token-2',
        'Bearer token-3',
      ]);
    } finally {
      shared.close();
    }
  });

  it('opens a connection per call without it (what the Kubernetes client does alone)', async () => {
    for (const token of ['token-1', 'token-2']) {
      const client = new KubernetesClusterClient(
        'sandbox',
        kubeConfigWith(token),
      );
      await client.readJob('shop', 'nightly');
    }
    expect(connections).toBe(2);
  });

  it('keeps one agent per cluster and TLS settings, and a new one when they change', () => {
    const shared = new ClusterConnections();
    try {
      const first = shared.agentFor('a', new https.Agent({ cert: 'one' }));
      expect(first).toBeInstanceOf(https.Agent);
      expect(shared.agentFor('a', new https.Agent({ cert: 'one' }))).toBe(
        first,
      );
      // Another cluster, the same settings: its own connections.
      expect(shared.agentFor('b', new https.Agent({ cert: 'one' }))).not.toBe(
        first,
      );
      // A rotated client certificate: a new agent, with the new certificate.
      const rotated = shared.agentFor('a', new https.Agent({ cert: 'two' }));
      expect(rotated).not.toBe(first);
      expect((rotated as any).options.cert).toBe('two');
      expect((rotated as any).keepAlive).toBe(true);
      // The Kubernetes client decodes certificates anew for every request: equal bytes are
      // the same settings, other bytes are not.
      const ca = (text: string) => ({ ca: Buffer.from(text), cert: 'two' });
      const withCa = shared.agentFor('a', new https.Agent(ca('root-1')));
      expect(withCa).not.toBe(rotated);
      expect(shared.agentFor('a', new https.Agent(ca('root-1')))).toBe(withCa);
      expect(shared.agentFor('a', new https.Agent(ca('root-2')))).not.toBe(
        withCa,
      );
      // Plain HTTP to the same cluster never shares an HTTPS agent.
      expect(shared.agentFor('a', new http.Agent())).toBeInstanceOf(http.Agent);
    } finally {
      shared.close();
    }
  });

  it('sends a read or a patch again when its kept-open connection was closed under it, and a create never', async () => {
    const shared = new ClusterConnections();
    const client = new KubernetesClusterClient(
      'sandbox',
      kubeConfigWith('token'),
      5_000,
      shared,
    );
    try {
      await client.readJob('shop', 'nightly');
      dropReused = true;
      // Each call goes out on the connection the one before left open, and finds it closed.
      const calls: Array<[string, () => Promise<unknown>]> = [
        [
          'GET /apis/batch/v1/namespaces/shop/jobs/nightly',
          () => client.readJob('shop', 'nightly'),
        ],
        [
          'GET /apis/batch/v1/namespaces/shop/jobs',
          () => client.listJobs({ namespace: 'shop' }),
        ],
        [
          'PATCH /apis/batch/v1/namespaces/shop/jobs/nightly',
          () =>
            client.mergePatchJob('shop', 'nightly', {
              spec: { suspend: true },
            }),
        ],
      ];
      for (const [request, call] of calls) {
        received.length = 0;
        await expect(call()).resolves.toBeDefined();
        // Sent twice: once on the closed connection, once on a new one.
        expect(received).toEqual([request, request]);
      }
      received.length = 0;
      await expect(
        client.createJob('shop', { metadata: { generateName: 'nightly-' } }),
      ).rejects.toThrow(
        "Cluster 'sandbox' is unreachable (ECONNRESET) while trying to create Job 'nightly-*' in namespace 'shop'",
      );
      // Sent once: a second create would start a second run.
      expect(received).toEqual(['POST /apis/batch/v1/namespaces/shop/jobs']);
    } finally {
      shared.close();
    }
  });

  it('leaves agents of other kinds (proxies) as they are', () => {
    class ProxyAgent extends https.Agent {}
    const proxy = new ProxyAgent();
    const shared = new ClusterConnections();
    try {
      expect(shared.agentFor('a', proxy)).toBe(proxy);
    } finally {
      shared.close();
    }
  });

  it('closes its open connections at shutdown', async () => {
    const shared = new ClusterConnections();
    const opened = new Promise<import('node:net').Socket>(resolve =>
      server.once('connection', resolve),
    );
    const client = new KubernetesClusterClient(
      'sandbox',
      kubeConfigWith('token'),
      5_000,
      shared,
    );
    await client.readJob('shop', 'nightly');
    const socket = await opened;
    expect(socket.destroyed).toBe(false);
    const closed = new Promise(resolve => socket.once('close', resolve));
    shared.close();
    await closed;
    expect(socket.destroyed).toBe(true);
  });
});
