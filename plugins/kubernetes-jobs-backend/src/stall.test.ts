import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import request from 'supertest';
import { DEFAULT_WATCH_TIMING } from './cache/watchTypes';
import { kubernetesJobsPlugin } from './plugin';
import { SandboxAdmin, component, eventually } from './__testUtils__/sandbox';

/**
 * A hung apiserver: connections stay open but nothing is answered (the sandbox's `watchStall`
 * for watches, a long `latency` for lists and gets). Page views keep answering from memory, but
 * must not claim the data is live: the cluster is marked possibly out of date within 15 s, not
 * after the 90 s watchdog, and unmarked within seconds once the apiserver answers again. The
 * check behind it runs per cluster on a timer: page views cost the apiserver nothing.
 * Timing bounds are generous: a loaded 2-core machine must pass.
 */
jest.setTimeout(120000);

const SHOP = 'component:default/shop';
const jane = mockCredentials.user.header('user:default/jane');
const api = '/api/kubernetes-jobs';
/** The product promise: a stalled cluster is marked within this long. */
const MARK_BOUND_MS = 15000;
/** The apiserver answers again: the next check (every 5 s) unmarks it. */
const UNMARK_BOUND_MS = 10000;
/** Watches end this often while the apiserver is healthy, so the stall reaches them at once. */
const WATCH_TIMEOUT_SECONDS = 2;

let admin: SandboxAdmin;
/** Hints published on the signals channel: open tabs refetch on them. */
const hints: any[] = [];
const clusterHints = () =>
  hints.filter(h => h.type === 'cluster' && h.cluster === 'sandbox').length;
let backend: Awaited<ReturnType<typeof startTestBackend>>;

beforeAll(async () => {
  admin = await SandboxAdmin.start();
  await admin.createNamespace('shop');
  await admin.createDefinitionJob({ namespace: 'shop', name: 'migrate' });
  backend = await startTestBackend({
    features: [
      kubernetesJobsPlugin,
      mockServices.rootConfig.factory({
        data: {
          ...admin.config(),
          kubernetesJobs: {
            // The check's timing and the 90 s watchdog are the defaults under test.
            watch: {
              timeoutSeconds: WATCH_TIMEOUT_SECONDS,
              syncTimeoutSeconds: 3,
            },
          },
        },
      }),
      catalogServiceMock.factory({
        entities: [component('shop', { 'backstage.io/kubernetes-id': 'shop' })],
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({
          publish: async (signal: any) => {
            hints.push(signal.message);
          },
        }),
      }),
    ],
  });
  await eventually(async () => {
    const res = await tab();
    return res.body.clusters?.[0]?.synced ? true : undefined;
  }, 30000);
}, 60000);

afterAll(async () => {
  await admin?.sandbox.faults.clear();
  await backend?.stop();
  await admin?.close();
});

function tab() {
  return request(backend.server)
    .get(`${api}/definitions`)
    .query({ entityRef: SHOP })
    .set('authorization', jane)
    .timeout(30000);
}

/** A page view, answered from memory whatever the apiserver does: its cluster status. */
async function view() {
  const started = Date.now();
  const res = await tab();
  expect(res.status).toBe(200);
  expect(Date.now() - started).toBeLessThan(3000);
  expect(res.body.items.map((i: any) => i.definition.name)).toContain(
    'migrate',
  );
  return res.body.clusters[0];
}

/** The cheap checks the sandbox answered since request `since`: one-item lists. */
function checksSince(since: number) {
  return admin.sandbox.requests
    .slice(since)
    .filter(
      r => !r.query.includes('watch=true') && /(^|&)limit=1(&|$)/.test(r.query),
    );
}

