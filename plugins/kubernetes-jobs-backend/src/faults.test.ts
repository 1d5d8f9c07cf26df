import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  SANDBOX_ADMIN_TOKEN,
  SandboxFault,
} from '@job-assistant/sandbox-cluster';
import request from 'supertest';
import { DEFAULT_WATCH_TIMING } from './cache/watchTypes';
import { kubernetesJobsPlugin } from './plugin';
import { SandboxAdmin, component, eventually } from './__testUtils__/sandbox';

/**
 * The backend against a misbehaving apiserver (the sandbox's fault injection): slow answers,
 * 5xx and 429, a namespace forbidden, refused creates and patches, watches that drop, stall or
 * expire, a list cut short, and the apiserver away and back. For each: every read route keeps
 * answering (data marked stale, or a clear error naming the cluster), nothing leaks, the watch
 * cache catches up within a bound once the fault ends, and no run record is lost, doubled or
 * left half made. Timing bounds are generous: a loaded 2-core machine must pass.
 */
jest.setTimeout(90000);

const SHOP = 'component:default/shop';
const jane = mockCredentials.user.header('user:default/jane');
const api = '/api/kubernetes-jobs';
/** How long the watch cache may take to catch up after a fault ends. */
const RECOVERY_BOUND_MS = 20000;
/**
 * After a fault that failed every list (the apiserver away, lists cut short): the longest retry
 * delay of a watch (30 s), plus a relist.
 */
const AWAY_RECOVERY_BOUND_MS = DEFAULT_WATCH_TIMING.maxBackoffMs + 10000;

let admin: SandboxAdmin;
let backend: Awaited<ReturnType<typeof startTestBackend>>;
/** A run that lives through every fault below, and one to stop. */
let longRun: string;
let killable: string;

beforeAll(async () => {
  admin = await SandboxAdmin.start();
  await admin.createNamespace('shop');
  // 20x time: 600 simulated seconds are 30 real ones, past most of the faults below.
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'migrate',
    script: 'echo migrating; sleep 600; echo done',
  });
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'report',
    script: 'echo reporting; sleep 20',
  });
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'reindex',
    script: 'echo reindexing; sleep 60000',
  });
  backend = await startTestBackend({
    features: [
      kubernetesJobsPlugin,
      mockServices.rootConfig.factory({
        data: {
          ...admin.config(),
          kubernetesJobs: {
            requestTimeoutSeconds: 4,
            // Short watches, so a fault on new watches reaches the cache within seconds.
            watch: {
              timeoutSeconds: 4,
              stallSeconds: 5,
              syncTimeoutSeconds: 3,
            },
          },
        },
      }),
      catalogServiceMock.factory({
        entities: [component('shop', { 'backstage.io/kubernetes-id': 'shop' })],
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
    ],
  });
  longRun = (await run('migrate')).body.name;
  killable = (await run('reindex')).body.name;
  await waitForState(killable, 'Running');
}, 60000);

afterEach(() => admin.sandbox.faults.clear());

afterAll(async () => {
  await backend?.stop();
  await admin?.close();
});

const STACK_TRACE = /(\n|\\n)\s+at [^\s]/;
const STATUS_BODY =
  /"kind"\s*:\s*"Status"|retryAfterSeconds|"apiVersion"\s*:\s*"v1"/;

/** Nothing that belongs to the cluster connection or its raw answers, in any answer. */
function expectNoLeak(res: request.Response) {
  const text = JSON.stringify(res.body) + (res.text ?? '');
  expect(text).not.toContain(SANDBOX_ADMIN_TOKEN);
  expect(text).not.toContain('BEGIN CERTIFICATE');
  expect(text).not.toMatch(STATUS_BODY);
  expect(text).not.toMatch(STACK_TRACE);
  expect(text).not.toContain(admin.sandbox.url);
}

/** An error answer must be a clear one, naming the cluster. */
function expectClear(res: request.Response, statuses: number[]) {
  expectNoLeak(res);
  expect(statuses).toContain(res.status);
  if (res.status >= 400) {
    expect(res.body.error.message).toContain('sandbox');
  }
}

