import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { V1CronJob, V1Job, V1JobStatus } from '@kubernetes/client-node';
import { FakeClusterClient } from '../__testUtils__/FakeClusterClient';
import { WatchCaches } from '../cache/WatchCaches';
import { DatabaseRunStore } from '../database/DatabaseRunStore';
import { ClusterTimeoutError } from '../errors';
import { DefinitionReader } from './DefinitionReader';
import { entitySelectorOf } from './entitySelector';
import { HistoryHealth } from './HistoryHealth';
import { ListVersion } from './ListVersion';
import { definitionRef, toJobRun } from './model';

/**
 * Definitions and their stats, read from a watch cache synced from an in-memory cluster and
 * from run history on SQLite.
 */
const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const ANNOTATION = 'job-assistant';
const TEMPLATE = { spec: { containers: [{ name: 'main', image: 'busybox' }] } };
const shop = selectorOf('shop');
const billing = selectorOf('billing');

function selectorOf(id: string) {
  return entitySelectorOf({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: id,
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': id },
    },
    spec: { owner: `team-${id}` },
  })!;
}

function definition(
  name: string,
  options: { labels?: Record<string, string>; annotated?: boolean } = {},
): V1Job {
  return {
    metadata: {
      name,
      namespace: 'shop',
      uid: `uid-${name}`,
      labels: options.labels ?? { 'backstage.io/kubernetes-id': 'shop' },
      annotations:
        options.annotated === false ? {} : { [ANNOTATION]: 'enable' },
    },
    spec: { suspend: true, template: TEMPLATE },
  };
}

