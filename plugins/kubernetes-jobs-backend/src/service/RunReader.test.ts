import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ServiceUnavailableError } from '@backstage/errors';
import { RUN_ANNOTATIONS } from '@job-assistant/plugin-kubernetes-jobs-common';
import { V1Job, V1JobStatus } from '@kubernetes/client-node';
import { FakeClusterClient } from '../__testUtils__/FakeClusterClient';
import { WatchCaches } from '../cache/WatchCaches';
import { HISTORY_UNAVAILABLE } from '../database/ConnectingRunStore';
import { DatabaseRunStore } from '../database/DatabaseRunStore';
import { DefinitionReader } from './DefinitionReader';
import { entitySelectorOf } from './entitySelector';
import { HistoryHealth } from './HistoryHealth';
import { definitionRef, toJobRun } from './model';
import { RunReader } from './RunReader';

/**
 * One run and a definition's history pages, read from a watch cache synced from an in-memory
 * cluster and from run history on SQLite.
 */
const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const ANNOTATION = 'job-assistant';
const TEMPLATE = { spec: { containers: [{ name: 'main', image: 'busybox' }] } };
const JANE = 'user:default/jane';
const shop = selectorOf('shop');

function selectorOf(id: string) {
  return entitySelectorOf({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: id,
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': id },
    },
  })!;
}

function definition(name: string, entity = 'shop'): V1Job {
  return {
    metadata: {
      name,
      namespace: 'shop',
      uid: `uid-${name}`,
      labels: { 'backstage.io/kubernetes-id': entity },
      annotations: { [ANNOTATION]: 'enable' },
    },
    spec: { suspend: true, template: TEMPLATE },
  };
}

/** Run `n` of a definition, created `n` minutes past ten. */
function runOf(
  def: V1Job,
  n: number,
  state: 'Pending' | 'Running' | 'Succeeded',
): V1Job {
  const created = new Date(Date.UTC(2026, 10, 1, 10, n));
  const status: Record<typeof state, V1JobStatus> = {
    Pending: {},
    Running: { startTime: created, active: 1 },
    Succeeded: {
      startTime: created,
      completionTime: new Date(created.getTime() + 30_000),
      conditions: [{ type: 'Complete', status: 'True' }],
    },
  };
  const name = def.metadata!.name!;
  return {
    metadata: {
      name: `${name}-${n}`,
      namespace: 'shop',
      uid: `uid-${name}-${n}`,
      creationTimestamp: created,
      labels: def.metadata?.labels,
      ownerReferences: [
        { apiVersion: 'batch/v1', kind: 'Job', name, uid: def.metadata!.uid! },
      ],
    },
    spec: { suspend: false, template: TEMPLATE },
    status: status[state],
  };
}

const keyOf = (def: V1Job) => ({
  cluster: 'prod',
  namespace: 'shop',
  kind: 'Job' as const,
  name: def.metadata!.name!,
});

let caches: WatchCaches | undefined;
afterEach(() => caches?.stop());

async function setup(cluster: FakeClusterClient) {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabaseRunStore.create({
    database: mockServices.database({ knex }),
  });
  const logger = mockServices.logger.mock();
  caches = new WatchCaches([cluster.cluster], {
    client: FakeClusterClient.factory(cluster),
    annotationKey: ANNOTATION,
    logger,
  });
  caches.start();
  const reads = {
    caches,
    store,
    history: new HistoryHealth(logger),
    annotationKey: ANNOTATION,
    syncTimeoutMs: 2000,
  };
  const runs = new RunReader(reads);
  const definitions = new DefinitionReader({
    ...reads,
    allowParallelRunsByDefault: false,
  });
  /** What the run tracker writes when it sees these Jobs, in this order. */
  const record = (def: V1Job, ...jobs: V1Job[]) =>
    store.observe(
      jobs.map(job => ({
        key: keyOf(def),
        run: toJobRun('prod', job, definitionRef(def)),
      })),
    );
  return { store, logger, runs, definitions, record };
}

const runAt = (name: string) => ({ cluster: 'prod', namespace: 'shop', name });

