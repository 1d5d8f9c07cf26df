/*
 * Killing a run by suspending it, resuming, and the three patch content
 * types (recording 05).
 */
import {
  collectWatch,
  createNamespaces,
  eventually,
  exchange,
  getJob,
  jobPods,
  normalize,
  recording,
  startTestCluster,
  TestCluster,
} from '../__testUtils__/conformance';

const rec05 = recording('05-kill-by-suspend-and-patch-types.json');
const JOB = '/apis/batch/v1/namespaces/demo/jobs/shop-long';

describe('suspend and resume (recording 05)', () => {
  let cluster: TestCluster;

  const patch = (body: unknown, type: string) =>
    cluster.api('PATCH', JOB, body, { contentType: type });

  beforeAll(async () => {
    cluster = await startTestCluster();
    await createNamespaces(cluster, 'demo');
    const rec = exchange(rec05, 'POST long Job');
    const created = await cluster.api(
      'POST',
      rec.request.path,
      rec.request.body,
    );
    if (created.status !== 201) {
      throw new Error(`setup failed: ${created.text}`);
    }
  });
  afterAll(() => cluster.close());

  let runningPod: any;

  it('runs the pod with the job-tracking finalizer', async () => {
    runningPod = await eventually(async () => {
      const [pod] = await jobPods(cluster, 'demo', 'shop-long');
      return pod?.status.phase === 'Running' ? pod : undefined;
    });
    expect(runningPod.metadata.finalizers).toEqual([
      'batch.kubernetes.io/job-tracking',
    ]);
    const job = await eventually(async () => {
      const j = await getJob(cluster, 'demo', 'shop-long');
      return j.status.ready === 1 ? j : undefined;
    });
    expect(normalize(job.status)).toEqual(
      normalize(exchange(rec05, 'GET long Job at t=2.0s').response.body.status),
    );
  });

  it('suspends: pods stopped gracefully (143), not counted as failed, startTime kept', async () => {
    const pods = await cluster.api(
      'GET',
      '/api/v1/namespaces/demo/pods?labelSelector=batch.kubernetes.io%2Fjob-name%3Dshop-long',
    );
    const podWatch = collectWatch(
      `${cluster.sandbox.url}/api/v1/namespaces/demo/pods?watch=1&labelSelector=batch.kubernetes.io%2Fjob-name%3Dshop-long&resourceVersion=${pods.body.metadata.resourceVersion}`,
      { until: events => events.some(e => e.type === 'DELETED') },
    );
    const before = await getJob(cluster, 'demo', 'shop-long');
    const rec = exchange(rec05, 'PATCH merge-patch {"spec":{"suspend":true}}');
    const res = await patch(rec.request.body, rec.request.contentType!);
    expect(res.status).toBe(200);
    expect(res.body.spec.suspend).toBe(true);
    expect(res.body.metadata.generation).toBe(2);
    // The response still shows the running state: the controller acts later.
    expect(res.body.status.active).toBe(1);

    const { events } = await podWatch;
    const recorded = exchange(rec05, 'pod watch during the suspend').response
      .body;
    const shape = (e: any) => ({
      type: e.type,
      finalizers: e.object.metadata.finalizers,
      deleting: !!e.object.metadata.deletionTimestamp,
      grace: e.object.metadata.deletionGracePeriodSeconds,
      phase: e.object.status.phase,
      exitCode:
        e.object.status.containerStatuses?.[0]?.state?.terminated?.exitCode,
    });
    expect(events.map(shape)).toEqual(recorded.map(shape));
    expect(
      events.every(
        e => e.object.kind === 'Pod' && e.object.apiVersion === 'v1',
      ),
    ).toBe(true);

    const suspended = await eventually(async () => {
      const j = await getJob(cluster, 'demo', 'shop-long');
      return j.status.terminating === 0 && j.status.conditions ? j : undefined;
    });
    const recordedSuspended = exchange(
      rec05,
      'GET Job t=4.0s after suspend patch',
    ).response.body;
    expect(normalize(suspended.status)).toEqual(
      normalize(recordedSuspended.status),
    );
    expect(suspended.status.failed).toBeUndefined();
    expect(suspended.status.startTime).toBe(before.status.startTime);
    expect(await jobPods(cluster, 'demo', 'shop-long')).toEqual([]);

    const jobEvents = await cluster.api(
      'GET',
      exchange(rec05, 'list events for the suspended job').request.path,
    );
    expect(jobEvents.body.items.map((e: any) => [e.reason, e.message])).toEqual(
      exchange(
        rec05,
        'list events for the suspended job',
      ).response.body.items.map((e: any) => [
        e.reason,
        e.message.replace('shop-long-bh4sm', runningPod.metadata.name),
      ]),
    );
  });

  it('reports terminating pods while they stop', async () => {
    // Resume, then suspend again and look while the pod is stopping.
    await patch({ spec: { suspend: false } }, 'application/merge-patch+json');
    await eventually(async () => {
      const [pod] = await jobPods(cluster, 'demo', 'shop-long');
      return pod?.status.phase === 'Running' ? pod : undefined;
    });
    const job = await getJob(cluster, 'demo', 'shop-long');
    const watching = collectWatch(
      `${cluster.sandbox.url}/apis/batch/v1/namespaces/demo/jobs?watch=1&fieldSelector=metadata.name%3Dshop-long&resourceVersion=${job.metadata.resourceVersion}`,
      {
        until: events =>
          events.some(e => e.object.status.terminating === 1) &&
          events[events.length - 1].object.status.terminating === 0,
      },
    );
    await patch({ spec: { suspend: true } }, 'application/merge-patch+json');
    const { events } = await watching;
    const stopping = events.find(e => e.object.status.terminating === 1).object;
    expect(stopping.status.active).toBeUndefined();
    expect(stopping.status.conditions[0]).toMatchObject({
      type: 'Suspended',
      status: 'True',
      reason: 'JobSuspended',
    });
  });

  describe('patches', () => {
    it('merges annotations and deletes with null (merge patch)', async () => {
      // A strategic merge patch of a map is a merge patch.
      const smp = exchange(
        rec05,
        'strategic-merge-patch (application/strategic-merge-patch+json)',
      );
      const res1 = await patch(
        smp.request.body,
        'application/merge-patch+json',
      );
      expect(res1.status).toBe(200);
      expect(res1.body.metadata.annotations).toEqual(
        smp.request.body.metadata.annotations,
      );
      const del = exchange(
        rec05,
        'merge-patch removing an annotation with null',
      );
      const res2 = await patch(del.request.body, del.request.contentType!);
      const removed = Object.keys(del.request.body.metadata.annotations);
      expect(Object.keys(res2.body.metadata.annotations ?? {})).toEqual(
        Object.keys(res1.body.metadata.annotations).filter(
          key => !removed.includes(key),
        ),
      );
      // Metadata-only patches do not bump the generation.
      expect(res2.body.metadata.generation).toBe(res1.body.metadata.generation);
    });

    it('does not apply JSON patches nor strategic merge patches (415)', async () => {
      const json = exchange(rec05, 'add the whole /metadata/annotations map');
      const res = await patch(json.request.body, json.request.contentType!);
      expect(res.status).toBe(415);
      expect(res.body.reason).toBe('UnsupportedMediaType');
      const smp = await patch({}, 'application/strategic-merge-patch+json');
      expect(smp.status).toBe(415);
    });
  });

  it('resumes: Suspended=False JobResumed, startTime reset, a new pod', async () => {
    const before = await getJob(cluster, 'demo', 'shop-long');
    await new Promise(resolve => setTimeout(resolve, 1000));
    const rec = exchange(
      rec05,
      'PATCH merge-patch {"spec":{"suspend":false}} (resume)',
    );
    const res = await patch(rec.request.body, rec.request.contentType!);
    expect(res.body.metadata.generation).toBe(before.metadata.generation + 1);
    const resumed = await eventually(async () => {
      const j = await getJob(cluster, 'demo', 'shop-long');
      return j.status.ready === 1 ? j : undefined;
    });
    expect(normalize(resumed.status)).toEqual(
      normalize(
        exchange(rec05, 'GET Job t=2.0s after resume').response.body.status,
      ),
    );
    expect(resumed.status.startTime > before.status.startTime).toBe(true);
    const events = await cluster.api(
      'GET',
      exchange(rec05, 'list events for the suspended job').request.path,
    );
    expect(events.body.items.map((e: any) => e.reason)).toContain('Resumed');
  });
});
