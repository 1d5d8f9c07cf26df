import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import knexFactory, { Knex } from 'knex';
import net, { AddressInfo } from 'node:net';
import request from 'supertest';
import { kubernetesJobsPlugin } from './plugin';
import { createTestDatabases } from './__testUtils__/databases';
import { SandboxAdmin, component, eventually } from './__testUtils__/sandbox';

/**
 * A backend (re)started while its database is down: it starts, serves the clusters' live data
 * and says history is unavailable, refuses Run (the one-active-run guard lives in the database)
 * without touching the cluster, and once the database is back it connects by itself, records
 * what it missed and runs again. The database sits behind a TCP relay the test opens and shuts.
 * PostgreSQL only: an unreachable SQLite file is not a database outage.
 */
jest.setTimeout(120000);

const databases = createTestDatabases();
const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));

const SHOP = 'component:default/shop';
const ENTITIES = [component('shop', { 'backstage.io/kubernetes-id': 'shop' })];
const jane = mockCredentials.user.header('user:default/jane');
const api = '/api/kubernetes-jobs';
/** How long the backend may take to notice the database is back (retries every second here). */
const RECONNECT_BOUND_MS = 20000;

/** A TCP relay to PostgreSQL on a fixed loopback port: down refuses and cuts every connection. */
class Relay {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async create(target: { host: string; port: number }) {
    const probe = net.createServer();
    await new Promise<void>(r => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise(r => probe.close(r));
    return new Relay(port, target);
  }

  async up() {
    this.server = net.createServer(client => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>(r =>
      this.server!.listen(this.port, '127.0.0.1', r),
    );
  }

  async down() {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise(r => server.close(r));
  }
}

let admin: SandboxAdmin;
let relay: Relay | undefined;
const backends: Array<Awaited<ReturnType<typeof startTestBackend>>> = [];
const knexes: Knex[] = [];

beforeAll(async () => {
  admin = await SandboxAdmin.start();
  await admin.createNamespace('shop');
  // 20x time: 200 simulated seconds are 10 real ones.
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'migrate',
    script: 'echo migrating; sleep 200; echo done',
  });
  await admin.createDefinitionJob({ namespace: 'shop', name: 'report' });
});

afterAll(async () => {
  for (const b of backends) await b.stop().catch(() => undefined);
  for (const k of knexes) await k.destroy().catch(() => undefined);
  await relay?.down();
  await admin?.close();
});

async function startBackend(knex: Knex) {
  const backend = await startTestBackend({
    features: [
      kubernetesJobsPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          ...admin.config(),
          kubernetesJobs: { database: { maxRetrySeconds: 1 } },
        },
      }),
      catalogServiceMock.factory({ entities: ENTITIES }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
    ],
  });
  backends.push(backend);
  return backend;
}

const describeOnPostgres = postgres.length
  ? describe.each(postgres)
  : // scripts/test.sh always starts PostgreSQL (in CI its absence fails createTestDatabases);
    // a developer running this file alone without it has nothing to run.
    describe.skip.each([['POSTGRES_15' as const]]);

describeOnPostgres('on %s', databaseId => {
  it('starts with the database down, serves live data, refuses Run, and recovers by itself', async () => {
    const direct = await databases.init(databaseId);
    const connection = direct.client.config
      .connection as Knex.PgConnectionConfig;
    relay = await Relay.create({
      host: connection.host ?? '127.0.0.1',
      port: Number(connection.port ?? 5432),
    });
    const viaRelay = () => {
      const knex = knexFactory({
        client: 'pg',
        connection: { ...connection, host: '127.0.0.1', port: relay!.port },
        pool: { min: 0, max: 4 },
        acquireConnectionTimeout: 5000,
      });
      knexes.push(knex);
      return knex;
    };

    // A first backend runs a Job while the database is there, then goes away.
    await relay.up();
    const first = await startBackend(viaRelay());
    const started = await request(first.server)
      .post(`${api}/definitions/sandbox/shop/job/migrate/runs`)
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(started.status).toBe(201);
    const runName: string = started.body.name;
    await first.stop();

    // The database goes down; a backend starts anyway.
    await relay.down();
    const second = await startBackend(viaRelay());
    const get = (path: string) =>
      request(second.server)
        .get(`${api}${path}`)
        .query({ entityRef: SHOP })
        .set('authorization', jane);

    const tab = await eventually(async () => {
      const res = await get('/definitions');
      return res.body.items?.length === 2 ? res : undefined;
    });
    expect(tab.status).toBe(200);
    expect(tab.body.historyUnavailable).toBe(true);
    const migrate = tab.body.items.find(
      (i: any) => i.definition.name === 'migrate',
    );
    // Live from the cluster: the run started before the outage is still seen, and active.
    expect(migrate.stats.lastRun).toMatchObject({ name: runName });
    expect(migrate.stats.counts.active).toBe(1);

    const details = await get('/definitions/sandbox/shop/job/migrate');
    expect(details.status).toBe(200);
    expect(details.body.historyUnavailable).toBe(true);
    expect(details.body.runs.map((r: any) => r.name)).toEqual([runName]);

    const history = await get('/definitions/sandbox/shop/job/migrate/runs');
    expect(history.status).toBe(503);
    expect(history.body.error.message).toMatch(/history is unavailable/);

    // Run is refused with nothing created: the guard cannot be kept without the database.
    const since = admin.sandbox.requests.length;
    const refused = await request(second.server)
      .post(`${api}/definitions/sandbox/shop/job/report/runs`)
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(refused.status).toBe(503);
    expect(refused.body.error.message).toMatch(/history is unavailable/);
    expect(JSON.stringify(refused.body)).not.toContain(String(relay.port));
    expect(admin.mutatingRequestsSince(since)).toEqual([]);

    // The database comes back: the backend connects by itself and history returns.
    await relay.up();
    const recovered = await eventually(async () => {
      const res = await get('/definitions');
      return res.status === 200 && !res.body.historyUnavailable
        ? res
        : undefined;
    }, RECONNECT_BOUND_MS);
    const back = recovered.body.items.find(
      (i: any) => i.definition.name === 'migrate',
    );
    // Who started the run comes from the record the first backend wrote.
    expect(back.stats.lastRun).toMatchObject({
      name: runName,
      triggeredBy: 'user:default/jane',
    });

    const again = await request(second.server)
      .post(`${api}/definitions/sandbox/shop/job/report/runs`)
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(again.status).toBe(201);

    // The run that lived through the outage finishes and is recorded once, as Succeeded.
    const done = await eventually(async () => {
      const res = await get('/definitions/sandbox/shop/job/migrate/runs');
      const runs = res.body.items ?? [];
      return runs.length === 1 && runs[0].state === 'Succeeded'
        ? runs
        : undefined;
    }, 60000);
    expect(done[0]).toMatchObject({
      name: runName,
      triggeredBy: 'user:default/jane',
    });
  });
});
