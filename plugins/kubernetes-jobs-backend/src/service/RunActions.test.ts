import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import {
  ALLOW_PARALLEL_RUNS_ANNOTATION,
  APPROVAL_ANNOTATION,
  DEFINITION_KIND_LABEL,
  DEFINITION_LABEL,
  DefinitionLocation,
  RUN_ANNOTATIONS,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { V1CronJob, V1Job } from '@kubernetes/client-node';
import { FakeClusterClient } from '../__testUtils__/FakeClusterClient';
import { WatchCaches } from '../cache/WatchCaches';
import { DatabaseRunStore } from '../database/DatabaseRunStore';
import { ClusterTimeoutError } from '../errors';
import { entitySelectorOf } from './entitySelector';
import { EvidenceCollector } from './evidence';
import { RunActions } from './RunActions';
import { toJobRun } from './model';

/**
 * Run and Kill against an in-memory cluster and run history on SQLite: what they create and
 * patch, and when they refuse.
 */
const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const ANNOTATION = 'job-assistant';
const NOW = new Date('2026-12-01T10:00:00.000Z');
const JANE = 'user:default/jane';
const shop = entitySelectorOf({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'shop' },
  },
  spec: { owner: 'team-shop' },
})!;

function definition(
  name: string,
  options: {
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  } = {},
): V1Job {
  return {
    metadata: {
      name,
      namespace: 'shop',
      labels: options.labels ?? { 'backstage.io/kubernetes-id': 'shop' },
      annotations: { [ANNOTATION]: 'enable', ...options.annotations },
    },
    spec: {
      suspend: true,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'main', image: 'busybox' }],
        },
      },
    },
  };
}

function at(name: string, kind: 'Job' | 'CronJob' = 'Job'): DefinitionLocation {
  return { cluster: 'prod', namespace: 'shop', kind, name };
}

const watching: WatchCaches[] = [];
afterEach(() => watching.splice(0).forEach(caches => caches.stop()));

/**
 * `watching`: the watch cache is started and synced, as it is in a running backend. Otherwise it
 * is not: as right after start, when the guard lists the definition's runs instead.
 */
async function setup(options: { watching?: boolean } = {}) {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabaseRunStore.create({
    database: mockServices.database({ knex }),
  });
  const cluster = new FakeClusterClient('prod');
  const client = FakeClusterClient.factory(cluster);
  const logger = mockServices.logger.mock();
  const caches = new WatchCaches(['prod'], {
    client,
    annotationKey: ANNOTATION,
    logger,
  });
  if (options.watching) {
    caches.start();
    watching.push(caches);
    await caches.get('prod').view('Job', undefined, 5000);
    await caches.get('prod').view('CronJob', undefined, 5000);
  }
  const actions = new RunActions({
    client,
    caches,
    store,
    logger,
    annotationKey: ANNOTATION,
    allowParallelRunsByDefault: false,
    evidence: new EvidenceCollector({
      client,
      store,
      logger,
      maxLogBytesPerRun: 10_000,
    }),
    now: () => NOW,
  });
  return { cluster, store, actions, caches };
}

/** The evidence of a run once saved (a Stop saves it after its answer). */
async function savedEvidence(store: DatabaseRunStore, uid: string) {
  for (let i = 0; i < 100; i++) {
    const evidence = await store.getEvidence(uid);
    if (evidence) return evidence;
    await new Promise(resolve => setTimeout(resolve, 10));
  }
  throw new Error(`no evidence saved for ${uid}`);
}

/** The runs of a definition the cluster holds: every Job but the definition. */
function runsIn(cluster: FakeClusterClient, definitionName: string) {
  return cluster
    .jobs('shop')
    .filter(job => job.metadata?.name !== definitionName);
}

