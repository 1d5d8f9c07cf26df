/*
 * Update semantics beyond recording 06 (merge patches, the only updates the
 * sandbox serves): generation, no-op writes, status, manual selectors, pods.
 */
import {
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

  const patch = (body: unknown) =>
    cluster.api('PATCH', path, body, {
      contentType: 'application/merge-patch+json',
    });

  it('ignores status in a patch of the main resource', async () => {
    const job = await getJob(cluster, 'demo', 'def');
    const res = await patch({ status: { succeeded: 9 } });
    expect(res.body.status).toEqual(job.status);
    expect(res.body.metadata.resourceVersion).toBe(
      job.metadata.resourceVersion,
    );
  });

  it('defaults a patched object again (a removed backoffLimit comes back as 6)', async () => {
    const job = await getJob(cluster, 'demo', 'def');
    await patch({ spec: { backoffLimit: 2 } });
    const res = await patch({ spec: { backoffLimit: null } });
    expect(res.body.spec.backoffLimit).toBe(6);
    expect(res.body.metadata.generation).toBe(job.metadata.generation + 2);
  });

  it('rejects another uid as a precondition conflict', async () => {
    const job = await getJob(cluster, 'demo', 'def');
    const res = await patch({ metadata: { uid: 'other' } });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(
      `Operation cannot be fulfilled on jobs.batch "def": Precondition failed: UID in precondition: other, UID in object meta: ${job.metadata.uid}`,
    );
  });

  it('refuses changes to the pod template, even of a suspended Job', async () => {
    const res = await patch({
      spec: { template: { spec: { nodeSelector: { disk: 'ssd' } } } },
    });
    expect(res.status).toBe(422);
    expect(res.body.details.causes[0].field).toBe('spec.template');
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

  it('serves pods read-only', async () => {
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
      { contentType: 'application/merge-patch+json' },
    );
    expect(label.status).toBe(405);
    expect((await cluster.api('DELETE', podPath)).status).toBe(405);
  });
});
