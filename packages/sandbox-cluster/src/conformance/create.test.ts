/*
 * Creating objects: the defaults the apiserver fills in (recordings 01, 08).
 */
import {
  eventually,
  exchange,
  getJob,
  jobBody,
  normalize,
  recording,
  startTestCluster,
  TestCluster,
  waitForCondition,
} from '../__testUtils__/conformance';

const rec01 = recording('01-create-suspended-definition-job.json');
const rec08 = recording('08-cronjob.json');

describe('creating objects (recordings 01 and 08)', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(() => cluster.close());

  it('creates a namespace with the name label, the kubernetes finalizer and phase Active', async () => {
    const rec = exchange(rec01, 'create namespace demo');
    const res = await cluster.api('POST', rec.request.path, rec.request.body);
    expect(res.status).toBe(201);
    expect(JSON.stringify(normalize(res.body))).toBe(
      JSON.stringify(normalize(rec.response.body)),
    );
    expect(res.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.metadata.creationTimestamp).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
  });

  it('fills in the Job defaults exactly as the apiserver does', async () => {
    const rec = exchange(rec01, 'POST suspended definition Job');
    const res = await cluster.api('POST', rec.request.path, rec.request.body);
    expect(res.status).toBe(201);
    const uid = res.body.metadata.uid;
    // Same object once the uid is the recorded one, volatile fields aside.
    const expected = JSON.parse(
      JSON.stringify(rec.response.body)
        .split(rec.response.body.metadata.uid)
        .join(uid),
    );
    // Same bytes: field order follows the Go structs, like the apiserver.
    expect(JSON.stringify(normalize(res.body))).toBe(
      JSON.stringify(normalize(expected)),
    );
    expect(JSON.stringify(Object.keys(res.body.spec))).toBe(
      JSON.stringify(Object.keys(rec.response.body.spec)),
    );
    expect(res.body.status).toEqual({});
    expect(res.body.metadata.generation).toBe(1);
  });

  it('marks a suspended Job Suspended at once, without pods or startTime', async () => {
    const rec = exchange(rec01, 'GET the definition Job');
    const job = await waitForCondition(
      cluster,
      'demo',
      'shop-migrate',
      'Suspended',
    );
    expect(normalize(job.status)).toEqual(normalize(rec.response.body.status));
    expect(job.status.startTime).toBeUndefined();
    expect(Number(job.metadata.resourceVersion)).toBeGreaterThan(0);
    const pods = await cluster.api(
      'GET',
      exchange(rec01, 'list pods of the suspended Job').request.path,
    );
    expect(pods.body).toMatchObject({
      kind: 'PodList',
      apiVersion: 'v1',
      items: [],
    });
  });

  it('refuses the parameters it does not serve, such as dryRun, storing nothing', async () => {
    const rec = exchange(rec01, 'dryRun=All');
    const res = await cluster.api('POST', rec.request.path, rec.request.body);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      'dryRun is not supported by the sandbox cluster',
    );
    expect(
      await getJob(cluster, 'demo', 'shop-migrate-dryrun'),
    ).toBeUndefined();
  });

  it('uses one increasing resourceVersion counter across all resources', async () => {
    const a = await cluster.api('POST', '/api/v1/namespaces', {
      metadata: { name: 'rv-a' },
    });
    const b = await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/rv-a/jobs',
      jobBody('x', { suspend: true }),
    );
    const list = await cluster.api('GET', '/apis/batch/v1/jobs');
    expect(typeof a.body.metadata.resourceVersion).toBe('string');
    expect(Number(b.body.metadata.resourceVersion)).toBeGreaterThan(
      Number(a.body.metadata.resourceVersion),
    );
    expect(Number(list.body.metadata.resourceVersion)).toBeGreaterThanOrEqual(
      Number(b.body.metadata.resourceVersion),
    );
  });

  it('generates names from generateName with five characters of the Kubernetes alphabet', async () => {
    const body = jobBody('', { suspend: true });
    const res = await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      {
        ...body,
        metadata: { generateName: 'shop-migrate-' },
      },
    );
    expect(res.status).toBe(201);
    expect(res.body.metadata.name).toMatch(
      /^shop-migrate-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
    );
    expect(res.body.metadata.generateName).toBe('shop-migrate-');
    // Long prefixes are cut so that the name fits the 63-character job-name label.
    const long = await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      {
        ...body,
        metadata: { generateName: `${'a'.repeat(70)}-` },
      },
    );
    expect(long.status).toBe(201);
    expect(long.body.metadata.name).toHaveLength(63);
  });

  it("keeps the user's Job labels, and takes the template's when the Job has none", async () => {
    const withTemplateLabels = jobBody('templated', { suspend: true }) as any;
    withTemplateLabels.spec.template.metadata = { labels: { app: 'shop' } };
    const res = await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      withTemplateLabels,
    );
    expect(res.body.metadata.labels).toEqual({ app: 'shop' });
    expect(res.body.spec.template.metadata.labels).toEqual({
      app: 'shop',
      'batch.kubernetes.io/controller-uid': res.body.metadata.uid,
      'batch.kubernetes.io/job-name': 'templated',
      'controller-uid': res.body.metadata.uid,
      'job-name': 'templated',
    });
    // Without any labels, the Job gets its template's, generated ones included
    // (the apiserver defaults again when it reads the stored object back).
    const plain = await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      jobBody('plain', { suspend: true }),
    );
    expect(plain.body.metadata.labels).toEqual(
      plain.body.spec.template.metadata.labels,
    );
    expect(Object.keys(plain.body.metadata.labels)).toHaveLength(4);
  });

  it('drops the status of a new object and resets system fields', async () => {
    const body: any = jobBody('with-status', { suspend: true });
    body.metadata.uid = 'not-mine';
    body.metadata.creationTimestamp = '2000-01-01T00:00:00Z';
    body.status = { succeeded: 5 };
    const res = await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      body,
    );
    expect(res.status).toBe(201);
    expect(res.body.metadata.uid).not.toBe('not-mine');
    expect(res.body.metadata.creationTimestamp).not.toBe(
      '2000-01-01T00:00:00Z',
    );
    expect(res.body.status).toEqual({});
  });

  it('rejects a resourceVersion on create the way etcd storage does', async () => {
    const body: any = jobBody('copied', { suspend: true });
    body.metadata.resourceVersion = '123';
    const res = await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      body,
    );
    expect(res.status).toBe(500);
    expect(res.body.message).toBe(
      'resourceVersion should not be set on objects to be created',
    );
  });

  it('rejects a string where the API wants a boolean, like the typed decoder', async () => {
    const body: any = jobBody('typed', {});
    body.spec.suspend = 'true';
    const res = await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      body,
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      'Job in version "v1" cannot be handled as a Job: json: cannot unmarshal string into Go struct field JobSpec.spec.suspend of type bool',
    );
  });

  it('fills in CronJob defaults: only pod-template defaults inside jobTemplate', async () => {
    const rec = exchange(rec08, 'POST CronJob shop-nightly');
    const res = await cluster.api('POST', rec.request.path, rec.request.body);
    expect(res.status).toBe(201);
    expect(JSON.stringify(normalize(res.body))).toBe(
      JSON.stringify(normalize(rec.response.body)),
    );
    const get = await cluster.api(
      'GET',
      exchange(rec08, 'GET CronJob (defaults').request.path,
    );
    expect(normalize(get.body)).toEqual(
      normalize(exchange(rec08, 'GET CronJob (defaults').response.body),
    );
  });

  it('creates a Job from a CronJob the way kubectl create job --from does', async () => {
    const cronJob = await cluster.api(
      'GET',
      '/apis/batch/v1/namespaces/demo/cronjobs/shop-nightly',
    );
    const rec = exchange(rec08, 'the same request for real');
    const recordedCronUid = rec.request.body.metadata.ownerReferences[0].uid;
    const body = JSON.parse(
      JSON.stringify(rec.request.body)
        .split(recordedCronUid)
        .join(cronJob.body.metadata.uid),
    );
    const res = await cluster.api('POST', rec.request.path, body);
    expect(res.status).toBe(201);
    const expected = JSON.parse(
      JSON.stringify(rec.response.body)
        .split(rec.response.body.metadata.uid)
        .join(res.body.metadata.uid)
        .split(recordedCronUid)
        .join(cronJob.body.metadata.uid),
    );
    // Same bytes: field order follows the Go structs, like the apiserver.
    expect(JSON.stringify(normalize(res.body))).toBe(
      JSON.stringify(normalize(expected)),
    );

    // The CronJob notes its last success.
    await waitForCondition(cluster, 'demo', 'shop-nightly-manual', 'Complete');
    const cron = await eventually(async () => {
      const c = await cluster.api(
        'GET',
        '/apis/batch/v1/namespaces/demo/cronjobs/shop-nightly',
      );
      return c.body.status.lastSuccessfulTime ? c.body : undefined;
    });
    const job = await getJob(cluster, 'demo', 'shop-nightly-manual');
    expect(cron.status.lastSuccessfulTime).toBe(job.status.completionTime);
  });

  it('bumps a CronJob generation on a spec patch', async () => {
    const rec = exchange(
      rec08,
      'merge-patch {"spec":{"suspend":true}} on the CronJob',
    );
    const res = await cluster.api('PATCH', rec.request.path, rec.request.body, {
      contentType: 'application/merge-patch+json',
    });
    expect(res.status).toBe(200);
    expect(res.body.spec.suspend).toBe(true);
    expect(res.body.metadata.generation).toBe(2);
  });

  it('refuses to create in a namespace that does not exist', async () => {
    const res = await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/nowhere/jobs',
      jobBody('x', {}),
    );
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('namespaces "nowhere" not found');
  });

  it('pre-creates the default namespace', async () => {
    const res = await cluster.api('GET', '/api/v1/namespaces/default');
    expect(res.status).toBe(200);
    expect(res.body.status.phase).toBe('Active');
  });
});
