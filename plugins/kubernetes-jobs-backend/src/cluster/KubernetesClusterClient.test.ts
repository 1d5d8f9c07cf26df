import { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  FIELD_MANAGER,
  KubernetesClusterClient,
  USER_AGENT,
} from './KubernetesClusterClient';

/**
 * The single-object calls (read, create, merge patch) speak JSON to the apiserver themselves:
 * what they send, and what they make of an answer.
 */
let server: http.Server;
let base: string;
const seen: Array<{
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}> = [];
let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body,
      });
      answer(req, res);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise(resolve => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
});

function client(server_ = base) {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'prod', server: server_, skipTLSVerify: true }],
    users: [{ name: 'jobs', token: 'the-token' }],
    contexts: [{ name: 'prod', cluster: 'prod', user: 'jobs' }],
    currentContext: 'prod',
  });
  return new KubernetesClusterClient('prod', kc, 5_000);
}

const json =
  (status: number, body: object) =>
  (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

describe('KubernetesClusterClient, one object at a time', () => {
  it('creates a Job as JSON, naming its field manager, and answers it as the apiserver did', async () => {
    answer = json(201, {
      metadata: {
        name: 'migrate-x1',
        namespace: 'shop',
        creationTimestamp: '2026-12-06T10:00:00Z',
      },
      spec: { podReplacementPolicy: 'Failed' },
    });
    const created = await client().createJob('shop', {
      metadata: { generateName: 'migrate-' },
      spec: { template: { spec: { containers: [] } } },
    });
    expect(seen).toHaveLength(1);
    const [sent] = seen;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe(
      `/apis/batch/v1/namespaces/shop/jobs?fieldManager=${FIELD_MANAGER}`,
    );
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['user-agent']).toBe(USER_AGENT);
    expect(sent.headers.authorization).toBe('Bearer the-token');
    expect(JSON.parse(sent.body)).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { generateName: 'migrate-' },
      spec: { template: { spec: { containers: [] } } },
    });
    // Fields are kept as they came, times as the wire has them, kind and apiVersion set.
    expect(created).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'migrate-x1',
        namespace: 'shop',
        creationTimestamp: '2026-12-06T10:00:00Z',
      },
      spec: { podReplacementPolicy: 'Failed' },
    });
  });

  it('merge-patches with the merge patch media type, under a server path prefix', async () => {
    answer = json(200, { metadata: { name: 'migrate-x1' } });
    await client(`${base}/k8s/clusters/c-1/`).mergePatchJob(
      'shop',
      'migrate-x1',
      { spec: { suspend: true } },
    );
    expect(seen[0].method).toBe('PATCH');
    expect(seen[0].url).toBe(
      `/k8s/clusters/c-1/apis/batch/v1/namespaces/shop/jobs/migrate-x1?fieldManager=${FIELD_MANAGER}`,
    );
    expect(seen[0].headers['content-type']).toBe(
      'application/merge-patch+json',
    );
    expect(JSON.parse(seen[0].body)).toEqual({ spec: { suspend: true } });
  });

  it("turns the apiserver's Status into an error naming the cluster and the object", async () => {
    answer = json(404, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: 'jobs.batch "gone" not found',
      reason: 'NotFound',
      code: 404,
    });
    await expect(client().readJob('shop', 'gone')).rejects.toMatchObject({
      name: 'NotFoundError',
      message:
        "Not found: read Job 'gone' in namespace 'shop' on cluster 'prod': jobs.batch \"gone\" not found",
    });
  });

  it('stops reading an answer larger than any object the apiserver stores', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 'x');
      for (let i = 0; i < 9; i++) res.write(chunk);
      res.end();
    };
    await expect(client().readJob('shop', 'huge')).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining('larger than'),
    });
  });
});
