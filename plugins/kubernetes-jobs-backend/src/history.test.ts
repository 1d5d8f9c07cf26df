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
import { createTestDatabases } from './__testUtils__/databases';
import { SandboxAdmin, component, eventually } from './__testUtils__/sandbox';

/**
 * History and the one-active-run guard with a real database (SQLite, and PostgreSQL when
 * scripts/test.sh provides one): two backend replicas sharing one database and one cluster,
 * runs whose Jobs are deleted, and runs that finish while no backend is up.
 */
jest.setTimeout(60000);

const databases = createTestDatabases();

const SHOP = 'component:default/shop';
const jane = mockCredentials.user.header('user:default/jane');

let admin: SandboxAdmin;

beforeAll(async () => {
  admin = await SandboxAdmin.start();
  await admin.createNamespace('shop');
}, 30000);

afterAll(async () => {
  await admin?.close();
});

function startReplica(knex: Knex) {
  return startTestBackend({
    features: [
      kubernetesJobsPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({ data: admin.config() }),
      catalogServiceMock.factory({
        entities: [component('shop', { 'backstage.io/kubernetes-id': 'shop' })],
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
    ],
  });
}

describe.each(databases.eachSupportedId())('on %s', databaseId => {
  it('starts exactly one run when concurrent Runs reach two replicas', async () => {
    const name = `race-${databaseId.toLowerCase().replace('_', '')}`;
    await admin.createDefinitionJob({
      namespace: 'shop',
      name,
      script: 'sleep 600',
    });
    const knex = await databases.init(databaseId);
    const [a, b] = [await startReplica(knex), await startReplica(knex)];

    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        request((i % 2 ? a : b).server)
          .post(
            `/api/kubernetes-jobs/definitions/sandbox/shop/job/${name}/runs`,
          )
          .set('authorization', jane)
          .send({ entityRef: SHOP }),
      ),
    );
    const statuses = responses.map(r => r.status);
    if (!statuses.includes(201)) console.log(responses.map(r => r.body));
    expect(statuses.filter(s => s === 201)).toHaveLength(1);
    expect(statuses.filter(s => s === 409)).toHaveLength(7);
    expect(
      await admin.listJobs('shop', `job-assistant/definition=${name}`),
    ).toHaveLength(1);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('keeps a run in history, with its outcome, after its Job is deleted', async () => {
    const name = `gone-${databaseId.toLowerCase().replace('_', '')}`;
    await admin.createDefinitionJob({
      namespace: 'shop',
      name,
      script: 'echo ok; sleep 1',
    });
    const knex = await databases.init(databaseId);
    const backend = await startReplica(knex);
    const api = `/api/kubernetes-jobs/definitions/sandbox/shop/job/${name}`;

    const created = await request(backend.server)
      .post(`${api}/runs`)
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(created.status).toBe(201);
    await eventually(async () => {
      const job = await admin.getJob('shop', created.body.name);
      return job.status.conditions?.some((c: any) => c.type === 'Complete')
        ? job
        : undefined;
    });
    // Seen once finished, as any page view would.
    await request(backend.server)
      .get(api)
      .query({ entityRef: SHOP })
      .set('authorization', jane);

    await admin.request(
      'DELETE',
      `/apis/batch/v1/namespaces/shop/jobs/${created.body.name}?propagationPolicy=Background`,
    );
    await eventually(async () =>
      (
        await admin.listJobs('shop', `job-assistant/definition=${name}`)
      ).length === 0
        ? true
        : undefined,
    );

    const details = await request(backend.server)
      .get(api)
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    expect(details.status).toBe(200);
    expect(details.body.runs).toEqual([
      expect.objectContaining({
        name: created.body.name,
        state: 'Succeeded',
        triggeredBy: 'user:default/jane',
        removedFromCluster: true,
      }),
    ]);
    expect(details.body.stats.counts).toMatchObject({ total: 1, succeeded: 1 });

    const page = await request(backend.server)
      .get(`${api}/runs`)
      .query({ entityRef: SHOP, limit: 10 })
      .set('authorization', jane);
    expect(page.status).toBe(200);
    expect(page.body.items.map((r: any) => r.name)).toEqual([
      created.body.name,
    ]);
    await backend.stop();
  });

  it('reconciles, on start, a run that finished while no backend was up', async () => {
    const name = `offline-${databaseId.toLowerCase().replace('_', '')}`;
    await admin.createDefinitionJob({
      namespace: 'shop',
      name,
      script: 'sleep 20',
    });
    const knex = await databases.init(databaseId);

    const first = await startReplica(knex);
    const created = await request(first.server)
      .post(`/api/kubernetes-jobs/definitions/sandbox/shop/job/${name}/runs`)
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(created.status).toBe(201);
    // The tracker records the run when the watch brings its Job, a moment after the answer.
    await eventually(
      async () =>
        knex('kubernetes_jobs_runs')
          .where({ job_name: created.body.name })
          .first(),
      15000,
    );
    await first.stop();

    await eventually(async () => {
      const job = await admin.getJob('shop', created.body.name);
      return job.status.conditions?.some((c: any) => c.type === 'Complete')
        ? job
        : undefined;
    }, 20000);
    const before = await knex('kubernetes_jobs_runs')
      .where({ job_name: created.body.name })
      .first();
    // The tracker saw it start; nobody saw it finish.
    expect(['Pending', 'Running']).toContain(before.state);

    // No request reaches the new backend: its first list brings the record up to date.
    const second = await startReplica(knex);
    const record = await eventually(async () => {
      const row = await knex('kubernetes_jobs_runs')
        .where({ job_name: created.body.name })
        .first();
      return row.state === 'Succeeded' ? row : undefined;
    }, 15000);
    expect(record.finished_at).not.toBeNull();
    expect(record.active_key).toBeNull();
    await second.stop();
  });
});
