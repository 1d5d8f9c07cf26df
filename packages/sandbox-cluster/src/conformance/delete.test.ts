/*
 * Deletion and garbage collection (recordings 09 and 10).
 */
import {
  collectWatch,
  createNamespaces,
  eventually,
  exchange,
  getJob,
  jobBody,
  jobPods,
  recording,
  startTestCluster,
  TestCluster,
  waitForCondition,
} from '../__testUtils__/conformance';

const rec09 = recording('09-delete-definition-background-gc.json');
const rec10 = recording('10-delete-default-orphan-and-foreground.json');

async function runningJob(
  cluster: TestCluster,
  name: string,
  script = 'sleep 600',
) {
  const res = await cluster.api(
    'POST',
    '/apis/batch/v1/namespaces/demo/jobs',
    jobBody(name, { script }),
  );
  expect(res.status).toBe(201);
  const pod = await eventually(async () => {
    const [p] = await jobPods(cluster, 'demo', name);
    return p?.status.phase === 'Running' ? p : undefined;
  });
  return { job: res.body, pod };
}

describe('deleting Jobs (recordings 09 and 10)', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster();
    await createNamespaces(cluster, 'demo');
  });
  afterAll(() => cluster.close());

  it("deletes with Background only: not the Jobs' default Orphan, nor Foreground", async () => {
    await runningJob(cluster, 'del-default');
    const rec = exchange(rec10, 'DELETE del-default with no body and no query');
    const orphan = await cluster.api('DELETE', rec.request.path);
    expect(orphan.status).toBe(400);
    expect(orphan.body.message).toBe(
      'propagationPolicy Orphan (the default of batch/v1 Jobs) is not supported by the sandbox cluster: use Background',
    );
    const foreground = await cluster.api('DELETE', rec.request.path, {
      propagationPolicy: 'Foreground',
    });
    expect(foreground.status).toBe(400);
    const job = await getJob(cluster, 'demo', 'del-default');
    expect(job.metadata.deletionTimestamp).toBeUndefined();
  });

  it('deletes with Background at once and collects the pods', async () => {
    await runningJob(cluster, 'del-bg');
    const pods = await cluster.api(
      'GET',
      '/api/v1/namespaces/demo/pods?labelSelector=job-name%3Ddel-bg',
    );
    const podWatch = collectWatch(
      `${cluster.sandbox.url}/api/v1/namespaces/demo/pods?watch=1&labelSelector=job-name%3Ddel-bg&resourceVersion=${pods.body.metadata.resourceVersion}`,
      { until: events => events.some(e => e.type === 'DELETED') },
    );
    const rec = exchange(rec10, 'DELETE del-bg?propagationPolicy=Background');
    const res = await cluster.api('DELETE', rec.request.path);
    expect(res.status).toBe(200);
    expect(res.headers.get('warning')).toBeNull();
    expect(res.body).toEqual({
      ...rec.response.body,
      details: { ...rec.response.body.details, uid: res.body.details.uid },
    });
    expect(
      (await cluster.api('GET', '/apis/batch/v1/namespaces/demo/jobs/del-bg'))
        .status,
    ).toBe(404);
    // The garbage collector deletes the running pod gracefully.
    const { events } = await podWatch;
    const stopping = events.find(e => e.object.metadata.deletionTimestamp);
    expect(stopping.object.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(events[events.length - 1].type).toBe('DELETED');
    expect(await jobPods(cluster, 'demo', 'del-bg')).toEqual([]);
  });

  it('accepts the DeleteOptions body kubectl sends', async () => {
    await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      jobBody('dup-name', { suspend: true }),
    );
    const rec = exchange(rec10, 'kubectl delete job dup-name');
    const res = await cluster.api('DELETE', rec.request.path, rec.request.body);
    expect(res.body).toEqual({
      ...rec.response.body,
      details: { ...rec.response.body.details, uid: res.body.details.uid },
    });
    expect((await cluster.api('GET', rec.request.path)).status).toBe(404);
  });
});

