/*
 * Update semantics beyond recording 06: generation, no-op writes, the status
 * subresource, manual selectors, pods.
 */
import {
  collectWatch,
  createNamespaces,
  eventually,
  getJob,
  jobBody,
  jobPods,
  recording,
  exchange,
  startTestCluster,
  TestCluster,
  waitForCondition,
} from '../__testUtils__/conformance';

describe('updates', () => {
  let cluster: TestCluster;
  const path = '/apis/batch/v1/namespaces/demo/jobs/def';

  beforeAll(async () => {
    cluster = await startTestCluster();
    await createNamespaces(cluster, 'demo');
    await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      jobBody('def', { suspend: true }),
    );
    await waitForCondition(cluster, 'demo', 'def', 'Suspended');
  });
  afterAll(() => cluster.close());

  it('does not write (nor bump resourceVersion) for a no-op update', async () => {
    const job = await getJob(cluster, 'demo', 'def');
    const put = await cluster.api('PUT', path, job);
    expect(put.status).toBe(200);
    expect(put.body.metadata.resourceVersion).toBe(
      job.metadata.resourceVersion,
    );
    const patch = await cluster.api(
      'PATCH',
      path,
      { metadata: { labels: {} } },
      {
        contentType: 'application/merge-patch+json',
      },
    );
    expect(patch.body.metadata.resourceVersion).toBe(
      job.metadata.resourceVersion,
    );
  });

  it('records who writes in managedFields: fieldManager, else the User-Agent up to its first /', async () => {
    const jobs = '/apis/batch/v1/namespaces/demo/jobs';
    const created = await cluster.api(
      'POST',
      jobs,
      jobBody('managed', { suspend: true }),
      { headers: { 'user-agent': 'jobs-client/v0.0.0 (linux/amd64)' } },
    );
    const [entry] = created.body.metadata.managedFields;
    expect(entry).toEqual({
      manager: 'jobs-client',
      operation: 'Update',
      apiVersion: 'batch/v1',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      fieldsType: 'FieldsV1',
    });
    // The recorded entry has the same keys, and the field set the sandbox does not track.
    const recorded = exchange(
      recording('01-create-suspended-definition-job.json'),
      'POST suspended definition Job',
    ).response.body.metadata.managedFields[0];
    expect(Object.keys(recorded)).toEqual([...Object.keys(entry), 'fieldsV1']);

    const patch = (body: unknown) =>
      cluster.api('PATCH', `${jobs}/managed?fieldManager=jobs-tool`, body, {
        contentType: 'application/merge-patch+json',
      });
    const patched = await patch({ metadata: { annotations: { a: 'b' } } });
    expect(
      patched.body.metadata.managedFields.map((e: any) => e.manager),
    ).toEqual(['jobs-client', 'jobs-tool']);
    // A write that changes nothing records nothing either.
    const again = await patch({ metadata: { annotations: { a: 'b' } } });
    expect(again.body.metadata).toEqual(patched.body.metadata);
    // The Job controller's writes keep them.
    await waitForCondition(cluster, 'demo', 'managed', 'Suspended');
    const job = await getJob(cluster, 'demo', 'managed');
    expect(job.metadata.managedFields).toEqual(
      patched.body.metadata.managedFields,
    );
  });

  it('ignores status in a main-resource update and takes only status on /status', async () => {
    const job = await getJob(cluster, 'demo', 'def');
    const put = await cluster.api('PUT', path, {
      ...job,
      status: { succeeded: 9 },
    });
    expect(put.body.status).toEqual(job.status);
    const status = await cluster.api('GET', `${path}/status`);
    expect(status.body.status).toEqual(job.status);
    const viaStatus = await cluster.api(
      'PATCH',
      `${path}/status`,
      { status: { succeeded: 1 }, spec: { backoffLimit: 1 } },
      { contentType: 'application/merge-patch+json' },
    );
    expect(viaStatus.status).toBe(200);
    expect(viaStatus.body.status.succeeded).toBe(1);
    expect(viaStatus.body.spec.backoffLimit).toBe(6);
  });

  it('defaults a PUT body again (omitted backoffLimit comes back as 6)', async () => {
    const job = await getJob(cluster, 'demo', 'def');
    await cluster.api(
      'PATCH',
      path,
      { spec: { backoffLimit: 2 } },
      { contentType: 'application/merge-patch+json' },
    );
    const current = await getJob(cluster, 'demo', 'def');
    delete current.spec.backoffLimit;
    const put = await cluster.api('PUT', path, current);
    expect(put.body.spec.backoffLimit).toBe(6);
    expect(put.body.metadata.generation).toBe(job.metadata.generation + 2);
  });

  it('rejects a PUT with another uid as a precondition conflict', async () => {
    const job = await getJob(cluster, 'demo', 'def');
    const res = await cluster.api('PUT', path, {
      ...job,
      metadata: { ...job.metadata, uid: 'other', resourceVersion: undefined },
    });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(
      `Operation cannot be fulfilled on jobs.batch "def": Precondition failed: UID in precondition: other, UID in object meta: ${job.metadata.uid}`,
    );
  });

  it('lets a suspended, never started Job change its scheduling directives only', async () => {
    const ok = await cluster.api(
      'PATCH',
      path,
      { spec: { template: { spec: { nodeSelector: { disk: 'ssd' } } } } },
      { contentType: 'application/strategic-merge-patch+json' },
    );
    expect(ok.status).toBe(200);
    const image = await cluster.api(
      'PATCH',
      path,
      {
        spec: {
          template: {
            spec: { containers: [{ name: 'main', image: 'busybox:1.37' }] },
          },
        },
      },
      { contentType: 'application/strategic-merge-patch+json' },
    );
    expect(image.status).toBe(422);
    expect(image.body.details.causes[0].field).toBe('spec.template');
  });

  it('requires manualSelector for a custom selector', async () => {
    const body: any = jobBody('custom-selector', { suspend: true });
    body.spec.selector = { matchLabels: { app: 'x' } };
    body.spec.template.metadata = { labels: { app: 'x' } };
    const res = await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      body,
    );
    expect(res.status).toBe(422);
    expect(
      res.body.details.causes.map((c: any) => [
        c.field,
        c.message.split(': ').pop(),
      ]),
    ).toEqual([['spec.selector', '`selector` not auto-generated']]);
    body.spec.manualSelector = true;
    const manual = await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      body,
    );
    expect(manual.status).toBe(201);
    expect(manual.body.spec.selector).toEqual({ matchLabels: { app: 'x' } });
    expect(manual.body.spec.template.metadata.labels).toEqual({ app: 'x' });
  });

  it('rejects a Job without restartPolicy (pods default to Always)', async () => {
    const body: any = jobBody('no-restart-policy', {});
    delete body.spec.template.spec.restartPolicy;
    const res = await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      body,
    );
    expect(res.status).toBe(422);
    expect(res.body.message).toBe(
      'Job.batch "no-restart-policy" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    );
  });

  it('warns about every unknown field and drops it', async () => {
    const body: any = jobBody('typo', { suspend: true });
    body.spec.suspended = true;
    body.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    const res = await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      body,
    );
    expect(res.status).toBe(201);
    // One Warning per field, in the order of the document.
    expect(res.headers.get('warning')).toBe(
      '299 - "unknown field \\"spec.template.spec.containers[0].imagePullPolicyy\\"", 299 - "unknown field \\"spec.suspended\\""',
    );
    expect(res.body.spec.suspended).toBeUndefined();
  });

  it('lets pods change metadata and image, nothing else', async () => {
    await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      jobBody('runner', { script: 'sleep 600' }),
    );
    const pod = await eventually(
      async () => (await jobPods(cluster, 'demo', 'runner'))[0],
    );
    const podPath = `/api/v1/namespaces/demo/pods/${pod.metadata.name}`;
    const label = await cluster.api(
      'PATCH',
      podPath,
      { metadata: { labels: { extra: 'yes' } } },
      {
        contentType: 'application/strategic-merge-patch+json',
      },
    );
    expect(label.status).toBe(200);
    const forbidden = await cluster.api(
      'PATCH',
      podPath,
      { spec: { restartPolicy: 'Always' } },
      {
        contentType: 'application/merge-patch+json',
      },
    );
    expect(forbidden.status).toBe(422);
    expect(forbidden.body.details.causes[0].field).toBe('spec');

    const deleted = await cluster.api('DELETE', podPath);
    expect(deleted.status).toBe(200);
    expect(deleted.body.kind).toBe('Pod');
    expect(deleted.body.metadata.deletionGracePeriodSeconds).toBe(30);
    // The Job replaces a pod deleted behind its back.
    await eventually(async () => {
      const pods = await jobPods(cluster, 'demo', 'runner');
      return pods.some(
        p =>
          p.metadata.name !== pod.metadata.name &&
          !p.metadata.deletionTimestamp,
      )
        ? true
        : undefined;
    });
  });

  it('supports dryRun=All on delete, deletecollection and /watch/ paths', async () => {
    await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      jobBody('batch-a', { suspend: true, labels: { batch: 'x' } }),
    );
    await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      jobBody('batch-b', { suspend: true, labels: { batch: 'x' } }),
    );
    const dry = await cluster.api(
      'DELETE',
      '/apis/batch/v1/namespaces/demo/jobs/batch-a?dryRun=All&propagationPolicy=Background',
    );
    expect(dry.body.status).toBe('Success');
    expect(await getJob(cluster, 'demo', 'batch-a')).toBeDefined();

    const watched = collectWatch(
      `${cluster.sandbox.url}/apis/batch/v1/watch/namespaces/demo/jobs?labelSelector=batch%3Dx&timeoutSeconds=1`,
    );
    const removed = await cluster.api(
      'DELETE',
      '/apis/batch/v1/namespaces/demo/jobs?labelSelector=batch%3Dx&propagationPolicy=Background',
    );
    expect(removed.status).toBe(200);
    expect(removed.body.kind).toBe('JobList');
    expect(removed.body.items.map((j: any) => j.metadata.name)).toEqual([
      'batch-a',
      'batch-b',
    ]);
    expect(await getJob(cluster, 'demo', 'batch-a')).toBeUndefined();
    const { events } = await watched;
    expect(events.map(e => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED batch-a',
      'ADDED batch-b',
      'DELETED batch-a',
      'DELETED batch-b',
    ]);
  });

  it('limits logs by bytes and by age', async () => {
    await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      jobBody('talker', {
        script: 'echo first line; sleep 100; echo second line',
      }),
    );
    await waitForCondition(cluster, 'demo', 'talker', 'Complete');
    const [pod] = await jobPods(cluster, 'demo', 'talker');
    const base = `/api/v1/namespaces/demo/pods/${pod.metadata.name}/log`;
    expect((await cluster.api('GET', `${base}?limitBytes=5`)).text).toBe(
      'first',
    );
    // The second line was written 2 real seconds after the first (timeScale 0.02).
    const stamped = (await cluster.api('GET', `${base}?timestamps=true`)).text;
    const secondAt = stamped.split('\n')[1].split(' ')[0];
    expect(
      (
        await cluster.api(
          'GET',
          `${base}?sinceTime=${encodeURIComponent(secondAt)}`,
        )
      ).text,
    ).toBe('second line\n');
    expect((await cluster.api('GET', `${base}?sinceSeconds=3600`)).text).toBe(
      'first line\nsecond line\n',
    );
    expect((await cluster.api('GET', `${base}?tailLines=0`)).text).toBe('');
  });
});