describe('RunReader.getRun', () => {
  it('shows a live run as the cluster has it now, and who started it as the backend recorded it', async () => {
    const cluster = new FakeClusterClient('prod');
    const migrate = cluster.put('Job', definition('migrate'));
    const pending = runOf(migrate, 1, 'Pending');
    // The Job's own annotation is a claim anyone with write access could make.
    pending.metadata!.annotations = {
      [RUN_ANNOTATIONS.triggeredBy]: 'user:default/mallory',
    };
    cluster.put('Job', {
      ...pending,
      status: runOf(migrate, 1, 'Running').status,
    });
    const { store, runs } = await setup(cluster);
    const reservation = await store.reserve(keyOf(migrate), {
      entityRef: 'component:default/shop',
      triggeredBy: JANE,
      triggeredAt: new Date(),
      exclusive: true,
    });
    await store.attach(
      reservation,
      toJobRun('prod', pending, definitionRef(migrate)),
    );

    const run = await runs.getRun(shop, runAt('migrate-1'));

    expect(run).toMatchObject({
      uid: 'uid-migrate-1',
      state: 'Running',
      trigger: 'portal',
      triggeredBy: JANE,
      claimedTriggeredBy: undefined,
      removedFromCluster: false,
      definition: { kind: 'Job', name: 'migrate', uid: 'uid-migrate' },
    });
    expect(cluster.calls.readJob).toBe(0);
  });

  it('answers a run whose Job is gone from history', async () => {
    const cluster = new FakeClusterClient('prod');
    const migrate = cluster.put('Job', definition('migrate'));
    const { store, runs, record } = await setup(cluster);
    await record(migrate, runOf(migrate, 1, 'Succeeded'));
    await store.markRemoved(['uid-migrate-1']);

    expect(await runs.getRun(shop, runAt('migrate-1'))).toMatchObject({
      uid: 'uid-migrate-1',
      state: 'Succeeded',
      durationSeconds: 30,
      removedFromCluster: true,
    });
  });

  it('refuses a run of another entity’s definition, live or from history', async () => {
    const cluster = new FakeClusterClient('prod');
    const invoice = cluster.put('Job', definition('invoice', 'billing'));
    cluster.put('Job', runOf(invoice, 1, 'Running'));
    const { runs, record } = await setup(cluster);
    await record(invoice, runOf(invoice, 2, 'Succeeded'));

    await expect(runs.getRun(shop, runAt('invoice-1'))).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'does not belong to component:default/shop',
      ),
    });
    // Gone from the cluster: not found, rather than telling whose it is.
    await expect(runs.getRun(shop, runAt('invoice-2'))).rejects.toMatchObject({
      name: 'NotFoundError',
    });
  });

  it('says an unknown run is not found', async () => {
    const cluster = new FakeClusterClient('prod');
    cluster.put('Job', definition('migrate'));
    const { runs } = await setup(cluster);

    await expect(runs.getRun(shop, runAt('migrate-7'))).rejects.toMatchObject({
      name: 'NotFoundError',
      message:
        "Run 'migrate-7' in namespace 'shop' on cluster 'prod' not found",
    });
  });
});

describe('RunReader.history', () => {
  it('pages a definition’s runs newest first, the live ones as the cluster shows them', async () => {
    const cluster = new FakeClusterClient('prod');
    const migrate = cluster.put('Job', definition('migrate'));
    const newest = runOf(migrate, 5, 'Pending');
    cluster.put('Job', {
      ...newest,
      status: runOf(migrate, 5, 'Running').status,
    });
    const { runs, record } = await setup(cluster);
    await record(
      migrate,
      ...[1, 2, 3, 4].map(n => runOf(migrate, n, 'Succeeded')),
      newest,
    );
    const at = keyOf(migrate);

    const pages: Array<Array<[string, string]>> = [];
    let cursor: string | undefined;
    do {
      const page = await runs.history(shop, at, { limit: 2, cursor });
      pages.push(page.items.map(r => [r.name, r.state]));
      cursor = page.nextCursor;
    } while (cursor);

    expect(pages).toEqual([
      [
        ['migrate-5', 'Running'],
        ['migrate-4', 'Succeeded'],
      ],
      [
        ['migrate-3', 'Succeeded'],
        ['migrate-2', 'Succeeded'],
      ],
      [['migrate-1', 'Succeeded']],
    ]);
  });

  it('is unavailable, not empty, while history is down; said once by both readers, and once when back', async () => {
    const cluster = new FakeClusterClient('prod');
    const migrate = cluster.put('Job', definition('migrate'));
    const { store, logger, runs, definitions } = await setup(cluster);
    const listRuns = jest
      .spyOn(store, 'listRuns')
      .mockRejectedValue(new Error('connection refused'));
    const stats = jest
      .spyOn(store, 'stats')
      .mockRejectedValue(new Error('connection refused'));

    const failed = runs.history(shop, keyOf(migrate), { limit: 10 });
    await expect(failed).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(failed).rejects.toThrow(HISTORY_UNAVAILABLE);
    expect((await definitions.listForEntity(shop)).historyUnavailable).toBe(
      true,
    );
    expect(logger.error).toHaveBeenCalledTimes(1);

    listRuns.mockRestore();
    stats.mockRestore();
    expect((await definitions.listForEntity(shop)).historyUnavailable).toBe(
      undefined,
    );
    expect(logger.info).toHaveBeenCalledWith(
      'kubernetes-jobs: run history available again',
    );
  });

  it('refuses the history of another entity’s definition', async () => {
    const cluster = new FakeClusterClient('prod');
    const invoice = cluster.put('Job', definition('invoice', 'billing'));
    const { runs } = await setup(cluster);

    await expect(
      runs.history(shop, keyOf(invoice), { limit: 10 }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
  });
});