/** Run `n` of a definition, created `n` minutes past ten. */
function runOf(
  def: V1Job,
  n: number,
  state: 'Pending' | 'Running' | 'Succeeded' | 'Failed',
): V1Job {
  const created = new Date(Date.UTC(2026, 10, 1, 10, n));
  const finished = new Date(created.getTime() + 30_000);
  const status: Record<typeof state, V1JobStatus> = {
    Pending: {},
    Running: { startTime: created, active: 1 },
    Succeeded: {
      startTime: created,
      completionTime: finished,
      conditions: [{ type: 'Complete', status: 'True' }],
    },
    Failed: {
      startTime: created,
      conditions: [
        { type: 'Failed', status: 'True', lastTransitionTime: finished },
      ],
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

let caches: WatchCaches | undefined;
afterEach(() => caches?.stop());

/** Readers over caches started on the clusters as seeded: they sync before the first read. */
async function setup(
  clusters: FakeClusterClient[],
  options: { historyPageSize?: number; version?: ListVersion } = {},
) {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabaseRunStore.create({
    database: mockServices.database({ knex }),
  });
  const logger = mockServices.logger.mock();
  caches = new WatchCaches(
    clusters.map(c => c.cluster),
    {
      client: FakeClusterClient.factory(...clusters),
      annotationKey: ANNOTATION,
      logger,
    },
  );
  if (options.version) caches.subscribe(options.version);
  caches.start();
  const reader = new DefinitionReader({
    caches,
    store,
    history: new HistoryHealth(logger),
    annotationKey: ANNOTATION,
    allowParallelRunsByDefault: false,
    syncTimeoutMs: 2000,
    ...options,
  });
  /** What the run tracker writes when it sees these Jobs, in this order. */
  const record = (def: V1Job, ...jobs: V1Job[]) =>
    store.observe(
      jobs.map(job => ({
        key: {
          cluster: 'prod',
          namespace: 'shop',
          kind: 'Job' as const,
          name: def.metadata!.name!,
        },
        run: toJobRun('prod', job, definitionRef(def)),
      })),
    );
  return { store, logger, reader, record };
}

/** A cluster with shop's Job and CronJob, billing's Job, and a Job that is not a definition. */
function shopCluster() {
  const cluster = new FakeClusterClient('prod');
  const migrate = cluster.put('Job', definition('migrate'));
  cluster.put<V1CronJob>('CronJob', {
    metadata: definition('nightly').metadata,
    spec: { schedule: '0 3 * * *', jobTemplate: {} },
  });
  cluster.put(
    'Job',
    definition('invoice', {
      labels: { 'backstage.io/kubernetes-id': 'billing' },
    }),
  );
  cluster.put('Job', definition('helper', { annotated: false }));
  return { cluster, migrate };
}

describe('DefinitionReader', () => {
  it('lists an entity’s definitions with stats from history, the newest run as the cluster shows it now', async () => {
    const { cluster, migrate } = shopCluster();
    // Three runs whose Jobs are gone, and one the cluster now shows Running.
    const latest = runOf(migrate, 4, 'Pending');
    cluster.put('Job', {
      ...latest,
      status: runOf(migrate, 4, 'Running').status,
    });
    const { reader, record } = await setup([cluster]);
    await record(
      migrate,
      runOf(migrate, 1, 'Succeeded'),
      runOf(migrate, 2, 'Failed'),
      runOf(migrate, 3, 'Succeeded'),
      latest,
    );

    const list = await reader.listForEntity(shop);

    expect(list.items.map(i => i.definition.name)).toEqual([
      'migrate',
      'nightly',
    ]);
    const [migrateItem, nightlyItem] = list.items;
    expect(migrateItem.definition).toMatchObject({
      kind: 'Job',
      entityRef: 'component:default/shop',
      entityOwnerRef: 'group:default/team-shop',
    });
    expect(migrateItem.stats).toMatchObject({
      counts: { total: 4, active: 1, succeeded: 2, failed: 1, killed: 0 },
      successRate: 2 / 3,
      typicalDurationSeconds: 30,
      lastRun: { name: 'migrate-4', state: 'Running' },
    });
    expect(nightlyItem.definition.kind).toBe('CronJob');
    expect(nightlyItem.stats.counts.total).toBe(0);
    expect(list.errors).toEqual([]);
    expect(list.clusters).toEqual([{ cluster: 'prod', synced: true }]);
    expect(list.historyUnavailable).toBeUndefined();
    // Answered from the watch cache: nothing read from the cluster.
    expect(cluster.calls).toMatchObject({
      readJob: 0,
      readCronJob: 0,
      listJobs: 0,
    });
  });

  it('answers from the clusters alone while history is down, and says so once', async () => {
    const { cluster, migrate } = shopCluster();
    cluster.put('Job', runOf(migrate, 1, 'Running'));
    const { store, logger, reader, record } = await setup([cluster]);
    await record(migrate, runOf(migrate, 0, 'Succeeded'));
    const stats = jest
      .spyOn(store, 'stats')
      .mockRejectedValue(new Error('connection refused'));

    const answers = [
      await reader.listForEntity(shop),
      await reader.listForEntity(shop),
    ];
    for (const list of answers) {
      expect(list.historyUnavailable).toBe(true);
      expect(list.items[0].stats).toMatchObject({
        counts: { total: 1, active: 1 },
        lastRun: { name: 'migrate-1', state: 'Running' },
      });
    }
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('connection refused'),
    );

    stats.mockRestore();
    const list = await reader.listForEntity(shop);
    expect(list.historyUnavailable).toBeUndefined();
    expect(list.items[0].stats.counts.total).toBe(1); // the record, not the cluster
    expect(logger.info).toHaveBeenCalledWith(
      'kubernetes-jobs: run history available again',
    );
  });

  it('reports a failing cluster in `errors` with its status code while the others answer', async () => {
    const { cluster } = shopCluster();
    const down = new FakeClusterClient('dev');
    down.failNext(
      'listPage',
      new ClusterTimeoutError(
        "Cluster 'dev' did not answer within 10 s to list Jobs",
      ),
      Infinity,
    );
    const { reader } = await setup([cluster, down]);

    const list = await reader.listForEntity(shop);

    expect(list.items.map(i => i.definition.name)).toEqual([
      'migrate',
      'nightly',
    ]);
    expect(list.errors).toHaveLength(2);
    expect(list.errors).toEqual(
      expect.arrayContaining(
        ['Job', 'CronJob'].map(kind => ({
          cluster: 'dev',
          kind,
          statusCode: 504,
          message: "Cluster 'dev' did not answer within 10 s to list Jobs",
        })),
      ),
    );
    expect(list.clusters).toEqual([
      { cluster: 'prod', synced: true },
      expect.objectContaining({ cluster: 'dev', synced: false }),
    ]);
  });

  it('lists every definition under the first entity that claims it, unclaimed ones only when asked', async () => {
    const { cluster } = shopCluster();
    cluster.put('Job', definition('orphan', { labels: { app: 'orphan' } }));
    const { reader } = await setup([cluster]);

    const claimed = await reader.listAll([shop, billing], {
      includeUnlinked: false,
    });
    expect(
      claimed.items.map(i => [i.definition.name, i.definition.entityRef]),
    ).toEqual([
      ['invoice', 'component:default/billing'],
      ['migrate', 'component:default/shop'],
      ['nightly', 'component:default/shop'],
    ]);

    const all = await reader.listAll([shop], { includeUnlinked: true });
    expect(
      all.items.map(i => [i.definition.name, i.definition.entityRef]),
    ).toEqual([
      ['invoice', undefined],
      ['migrate', 'component:default/shop'],
      ['nightly', 'component:default/shop'],
      ['orphan', undefined],
    ]);
  });

  it('pages by last run state and by last run, newest first, reading stats only for the page otherwise', async () => {
    const { cluster, migrate } = shopCluster();
    const invoice = cluster.put(
      'Job',
      definition('invoice', {
        labels: { 'backstage.io/kubernetes-id': 'billing' },
      }),
    );
    const { reader, record, store } = await setup([cluster]);
    await record(migrate, runOf(migrate, 1, 'Succeeded'));
    await record(invoice, runOf(invoice, 5, 'Failed'));
    const page = (query: object) =>
      reader.listAll([shop, billing], {
        includeUnlinked: false,
        page: { limit: 2, ...query },
      });
    const names = (list: { items: Array<{ definition: { name: string } }> }) =>
      list.items.map(i => i.definition.name);

    expect(names(await page({ state: 'Failed' }))).toEqual(['invoice']);
    expect(names(await page({ state: 'never' }))).toEqual(['nightly']);

    // Newest last run first, then those that never ran; the cursor continues the same order.
    const first = await page({ sort: 'lastRun' });
    expect(names(first)).toEqual(['invoice', 'migrate']);
    expect(first.total).toBe(3);
    const next = await page({ sort: 'lastRun', cursor: first.nextCursor });
    expect(names(next)).toEqual(['nightly']);
    expect(next.nextCursor).toBeUndefined();

    // By name, the stats of the page's two rows are all that is read.
    const stats = jest.spyOn(store, 'stats');
    await page({});
    expect(stats).toHaveBeenCalledTimes(1);
    expect(stats.mock.calls[0][0]).toHaveLength(2);
  });

  it('keeps what a page builds from the definitions while only runs change, and builds it again when a definition changes', async () => {
    const { cluster, migrate } = shopCluster();
    const version = new ListVersion({ annotationKey: ANNOTATION });
    const { reader, record } = await setup([cluster], { version });
    const cache = caches!.get('prod');
    const readDefinitions = jest.spyOn(cache, 'definitions');
    const page = (query: object, scopeKey = 'jane') =>
      reader.listAll([shop, billing], {
        includeUnlinked: false,
        page: { limit: 10, ...query },
        scopeKey,
      });
    const names = (list: { items: Array<{ definition: { name: string } }> }) =>
      list.items.map(i => i.definition.name);

    expect(names(await page({ sort: 'lastRun' }))).toEqual([
      'invoice',
      'migrate',
      'nightly',
    ]);
    // Kept under the version read before building: the first page waited for the caches to
    // sync, which moved it, so the next is built again, and kept. On a busy machine a watch
    // may sync only after the first page: wait for every watch first.
    await Promise.all(cache.allWatches().map(watch => watch.whenSynced(2000)));
    await page({ sort: 'lastRun' });
    const built = readDefinitions.mock.calls.length;
    expect(built).toBeGreaterThan(0);

    // A run changes the last-run order, not the definitions: nothing is read from the cache.
    await record(migrate, runOf(migrate, 1, 'Succeeded'));
    const afterRun = await page({ sort: 'lastRun' });
    expect(names(afterRun)).toEqual(['migrate', 'invoice', 'nightly']);
    expect(afterRun.items[0].stats.counts.total).toBe(1);
    expect(readDefinitions.mock.calls.length).toBe(built);
    // Another scope or other filters are built apart.
    expect(names(await page({ search: 'nightly' }))).toEqual(['nightly']);
    await page({}, 'sam');
    expect(readDefinitions.mock.calls.length).toBeGreaterThan(built);

    // A new definition is read: it shows.
    const before = readDefinitions.mock.calls.length;
    cluster.put('Job', definition('archive'));
    await new Promise(resolve => setTimeout(resolve, 50));
    const afterDefinition = await page({ sort: 'lastRun' });
    expect(names(afterDefinition)).toEqual([
      'migrate',
      'archive',
      'invoice',
      'nightly',
    ]);
    expect(afterDefinition.total).toBe(4);
    expect(readDefinitions.mock.calls.length).toBeGreaterThan(before);
  });

  it('gives one definition with stats over its whole history and its newest runs, unrecorded ones first', async () => {
    const { cluster, migrate } = shopCluster();
    // Started a moment ago; the tracker has not recorded it yet.
    cluster.put('Job', runOf(migrate, 9, 'Running'));
    const { reader, record } = await setup([cluster], { historyPageSize: 2 });
    await record(
      migrate,
      runOf(migrate, 1, 'Succeeded'),
      runOf(migrate, 2, 'Failed'),
      runOf(migrate, 3, 'Succeeded'),
    );

    const details = await reader.getDefinition(shop, {
      cluster: 'prod',
      namespace: 'shop',
      kind: 'Job',
      name: 'migrate',
    });

    expect(details.definition).toMatchObject({
      name: 'migrate',
      entityRef: 'component:default/shop',
    });
    expect(details.stats.counts).toMatchObject({ total: 3, succeeded: 2 });
    expect(details.runs.map(r => [r.name, r.state])).toEqual([
      ['migrate-9', 'Running'],
      ['migrate-3', 'Succeeded'],
      ['migrate-2', 'Failed'],
    ]);
    expect(details.nextCursor).toBeDefined();
  });

  it('refuses a definition of another entity, and one that is not a definition', async () => {
    const { cluster } = shopCluster();
    const { reader } = await setup([cluster]);
    const at = (name: string) => ({
      cluster: 'prod',
      namespace: 'shop',
      kind: 'Job' as const,
      name,
    });

    await expect(
      reader.getDefinition(shop, at('invoice')),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'does not belong to component:default/shop',
      ),
    });
    await expect(
      reader.getDefinition(shop, at('helper')),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining('is not a runnable definition'),
    });
    await expect(
      reader.getDefinition(shop, at('absent')),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
    });
  });
});