function get(path: string, query: Record<string, unknown> = {}) {
  return request(backend.server)
    .get(`${api}${path}`)
    .query({ entityRef: SHOP, ...query })
    .set('authorization', jane)
    .timeout(30000);
}

function tab() {
  return get('/definitions');
}

function run(name: string) {
  return request(backend.server)
    .post(`${api}/definitions/sandbox/shop/job/${name}/runs`)
    .set('authorization', jane)
    .send({ entityRef: SHOP })
    .timeout(30000);
}

function kill(name: string) {
  return request(backend.server)
    .post(`${api}/runs/sandbox/shop/${name}/kill`)
    .set('authorization', jane)
    .send({ entityRef: SHOP })
    .timeout(30000);
}

async function waitForState(name: string, state: string) {
  return eventually(async () => {
    const res = await get(`/runs/sandbox/shop/${name}`);
    return res.body.state === state ? res.body : undefined;
  }, 30000);
}

/**
 * Every read route during a fault: lists answer 200 (with the cluster's state), single objects
 * answer 200 or a clear error naming the cluster. Returns the entity's list answer.
 */
async function readEveryRoute(fresh: number[] = [200, 503, 504]) {
  const list = await tab();
  expectClear(list, [200]);
  expect(list.body.clusters).toEqual([
    expect.objectContaining({ cluster: 'sandbox' }),
  ]);
  const global = await request(backend.server)
    .get(`${api}/definitions`)
    .set('authorization', jane)
    .timeout(30000);
  expectClear(global, [200]);
  expectClear(await get('/definitions/sandbox/shop/job/migrate'), fresh);
  expectClear(await get('/definitions/sandbox/shop/job/migrate/runs'), [200]);
  for (const path of ['', '/events', '/pods', '/logs']) {
    expectClear(await get(`/runs/sandbox/shop/${longRun}${path}`), fresh);
  }
  return list;
}

let markers = 0;

/**
 * Time from the end of a fault until the cache is current again: a definition created behind
 * the backend's back shows in the entity's list, and the cluster is synced and not stale.
 */
async function measureRecovery(boundMs = RECOVERY_BOUND_MS): Promise<number> {
  const started = Date.now();
  const name = `marker-${++markers}`;
  await admin.createDefinitionJob({ namespace: 'shop', name });
  await eventually(async () => {
    const res = await tab();
    const status = res.body.clusters?.[0];
    return status?.synced &&
      !status.staleSince &&
      !status.lastError &&
      res.body.items.some((i: any) => i.definition.name === name)
      ? true
      : undefined;
  }, boundMs);
  return Date.now() - started;
}

/** Injects a fault, waits (at most `ms`) for `during` to hold, checks the routes, clears. */
async function during(
  fault: SandboxFault,
  check: () => Promise<void> = async () => {},
) {
  await admin.sandbox.faults.inject(fault);
  await check();
  await admin.sandbox.faults.clear();
}

async function staleEventually() {
  return eventually(async () => {
    const res = await tab();
    return res.body.clusters[0].staleSince ? res : undefined;
  }, 20000);
}

describe.each([
  { name: '500 on every call', fault: { type: 'error', code: 500 } },
  { name: '503 on every call', fault: { type: 'error', code: 503 } },
  {
    name: '429 with Retry-After on every call',
    fault: { type: 'error', code: 429, retryAfterSeconds: 2 },
  },
] as Array<{ name: string; fault: SandboxFault }>)('$name', ({ fault }) => {
  it('keeps answering from the cache, refuses a Run clearly with nothing created, and recovers', async () => {
    const jobsBefore = await admin.listJobs('shop', 'job-assistant/definition');
    await during(fault, async () => {
      // Watches restart every few seconds and then fail: the cache is marked stale.
      const stale = await staleEventually();
      expect(stale.body.items.map((i: any) => i.definition.name)).toContain(
        'migrate',
      );
      expect(stale.body.clusters[0].lastError).toContain('sandbox');
      await readEveryRoute();
      const refused = await run('report');
      expectClear(refused, [503]);
      expect(refused.body.error.message).toContain(
        `${(fault as { code: number }).code}`,
      );
    });
    expect(
      await admin.listJobs('shop', 'job-assistant/definition'),
    ).toHaveLength(jobsBefore.length);
    expect(await measureRecovery()).toBeLessThan(RECOVERY_BOUND_MS);
  });
});

