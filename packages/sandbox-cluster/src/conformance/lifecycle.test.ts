/*
 * A run's life (recordings 03, 04 and the single-Job watch of 07): the 422
 * for a template copied verbatim, pods, status over time, logs and events,
 * and a failing Job with backoff.
 */
import {
  collectWatch,
  createNamespaces,
  eventually,
  exchange,
  getJob,
  jobBody,
  jobPods,
  normalize,
  recording,
  startTestCluster,
  substitute,
  TestCluster,
  waitForCondition,
} from '../__testUtils__/conformance';

const rec01 = recording('01-create-suspended-definition-job.json');
const rec03 = recording('03-run-job-from-definition.json');
const rec04 = recording('04-failing-job-backoff-limit.json');
const rec07 = recording('07-watch.json');

/** What matters about a Job status at one moment of its life. */
function signature(event: { type: string; object: any }) {
  const s = event.object.status ?? {};
  return {
    type: event.type,
    conditions: (s.conditions ?? []).map(
      (c: any) => `${c.type}=${c.status}/${c.reason}`,
    ),
    startTime: !!s.startTime,
    completionTime: !!s.completionTime,
    active: s.active,
    ready: s.ready,
    succeeded: s.succeeded,
    failed: s.failed,
    uncountedSucceeded: s.uncountedTerminatedPods?.succeeded?.length,
    uncountedFailed: s.uncountedTerminatedPods?.failed?.length,
  };
}

