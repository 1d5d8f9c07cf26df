/*
 * Watch streams (recording 07), also through client-node's Watch.
 */
import { Watch } from '@kubernetes/client-node';
import {
  collectWatch,
  createNamespaces,
  exchange,
  jobBody,
  recording,
  startTestCluster,
  TestCluster,
  waitForCondition,
} from '../__testUtils__/conformance';

const rec02 = recording('02-list-label-selectors.json');
const rec07 = recording('07-watch.json');

describe('watch (recording 07)', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster({ historySize: 100 });
    await createNamespaces(cluster, 'demo');
  });
  afterAll(() => cluster.close());

  it('streams ADDED, MODIFIED, DELETED and BOOKMARK events until timeoutSeconds', async () => {
    const list = await cluster.api(
      'GET',
      exchange(rec07, 'LIST jobs in demo').request.path,
    );
    const started = Date.now();
    const watching = collectWatch(
      `${cluster.sandbox.url}/apis/batch/v1/namespaces/demo/jobs?watch=1&allowWatchBookmarks=true&resourceVersion=${list.body.metadata.resourceVersion}&timeoutSeconds=2`,
    );
    const create = exchange(rec07, 'POST suspended Job watched-job');
    await cluster.api('POST', create.request.path, create.request.body);
    await waitForCondition(cluster, 'demo', 'watched-job', 'Suspended');
    const annotate = exchange(rec07, 'merge-patch annotation on watched-job');
    await cluster.api('PATCH', annotate.request.path, annotate.request.body, {
      contentType: annotate.request.contentType!,
    });
    const remove = exchange(rec07, 'DELETE watched-job');
    const deleted = await cluster.api(
      'DELETE',
      remove.request.path,
      remove.request.body,
    );
    expect(deleted.body).toEqual({
      ...remove.response.body,
      details: {
        ...remove.response.body.details,
        uid: deleted.body.details.uid,
      },
    });

    const { status, events } = await watching;
    expect(status).toBe(200);
    // The server ended the stream at the timeout.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    const recorded = exchange(rec07, 'the watch stream (timeoutSeconds=20')
      .response.body;
    const shape = (e: any) => ({
      type: e.type,
      kind: e.object.kind,
      apiVersion: e.object.apiVersion,
      name: e.object.metadata.name,
      annotations: e.object.metadata.annotations,
      conditions: (e.object.status?.conditions ?? []).map((c: any) => c.type),
    });
    const withoutBookmarks = (stream: any[]) =>
      stream.filter(e => e.type !== 'BOOKMARK').map(shape);
    expect(withoutBookmarks(events)).toEqual(withoutBookmarks(recorded));
    const rvs = events
      .filter(e => e.type !== 'BOOKMARK')
      .map(e => Number(e.object.metadata.resourceVersion));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);

    const bookmark = events.find(e => e.type === 'BOOKMARK');
    expect(bookmark).toBeDefined();
    // The apiserver sends an empty object of the kind: only its resourceVersion means anything.
    const recordedBookmark = recorded.find((e: any) => e.type === 'BOOKMARK');
    expect(bookmark.object).toMatchObject({
      kind: recordedBookmark.object.kind,
      apiVersion: recordedBookmark.object.apiVersion,
      metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
    });
    expect(
      Number(bookmark.object.metadata.resourceVersion),
    ).toBeGreaterThanOrEqual(rvs[rvs.length - 1]);
  });

  it('starts with synthetic ADDED events for resourceVersion=0', async () => {
    for (const step of [
      'create suspended Job cart-report',
      'create suspended Job shop-cleanup',
    ]) {
      const rec = exchange(rec02, step);
      await cluster.api('POST', rec.request.path, rec.request.body);
    }
    const rec = exchange(rec07, 'watch with resourceVersion=0');
    const started = Date.now();
    const { events } = await collectWatch(
      `${cluster.sandbox.url}${rec.request.path.replace(
        'timeoutSeconds=3',
        'timeoutSeconds=1',
      )}`,
    );
    expect(events.map(e => [e.type, e.object.metadata.name])).toEqual(
      rec.response.body.map((e: any) => [e.type, e.object.metadata.name]),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('follows one Job by fieldSelector metadata.name', async () => {
    const list = await cluster.api(
      'GET',
      exchange(rec07, 'fieldSelector metadata.name=watched-run (empty').request
        .path,
    );
    expect(list.body.items).toEqual([]);
    const watching = collectWatch(
      `${cluster.sandbox.url}/apis/batch/v1/namespaces/demo/jobs?watch=1&fieldSelector=metadata.name%3Dwatched-run&resourceVersion=${list.body.metadata.resourceVersion}&timeoutSeconds=10`,
      { until: events => events.some(e => e.object.status?.completionTime) },
    );
    await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      jobBody('other-run', { script: 'echo x' }),
    );
    const rec = exchange(rec07, 'POST Job watched-run');
    await cluster.api('POST', rec.request.path, rec.request.body);
    const { events } = await watching;
    expect(new Set(events.map(e => e.object.metadata.name))).toEqual(
      new Set(['watched-run']),
    );
    expect(events.map(e => e.type)).toEqual(
      exchange(rec07, 'single-job watch')
        .response.body.filter((e: any) => e.type !== 'BOOKMARK')
        .map((e: any) => e.type),
    );
  });

  it('turns label changes into ADDED / DELETED for a selecting watcher', async () => {
    const list = await cluster.api(
      'GET',
      '/apis/batch/v1/namespaces/demo/jobs',
    );
    const watching = collectWatch(
      `${cluster.sandbox.url}/apis/batch/v1/namespaces/demo/jobs?watch=true&labelSelector=phase%3Dtagged&resourceVersion=${list.body.metadata.resourceVersion}&timeoutSeconds=1`,
    );
    const path = '/apis/batch/v1/namespaces/demo/jobs/cart-report';
    await cluster.api(
      'PATCH',
      path,
      { metadata: { labels: { phase: 'tagged' } } },
      { contentType: 'application/merge-patch+json' },
    );
    await cluster.api(
      'PATCH',
      path,
      { metadata: { labels: { phase: null } } },
      { contentType: 'application/merge-patch+json' },
    );
    const { events } = await watching;
    expect(events.map(e => e.type)).toEqual(['ADDED', 'DELETED']);
  });

  it('answers a too old resourceVersion with HTTP 200 and one 410 ERROR event', async () => {
    const rec = exchange(rec07, 'watch from resourceVersion=479');
    // Push the first resourceVersions out of the (100 entries) history.
    for (let i = 0; i < 120; i++) {
      await cluster.api('POST', '/api/v1/namespaces', {
        metadata: { name: `filler-${i}` },
      });
    }
    const { status, events } = await collectWatch(
      `${cluster.sandbox.url}/apis/batch/v1/namespaces/demo/jobs?watch=1&allowWatchBookmarks=true&resourceVersion=101`,
    );
    expect(status).toBe(200);
    expect(events).toHaveLength(1);
    const expected = rec.response.body[0];
    expect(events[0].type).toBe('ERROR');
    expect({ ...events[0].object, message: 'x' }).toEqual({
      ...expected.object,
      message: 'x',
    });
    expect(events[0].object.message).toMatch(
      /^too old resource version: 101 \(\d+\)$/,
    );
  });

  it('answers too old continue tokens with 410', async () => {
    const old = exchange(
      rec07,
      'continue token from an 11-minute-old paginated list',
    );
    const token = Buffer.from(
      JSON.stringify({
        v: 'meta.k8s.io/v1',
        rv: 101,
        start: 'cart-report\u0000',
      }),
    ).toString('base64url');
    const expired = await cluster.api(
      'GET',
      `/apis/batch/v1/namespaces/demo/jobs?limit=1&continue=${token}`,
    );
    expect(expired.status).toBe(410);
    expect(expired.body).toEqual(old.response.body);
    // The inconsistent token it offers does work.
    const next = await cluster.api(
      'GET',
      `/apis/batch/v1/namespaces/demo/jobs?limit=1&continue=${expired.body.metadata.continue}`,
    );
    expect(next.status).toBe(200);
    expect(next.body.items.map((i: any) => i.metadata.name)).toEqual([
      'other-run',
    ]);
  });

  it('works with client-node Watch, including ERROR events for expired versions', async () => {
    const watch = new Watch(cluster.kc);
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      watch
        .watch(
          '/apis/batch/v1/namespaces/demo/jobs',
          { resourceVersion: '0', timeoutSeconds: 1 },
          (type, object) => seen.push(`${type} ${object.metadata?.name}`),
          err => (err ? reject(err) : resolve()),
        )
        .catch(reject);
    });
    expect(seen).toEqual(
      expect.arrayContaining(['ADDED cart-report', 'ADDED shop-cleanup']),
    );

    const errors: any[] = [];
    await new Promise<void>((resolve, reject) => {
      watch
        .watch(
          '/apis/batch/v1/namespaces/demo/jobs',
          { resourceVersion: '101' },
          (type, object) => errors.push({ type, object }),
          err => (err ? reject(err) : resolve()),
        )
        .catch(reject);
    });
    expect(errors).toHaveLength(1);
    expect(errors[0].type).toBe('ERROR');
    expect(errors[0].object.code).toBe(410);
  });
});