function hitsOf(id: string) {
  return admin.sandbox.faults.list().find(f => f.id === id)?.hits ?? 0;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

it('marks a hung cluster possibly out of date within 15 s, unmarks it within seconds, and checks it per cluster, not per page view', async () => {
  const { faults } = admin.sandbox;

  // 1. Watches open and silent, lists answered: a quiet cluster, which is not stale.
  const stall = await faults.inject({ type: 'watchStall' });
  // Both watches (Jobs and CronJobs) end within WATCH_TIMEOUT_SECONDS; the next ones stall.
  await eventually(async () => (hitsOf(stall) >= 2 ? true : undefined), 15000);
  const quietFrom = Date.now();
  const quietSince = admin.sandbox.requests.length;
  let quietViews = 0;
  // Longer than a check's wait and timeout together (5 s + 5 s).
  while (Date.now() - quietFrom < 12000) {
    const status = await view();
    expect(status).toEqual({ cluster: 'sandbox', synced: true });
    quietViews++;
    await sleep(100);
  }
  const quietMs = Date.now() - quietFrom;
  const quietChecks = checksSince(quietSince);
  // Apart from the checks, nothing but watches reached the apiserver for all those page views.
  expect(
    admin.sandbox.requests
      .slice(quietSince)
      .filter(r => !r.query.includes('watch=true')),
  ).toEqual(quietChecks);
  expect(quietViews).toBeGreaterThan(20);
  expect(quietChecks.length).toBeGreaterThanOrEqual(1);
  // One check per quiet interval for the cluster: not per watch, not per page view.
  expect(quietChecks.length).toBeLessThanOrEqual(
    Math.ceil(quietMs / DEFAULT_WATCH_TIMING.probeAfterMs) + 1,
  );

  // 2. Lists and gets hang too: the apiserver no longer answers anything.
  const hintsBeforeHang = clusterHints();
  const hang = await faults.inject({
    type: 'latency',
    verb: ['list', 'get'],
    ms: 15000,
  });
  const hungAt = Date.now();
  let marked: any;
  while (!marked) {
    const status = await view();
    if (status.staleSince) marked = status;
    else if (Date.now() - hungAt > MARK_BOUND_MS + 5000) break;
    else await sleep(100);
  }
  const markMs = Date.now() - hungAt;
  expect(marked).toMatchObject({
    cluster: 'sandbox',
    synced: true,
    lastError: expect.stringContaining("Cluster 'sandbox' did not answer"),
  });
  expect(markMs).toBeLessThan(MARK_BOUND_MS);
  // Open tabs are told to refetch, so they show the mark without a page view of their own.
  await eventually(
    async () => (clusterHints() > hintsBeforeHang ? true : undefined),
    5000,
  );
  // Out of date since the cluster was last heard from, which was before it hung.
  expect(Date.parse(marked.staleSince)).toBeLessThanOrEqual(hungAt + 1000);

  // Page views while it hangs reach the apiserver no more than before.
  const hitsBefore = hitsOf(hang);
  const burstFrom = Date.now();
  for (let i = 0; i < 30; i++) {
    expect((await view()).staleSince).toBe(marked.staleSince);
  }
  const burstMs = Date.now() - burstFrom;
  expect(hitsOf(hang) - hitsBefore).toBeLessThanOrEqual(
    Math.ceil(burstMs / DEFAULT_WATCH_TIMING.probeAfterMs) + 1,
  );

  // 3. The apiserver answers again: unmarked within seconds, and the watch catches up.
  const hintsBeforeAnswer = clusterHints();
  await faults.clear();
  const clearedAt = Date.now();
  await eventually(async () => {
    const status = await view();
    return status.staleSince || status.lastError ? undefined : true;
  }, UNMARK_BOUND_MS + 5000);
  const unmarkMs = Date.now() - clearedAt;
  expect(unmarkMs).toBeLessThan(UNMARK_BOUND_MS);
  await eventually(
    async () => (clusterHints() > hintsBeforeAnswer ? true : undefined),
    5000,
  );
  // And stays so: the watch that was silent is replaced without a failure of its own.
  const unmarkedAt = Date.now();
  while (Date.now() - unmarkedAt < 3000) {
    expect(await view()).toEqual({ cluster: 'sandbox', synced: true });
    await sleep(100);
  }

  // Created after the stall: seen through a new watch, long before the 90 s watchdog.
  await admin.createDefinitionJob({ namespace: 'shop', name: 'after-stall' });
  await eventually(async () => {
    const res = await tab();
    return res.body.items.some((i: any) => i.definition.name === 'after-stall')
      ? true
      : undefined;
  }, 10000);
});
