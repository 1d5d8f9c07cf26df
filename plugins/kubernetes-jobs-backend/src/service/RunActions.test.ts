import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import {
  ALLOW_PARALLEL_RUNS_ANNOTATION,
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

async function setup() {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabaseRunStore.create({
    database: mockServices.database({ knex }),
  });
  const cluster = new FakeClusterClient('prod');
  const client = FakeClusterClient.factory(cluster);
  const logger = mockServices.logger.mock();
  // Not started: Run and Kill read what they act on from the cluster, never from the cache.
  const caches = new WatchCaches(['prod'], {
    client,
    annotationKey: ANNOTATION,
    logger,
  });
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
  return { cluster, store, actions };
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
  async function started() {
    const world = await setup();
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
      evidenceSavedAt: expect.any(String),
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
    // Read before the pods were stopped.
    expect((await store.getEvidence(run.uid))?.logs).toEqual([
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
});
