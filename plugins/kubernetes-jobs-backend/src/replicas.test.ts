import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { Knex } from 'knex';
import request from 'supertest';
import { kubernetesJobsPlugin } from './plugin';
import { createTestDatabases } from './__testUtils__/databases';
import { SandboxAdmin, component, eventually } from './__testUtils__/sandbox';

/**
 * Two replicas over one PostgreSQL and one cluster, and a crash: replica A (its own process)
 * starts runs and is killed with SIGKILL while they are active, with no chance to clean up.
 * Replica B records how they end, keeps who started them, still refuses a second run of a
 * definition whose run is active, and nothing is recorded twice. PostgreSQL only: SQLite is
 * one process's database.
 */
jest.setTimeout(120000);

const databases = createTestDatabases();
const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));

const SHOP = 'component:default/shop';
const ENTITIES = [component('shop', { 'backstage.io/kubernetes-id': 'shop' })];
const jane = mockCredentials.user.header('user:default/jane');

let admin: SandboxAdmin;
const children: ChildProcess[] = [];

beforeAll(async () => {
  admin = await SandboxAdmin.start();
  await admin.createNamespace('shop');
}, 30000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await admin?.close();
});

/** Starts a replica in a child process; resolves with its URL once it listens. */
function startReplicaProcess(
  knex: Knex,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(__dirname, '__testUtils__', 'replicaProcess.ts'),
    ],
    {
      env: {
        ...process.env,
        REPLICA_OPTIONS: JSON.stringify({
          connection: knex.client.config.connection,
          config: admin.config(),
          entities: ENTITIES,
        }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', d => {
      stderr += d;
    });
    child.stdout!.on('data', d => {
      const match = /listening (\d+)/.exec(String(d));
      if (match) {
        resolve({ url: `http://127.0.0.1:${match[1]}`, child });
      }
    });
    child.on('exit', code =>
      reject(new Error(`replica exited (${code}): ${stderr.slice(-2000)}`)),
    );
  });
}

/** A replica in this process; the signals it publishes go to `published`, if given. */
function startReplica(knex: Knex, published?: unknown[]) {
  return startTestBackend({
    features: [
      kubernetesJobsPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({ data: admin.config() }),
      catalogServiceMock.factory({ entities: ENTITIES }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ...(published
        ? [
            createServiceFactory({
              service: signalsServiceRef,
              deps: {},
              factory: () => ({
                publish: async (signal: { message: unknown }) => {
                  published.push(signal.message);
                },
              }),
            }),
          ]
        : []),
    ],
  });
}

const runsPath = (name: string) =>
  `/api/kubernetes-jobs/definitions/sandbox/shop/job/${name}/runs`;

// The suite needs PostgreSQL, which scripts/test.sh always starts (in CI its absence fails
// createTestDatabases); a developer running this file alone without it has nothing to run.
const describeOnPostgres = postgres.length
  ? describe.each(postgres)
  : describe.skip.each([['POSTGRES_15' as const]]);

describeOnPostgres('on %s', databaseId => {
  it('a replica killed with SIGKILL mid-run: the other records the runs to the end, once each, and the guard holds', async () => {
    const short = ['crash-short-a', 'crash-short-b'];
    const long = 'crash-long';
    for (const name of short) {
      // 40 simulated seconds: 2 s here.
      await admin.createDefinitionJob({
        namespace: 'shop',
        name,
        script: 'echo working; sleep 40; echo done',
      });
    }
    await admin.createDefinitionJob({
      namespace: 'shop',
      name: long,
      script: 'echo working; sleep 6000',
    });
    const knex = await databases.init(databaseId);

    const a = await startReplicaProcess(knex);
    const b = await startReplica(knex);

    const started: Record<string, string> = {};
    for (const name of [...short, long]) {
      const res = await request(a.url)
        .post(runsPath(name))
        .set('authorization', jane)
        .send({ entityRef: SHOP });
      expect(res.status).toBe(201);
      started[name] = res.body.name;
    }
    // Both replicas watch: B records the runs A started, while they are active.
    await eventually(async () => {
      const rows = await knex('kubernetes_jobs_runs').whereIn(
        'job_name',
        Object.values(started),
      );
      return rows.length === 3 ? rows : undefined;
    }, 20000);

    a.child.kill('SIGKILL');
    await new Promise(resolve => a.child.once('exit', resolve));

    // The long run is still active: B refuses a second one, A's death did not free the slot.
    const second = await request(b.server)
      .post(runsPath(long))
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(second.status).toBe(409);

    // B records the short runs to their end, alone.
    const finished = await eventually(async () => {
      const rows = await knex('kubernetes_jobs_runs').whereIn(
        'job_name',
        short.map(n => started[n]),
      );
      return rows.length === 2 && rows.every(r => r.state === 'Succeeded')
        ? rows
        : undefined;
    }, 30000);
    for (const row of finished) {
      expect(row.finished_at).not.toBeNull();
      expect(row.active_key).toBeNull();
      // Who started it comes from A's record at the moment of the request, kept by B.
      expect(row.triggered_by).toBe('user:default/jane');
    }

    // B can stop the run A started; then the definition runs again.
    const stopped = await request(b.server)
      .post(`/api/kubernetes-jobs/runs/sandbox/shop/${started[long]}/kill`)
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(stopped.status).toBe(200);
    const again = await request(b.server)
      .post(runsPath(long))
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(again.status).toBe(201);

    // Nothing recorded twice, nothing created twice.
    const counts = await knex('kubernetes_jobs_runs')
      .select('job_name')
      .count({ n: '*' })
      .groupBy('job_name');
    expect(counts.filter(c => Number(c.n) !== 1)).toEqual([]);
    for (const name of short) {
      expect(
        await admin.listJobs('shop', `job-assistant/definition=${name}`),
      ).toHaveLength(1);
    }
    await b.stop();
  });

  it('a change both replicas see is told to browsers once, by one of them', async () => {
    const name = 'hinted-once';
    await admin.createDefinitionJob({
      namespace: 'shop',
      name,
      script: 'true',
    });
    const knex = await databases.init(databaseId);
    // Signals published on either replica reach every browser: one list for both.
    const published: unknown[] = [];
    const a = await startReplica(knex, published);
    const b = await startReplica(knex, published);
    const definitionPath = `/apis/batch/v1/namespaces/shop/jobs/${name}`;
    const isHint = (m: any) =>
      m.type === 'definition' && m.definitionName === name;
    for (let change = 1; change <= 3; change++) {
      await admin.request(
        'PATCH',
        definitionPath,
        // An annotation the plugin keeps: one it ignores changes nothing it caches.
        { metadata: { annotations: { 'job-assistant/note': String(change) } } },
        'application/merge-patch+json',
      );
      await eventually(
        async () => published.filter(isHint).length >= change || undefined,
        20000,
      );
      // Time for the other replica's hint, had it published one.
      await new Promise(resolve => setTimeout(resolve, 1000));
      expect(published.filter(isHint)).toHaveLength(change);
    }
    await a.stop();
    await b.stop();
  });
});
