import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import request from 'supertest';
import { kubernetesJobsPlugin } from './plugin';
import { REQUEST_SWEEP_TASK } from './service/requestTasks';
import { createTestDatabases } from './__testUtils__/databases';
import { FakeClusterClient } from './__testUtils__/FakeClusterClient';
import {
  JANE,
  SAM,
  SHOP,
  at,
  definitionJob,
  requestsFixture,
} from './__testUtils__/runRequests';
import { SandboxAdmin, component, eventually } from './__testUtils__/sandbox';

/**
 * Run requests with two replicas over one PostgreSQL: a scheduled request starts exactly once
 * though both replicas sweep, and two approvers approving at once (one on each replica) start
 * one run. First the services alone, sweeping at the same moment on separate connections, then
 * two backends with Backstage's real scheduler over HTTP. PostgreSQL only: SQLite is one
 * process's database.
 */
jest.setTimeout(120_000);

const databases = createTestDatabases();
const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));
const describeOnPostgres = postgres.length
  ? describe.each(postgres)
  : describe.skip.each([['POSTGRES_15' as const]]);

const HOUR = 3600 * 1000;

describeOnPostgres('on %s', databaseId => {
  let knex: Knex;

  beforeAll(async () => {
    knex = await databases.init(databaseId);
  });

  it('two replicas sweeping at the same moment start each due request once', async () => {
    // One cluster, two replicas (each its own services) over one database.
    const cluster = new FakeClusterClient('prod');
    const a = await requestsFixture({ knex, cluster });
    const b = await requestsFixture({ knex, cluster });
    const names = Array.from({ length: 8 }, (_, i) => `due-${i}`);
    const time = new Date(a.clock.now.getTime() + HOUR).toISOString();
    const ids: string[] = [];
    for (const name of names) {
      // Parallel runs allowed: only the claim stands between two sweeps and two runs.
      cluster.put(
        'Job',
        definitionJob(name, { 'job-assistant/allow-parallel-runs': 'true' }),
      );
      const asked = await a.operations.request(a.as(JANE), at(name), {
        entityRef: SHOP,
        at: time,
      });
      ids.push(asked.id);
    }
    a.advance(HOUR);
    b.advance(HOUR);
    await Promise.all([
      a.starter.sweep(),
      b.starter.sweep(),
      a.starter.sweep(),
      b.starter.sweep(),
    ]);

    for (const name of names) {
      const runs = cluster
        .jobs('shop')
        .filter(j => j.metadata?.labels?.['job-assistant/definition'] === name);
      expect(runs).toHaveLength(1);
    }
    const rows = await knex('kubernetes_jobs_run_requests').whereIn('id', ids);
    expect(rows.map(r => r.state)).toEqual(names.map(() => 'Started'));
    // Each start told once, by whichever replica won it.
    const started = [...a.changes, ...b.changes].filter(
      c => c.change === 'started',
    );
    expect(started.map(c => c.id).sort()).toEqual([...ids].sort());
  });

  it('two approvers approving at once, one on each replica, start one run', async () => {
    const cluster = new FakeClusterClient('prod');
    const a = await requestsFixture({ knex, cluster });
    const b = await requestsFixture({ knex, cluster });
    for (const [name, count] of [
      ['one-approval', '1'],
      ['two-approvals', '2'],
    ]) {
      cluster.put(
        'Job',
        definitionJob(name, {
          'job-assistant/approval': count,
          'job-assistant/allow-parallel-runs': 'true',
        }),
      );
      const asked = await a.operations.request(a.as(JANE), at(name), {
        entityRef: SHOP,
      });
      const outcomes = await Promise.allSettled([
        a.operations.approve(a.as(SAM), asked.id, { entityRef: SHOP }),
        b.operations.approve(b.as('user:default/alex'), asked.id, {
          entityRef: SHOP,
        }),
      ]);
      const states = outcomes.map(o =>
        o.status === 'fulfilled' ? o.value.state : (o.reason as Error).name,
      );
      expect(states.sort()).toEqual(
        count === '1'
          ? ['ConflictError', 'Started'] // the second finds it no longer waiting
          : ['Started', 'WaitingForApproval'], // counted one after the other
      );
      const runs = cluster
        .jobs('shop')
        .filter(j => j.metadata?.labels?.['job-assistant/definition'] === name);
      expect(runs).toHaveLength(1);
    }
  });

  describe('two backends with the real scheduler', () => {
    let admin: SandboxAdmin;
    const backends: Array<Awaited<ReturnType<typeof startTestBackend>>> = [];

    beforeAll(async () => {
      admin = await SandboxAdmin.start();
      await admin.createNamespace('shop');
    }, 30_000);

    afterAll(async () => {
      for (const backend of backends) await backend.stop();
      await admin?.close();
    });

    const replica = async (db: Knex) => {
      const backend = await startTestBackend({
        features: [
          kubernetesJobsPlugin,
          schedulerServiceFactory,
          mockServices.database.factory({ knex: db }),
          mockServices.rootConfig.factory({
            data: {
              ...admin.config(),
              kubernetesJobs: { runRequests: { sweepSeconds: 1 } },
            },
          }),
          catalogServiceMock.factory({
            entities: [
              component('shop', { 'backstage.io/kubernetes-id': 'shop' }),
            ],
          }),
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        ],
      });
      backends.push(backend);
      return backend.server;
    };

    it('a scheduled request fires once while both sweep', async () => {
      const db = await databases.init(databaseId);
      const names = ['fire-a', 'fire-b', 'fire-c'];
      for (const name of names) {
        await admin.createDefinitionJob({ namespace: 'shop', name });
      }
      // The second starts once the first has migrated its tables and the scheduler's and has
      // its sweep scheduled. Started together on an empty database, the scheduler's migrations
      // race for their lock, and a scheduler that loses it never runs a global task (Backstage
      // keeps that first failure); this test is about sweeping, not about that.
      const one = await replica(db);
      await eventually(
        async () =>
          (await db.schema.hasTable('backstage_backend_tasks__tasks'))
            ? db('backstage_backend_tasks__tasks')
                .where({ id: REQUEST_SWEEP_TASK })
                .first()
            : undefined,
        30_000,
      );
      const two = await replica(db);
      const when = new Date(Date.now() + 3000).toISOString();
      const ids: string[] = [];
      for (const [i, name] of names.entries()) {
        const res = await request(i % 2 ? one : two)
          .post(
            `/api/kubernetes-jobs/definitions/sandbox/shop/job/${name}/requests`,
          )
          .set('authorization', mockCredentials.user.header(JANE))
          .send({ entityRef: SHOP, at: when });
        expect(res.status).toBe(201);
        ids.push(res.body.id);
      }
      await eventually(async () => {
        const rows = await db('kubernetes_jobs_run_requests').whereIn(
          'id',
          ids,
        );
        return rows.every(r => r.state === 'Started') ? rows : undefined;
      }, 30_000);
      // A few more sweeps on both: still one run each.
      await new Promise(r => setTimeout(r, 2500));
      for (const name of names) {
        expect(
          await admin.listJobs('shop', `job-assistant/definition=${name}`),
        ).toHaveLength(1);
      }
      const records = await db('kubernetes_jobs_runs').whereIn(
        'request_id',
        ids,
      );
      expect(records.map(r => r.triggered_by)).toEqual(names.map(() => JANE));
      expect(new Set(records.map(r => r.request_id)).size).toBe(names.length);
    });
  });
});