describe('RunActions.run', () => {
  it('reads the definition fresh and creates one Job from it, owned by it, with its labels', async () => {
    const { cluster, store, actions } = await setup();
    const def = cluster.put('Job', definition('migrate'));

    const run = await actions.run(shop, at('migrate'), { triggeredBy: JANE });

    expect(cluster.calls).toMatchObject({
      readJob: 1,
      listJobs: 1,
      createJob: 1,
      mergePatchJob: 0,
    });
    const [created] = runsIn(cluster, 'migrate');
    expect(created.metadata?.name).toMatch(/^migrate-[a-z0-9]{5}$/);
    expect(created.metadata).toMatchObject({
      generateName: 'migrate-',
      labels: {
        'backstage.io/kubernetes-id': 'shop',
        [DEFINITION_LABEL]: 'migrate',
        [DEFINITION_KIND_LABEL]: 'Job',
      },
      annotations: {
        [RUN_ANNOTATIONS.triggeredBy]: JANE,
        [RUN_ANNOTATIONS.triggeredAt]: NOW.toISOString(),
      },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          name: 'migrate',
          uid: def.metadata?.uid,
          controller: false,
        },
      ],
    });
    expect(created.metadata?.annotations).not.toHaveProperty(ANNOTATION);
    expect(created.spec?.suspend).toBe(false);
    // The definition is only read.
    expect(cluster.get('Job', 'shop', 'migrate')).toEqual(def);

    expect(run).toMatchObject({
      name: created.metadata?.name,
      uid: created.metadata?.uid,
      state: 'Pending',
      trigger: 'portal',
      triggeredBy: JANE,
      triggeredAt: NOW.toISOString(),
      definition: { kind: 'Job', name: 'migrate', uid: def.metadata?.uid },
    });
    expect(
      await store.findRun({
        cluster: 'prod',
        namespace: 'shop',
        name: run.name,
      }),
    ).toMatchObject({
      uid: run.uid,
      triggeredBy: JANE,
      entityRef: 'component:default/shop',
    });
  });

  it('runs a CronJob from its jobTemplate, owned by the CronJob', async () => {
    const { cluster, actions } = await setup();
    const job = definition('nightly');
    const cronJob = cluster.put<V1CronJob>('CronJob', {
      metadata: job.metadata,
      spec: { schedule: '0 3 * * *', jobTemplate: { spec: job.spec } },
    });

    const run = await actions.run(shop, at('nightly', 'CronJob'), {
      triggeredBy: JANE,
    });

    expect(cluster.calls).toMatchObject({ readCronJob: 1, createJob: 1 });
    expect(cluster.get('Job', 'shop', run.name)?.metadata).toMatchObject({
      labels: { [DEFINITION_KIND_LABEL]: 'CronJob' },
      ownerReferences: [
        { kind: 'CronJob', name: 'nightly', uid: cronJob.metadata?.uid },
      ],
    });
  });

  it('refuses a second run while one is active', async () => {
    const { cluster, actions } = await setup();
    cluster.put('Job', definition('migrate'));
    const first = await actions.run(shop, at('migrate'), { triggeredBy: JANE });

    await expect(
      actions.run(shop, at('migrate'), { triggeredBy: 'user:default/bob' }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        `already has an active run, '${first.name}'`,
      ),
    });
    expect(cluster.calls.createJob).toBe(1);
    expect(runsIn(cluster, 'migrate')).toHaveLength(1);
  });

  it('allows parallel runs when the definition says so', async () => {
    const { cluster, actions } = await setup();
    cluster.put(
      'Job',
      definition('export', {
        annotations: { [ALLOW_PARALLEL_RUNS_ANNOTATION]: 'true' },
      }),
    );

    const first = await actions.run(shop, at('export'), { triggeredBy: JANE });
    const second = await actions.run(shop, at('export'), { triggeredBy: JANE });

    expect(second.name).not.toBe(first.name);
    expect(runsIn(cluster, 'export')).toHaveLength(2);
    // Nothing to guard: the active runs are not even listed.
    expect(cluster.calls.listJobs).toBe(0);
  });

  it('releases the slot when the create is refused, so the next Run may start', async () => {
    const { cluster, actions } = await setup();
    cluster.put('Job', definition('migrate'));
    const refused = new NotAllowedError('RBAC does not allow it to create Job');
    cluster.failNext('createJob', refused);

    await expect(
      actions.run(shop, at('migrate'), { triggeredBy: JANE }),
    ).rejects.toBe(refused);
    const run = await actions.run(shop, at('migrate'), { triggeredBy: JANE });

    expect(cluster.calls.createJob).toBe(2);
    expect(runsIn(cluster, 'migrate').map(j => j.metadata?.name)).toEqual([
      run.name,
    ]);
  });

  it('keeps the slot when the create timed out: the Job may still appear', async () => {
    const { cluster, actions } = await setup();
    cluster.put('Job', definition('migrate'));
    cluster.failNext(
      'createJob',
      new ClusterTimeoutError("Cluster 'prod' did not answer within 10 s"),
    );

    await expect(
      actions.run(shop, at('migrate'), { triggeredBy: JANE }),
    ).rejects.toBeInstanceOf(ClusterTimeoutError);
    await expect(
      actions.run(shop, at('migrate'), { triggeredBy: JANE }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('or one being started'),
    });
    expect(cluster.calls.createJob).toBe(1);
  });

  it('refuses a definition outside the entity’s selector, before creating anything', async () => {
    const { cluster, actions } = await setup();
    cluster.put(
      'Job',
      definition('invoice', {
        labels: { 'backstage.io/kubernetes-id': 'billing' },
      }),
    );

    await expect(
      actions.run(shop, at('invoice'), { triggeredBy: JANE }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'does not belong to component:default/shop',
      ),
    });
    expect(cluster.calls.createJob).toBe(0);
  });
});

