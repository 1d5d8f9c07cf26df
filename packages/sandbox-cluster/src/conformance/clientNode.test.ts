/*
 * The sandbox through @kubernetes/client-node 1.4.0, as the backend uses it.
 */
import {
  ApiException,
  BatchV1Api,
  PatchStrategy,
  setHeaderOptions,
  V1Job,
} from '@kubernetes/client-node';
import {
  createNamespaces,
  eventually,
  jobBody,
  kubeConfig,
  LIMITED_TOKEN,
  startTestCluster,
  TestCluster,
  waitForCondition,
} from '../__testUtils__/conformance';

describe('client-node against the sandbox', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster();
    await createNamespaces(cluster, 'shop', 'team-a');
  });
  afterAll(() => cluster.close());

  it('creates, reads, lists by label and patches Jobs', async () => {
    const created = await cluster.batch.createNamespacedJob({
      namespace: 'shop',
      body: jobBody('shop-db-migrate', {
        suspend: true,
        labels: { 'backstage.io/kubernetes-id': 'shop' },
        annotations: { 'job-assistant': 'enable' },
      }) as V1Job,
    });
    expect(created.metadata?.uid).toBeDefined();
    expect(created.spec?.backoffLimit).toBe(6);

    const read = await cluster.batch.readNamespacedJob({
      namespace: 'shop',
      name: 'shop-db-migrate',
    });
    expect(read.metadata?.name).toBe('shop-db-migrate');
    const list = await cluster.batch.listNamespacedJob({
      namespace: 'shop',
      labelSelector: 'backstage.io/kubernetes-id=shop',
    });
    expect(list.items.map(j => j.metadata?.name)).toEqual(['shop-db-migrate']);
    const all = await cluster.batch.listJobForAllNamespaces({
      labelSelector: 'backstage.io/kubernetes-id',
    });
    expect(all.items).toHaveLength(1);

    const patched = await cluster.batch.patchNamespacedJob(
      {
        namespace: 'shop',
        name: 'shop-db-migrate',
        body: { metadata: { annotations: { note: 'x' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.metadata?.annotations).toEqual({
      'job-assistant': 'enable',
      note: 'x',
    });
    expect(patched.metadata?.generation).toBe(1);

    const specPatched = await cluster.batch.patchNamespacedJob(
      {
        namespace: 'shop',
        name: 'shop-db-migrate',
        body: { spec: { backoffLimit: 2 } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(specPatched.spec?.backoffLimit).toBe(2);
    expect(specPatched.metadata?.generation).toBe(2);

    // client-node's default patch type is JSON patch, which the sandbox does not apply.
    const jsonPatch = await cluster.batch
      .patchNamespacedJob({
        namespace: 'shop',
        name: 'shop-db-migrate',
        body: [{ op: 'replace', path: '/spec/backoffLimit', value: 3 }],
      })
      .catch(e => e);
    expect(jsonPatch.code).toBe(415);
  });

  it('surfaces API errors as ApiException with the Status body', async () => {
    let error: unknown;
    try {
      await cluster.batch.readNamespacedJob({
        namespace: 'shop',
        name: 'nope',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiException);
    expect((error as ApiException<string>).code).toBe(404);
    const status = JSON.parse((error as ApiException<string>).body);
    expect(status).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      details: { kind: 'jobs', group: 'batch' },
    });

    const conflict = await cluster.batch
      .patchNamespacedJob(
        {
          namespace: 'shop',
          name: 'shop-db-migrate',
          body: { metadata: { resourceVersion: '1' } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )
      .catch(e => e);
    expect(conflict.code).toBe(409);
    expect(JSON.parse(conflict.body).message).toBe(
      'Operation cannot be fulfilled on jobs.batch "shop-db-migrate": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('runs a Job, reads its pod log and deletes it with Background propagation', async () => {
    await cluster.batch.createNamespacedJob({
      namespace: 'shop',
      body: jobBody('hello', {
        script: 'echo hello from the sandbox',
      }) as V1Job,
    });
    await waitForCondition(cluster, 'shop', 'hello', 'Complete');
    const pods = await cluster.core.listNamespacedPod({
      namespace: 'shop',
      labelSelector: 'batch.kubernetes.io/job-name=hello',
    });
    const podName = pods.items[0].metadata!.name!;
    const log = await cluster.core.readNamespacedPodLog({
      namespace: 'shop',
      name: podName,
    });
    expect(log).toBe('hello from the sandbox\n');
    const events = await cluster.core.listNamespacedEvent({
      namespace: 'shop',
      fieldSelector: 'involvedObject.name=hello',
    });
    expect(events.items.map(e => e.reason)).toEqual([
      'SuccessfulCreate',
      'Completed',
    ]);

    const status = await cluster.batch.deleteNamespacedJob({
      namespace: 'shop',
      name: 'hello',
      propagationPolicy: 'Background',
    });
    expect(status).toMatchObject({
      status: 'Success',
      details: { name: 'hello', kind: 'jobs' },
    });
    await eventually(async () => {
      const left = await cluster.core.listNamespacedPod({
        namespace: 'shop',
        labelSelector: 'batch.kubernetes.io/job-name=hello',
      });
      return left.items.length === 0 ? true : undefined;
    });
  });

  it('rejects unknown tokens with 401 and enforces RBAC with 403', async () => {
    const anonymous = kubeConfig(
      cluster.sandbox.url,
      'wrong-token',
    ).makeApiClient(BatchV1Api);
    const unauthorized = await anonymous
      .listNamespacedJob({ namespace: 'shop' })
      .catch(e => e);
    expect(unauthorized.code).toBe(401);

    const limited = kubeConfig(
      cluster.sandbox.url,
      LIMITED_TOKEN,
    ).makeApiClient(BatchV1Api);
    const forbidden = await limited
      .listNamespacedJob({ namespace: 'shop' })
      .catch(e => e);
    expect(forbidden.code).toBe(403);
    expect(JSON.parse(forbidden.body).message).toBe(
      'jobs.batch is forbidden: User "limited" cannot list resource "jobs" in API group "batch" in the namespace "shop"',
    );
    const allowed = await limited.listNamespacedJob({ namespace: 'team-a' });
    expect(allowed.items).toEqual([]);
    const mark = cluster.sandbox.requests.length;
    const denied = await limited
      .patchNamespacedJob(
        { namespace: 'team-a', name: 'x', body: { spec: { suspend: true } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )
      .catch(e => e);
    expect(denied.code).toBe(403);
    expect(cluster.sandbox.requests.slice(mark)).toEqual([
      expect.objectContaining({
        method: 'PATCH',
        path: '/apis/batch/v1/namespaces/team-a/jobs/x',
        user: 'limited',
        status: 403,
      }),
    ]);
  });

  it('records every request with method, path, query, user, User-Agent and status', async () => {
    const mark = cluster.sandbox.requests.length;
    await cluster.api(
      'GET',
      '/apis/batch/v1/namespaces/shop/jobs?labelSelector=a%3Db',
      undefined,
      { headers: { 'user-agent': 'jobs-client/v0.0.0' } },
    );
    await cluster.api('GET', '/version', undefined, { token: null });
    expect(cluster.sandbox.requests.slice(mark)).toEqual([
      {
        method: 'GET',
        path: '/apis/batch/v1/namespaces/shop/jobs',
        query: 'labelSelector=a%3Db',
        user: 'sandbox-admin',
        userAgent: 'jobs-client/v0.0.0',
        status: 200,
        at: expect.any(String),
      },
      {
        method: 'GET',
        path: '/version',
        query: '',
        user: undefined,
        userAgent: 'node',
        status: 401,
        at: expect.any(String),
      },
    ]);
  });

  it('answers what it does not serve with 404 or 405', async () => {
    const discovery = await cluster.api('GET', '/apis/batch/v1');
    expect(discovery.status).toBe(404);
    const put = await cluster.api(
      'PUT',
      '/apis/batch/v1/namespaces/shop/jobs/shop-db-migrate',
      {},
    );
    expect(put.status).toBe(405);
    expect(put.body.reason).toBe('MethodNotAllowed');
    const unknown = await cluster.api(
      'GET',
      '/apis/apps/v1/namespaces/shop/deployments',
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.reason).toBe('NotFound');
  });
});
