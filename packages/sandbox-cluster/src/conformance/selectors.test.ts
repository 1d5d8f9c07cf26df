/*
 * List semantics (recording 02): label and field selectors, ordering, paging
 * with continue tokens, all-namespace lists.
 */
import {
  createNamespaces,
  exchange,
  Exchange,
  recording,
  startTestCluster,
  TestCluster,
  waitForCondition,
} from '../__testUtils__/conformance';

const rec01 = recording('01-create-suspended-definition-job.json');
const rec02 = recording('02-list-label-selectors.json');

function decodeToken(token: string) {
  return JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
}

function names(body: any): string[] {
  return body.items.map(
    (i: any) => `${i.metadata.namespace}/${i.metadata.name}`,
  );
}

describe('lists and selectors (recording 02)', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster();
    await createNamespaces(cluster, 'demo');
    const create = [
      exchange(rec01, 'POST suspended definition Job'),
      ...rec02.filter(e => e.request?.method === 'POST'),
    ];
    for (const rec of create) {
      const res = await cluster.api(
        'POST',
        rec.request!.path,
        rec.request!.body,
      );
      if (res.status !== 201) {
        throw new Error(`setup failed: ${res.text}`);
      }
    }
    await waitForCondition(cluster, 'team-b', 'inventory-sync', 'Suspended');
  });
  afterAll(() => cluster.close());

  // Lists are read from the latest state, whatever their resourceVersion: the limit a
  // resourceVersion=0 list ignores in the apiserver is not ignored here.
  const replayed = rec02.filter(
    (e): e is Required<Exchange> =>
      e.request?.method === 'GET' &&
      !e.request.path.includes('continue=') &&
      !e.request.path.includes('resourceVersion=0') &&
      !e.request.headers,
  );
  const lists = replayed.filter(e => e.response.body.kind !== 'Status');
  const failures = replayed.filter(e => e.response.body.kind === 'Status');

  /** What must match between two list answers (resourceVersions differ). */
  function listShape(body: any) {
    const token = body.metadata.continue
      ? decodeToken(body.metadata.continue)
      : undefined;
    return {
      kind: body.kind,
      apiVersion: body.apiVersion,
      names: names(body),
      // List items carry no kind/apiVersion.
      itemKinds: body.items.filter((i: any) => i.kind || i.apiVersion).length,
      metadataKeys: Object.keys(body.metadata).sort(),
      remainingItemCount: body.metadata.remainingItemCount,
      continue: token && { v: token.v, start: token.start },
      continueRv: token && token.rv === Number(body.metadata.resourceVersion),
    };
  }

  it.each(lists.map(e => [e.step, e] as const))('%s', async (_step, rec) => {
    const res = await cluster.api('GET', rec.request.path);
    expect(res.status).toBe(rec.response.status);
    expect(listShape(res.body)).toEqual(listShape(rec.response.body));
  });

  // Only the status and reason: the sandbox words a malformed selector its own way.
  it.each(failures.map(e => [e.step, e] as const))('%s', async (_step, rec) => {
    const res = await cluster.api('GET', rec.request.path);
    expect(res.status).toBe(rec.response.status);
    expect(res.body.reason).toEqual(rec.response.body.reason);
  });

  it('pages through a list with continue tokens, then stops', async () => {
    const page1 = await cluster.api(
      'GET',
      exchange(rec02, 'limit=1 (first page').request.path,
    );
    const page2Rec = exchange(rec02, 'continue token from page 1');
    const page2 = await cluster.api(
      'GET',
      `/apis/batch/v1/namespaces/demo/jobs?limit=1&continue=${page1.body.metadata.continue}`,
    );
    expect(names(page2.body)).toEqual(names(page2Rec.response.body));
    expect(page2.body.metadata.remainingItemCount).toBe(1);
    expect(decodeToken(page2.body.metadata.continue).start).toBe(
      decodeToken(page2Rec.response.body.metadata.continue).start,
    );
    // Pages are consistent: the list resourceVersion stays the first page's.
    expect(page2.body.metadata.resourceVersion).toBe(
      page1.body.metadata.resourceVersion,
    );

    const page3Rec = exchange(rec02, 'continue token from page 2');
    const page3 = await cluster.api(
      'GET',
      `/apis/batch/v1/namespaces/demo/jobs?limit=1&continue=${page2.body.metadata.continue}`,
    );
    expect(names(page3.body)).toEqual(names(page3Rec.response.body));
    expect(page3.body.metadata).toEqual({
      resourceVersion: page1.body.metadata.resourceVersion,
    });
  });

  it('rejects a malformed continue token', async () => {
    const rec = exchange(rec02, 'invalid continue token');
    const res = await cluster.api('GET', rec.request.path);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(
      /^invalid continue token: continue key is not valid: /,
    );
  });

  it('keeps serving the snapshot of the first page when objects change', async () => {
    const page1 = await cluster.api(
      'GET',
      '/apis/batch/v1/namespaces/demo/jobs?limit=1',
    );
    await cluster.api(
      'DELETE',
      '/apis/batch/v1/namespaces/demo/jobs/shop-cleanup?propagationPolicy=Background',
    );
    const page2 = await cluster.api(
      'GET',
      `/apis/batch/v1/namespaces/demo/jobs?limit=5&continue=${page1.body.metadata.continue}`,
    );
    expect(names(page2.body)).toEqual([
      'demo/shop-cleanup',
      'demo/shop-migrate',
    ]);
    const fresh = await cluster.api(
      'GET',
      '/apis/batch/v1/namespaces/demo/jobs',
    );
    expect(names(fresh.body)).toEqual([
      'demo/cart-report',
      'demo/shop-migrate',
    ]);
  });

  it('answers a Table request that accepts JSON with a plain list (no Table support)', async () => {
    const rec = rec02.find(e => e.request?.headers)!;
    const res = await cluster.api('GET', rec.request!.path, undefined, {
      headers: rec.request!.headers,
    });
    expect(res.status).toBe(200);
    expect(res.body.kind).toBe('JobList');
  });

  it('selects events by their involved object, everything by name and namespace', async () => {
    const ok = await cluster.api(
      'GET',
      '/api/v1/events?fieldSelector=involvedObject.kind%3DJob,metadata.namespace%3Ddemo',
    );
    expect(ok.status).toBe(200);
    const bad = await cluster.api(
      'GET',
      '/api/v1/namespaces/demo/pods?fieldSelector=spec.containers%3Dx',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe(
      'field label "spec.containers" not supported for Pod',
    );
    const notEqual = await cluster.api(
      'GET',
      '/apis/batch/v1/namespaces/demo/jobs?fieldSelector=metadata.name!%3Dcart-report',
    );
    expect(names(notEqual.body)).toEqual(['demo/shop-migrate']);
  });

  it('supports set-based exists/!exists requirements', async () => {
    const combined = await cluster.api(
      'GET',
      `/apis/batch/v1/jobs?labelSelector=${encodeURIComponent(
        'backstage.io/kubernetes-id,!env',
      )}`,
    );
    expect(names(combined.body)).toEqual([
      'demo/shop-migrate',
      'team-b/inventory-sync',
    ]);
  });
});