describe('running a Job (recordings 03 and 07)', () => {
  let cluster: TestCluster;
  let definition: any;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    cluster = await startTestCluster();
    await createNamespaces(cluster, 'demo');
    const def = exchange(rec01, 'POST suspended definition Job');
    definition = (await cluster.api('POST', def.request.path, def.request.body))
      .body;
    ids[def.response.body.metadata.uid] = definition.metadata.uid;
  });
  afterAll(() => cluster.close());

  it("rejects a run whose template still carries the definition's generated labels", async () => {
    const rec = exchange(rec03, 'copied VERBATIM');
    const res = await cluster.api(
      'POST',
      rec.request.path,
      substitute(rec.request.body, ids),
    );
    expect(res.status).toBe(422);
    const generatedName = res.body.details.name;
    expect(generatedName).toMatch(/^shop-migrate-[a-z0-9]{5}$/);
    const newUid = /must be '([0-9a-f-]{36})'/.exec(res.body.message)![1];
    expect(newUid).not.toBe(definition.metadata.uid);
    const expected = substitute(rec.response.body, {
      ...ids,
      [rec.response.body.details.name]: generatedName,
      '2ff37676-5e9e-4473-b21b-2222cd8d25a4': newUid,
    });
    expect(res.body).toEqual(expected);
    expect(res.body.details.causes).toHaveLength(5);
  });

  it('runs a Job to Complete with the recorded status transitions', async () => {
    const list = await cluster.api(
      'GET',
      '/apis/batch/v1/namespaces/demo/jobs',
    );
    const watching = collectWatch(
      `${cluster.sandbox.url}/apis/batch/v1/namespaces/demo/jobs?watch=1&resourceVersion=${list.body.metadata.resourceVersion}&labelSelector=run%3Dwatched`,
      { until: events => events.some(e => e.object.status?.completionTime) },
    );
    const rec = exchange(rec03, 'POST run Job: generateName');
    const body = substitute(rec.request.body, ids);
    body.metadata.labels.run = 'watched';
    const created = await cluster.api('POST', rec.request.path, body);
    expect(created.status).toBe(201);
    const expected = substitute(rec.response.body, {
      ...ids,
      [rec.response.body.metadata.uid]: created.body.metadata.uid,
      [rec.response.body.metadata.name]: created.body.metadata.name,
    });
    expected.metadata.labels.run = 'watched';
    expect(normalize(created.body)).toEqual(normalize(expected));

    const { events } = await watching;
    const recorded = exchange(rec07, 'single-job watch').response.body.filter(
      (e: any) => e.type !== 'BOOKMARK',
    );
    expect(events.map(signature)).toEqual(recorded.map(signature));
    // Watch events carry kind/apiVersion; SuccessCriteriaMet comes before Complete.
    expect(
      events.every(
        e => e.object.kind === 'Job' && e.object.apiVersion === 'batch/v1',
      ),
    ).toBe(true);
    const [, , , criteriaMet, complete] = events;
    const pods = await jobPods(cluster, 'demo', created.body.metadata.name);
    expect(criteriaMet.object.status.uncountedTerminatedPods.succeeded).toEqual(
      [pods[0].metadata.uid],
    );
    expect(complete.object.status.active).toBeUndefined();

    const final = await getJob(cluster, 'demo', created.body.metadata.name);
    const recordedFinal = exchange(rec03, 'GET run Job at t=8.0s').response
      .body;
    expect(normalize(final.status)).toEqual(normalize(recordedFinal.status));
    expect(final.status.startTime <= final.status.completionTime).toBe(true);
    const events03 = await cluster.api(
      'GET',
      `/api/v1/namespaces/demo/events?fieldSelector=involvedObject.name%3D${created.body.metadata.name}`,
    );
    expect(
      events03.body.items.map((e: any) => [
        e.reason,
        e.message,
        e.source.component,
      ]),
    ).toEqual([
      [
        'SuccessfulCreate',
        `Created pod: ${pods[0].metadata.name}`,
        'job-controller',
      ],
      ['Completed', 'Job completed', 'job-controller'],
    ]);
  });

  describe('pods, logs and events of a run', () => {
    let job: any;
    let pod: any;

    beforeAll(async () => {
      const rec = exchange(rec03, 'POST run Job: generateName');
      job = (
        await cluster.api(
          'POST',
          rec.request.path,
          substitute(rec.request.body, ids),
        )
      ).body;
      pod = await eventually(async () => {
        const pods = await jobPods(cluster, 'demo', job.metadata.name);
        return pods[0]?.status.phase === 'Running' ? pods[0] : undefined;
      });
    });

    it('creates pods named after the Job, labelled, owned and tracked', async () => {
      const recorded = exchange(rec03, 'list pods of the run Job at t=2.0s')
        .response.body.items[0];
      expect(pod.metadata.name).toMatch(
        new RegExp(`^${job.metadata.name}-[a-z0-9]{5}$`),
      );
      expect(pod.metadata.generateName).toBe(`${job.metadata.name}-`);
      const recordedJob = recorded.metadata.ownerReferences[0];
      const map = {
        [recordedJob.uid]: job.metadata.uid,
        [recordedJob.name]: job.metadata.name,
      };
      expect(pod.metadata.labels).toEqual(
        substitute(recorded.metadata.labels, map),
      );
      expect(pod.metadata.ownerReferences).toEqual(
        substitute(recorded.metadata.ownerReferences, map),
      );
      expect(pod.metadata.finalizers).toEqual([
        'batch.kubernetes.io/job-tracking',
      ]);
      expect(
        pod.status.conditions.map((c: any) => `${c.type}=${c.status}`),
      ).toEqual(
        recorded.status.conditions.map((c: any) => `${c.type}=${c.status}`),
      );
      expect(
        pod.status.containerStatuses[0].state.running.startedAt,
      ).toBeDefined();
      expect(pod.spec.nodeName).toBeTruthy();
    });

    it('finishes the pod Succeeded, releases its finalizer and keeps it', async () => {
      await waitForCondition(cluster, 'demo', job.metadata.name, 'Complete');
      const [done] = await jobPods(cluster, 'demo', job.metadata.name);
      const recorded = exchange(rec03, 'list pods of the completed run Job')
        .response.body.items[0];
      expect(done.status.phase).toBe('Succeeded');
      expect(done.metadata.finalizers).toBeUndefined();
      const terminated = done.status.containerStatuses[0].state.terminated;
      expect(terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
      expect(terminated.finishedAt >= terminated.startedAt).toBe(true);
      expect(
        done.status.conditions.map(
          (c: any) => `${c.type}=${c.status}/${c.reason ?? ''}`,
        ),
      ).toEqual(
        recorded.status.conditions.map(
          (c: any) => `${c.type}=${c.status}/${c.reason ?? ''}`,
        ),
      );
      pod = done;
    });

    it('serves logs as text/plain with tailLines and limitBytes', async () => {
      const base = `/api/v1/namespaces/demo/pods/${pod.metadata.name}/log`;
      const full = await cluster.api('GET', base);
      expect(full.status).toBe(200);
      expect(full.headers.get('content-type')).toBe('text/plain');
      const recordedLog = rec03.find(e => e.step === 'GET pod log')!.response!
        .body;
      expect(full.text).toBe(recordedLog);
      expect((await cluster.api('GET', `${base}?tailLines=1`)).text).toBe(
        'done\n',
      );
      expect((await cluster.api('GET', `${base}?tailLines=0`)).text).toBe('');
      expect(
        (await cluster.api('GET', `${base}?container=migrate&limitBytes=3`))
          .text,
      ).toBe('sta');
      const timestamps = await cluster.api('GET', `${base}?timestamps=true`);
      expect(timestamps.status).toBe(400);
      expect(timestamps.body.message).toBe(
        'timestamps is not supported by the sandbox cluster',
      );
    });

    it('answers log errors like the apiserver', async () => {
      const wrong = exchange(rec03, 'container=nope');
      const res = await cluster.api(
        'GET',
        `/api/v1/namespaces/demo/pods/${pod.metadata.name}/log?container=nope`,
      );
      expect(res.status).toBe(400);
      expect(res.body).toEqual(
        substitute(wrong.response.body, {
          'shop-migrate-pqqdj-fbj2r': pod.metadata.name,
        }),
      );
      const missing = exchange(rec03, 'GET log of a missing pod');
      const res404 = await cluster.api('GET', missing.request.path);
      expect(res404.status).toBe(404);
      expect(res404.body).toEqual(missing.response.body);
    });

    it('lists the events of the Job by involvedObject fields', async () => {
      const byName = await cluster.api(
        'GET',
        `/api/v1/namespaces/demo/events?fieldSelector=involvedObject.name%3D${job.metadata.name}`,
      );
      const recorded = exchange(
        rec03,
        'list events for the job (fieldSelector involvedObject.name',
      );
      const map = {
        'shop-migrate-pqqdj-fbj2r': pod.metadata.name,
        'shop-migrate-pqqdj': job.metadata.name,
        [recorded.response.body.items[0].involvedObject.uid]: job.metadata.uid,
      };
      const strip = (e: any) => {
        const { metadata, involvedObject, ...rest } = normalize(e);
        return { ...rest, involvedObject: { ...involvedObject } };
      };
      expect(byName.body.items.map(strip)).toEqual(
        substitute(recorded.response.body.items, map).map(strip),
      );
      expect(byName.body.items[0].metadata.name).toMatch(
        new RegExp(`^${job.metadata.name}\\.[0-9a-f]{16}$`),
      );

      const byKindAndUid = await cluster.api(
        'GET',
        `/api/v1/namespaces/demo/events?fieldSelector=${encodeURIComponent(
          `involvedObject.kind=Job,involvedObject.name=${job.metadata.name},involvedObject.uid=${job.metadata.uid}`,
        )}`,
      );
      expect(byKindAndUid.body.items).toHaveLength(2);

      const podEvents = await cluster.api(
        'GET',
        `/api/v1/namespaces/demo/events?fieldSelector=involvedObject.name%3D${pod.metadata.name}`,
      );
      expect(podEvents.body.items.map((e: any) => e.reason)).toEqual(
        expect.arrayContaining(['Scheduled', 'Started']),
      );
    });

    it("lists a definition's runs by the shared label", async () => {
      const res = await cluster.api(
        'GET',
        exchange(rec03, "list the definition's run Jobs").request.path,
      );
      const owned = res.body.items.filter((j: any) =>
        (j.metadata.ownerReferences ?? []).some(
          (o: any) => o.uid === definition.metadata.uid,
        ),
      );
      expect(owned.length).toBeGreaterThanOrEqual(2);
      expect(
        owned.every(
          (j: any) => j.metadata.ownerReferences[0].controller === false,
        ),
      ).toBe(true);
    });
  });

  it('grows the log while the container runs', async () => {
    const created = await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      jobBody('slow-logger', {
        script: 'echo one; sleep 25; echo two; sleep 25; echo three',
      }),
    );
    expect(created.status).toBe(201);
    const pod = await eventually(async () => {
      const pods = await jobPods(cluster, 'demo', 'slow-logger');
      return pods[0]?.status.phase === 'Running' ? pods[0] : undefined;
    });
    const base = `/api/v1/namespaces/demo/pods/${pod.metadata.name}/log`;
    const early = await cluster.api('GET', base);
    expect(early.text).toBe('one\n');
    // 25 simulated seconds at timeScale 0.02: half a second.
    await eventually(async () =>
      (await cluster.api('GET', base)).text === 'one\ntwo\n' ? true : undefined,
    );
    await waitForCondition(cluster, 'demo', 'slow-logger', 'Complete');
    expect((await cluster.api('GET', base)).text).toBe('one\ntwo\nthree\n');
  });

  it('refuses logs of a container that has not started yet', async () => {
    // Real time: the container starts a second after the pod is bound.
    const slow = await startTestCluster({ timeScale: 1 });
    try {
      await createNamespaces(slow, 'demo');
      await slow.api(
        'POST',
        '/apis/batch/v1/namespaces/demo/jobs',
        jobBody('fresh', { script: 'sleep 100' }),
      );
      const pod = await eventually(
        async () => (await jobPods(slow, 'demo', 'fresh'))[0],
      );
      const res = await slow.api(
        'GET',
        `/api/v1/namespaces/demo/pods/${pod.metadata.name}/log`,
      );
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(
        `container "main" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`,
      );
    } finally {
      await slow.close();
    }
  });

  it('needs a container name for a pod with several containers', async () => {
    const body: any = jobBody('two-containers', { script: 'echo a' });
    body.spec.template.spec.containers.push({
      name: 'side',
      image: 'busybox:1.36',
      command: ['sh', '-c', 'echo b'],
    });
    await cluster.api('POST', '/apis/batch/v1/namespaces/demo/jobs', body);
    const pod = await eventually(
      async () => (await jobPods(cluster, 'demo', 'two-containers'))[0],
    );
    const res = await cluster.api(
      'GET',
      `/api/v1/namespaces/demo/pods/${pod.metadata.name}/log`,
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      `a container name must be specified for pod ${pod.metadata.name}, choose one of: [main side]`,
    );
    await waitForCondition(cluster, 'demo', 'two-containers', 'Complete');
    const side = await cluster.api(
      'GET',
      `/api/v1/namespaces/demo/pods/${pod.metadata.name}/log?container=side`,
    );
    expect(side.text).toBe('b\n');
  });
});

