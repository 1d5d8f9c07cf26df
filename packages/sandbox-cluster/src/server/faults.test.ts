import { SandboxCluster, startSandboxCluster } from '../cluster';
import { SANDBOX_ADMIN_TOKEN } from '../seed';

/** Each injected fault, seen from a client over real HTTP. */
jest.setTimeout(20000);

let sandbox: SandboxCluster;
const auth = { authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}` };
const JOBS = '/apis/batch/v1/namespaces/shop/jobs';

function call(method: string, path: string, body?: unknown, token = auth) {
  return fetch(`${sandbox.url}${path}`, {
    method,
    headers: { ...token, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function listRv() {
  return (await (await call('GET', JOBS)).json()).metadata.resourceVersion;
}

const job = (name: string) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name },
  spec: {
    suspend: true,
    template: {
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'main', image: 'busybox' }],
      },
    },
  },
});

/** Reads a watch until it ends; returns its lines, or the error that cut it. */
async function readWatch(path: string) {
  const res = await call('GET', path);
  const lines: any[] = [];
  let buffer = '';
  try {
    for await (const chunk of res.body as any) {
      buffer += Buffer.from(chunk).toString();
    }
  } catch (error) {
    return { status: res.status, lines, cut: error as Error, buffer };
  }
  for (const line of buffer.split('\n').filter(Boolean))
    lines.push(JSON.parse(line));
  return { status: res.status, lines, cut: undefined, buffer };
}

beforeAll(async () => {
  sandbox = await startSandboxCluster({
    timeScale: 0.05,
    tokens: {
      [SANDBOX_ADMIN_TOKEN]: { name: 'sandbox-admin' },
      'limited-token': {
        name: 'limited',
        rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
      },
    },
  });
  await call('POST', '/api/v1/namespaces', { metadata: { name: 'shop' } });
  for (const name of ['a', 'b', 'c']) await call('POST', JOBS, job(name));
});
afterEach(() => sandbox.faults.clear());
afterAll(() => sandbox.close());

describe('error faults', () => {
  it('answers a 429 Status with Retry-After, only for the matching verb, and records it', async () => {
    await sandbox.faults.inject({
      type: 'error',
      code: 429,
      verb: 'list',
      resource: 'jobs',
      retryAfterSeconds: 3,
    });
    const since = sandbox.requests.length;
    const res = await call('GET', JOBS);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Too many requests, please try again later.',
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 3 },
      code: 429,
    });
    expect((await call('GET', `${JOBS}/a`)).status).toBe(200);
    expect(sandbox.requests.slice(since).map(r => r.status)).toEqual([
      429, 200,
    ]);
  });

  it('answers 500 and 503 like the apiserver, and ends after `times` hits', async () => {
    await sandbox.faults.inject({ type: 'error', code: 500, times: 1 });
    const first = await call('GET', `${JOBS}/a`);
    expect(first.status).toBe(500);
    expect(await first.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'etcdserver: request timed out',
      code: 500,
    });
    expect((await call('GET', `${JOBS}/a`)).status).toBe(200);
    expect(sandbox.faults.list()).toEqual([]);

    await sandbox.faults.inject({ type: 'error', code: 503 });
    const unavailable = await call('GET', JOBS);
    expect(await unavailable.json()).toMatchObject({
      reason: 'ServiceUnavailable',
      code: 503,
    });
  });

  it('forbids one namespace with the RBAC wording, not the others or cluster-wide lists', async () => {
    await sandbox.faults.inject({
      type: 'error',
      code: 403,
      namespace: 'shop',
    });
    const res = await call('GET', JOBS);
    expect(await res.json()).toMatchObject({
      reason: 'Forbidden',
      code: 403,
      message:
        'jobs.batch is forbidden: User "sandbox-admin" cannot list resource "jobs" in API group "batch" in the namespace "shop"',
    });
    expect((await call('GET', '/apis/batch/v1/jobs')).status).toBe(200);
    expect(
      (await call('GET', '/apis/batch/v1/namespaces/default/jobs')).status,
    ).toBe(200);
  });

  it('refuses a create with 409 AlreadyExists naming the generated name, and stores nothing', async () => {
    await sandbox.faults.inject({ type: 'error', code: 409, verb: 'create' });
    const body = job('');
    body.metadata = { generateName: 'run-' } as any;
    const res = await call('POST', JOBS, body);
    const status = await res.json();
    expect(status).toMatchObject({ reason: 'AlreadyExists', code: 409 });
    expect(status.message).toMatch(
      /^jobs\.batch "run-[a-z0-9]{5}" already exists$/,
    );
    await sandbox.faults.clear();
    const list = await (await call('GET', JOBS)).json();
    expect(list.items.map((i: any) => i.metadata.name)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('delays the matching verb only', async () => {
    await sandbox.faults.inject({ type: 'latency', ms: 400, verb: 'get' });
    let started = Date.now();
    await call('GET', `${JOBS}/a`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    started = Date.now();
    await call('GET', JOBS);
    expect(Date.now() - started).toBeLessThan(390);
  });
});

describe('watch and list faults', () => {
  it('cuts a watch after N events, without the end of the chunked body', async () => {
    await sandbox.faults.inject({ type: 'watchDrop', afterEvents: 2 });
    const watch = await readWatch(`${JOBS}?watch=true`);
    expect(watch.status).toBe(200);
    expect(watch.cut).toBeDefined();
    expect(watch.buffer.trim().split('\n')).toHaveLength(2);
  });

  it('answers a watch from a resourceVersion with one 410 ERROR during a Gone storm, not one from 0', async () => {
    const rv = await listRv();
    await sandbox.faults.inject({ type: 'watchGone' });
    const gone = await readWatch(`${JOBS}?watch=true&resourceVersion=${rv}`);
    expect(gone.lines).toEqual([
      {
        type: 'ERROR',
        object: expect.objectContaining({
          reason: 'Expired',
          code: 410,
          message: expect.stringMatching(
            /^too old resource version: \d+ \(\d+\)$/,
          ),
        }),
      },
    ]);
    const fromZero = await readWatch(
      `${JOBS}?watch=true&resourceVersion=0&timeoutSeconds=1`,
    );
    expect(fromZero.lines.map(l => l.type)).toEqual([
      'ADDED',
      'ADDED',
      'ADDED',
    ]);
  });

  it('keeps a stalled watch open and silent, even while objects change', async () => {
    await sandbox.faults.inject({ type: 'watchStall', times: 1 });
    const controller = new AbortController();
    const res = await fetch(
      `${sandbox.url}${JOBS}?watch=true&allowWatchBookmarks=true&timeoutSeconds=1`,
      { headers: auth, signal: controller.signal },
    );
    expect(res.status).toBe(200);
    const reader = (res.body as any).getReader();
    const first = reader.read();
    await call('PATCH', `${JOBS}/a`, { metadata: { labels: { x: 'y' } } });
    const outcome = await Promise.race([
      first.then(() => 'data'),
      new Promise(r => setTimeout(() => r('silent'), 2000)),
    ]);
    expect(outcome).toBe('silent'); // not even the end at timeoutSeconds
    controller.abort();
    await first.catch(() => undefined);
  });

  it('resets a list part way through its body', async () => {
    await sandbox.faults.inject({ type: 'listReset', afterBytes: 40 });
    const res = await call('GET', JOBS);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect((await call('GET', JOBS)).status).toBe(200);
  });
});

describe('the apiserver away', () => {
  it('refuses connections, then listens on the same port with the objects kept and old resourceVersions expired', async () => {
    const rv = await listRv();
    const id = await sandbox.faults.inject({ type: 'away' });
    await expect(call('GET', JOBS)).rejects.toThrow();
    // The controllers keep running behind it, like etcd behind a restarting apiserver.
    await sandbox.faults.remove(id);
    const list = await (await call('GET', JOBS)).json();
    expect(list.items.map((i: any) => i.metadata.name)).toEqual([
      'a',
      'b',
      'c',
    ]);
    const watch = await readWatch(`${JOBS}?watch=true&resourceVersion=${rv}`);
    expect(watch.lines[0].object).toMatchObject({ code: 410 });
  });
});