describe('RunActions.kill', () => {
  async function started(options: { watching?: boolean } = {}) {
    const world = await setup(options);
    const { cluster, actions } = world;
    const def = cluster.put('Job', definition('migrate'));
    const run = await actions.run(shop, at('migrate'), { triggeredBy: JANE });
    const job = cluster.get('Job', 'shop', run.name)!;
    // What the Job controller does next: a pod runs.
    cluster.put('Job', { ...job, status: { startTime: NOW, active: 1 } });
    cluster.addPod({
      metadata: {
        name: `${run.name}-x1`,
        namespace: 'shop',
        labels: { 'batch.kubernetes.io/controller-uid': run.uid },
      },
      spec: { containers: [{ name: 'main', image: 'busybox' }] },
      status: { phase: 'Running' },
    });
    cluster.setLog('shop', `${run.name}-x1`, 'main', 'step 1\nstep 2\n');
    return {
      ...world,
      def,
      run,
      location: { ...at('migrate'), name: run.name },
    };
  }

  it('suspends the run, records who killed it and keeps its logs, leaving the definition alone', async () => {
    const { cluster, store, actions, def, run, location } = await started();
    const reads = cluster.calls.readJob;

    const killed = await actions.kill(shop, location, {
      killedBy: 'user:default/bob',
    });

    expect(killed).toMatchObject({
      uid: run.uid,
      state: 'Killed',
      killedBy: 'user:default/bob',
      killedAt: NOW.toISOString(),
    });
    // The run and its definition read fresh, one patch.
    expect(cluster.calls.readJob - reads).toBe(2);
    expect(cluster.calls.mergePatchJob).toBe(1);
    const job = cluster.get('Job', 'shop', run.name)!;
    expect(job.spec?.suspend).toBe(true);
    expect(job.metadata?.annotations).toMatchObject({
      [RUN_ANNOTATIONS.killedBy]: 'user:default/bob',
      [RUN_ANNOTATIONS.killedAt]: NOW.toISOString(),
    });
    expect(cluster.get('Job', 'shop', 'migrate')).toEqual(def);
    expect(await store.findRun(location)).toMatchObject({
      killedBy: 'user:default/bob',
      triggeredBy: JANE,
    });
    // Saved after the answer.
    expect((await savedEvidence(store, run.uid)).logs).toEqual([
      { pod: `${run.name}-x1`, container: 'main', text: 'step 1\nstep 2\n' },
    ]);
  });

  it('refuses to kill a run that has finished', async () => {
    const { cluster, actions, run, location } = await started();
    const job = cluster.get('Job', 'shop', run.name)!;
    cluster.put('Job', {
      ...job,
      status: { conditions: [{ type: 'Complete', status: 'True' }] },
    });

    await expect(
      actions.kill(shop, location, { killedBy: 'user:default/bob' }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('is not active (Succeeded)'),
    });
    expect(cluster.calls.mergePatchJob).toBe(0);
  });

  it('refuses to kill a run of another entity’s definition', async () => {
    const { cluster, actions, location } = await started();
    const billing = entitySelectorOf({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'billing',
        annotations: { 'backstage.io/kubernetes-id': 'billing' },
      },
    })!;

    await expect(
      actions.kill(billing, location, { killedBy: 'user:default/bob' }),
    ).rejects.toBeInstanceOf(NotAllowedError);
    expect(cluster.calls.mergePatchJob).toBe(0);
  });

  it('with the watch cache synced: reads the run fresh and patches it, nothing else before the answer', async () => {
    const { cluster, store, actions, run, location } = await started({
      watching: true,
    });
    const before = { ...cluster.calls };

    await actions.kill(shop, location, { killedBy: 'user:default/bob' });

    // The definition (whose run it is) comes from the cache.
    expect(callsSince(cluster, before)).toEqual({
      readJob: 1,
      mergePatchJob: 1,
    });
    // Its pods, logs and events are read after the answer, and saved.
    expect((await savedEvidence(store, run.uid)).logs).toHaveLength(1);
    expect(callsSince(cluster, before)).toMatchObject({
      listPods: 1,
      readPodLog: 1,
    });
  });
});