describe('a failing Job (recording 04)', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster();
    await createNamespaces(cluster, 'demo');
  });
  afterAll(() => cluster.close());

  it('retries after a backoff, then fails with BackoffLimitExceeded', async () => {
    const list = await cluster.api(
      'GET',
      '/apis/batch/v1/namespaces/demo/jobs',
    );
    const watching = collectWatch(
      `${cluster.sandbox.url}/apis/batch/v1/namespaces/demo/jobs?watch=1&resourceVersion=${list.body.metadata.resourceVersion}`,
      {
        until: events =>
          events.some(e =>
            e.object.status?.conditions?.some((c: any) => c.type === 'Failed'),
          ),
      },
    );
    const rec = exchange(rec04, 'POST failing Job');
    expect(
      (await cluster.api('POST', rec.request.path, rec.request.body)).status,
    ).toBe(201);
    const started = Date.now();
    const { events } = await watching;
    const seen = events.map(e => ({ ...signature(e), at: Date.now() }));
    // The recorded states, in order.
    const firstFailure = seen.findIndex(
      s => s.failed === 1 && s.active === undefined,
    );
    expect(firstFailure).toBeGreaterThan(0);
    const retry = seen.findIndex(s => s.failed === 1 && s.active === 1);
    expect(retry).toBeGreaterThan(firstFailure);
    const last = seen[seen.length - 1];
    expect(last.conditions).toEqual([
      'FailureTarget=True/BackoffLimitExceeded',
      'Failed=True/BackoffLimitExceeded',
    ]);
    expect(last.failed).toBe(2);
    expect(last.completionTime).toBe(false);
    expect(last.startTime).toBe(true);
    // A failure is first published as uncounted.
    expect(seen.some(s => s.uncountedFailed === 1)).toBe(true);
    // 10 simulated seconds of backoff at timeScale 0.02.
    expect(Date.now() - started).toBeGreaterThan(200);

    const final = await getJob(cluster, 'demo', 'shop-boom');
    expect(normalize(final.status)).toEqual(
      normalize(exchange(rec04, 'stable final status').response.body.status),
    );
  });

  it('keeps both failed pods with exit code 3 and their logs', async () => {
    const pods = await jobPods(cluster, 'demo', 'shop-boom');
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.status.phase).toBe('Failed');
      expect(pod.metadata.finalizers).toBeUndefined();
      expect(pod.status.containerStatuses[0].state.terminated).toMatchObject({
        exitCode: 3,
        reason: 'Error',
      });
      const log = await cluster.api(
        'GET',
        `/api/v1/namespaces/demo/pods/${pod.metadata.name}/log`,
      );
      expect(log.text).toBe(
        exchange(rec04, 'GET log of a failed pod').response.body,
      );
    }
  });

  it('records SuccessfulCreate twice and a BackoffLimitExceeded warning', async () => {
    const res = await cluster.api(
      'GET',
      exchange(rec04, 'list events for the job').request.path,
    );
    const recorded = exchange(rec04, 'list events for the job').response.body
      .items;
    expect(res.body.items.map((e: any) => [e.type, e.reason])).toEqual(
      recorded.map((e: any) => [e.type, e.reason]),
    );
    expect(res.body.items[2].message).toBe(
      'Job has reached the specified backoff limit',
    );
  });
});