describe('a Run whose create call fails', () => {
  it.each([500, 503, 409] as const)(
    'on %d: no Job, no half record, and the next Run starts',
    async code => {
      // Name and state: a finished run's saved logs may land meanwhile.
      const history = async () =>
        (
          await get('/definitions/sandbox/shop/job/report/runs', { limit: 100 })
        ).body.items.map((r: any) => ({ name: r.name, state: r.state }));
      const before = await history();
      await admin.sandbox.faults.inject({
        type: 'error',
        code,
        verb: 'create',
        resource: 'jobs',
      });
      const refused = await run('report');
      expectClear(refused, [code === 409 ? 409 : 503]);
      await admin.sandbox.faults.clear();
      expect(
        await admin.listJobs('shop', 'job-assistant/definition=report'),
      ).toHaveLength(before.length);
      expect(await history()).toEqual(before);

      const second = await run('report');
      expect(second.status).toBe(201);
      await waitForState(second.body.name, 'Succeeded');
      const after = await history();
      expect(after.filter((r: any) => r.name === second.body.name)).toEqual([
        { name: second.body.name, state: 'Succeeded' },
      ]);
      expect(after).toHaveLength(before.length + 1);
    },
  );
});

describe('a namespace forbidden to the backend', () => {
  it('answers 403 naming the cluster for fresh reads there, lists from the cache, and recovers', async () => {
    await during({ type: 'error', code: 403, namespace: 'shop' }, async () => {
      await readEveryRoute([200, 403]);
      const refused = await run('report');
      expectClear(refused, [403]);
      expect(refused.body.error.message).toContain(
        "RBAC does not allow it to read Job 'report' in namespace 'shop' on cluster 'sandbox'",
      );
    });
    expect(await measureRecovery()).toBeLessThan(RECOVERY_BOUND_MS);
  });
});

describe('a Kill whose patch fails', () => {
  it('says the run was not stopped, and leaves it Running', async () => {
    await admin.sandbox.faults.inject({
      type: 'error',
      code: 500,
      verb: 'patch',
      resource: 'jobs',
    });
    const res = await kill(killable);
    expectClear(res, [503]);
    expect(res.body.error.message).toContain(`patch Job '${killable}'`);
    await admin.sandbox.faults.clear();
    const job = await admin.getJob('shop', killable);
    expect(job.spec.suspend).toBe(false);
    expect((await get(`/runs/sandbox/shop/${killable}`)).body.state).toBe(
      'Running',
    );
    const history = await get('/definitions/sandbox/shop/job/reindex/runs');
    expect(
      history.body.items.find((r: any) => r.name === killable),
    ).not.toHaveProperty('killedBy');
  });
});