/** The calls made to a cluster since `before`, without the watch cache's own. */
function callsSince(
  cluster: FakeClusterClient,
  before: FakeClusterClient['calls'],
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(cluster.calls)
      .filter(([method]) => method !== 'listPage' && method !== 'watch')
      .map(([method, n]) => [method, n - before[method as keyof typeof before]])
      .filter(([, n]) => n),
  );
}

describe('the one-active-run guard, with the watch cache synced', () => {
  it('costs a Run one read of the definition and one create: the cache knows the other runs', async () => {
    const { cluster, actions } = await setup({ watching: true });
    cluster.put('Job', definition('migrate'));
    const before = { ...cluster.calls };

    await actions.run(shop, at('migrate'), { triggeredBy: JANE });

    expect(callsSince(cluster, before)).toEqual({ readJob: 1, createJob: 1 });
  });

  it('refuses a second run while the first is active, without listing', async () => {
    const { cluster, actions } = await setup({ watching: true });
    cluster.put('Job', definition('migrate'));
    const first = await actions.run(shop, at('migrate'), { triggeredBy: JANE });

    await expect(
      actions.run(shop, at('migrate'), { triggeredBy: 'user:default/bob' }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(`active run, '${first.name}'`),
    });
    expect(cluster.calls).toMatchObject({ listJobs: 0, createJob: 1 });
  });

  it('sees a run started outside the portal (kubectl create job --from) as active', async () => {
    const { cluster, actions } = await setup({ watching: true });
    const def = cluster.put('Job', definition('migrate'));
    cluster.put<V1Job>('Job', {
      metadata: {
        name: 'migrate-by-hand',
        namespace: 'shop',
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            name: 'migrate',
            uid: def.metadata!.uid!,
          },
        ],
      },
      spec: { template: {} },
      status: { startTime: NOW, active: 1 },
    });

    await expect(
      actions.run(shop, at('migrate'), { triggeredBy: JANE }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining("active run, 'migrate-by-hand'"),
    });
    expect(cluster.calls).toMatchObject({ listJobs: 0, createJob: 0 });
  });

  it('reads a run the cache still shows active fresh: one that just ended does not block the next', async () => {
    const { cluster, caches, actions } = await setup({ watching: true });
    cluster.put('Job', definition('migrate'));
    const first = await actions.run(shop, at('migrate'), { triggeredBy: JANE });
    const cache = caches.get('prod');
    const behind = await cache.view('Job', 'shop', 0);
    // The cluster finished it; the cache has not heard yet.
    const job = cluster.get('Job', 'shop', first.name)!;
    cluster.put('Job', {
      ...job,
      status: { conditions: [{ type: 'Complete', status: 'True' }] },
    });
    jest.spyOn(cache, 'view').mockResolvedValue(behind);

    const second = await actions.run(shop, at('migrate'), {
      triggeredBy: JANE,
    });

    expect(second.name).not.toBe(first.name);
    expect(cluster.calls).toMatchObject({ listJobs: 0, createJob: 2 });
  });

  it('takes the slot with what the cache holds while it reads, and keeps what the fresh definition says', async () => {
    const { cluster, caches, store, actions } = await setup({
      watching: true,
    });
    const fresh = cluster.put('Job', definition('migrate'));
    // The cache is behind: it still holds the definition as allowing parallel runs.
    jest.spyOn(caches.get('prod'), 'get').mockReturnValue({
      ...fresh,
      metadata: {
        ...fresh.metadata,
        annotations: {
          ...fresh.metadata?.annotations,
          [ALLOW_PARALLEL_RUNS_ANNOTATION]: 'true',
        },
      },
    });

    await actions.run(shop, at('migrate'), { triggeredBy: JANE });
    expect(runsIn(cluster, 'migrate')).toHaveLength(1);
    // The fresh definition allows one run at a time: the run holds the definition's slot, as
    // another replica trying to start it would find.
    await expect(
      store.reserve(at('migrate'), {
        entityRef: 'component:default/shop',
        triggeredBy: 'user:default/bob',
        triggeredAt: NOW,
        exclusive: true,
      }),
    ).rejects.toMatchObject({ name: 'ConflictError' });
  });

  it('gives the slot taken while reading back when the fresh definition refuses the Run', async () => {
    const { cluster, store, actions } = await setup({ watching: true });
    // The definition now needs an approval: refused, and the cache says so too, so no slot
    // is asked for.
    cluster.put(
      'Job',
      definition('migrate', {
        annotations: { [APPROVAL_ANNOTATION]: 'required' },
      }),
    );
    const reserve = jest.spyOn(store, 'reserve');
    await expect(
      actions.run(shop, at('migrate'), { triggeredBy: JANE }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('needs approval'),
    });
    expect(reserve).not.toHaveBeenCalled();
    reserve.mockRestore();
    // The apiserver fails the read: the slot taken meanwhile is given back.
    cluster.put('Job', definition('migrate'));
    cluster.failNext('readJob', new Error('connection reset'));
    await expect(
      actions.run(shop, at('migrate'), { triggeredBy: JANE }),
    ).rejects.toThrow('connection reset');

    // Nothing holds the slot: the next Run starts.
    await actions.run(shop, at('migrate'), { triggeredBy: JANE });
    expect(runsIn(cluster, 'migrate')).toHaveLength(1);
  });

  it('keeps the slot of a run the cache has not seen yet (another replica’s, just created)', async () => {
    const { cluster, store, actions } = await setup({ watching: true });
    const def = cluster.put('Job', definition('migrate'));
    const other: V1Job = {
      metadata: {
        name: 'migrate-other',
        namespace: 'shop',
        uid: 'uid-of-another-replicas-run',
        creationTimestamp: NOW,
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            name: 'migrate',
            uid: def.metadata!.uid!,
          },
        ],
      },
      spec: { template: {} },
    };
    const id = await store.reserve(at('migrate'), {
      entityRef: 'component:default/shop',
      triggeredBy: 'user:default/bob',
      triggeredAt: new Date(Date.now() - 120_000),
      exclusive: true,
    });
    await store.attach(
      id,
      toJobRun('prod', other, { kind: 'Job', name: 'migrate' }),
    );

    await expect(
      actions.run(shop, at('migrate'), { triggeredBy: JANE }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('or one being started'),
    });

    // Once the cache knows that run, and that it is over, its slot is free.
    cluster.put<V1Job>('Job', {
      ...other,
      status: { conditions: [{ type: 'Failed', status: 'True' }] },
    });
    await expect(
      actions.run(shop, at('migrate'), { triggeredBy: JANE }),
    ).resolves.toMatchObject({ state: 'Pending' });
  });
});
