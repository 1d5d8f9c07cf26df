import { NotFoundError } from '@backstage/errors';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { CoreV1Event, V1Job, V1Pod } from '@kubernetes/client-node';
import { FakeClusterClient } from '../__testUtils__/FakeClusterClient';
import { WatchCaches } from '../cache/WatchCaches';
import { DatabaseRunStore } from '../database/DatabaseRunStore';
import { SavedEvidence } from '../database/RunStore';
import { entitySelectorOf } from './entitySelector';
import { HistoryHealth } from './HistoryHealth';
import { definitionRef, toJobRun } from './model';
import { RunDetails } from './RunDetails';
import { RunReader } from './RunReader';

/**
 * A run's pods, events and logs from an in-memory cluster, and from what was saved with its
 * record (SQLite) once Kubernetes has deleted them.
 */
const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const ANNOTATION = 'job-assistant';
const TEMPLATE = { spec: { containers: [{ name: 'main', image: 'busybox' }] } };
const shop = entitySelectorOf({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'shop' },
  },
})!;
const run = { cluster: 'prod', namespace: 'shop', name: 'migrate-1' };
const minute = (m: number, s = 0) => new Date(Date.UTC(2026, 10, 1, 10, m, s));

const migrate: V1Job = {
  metadata: {
    name: 'migrate',
    namespace: 'shop',
    uid: 'uid-migrate',
    labels: { 'backstage.io/kubernetes-id': 'shop' },
    annotations: { [ANNOTATION]: 'enable' },
  },
  spec: { suspend: true, template: TEMPLATE },
};

const migrate1: V1Job = {
  metadata: {
    name: 'migrate-1',
    namespace: 'shop',
    uid: 'uid-migrate-1',
    creationTimestamp: minute(1),
    labels: { 'backstage.io/kubernetes-id': 'shop' },
    ownerReferences: [
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: 'migrate',
        uid: 'uid-migrate',
      },
    ],
  },
  spec: { suspend: false, template: TEMPLATE },
  status: { startTime: minute(1), active: 1, failed: 1 },
};

function pod(
  name: string,
  createdAt: Date,
  status: V1Pod['status'],
  jobUid = 'uid-migrate-1',
): V1Pod {
  return {
    metadata: {
      name,
      namespace: 'shop',
      creationTimestamp: createdAt,
      labels: { 'batch.kubernetes.io/controller-uid': jobUid },
    },
    spec: { containers: [{ name: 'main', image: 'busybox' }] },
    status,
  };
}

function event(
  kind: string,
  name: string,
  reason: string,
  at: Date,
): CoreV1Event {
  return {
    metadata: { name: `${name}.${reason}`, namespace: 'shop' },
    involvedObject: { kind, name },
    reason,
    message: `${reason} ${name}`,
    type: 'Normal',
    count: 1,
    lastTimestamp: at,
  };
}

/** The run's first pod failed, the second runs; another Job's pod and event are near. */
function clusterWithRun(): FakeClusterClient {
  const cluster = new FakeClusterClient('prod');
  cluster.put('Job', migrate);
  cluster.put('Job', migrate1);
  cluster.addPod(pod('migrate-1-b', minute(2), { phase: 'Running' }));
  cluster.addPod(pod('migrate-1-a', minute(1), { phase: 'Failed' }));
  cluster.addPod(pod('other-x', minute(0), { phase: 'Running' }, 'uid-other'));
  cluster.setLog('shop', 'migrate-1-a', 'main', 'boom\n');
  cluster.setLog('shop', 'migrate-1-b', 'main', 'one\ntwo\nthree\n');
  cluster.addEvent(event('Pod', 'migrate-1-b', 'Started', minute(2, 30)));
  cluster.addEvent(event('Job', 'migrate-1', 'SuccessfulCreate', minute(1)));
  cluster.addEvent(event('Pod', 'migrate-1-a', 'BackOff', minute(1, 30)));
  cluster.addEvent(event('Job', 'other', 'SuccessfulCreate', minute(0)));
  return cluster;
}

const saved: SavedEvidence = {
  savedAt: '2026-11-01T10:05:00.000Z',
  pods: [{ name: 'migrate-1-a', phase: 'Failed', containers: ['main'] }],
  logs: [{ pod: 'migrate-1-a', container: 'main', text: 'a\nb\nc\n' }],
  events: [
    {
      type: 'Warning',
      reason: 'BackoffLimitExceeded',
      count: 1,
      involvedObject: { kind: 'Job', name: 'migrate-1' },
    },
  ],
};

let caches: WatchCaches | undefined;
afterEach(() => caches?.stop());

async function setup(cluster: FakeClusterClient) {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabaseRunStore.create({
    database: mockServices.database({ knex }),
  });
  const logger = mockServices.logger.mock();
  const client = FakeClusterClient.factory(cluster);
  caches = new WatchCaches(['prod'], {
    client,
    annotationKey: ANNOTATION,
    logger,
  });
  caches.start();
  const runs = new RunReader({
    caches,
    store,
    history: new HistoryHealth(logger),
    annotationKey: ANNOTATION,
    syncTimeoutMs: 2000,
  });
  // Wait for the first list, as a page view would, so that the Job is read from the cache.
  await caches.get('prod').view('Job', undefined, 2000);
  const details = new RunDetails({
    client,
    caches,
    store,
    runs,
    annotationKey: ANNOTATION,
  });
  /** The run as the tracker recorded it, and what was saved when it ended. */
  const recordGone = async () => {
    await store.observe([
      {
        key: {
          cluster: 'prod',
          namespace: 'shop',
          kind: 'Job',
          name: 'migrate',
        },
        run: toJobRun('prod', migrate1, definitionRef(migrate)),
      },
    ]);
    await store.saveEvidence('uid-migrate-1', saved);
  };
  return { details, recordGone };
}