describe('garbage collection of runs (recording 09)', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster();
    await createNamespaces(cluster, 'demo');
  });
  afterAll(() => cluster.close());

  it('collects owned run Jobs and their pods when the definition goes (Background)', async () => {
    const definition = (
      await cluster.api(
        'POST',
        '/apis/batch/v1/namespaces/demo/jobs',
        jobBody('shop-migrate', { suspend: true }),
      )
    ).body;
    const owner = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: 'shop-migrate',
      uid: definition.metadata.uid,
      controller: false,
      blockOwnerDeletion: false,
    };
    const run = (script: string) => {
      const body: any = jobBody('', { script });
      body.metadata = {
        generateName: 'shop-migrate-',
        ownerReferences: [owner],
      };
      return cluster.api('POST', '/apis/batch/v1/namespaces/demo/jobs', body);
    };
    const finished = (await run('echo done')).body;
    const running = (await run('echo long run; sleep 600')).body;
    await waitForCondition(cluster, 'demo', finished.metadata.name, 'Complete');
    await eventually(async () => {
      const [p] = await jobPods(cluster, 'demo', running.metadata.name);
      return p?.status.phase === 'Running' ? p : undefined;
    });

    const rec = exchange(
      rec09,
      'DELETE the definition Job with body DeleteOptions propagationPolicy=Background',
    );
    const res = await cluster.api('DELETE', rec.request.path, rec.request.body);
    expect(res.body).toEqual({
      ...rec.response.body,
      details: { ...rec.response.body.details, uid: definition.metadata.uid },
    });
    expect(
      (
        await cluster.api(
          'GET',
          exchange(rec09, 'GET the definition right after').request.path,
        )
      ).status,
    ).toBe(404);

    await eventually(async () => {
      const jobs = await cluster.api(
        'GET',
        '/apis/batch/v1/namespaces/demo/jobs',
      );
      return jobs.body.items.length === 0 ? true : undefined;
    });
    await eventually(async () => {
      const pods = await cluster.api('GET', '/api/v1/namespaces/demo/pods');
      return pods.body.items.length === 0 ? true : undefined;
    });
  });

  it('collects a Job whose ownerReference names a uid that does not exist', async () => {
    const body: any = jobBody('bogus-owner', { suspend: true });
    body.metadata.ownerReferences = [
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: 'nobody',
        uid: '00000000-0000-0000-0000-000000000000',
      },
    ];
    expect(
      (await cluster.api('POST', '/apis/batch/v1/namespaces/demo/jobs', body))
        .status,
    ).toBe(201);
    await eventually(async () =>
      (await getJob(cluster, 'demo', 'bogus-owner')) ? undefined : true,
    );
  });

  it('collects the dependents of an owner deleted and created again under its name (a new uid)', async () => {
    const first = (
      await cluster.api(
        'POST',
        '/apis/batch/v1/namespaces/demo/jobs',
        jobBody('recreated', { suspend: true }),
      )
    ).body;
    const body: any = jobBody('run-of-recreated', { suspend: true });
    body.metadata.ownerReferences = [
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: 'recreated',
        uid: first.metadata.uid,
      },
    ];
    await cluster.api('POST', '/apis/batch/v1/namespaces/demo/jobs', body);
    // Past the collector's pass after that create: a Job whose owner is there stays.
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(await getJob(cluster, 'demo', 'run-of-recreated')).toBeDefined();
    await cluster.api(
      'DELETE',
      '/apis/batch/v1/namespaces/demo/jobs/recreated',
      {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        propagationPolicy: 'Background',
      },
    );
    await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      jobBody('recreated', { suspend: true }),
    );
    await eventually(async () =>
      (await getJob(cluster, 'demo', 'run-of-recreated')) ? undefined : true,
    );
    expect(await getJob(cluster, 'demo', 'recreated')).toBeDefined();
  });

  it('leaves a Job whose ownerReference was removed when that owner goes', async () => {
    const owner = (
      await cluster.api(
        'POST',
        '/apis/batch/v1/namespaces/demo/jobs',
        jobBody('former-owner', { suspend: true }),
      )
    ).body;
    const body: any = jobBody('adopted-away', { suspend: true });
    body.metadata.ownerReferences = [
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: 'former-owner',
        uid: owner.metadata.uid,
      },
    ];
    await cluster.api('POST', '/apis/batch/v1/namespaces/demo/jobs', body);
    const patched = await cluster.api(
      'PATCH',
      '/apis/batch/v1/namespaces/demo/jobs/adopted-away',
      { metadata: { ownerReferences: null } },
      { contentType: 'application/merge-patch+json' },
    );
    expect(patched.body.metadata.ownerReferences).toBeUndefined();
    await cluster.api(
      'DELETE',
      '/apis/batch/v1/namespaces/demo/jobs/former-owner',
      {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        propagationPolicy: 'Background',
      },
    );
    await eventually(async () =>
      (await getJob(cluster, 'demo', 'former-owner')) ? undefined : true,
    );
    // Past the collector's next pass (6 ms at this clock): the Job it no longer names stays.
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(await getJob(cluster, 'demo', 'adopted-away')).toBeDefined();
  });

  it('leaves owners of kinds it does not serve alone', async () => {
    const body: any = jobBody('argo-owned', { suspend: true });
    body.metadata.ownerReferences = [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        name: 'shop',
        uid: '11111111-1111-1111-1111-111111111111',
      },
    ];
    await cluster.api('POST', '/apis/batch/v1/namespaces/demo/jobs', body);
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(await getJob(cluster, 'demo', 'argo-owned')).toBeDefined();
  });
});
