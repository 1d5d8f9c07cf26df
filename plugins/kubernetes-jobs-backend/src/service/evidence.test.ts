import { mockServices } from '@backstage/backend-test-utils';
import { V1Job, V1Pod } from '@kubernetes/client-node';
import { FakeClusterClient } from '../__testUtils__/FakeClusterClient';
import { SavedEvidence } from '../database/RunStore';
import { EvidenceCollector, failureSummary } from './evidence';

/** The failure in plain words, from pod statuses as Kubernetes records them. */

const failedJob = (
  reason = 'BackoffLimitExceeded',
  extra: Partial<V1Job['spec']> = {},
): V1Job => ({
  metadata: { name: 'check', namespace: 'shop' },
  spec: { template: {}, ...extra },
  status: {
    failed: 2,
    conditions: [
      {
        type: 'Failed',
        status: 'True',
        reason,
        message: 'Job has reached the specified backoff limit',
      } as any,
    ],
  },
});

function pod(name: string, container: Record<string, any>): V1Pod {
  return {
    metadata: { name },
    status: {
      containerStatuses: [
        {
          name: 'main',
          image: 'busybox',
          ready: false,
          restartCount: 0,
          ...container,
        } as any,
      ],
    },
  };
}

const terminated = (exitCode: number, extra: Record<string, any> = {}) => ({
  state: { terminated: { exitCode, ...extra } },
});

describe('failureSummary', () => {
  it('quotes the termination message and gives the exit code and attempts', () => {
    const pods = [
      pod('check-1', terminated(3, { message: 'first try failed' })),
      pod(
        'check-2',
        terminated(3, {
          message: 'Cache check failed: 1 of 3 nodes unreachable\n',
        }),
      ),
    ];
    expect(failureSummary(failedJob(), pods, [])).toBe(
      'Failed after 2 attempts. Last message: Cache check failed: 1 of 3 nodes unreachable (exit code 3)',
    );
  });

  it('falls back to the last log line when there is no termination message', () => {
    const pods = [pod('check-1', terminated(1))];
    const logs = [
      {
        pod: 'check-1',
        container: 'main',
        text: 'checking\nshop-cache-2: ERROR connection refused\n\n',
      },
    ];
    expect(failureSummary(failedJob(), pods, logs)).toBe(
      'Failed. Last message: shop-cache-2: ERROR connection refused (exit code 1)',
    );
  });

  it('says a container ran out of memory', () => {
    const pods = [pod('big-1', terminated(137, { reason: 'OOMKilled' }))];
    expect(failureSummary(failedJob(), pods, [])).toBe(
      'Failed. It ran out of memory (exit code 137).',
    );
  });

  it('says a run took longer than its time limit', () => {
    const pods = [pod('slow-1', terminated(143))];
    expect(
      failureSummary(
        failedJob('DeadlineExceeded', { activeDeadlineSeconds: 600 }),
        pods,
        [],
      ),
    ).toBe(
      'Failed. It took longer than its time limit of 600 seconds and was stopped.',
    );
  });

  it('says the program could not be downloaded when the image cannot be pulled', () => {
    const pods = [
      pod('pull-1', {
        image: 'registry.example.com/tool:9',
        state: { waiting: { reason: 'ImagePullBackOff' } },
      }),
    ];
    expect(failureSummary(failedJob(), pods, [])).toBe(
      'Failed. Its program could not be downloaded (image registry.example.com/tool:9: ImagePullBackOff).',
    );
  });

  it('uses a restarted container’s last termination, and says nothing for a run that did not fail', () => {
    const pods = [
      pod('retry-1', {
        state: { running: {} },
        lastState: { terminated: { exitCode: 2, message: 'bad input' } },
      }),
    ];
    expect(failureSummary(failedJob(), pods, [])).toBe(
      'Failed. Last message: bad input (exit code 2)',
    );
    expect(
      failureSummary({ status: { succeeded: 1, conditions: [] } }, pods, []),
    ).toBeUndefined();
  });
});

describe('EvidenceCollector.saveFinished', () => {
  const finishedRun = (uid: string, name: string, state: string) =>
    ({
      key: { cluster: 'prod', namespace: 'shop', kind: 'Job', name: 'check' },
      run: { uid, name, namespace: 'shop', cluster: 'prod', state },
    } as any);

  function setup(saved: Map<string, SavedEvidence>) {
    const cluster = new FakeClusterClient('prod');
    const store = {
      getEvidence: jest.fn(async (uid: string) => saved.get(uid)),
      saveEvidence: jest.fn(async (uid: string, evidence: SavedEvidence) => {
        saved.set(uid, evidence);
        return true;
      }),
    };
    const collector = new EvidenceCollector({
      client: FakeClusterClient.factory(cluster),
      store: store as any,
      logger: mockServices.logger.mock(),
      maxLogBytesPerRun: 10_000,
      stoppedElsewhereWaitMs: 50,
    });
    return { cluster, store, collector };
  }

  it('leaves a run stopped from the portal to the replica that stopped it, and reads the cluster once for the others', async () => {
    const saved = new Map<string, SavedEvidence>();
    const { cluster, collector, store } = setup(saved);
    const stopped = cluster.put<V1Job>('Job', {
      metadata: { name: 'check-1', namespace: 'shop' },
      spec: { suspend: true, template: {} },
    });
    const failed = cluster.put<V1Job>('Job', {
      metadata: { name: 'check-2', namespace: 'shop' },
      spec: { template: {} },
    });
    const done = collector.saveFinished([
      finishedRun(stopped.metadata!.uid!, 'check-1', 'Killed'),
      finishedRun(failed.metadata!.uid!, 'check-2', 'Failed'),
    ]);
    // The replica that stopped check-1 saves its evidence a moment later (here, 10 ms).
    setTimeout(
      () =>
        saved.set(stopped.metadata!.uid!, {
          savedAt: new Date().toISOString(),
          pods: [],
          logs: [],
          events: [],
        }),
      10,
    );
    await done;
    // Only check-2 was read from the cluster; check-1 was looked for in history twice.
    expect(cluster.calls.readJob).toBe(1);
    expect(saved.has(failed.metadata!.uid!)).toBe(true);
    expect(
      store.getEvidence.mock.calls.filter(
        ([uid]) => uid === stopped.metadata!.uid,
      ),
    ).toHaveLength(2);
  });

  it('reads a stopped run from the cluster when no replica saved it in time', async () => {
    const saved = new Map<string, SavedEvidence>();
    const { cluster, collector } = setup(saved);
    const stopped = cluster.put<V1Job>('Job', {
      metadata: { name: 'check-1', namespace: 'shop' },
      spec: { suspend: true, template: {} },
    });
    await collector.saveFinished([
      finishedRun(stopped.metadata!.uid!, 'check-1', 'Killed'),
    ]);
    expect(cluster.calls.readJob).toBe(1);
    expect(saved.has(stopped.metadata!.uid!)).toBe(true);
  });
});