describe('RunDetails', () => {
  it('lists the run’s pods, oldest first, and only its own', async () => {
    const cluster = clusterWithRun();
    const { details } = await setup(cluster);

    expect(await details.pods(shop, run)).toEqual({
      items: [
        {
          name: 'migrate-1-a',
          phase: 'Failed',
          containers: ['main'],
          createdAt: minute(1).toISOString(),
        },
        {
          name: 'migrate-1-b',
          phase: 'Running',
          containers: ['main'],
          createdAt: minute(2).toISOString(),
        },
      ],
    });
    expect(cluster.calls.readJob).toBe(0); // the Job and its definition from the cache
  });

  it('lists the events of the run and of its pods, oldest first', async () => {
    const { details } = await setup(clusterWithRun());

    const { items, savedAt } = await details.events(shop, run);

    expect(items.map(e => [e.involvedObject.name, e.reason])).toEqual([
      ['migrate-1', 'SuccessfulCreate'],
      ['migrate-1-a', 'BackOff'],
      ['migrate-1-b', 'Started'],
    ]);
    expect(savedAt).toBeUndefined();
  });

  it('reads the logs of the newest pod by default, or of the pod and container asked for', async () => {
    const cluster = clusterWithRun();
    const { details } = await setup(cluster);

    expect(await details.logs(shop, run, {})).toEqual({
      pod: 'migrate-1-b',
      container: 'main',
      text: 'one\ntwo\nthree\n',
    });
    expect((await details.logs(shop, run, { tailLines: 1 })).text).toBe(
      'three\n',
    );
    expect((await details.logs(shop, run, { pod: 'migrate-1-a' })).text).toBe(
      'boom\n',
    );
    await expect(
      details.logs(shop, run, { container: 'sidecar' }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: "Container 'sidecar' is not in pod 'migrate-1-b'; it has main",
    });
    await expect(
      details.logs(shop, run, { pod: 'other-x' }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(cluster.calls.readPodLog).toBe(3);
  });

  it('says why a container that is waiting to start has no log, without asking for it', async () => {
    const cluster = clusterWithRun();
    cluster.addPod(
      pod('migrate-1-c', minute(3), {
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'main',
            image: 'busybox:nope',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ImagePullBackOff' } },
          },
        ],
      }),
    );
    const { details } = await setup(cluster);

    expect(await details.logs(shop, run, {})).toEqual({
      pod: 'migrate-1-c',
      container: 'main',
      text: '',
      waiting: 'ImagePullBackOff',
    });
    expect(cluster.calls.readPodLog).toBe(0);
  });

  it('answers from what was saved once the run’s Job is gone', async () => {
    const cluster = new FakeClusterClient('prod');
    cluster.put('Job', migrate);
    const { details, recordGone } = await setup(cluster);
    await recordGone();

    expect(await details.pods(shop, run)).toEqual({
      items: saved.pods,
      savedAt: saved.savedAt,
    });
    expect(await details.events(shop, run)).toEqual({
      items: saved.events,
      savedAt: saved.savedAt,
    });
    expect(await details.logs(shop, run, { tailLines: 2 })).toEqual({
      pod: 'migrate-1-a',
      container: 'main',
      text: 'b\nc\n',
      savedAt: saved.savedAt,
    });
    expect(cluster.calls.listPods).toBe(0);
  });

  it('answers from what was saved once Kubernetes has deleted the pods of a Job that remains', async () => {
    const cluster = new FakeClusterClient('prod');
    cluster.put('Job', migrate);
    cluster.put('Job', migrate1);
    const { details, recordGone } = await setup(cluster);
    await recordGone();

    expect(await details.pods(shop, run)).toEqual({
      items: saved.pods,
      savedAt: saved.savedAt,
    });
    expect(cluster.calls.listPods).toBe(1);
  });

  it('answers from what was saved when the pod goes between the list and the read of its log', async () => {
    const cluster = clusterWithRun();
    const { details, recordGone } = await setup(cluster);
    await recordGone();
    cluster.failNext(
      'readPodLog',
      new NotFoundError("Not found: read logs of Pod 'migrate-1-a'"),
    );

    expect(await details.logs(shop, run, { pod: 'migrate-1-a' })).toEqual({
      pod: 'migrate-1-a',
      container: 'main',
      text: 'a\nb\nc\n',
      savedAt: saved.savedAt,
    });
    // A pod of which nothing was saved is still not found.
    cluster.failNext(
      'readPodLog',
      new NotFoundError("Not found: read logs of Pod 'migrate-1-b'"),
    );
    await expect(
      details.logs(shop, run, { pod: 'migrate-1-b' }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('refuses the details of another entity’s run', async () => {
    const cluster = clusterWithRun();
    const { details } = await setup(cluster);
    const billing = entitySelectorOf({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'billing',
        annotations: { 'backstage.io/kubernetes-id': 'billing' },
      },
    })!;

    await expect(details.pods(billing, run)).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
    await expect(details.logs(billing, run, {})).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
    expect(cluster.calls.listPods).toBe(0);
  });
});