describe('slow and broken watches and lists', () => {
  it('answers quickly from memory when every call is slow', async () => {
    await during({ type: 'latency', ms: 1500 }, async () => {
      const started = Date.now();
      const list = await tab();
      expect(list.status).toBe(200);
      // From memory: well below one slow call.
      expect(Date.now() - started).toBeLessThan(1500);
      await readEveryRoute([200]);
    });
    expect(await measureRecovery()).toBeLessThan(RECOVERY_BOUND_MS);
  });

  it.each([
    ['a watch that drops at once', { type: 'watchDrop', afterEvents: 0 }],
    [
      'a watch that drops after one event',
      { type: 'watchDrop', afterEvents: 1 },
    ],
    ['a watch that stalls silently', { type: 'watchStall' }],
  ] as Array<[string, SandboxFault]>)('%s', async (_name, fault) => {
    await during(fault, async () => {
      if (fault.type === 'watchDrop' && fault.afterEvents === 0) {
        await staleEventually();
      } else {
        // Changes go on meanwhile; the cache must catch up on them afterwards.
        await admin.createDefinitionJob({
          namespace: 'shop',
          name: `during-${++markers}`,
        });
        await new Promise(r => setTimeout(r, 6000));
      }
      await readEveryRoute();
    });
    expect(await measureRecovery()).toBeLessThan(RECOVERY_BOUND_MS);
  });

  it('survives a 410 Gone storm by relisting, without hammering the apiserver', async () => {
    const since = admin.sandbox.requests.length;
    await during({ type: 'watchGone' }, async () => {
      await new Promise(r => setTimeout(r, 5000));
      await readEveryRoute();
    });
    const lists = admin.sandbox.requests
      .slice(since)
      .filter(r => r.path.endsWith('/jobs') && !r.query.includes('watch'));
    // Two kinds, relisting with backoff: tens of lists in 5 s at most, not thousands.
    expect(lists.length).toBeLessThan(100);
    expect(await measureRecovery()).toBeLessThan(RECOVERY_BOUND_MS);
  });

  it('survives lists reset part way while it must relist', async () => {
    await during(
      { type: 'listReset', verb: 'list', resource: ['jobs', 'cronjobs'] },
      async () => {
        // Expired watches force relists, which are cut short.
        await admin.sandbox.faults.inject({ type: 'watchGone', forMs: 4000 });
        await staleEventually();
        await readEveryRoute();
      },
    );
    // Every relist fails while the fault lasts, so the retries back off (up to 30 s apart) as
    // when the apiserver is away: a loaded machine stretches the fault, and CI once took more
    // than 20 s to catch up.
    expect(await measureRecovery(AWAY_RECOVERY_BOUND_MS)).toBeLessThan(
      AWAY_RECOVERY_BOUND_MS,
    );
  });
});

describe('the apiserver away and back', () => {
  it('answers stale data and clear 503s while it is away, and catches up after', async () => {
    const id = await admin.sandbox.faults.inject({ type: 'away' });
    const stale = await staleEventually();
    expect(stale.body.items.map((i: any) => i.definition.name)).toContain(
      'migrate',
    );
    await readEveryRoute();
    const refused = await run('report');
    expectClear(refused, [503]);
    expect(refused.body.error.message).toContain(
      "Cluster 'sandbox' is unreachable",
    );
    await new Promise(r => setTimeout(r, 3000));
    await admin.sandbox.faults.remove(id);
    // While the apiserver is away the watch's retries back off, up to 30 s apart: on a busy
    // machine the outage lasts long enough for the next retry to come that late.
    expect(await measureRecovery(AWAY_RECOVERY_BOUND_MS)).toBeLessThan(
      AWAY_RECOVERY_BOUND_MS,
    );
  });
});

describe('after every fault', () => {
  it('has each run recorded once, in its final state', async () => {
    const done = await waitForState(longRun, 'Succeeded');
    expect(done.name).toBe(longRun);
    for (const definition of ['migrate', 'report', 'reindex']) {
      const jobs = await admin.listJobs(
        'shop',
        `job-assistant/definition=${definition}`,
      );
      const history = (
        await get(`/definitions/sandbox/shop/job/${definition}/runs`, {
          limit: 100,
        })
      ).body.items;
      expect(history.map((r: any) => r.name).sort()).toEqual(
        jobs.map(j => j.metadata.name).sort(),
      );
      for (const job of jobs) {
        const complete = job.status.conditions?.some(
          (c: any) => c.type === 'Complete' && c.status === 'True',
        );
        const recorded = history.find((r: any) => r.name === job.metadata.name);
        expect(recorded.state).toBe(complete ? 'Succeeded' : 'Running');
      }
    }
    const killed = await kill(killable);
    expect(killed.status).toBe(200);
  });
});
