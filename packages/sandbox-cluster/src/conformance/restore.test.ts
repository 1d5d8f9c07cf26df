/*
 * restore(): seeding stored objects with their status, like an etcd restore (benchmarks).
 */
import {
  getJob,
  jobBody,
  jobPods,
  startTestCluster,
  TestCluster,
  waitForCondition,
} from '../__testUtils__/conformance';

const FINISHED = {
  conditions: [
    {
      type: 'SuccessCriteriaMet',
      status: 'True',
      lastProbeTime: '2026-11-27T22:12:20Z',
      lastTransitionTime: '2026-11-27T22:12:20Z',
      reason: 'CompletionsReached',
      message: 'Reached expected number of succeeded pods',
    },
    {
      type: 'Complete',
      status: 'True',
      lastProbeTime: '2026-11-27T22:12:20Z',
      lastTransitionTime: '2026-11-27T22:12:20Z',
      reason: 'CompletionsReached',
      message: 'Reached expected number of succeeded pods',
    },
  ],
  startTime: '2026-11-27T22:12:12Z',
  completionTime: '2026-11-27T22:12:20Z',
  succeeded: 1,
  terminating: 0,
  uncountedTerminatedPods: {},
  ready: 0,
};

describe('restore', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(() => cluster.close());

  it('stores objects with their status and creation time, unrecorded', async () => {
    const [, definition] = cluster.sandbox.restore([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'restored' } },
      {
        ...jobBody('migrate', { suspend: true }),
        metadata: { name: 'migrate', namespace: 'restored' },
      },
    ]);
    const [run] = cluster.sandbox.restore([
      {
        ...jobBody('migrate-abcde'),
        metadata: {
          name: 'migrate-abcde',
          namespace: 'restored',
          creationTimestamp: '2026-11-27T22:12:11Z',
          ownerReferences: [
            {
              apiVersion: 'batch/v1',
              kind: 'Job',
              name: 'migrate',
              uid: definition.metadata.uid,
              controller: false,
            },
          ],
        },
        status: FINISHED,
      },
    ]);
    expect(run.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(cluster.sandbox.requests).toEqual([]);

    // Give the controllers a few of their ticks: a finished Job gets no pods and keeps its status.
    await new Promise(resolve => setTimeout(resolve, 300));
    const stored = await getJob(cluster, 'restored', 'migrate-abcde');
    expect(stored.metadata.creationTimestamp).toBe('2026-11-27T22:12:11Z');
    expect(stored.metadata.ownerReferences[0].uid).toBe(
      definition.metadata.uid,
    );
    expect(stored.spec.selector.matchLabels).toEqual({
      'batch.kubernetes.io/controller-uid': stored.metadata.uid,
    });
    expect(stored.status).toEqual(FINISHED);
    expect(await jobPods(cluster, 'restored', 'migrate-abcde')).toEqual([]);
  });

  it('runs a restored Job that has not finished, as if just created', async () => {
    cluster.sandbox.restore([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'active' } },
      {
        ...jobBody('running', { script: 'echo hi; sleep 1' }),
        metadata: { name: 'running', namespace: 'active' },
      },
    ]);
    const job = await waitForCondition(
      cluster,
      'active',
      'running',
      'Complete',
    );
    expect(job.status.succeeded).toBe(1);
  });
});
