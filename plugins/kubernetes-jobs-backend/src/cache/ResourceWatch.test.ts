import { mockServices } from '@backstage/backend-test-utils';
import { ApiException } from '@kubernetes/client-node';
import { ClusterClient, OpenWatch, WatchEvent } from '../cluster/ClusterClient';
import { toBackstageError } from '../cluster/errors';
import { ClusterCache } from './ClusterCache';
import { CacheChange, ResourceWatch, WatchTiming } from './ResourceWatch';

/**
 * The watch cache against a scripted cluster client: each test says what the apiserver answers
 * to lists and watches, and checks what the cache holds and how it recovers.
 */

const FAST: WatchTiming = {
  pageSize: 2,
  watchTimeoutSeconds: 60,
  stallMs: 200,
  initialBackoffMs: 5,
  maxBackoffMs: 20,
};

function job(name: string, rv: string, extra: Record<string, any> = {}) {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: 'shop',
      uid: `uid-${name}`,
      resourceVersion: rv,
      labels: { app: 'shop' },
      annotations: {
        'job-assistant': 'enable',
        'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(4000),
      },
      managedFields: [
        { manager: 'kubectl', fieldsV1: { big: 'y'.repeat(2000) } },
      ],
    },
    spec: {
      suspend: true,
      template: {
        spec: {
          containers: [
            {
              name: 'main',
              image: 'busybox',
              command: ['sh', '-c', 'z'.repeat(1000)],
            },
          ],
        },
      },
    },
    status: {},
    ...extra,
  };
}

/** A watch the test drives: push events, end it, or fail it. */
class ScriptedWatch implements OpenWatch {
  readonly done: Promise<Error | null>;
  private settle!: (e: Error | null) => void;
  aborted = false;
  constructor(
    readonly resourceVersion: string,
    readonly emit: (event: WatchEvent) => void,
  ) {
    this.done = new Promise(resolve => {
      this.settle = resolve;
    });
  }
  end(error: Error | null = null) {
    this.settle(error);
  }
  abort() {
    this.aborted = true;
    this.settle(null);
  }
}

class ScriptedCluster {
  lists: Array<
    () => { items: any[]; resourceVersion: string; continue?: string }
  > = [];
  listCalls: Array<{ namespace?: string; continue?: string }> = [];
  watches: ScriptedWatch[] = [];
  watchFailures: Error[] = [];

  client(): ClusterClient {
    return {
      cluster: 'prod',
      listPage: async (_kind, options) => {
        this.listCalls.push({
          namespace: options.namespace,
          continue: options.continue,
        });
        const next = this.lists.shift();
        if (!next) throw new Error('no list scripted');
        return next();
      },
      watch: async (_kind, options, onEvent) => {
        const failure = this.watchFailures.shift();
        if (failure) throw failure;
        const w = new ScriptedWatch(options.resourceVersion, onEvent);
        this.watches.push(w);
        return w;
      },
    } as Partial<ClusterClient> as ClusterClient;
  }
}

function kubeError(code: number, action = 'list Jobs') {
  return toBackstageError(new ApiException(code, 'x', '{}', {}), {
    cluster: 'prod',
    action,
  });
}

async function until<T>(fn: () => T | undefined, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise(r => setTimeout(r, 5));
  }
}

function startWatch(cluster: ScriptedCluster, changes: CacheChange[] = []) {
  const watch = new ResourceWatch(
    'prod',
    async () => cluster.client(),
    'Job',
    undefined,
    'job-assistant',
    { onChange: c => changes.push(c), onSynced: () => {} },
    FAST,
  );
  watch.start();
  return watch;
}

describe('ResourceWatch', () => {
  let watch: ResourceWatch | undefined;
  afterEach(() => watch?.stop());

  it('lists page by page, then watches from the list resourceVersion, keeping summaries only', async () => {
    const cluster = new ScriptedCluster();
    cluster.lists.push(
      () => ({
        items: [job('a', '1'), job('b', '2')],
        resourceVersion: '10',
        continue: 'next',
      }),
      () => ({ items: [job('c', '3')], resourceVersion: '10' }),
    );
    watch = startWatch(cluster);
    expect(await watch.whenSynced(2000)).toBe(true);
    expect(cluster.listCalls).toEqual([
      { namespace: undefined, continue: undefined },
      { namespace: undefined, continue: 'next' },
    ]);
    const w = await until(() => cluster.watches[0]);
    expect(w.resourceVersion).toBe('10');
    expect([...watch.items.keys()].sort()).toEqual([
      'shop/a',
      'shop/b',
      'shop/c',
    ]);

    const summary = watch.items.get('shop/a') as any;
    expect(summary.metadata.managedFields).toBeUndefined();
    expect(summary.metadata.annotations).toEqual({ 'job-assistant': 'enable' });
    expect(summary.spec.template.spec.containers).toEqual([
      { name: 'main', image: 'busybox' },
    ]);
    expect(JSON.stringify(summary).length).toBeLessThan(1024);
    expect(JSON.stringify(job('a', '1')).length).toBeGreaterThan(7000);
  });

  it('applies watch events and rewatches from the last resourceVersion after the stream closes', async () => {
    const cluster = new ScriptedCluster();
    cluster.lists.push(() => ({
      items: [job('a', '1')],
      resourceVersion: '5',
    }));
    const changes: CacheChange[] = [];
    watch = startWatch(cluster, changes);
    const first = await until(() => cluster.watches[0]);
    first.emit({ type: 'ADDED', object: job('b', '6') });
    first.emit({ type: 'DELETED', object: job('a', '7') });
    first.emit({
      type: 'BOOKMARK',
      object: { metadata: { resourceVersion: '9' } },
    });
    first.end(null); // the apiserver's timeout, a dropped connection

    const second = await until(() => cluster.watches[1]);
    expect(second.resourceVersion).toBe('9');
    expect(cluster.listCalls).toHaveLength(1); // no relist
    expect([...watch.items.keys()]).toEqual(['shop/b']);
    expect(
      changes
        .filter(c => !c.initial)
        .map(c => `${c.type} ${c.object.metadata?.name}`),
    ).toEqual(['upsert b', 'delete a']);
  });

  it('relists after 410 Gone, and reports the difference as changes', async () => {
    const cluster = new ScriptedCluster();
    cluster.lists.push(
      () => ({ items: [job('a', '1'), job('b', '2')], resourceVersion: '5' }),
      () => ({ items: [job('b', '2'), job('c', '8')], resourceVersion: '20' }),
    );
    const changes: CacheChange[] = [];
    watch = startWatch(cluster, changes);
    const first = await until(() => cluster.watches[0]);
    first.emit({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });

    const second = await until(() => cluster.watches[1]);
    expect(second.resourceVersion).toBe('20');
    expect(cluster.listCalls).toHaveLength(2);
    expect([...watch.items.keys()].sort()).toEqual(['shop/b', 'shop/c']);
    expect(
      changes
        .filter(c => !c.initial)
        .map(c => `${c.type} ${c.object.metadata?.name}`),
    ).toEqual(['upsert c', 'delete a']);
    expect(watch.counts.relists).toBe(1);
  });

  it('restarts with backoff after errors, keeping what it knew and saying since when it is stale', async () => {
    const cluster = new ScriptedCluster();
    cluster.lists.push(() => ({
      items: [job('a', '1')],
      resourceVersion: '5',
    }));
    cluster.watchFailures.push(
      kubeError(500, 'watch Jobs'),
      kubeError(403, 'watch Jobs'),
    );
    watch = startWatch(cluster);
    await watch.whenSynced(2000);
    await until(() => watch!.lastError);
    expect(watch.staleSince).toBeInstanceOf(Date);
    expect(watch.items.has('shop/a')).toBe(true); // stale, not gone

    const recovered = await until(() => cluster.watches[0]);
    expect(recovered.resourceVersion).toBe('5');
    recovered.emit({ type: 'MODIFIED', object: job('a', '6') });
    await until(() => !watch!.staleSince || undefined);
    expect(watch.lastError).toBeUndefined();
    expect(watch.counts.restarts).toBe(2);
  });

  it('restarts a watch that stalls silently', async () => {
    const cluster = new ScriptedCluster();
    cluster.lists.push(() => ({ items: [], resourceVersion: '5' }));
    watch = startWatch(cluster);
    const stalled = await until(() => cluster.watches[0]);
    // Nothing, not even a bookmark, for longer than stallMs.
    const next = await until(() => cluster.watches[1], 2000);
    expect(stalled.aborted).toBe(true);
    expect(next.resourceVersion).toBe('5');
    expect(watch.counts.restarts).toBeGreaterThanOrEqual(1);
  });

  it('relists from the start when the continue token of a paged list expires', async () => {
    const cluster = new ScriptedCluster();
    cluster.lists.push(
      () => ({ items: [job('a', '1')], resourceVersion: '5', continue: 'old' }),
      () => {
        throw kubeError(410);
      },
      () => ({ items: [job('a', '1'), job('b', '2')], resourceVersion: '7' }),
    );
    watch = startWatch(cluster);
    expect(await watch.whenSynced(2000)).toBe(true);
    expect(cluster.listCalls.map(c => c.continue)).toEqual([
      undefined,
      'old',
      undefined,
    ]);
    expect(watch.items.size).toBe(2);
  });
});

describe('ClusterCache', () => {
  let cache: ClusterCache | undefined;
  afterEach(() => cache?.stop());

  it('watches per namespace where the cluster refuses the cluster-wide list of a kind', async () => {
    const calls: Array<{ kind: string; namespace?: string }> = [];
    const watches: ScriptedWatch[] = [];
    const client = {
      cluster: 'prod',
      listPage: async (kind: string, options: { namespace?: string }) => {
        calls.push({ kind, namespace: options.namespace });
        if (kind === 'CronJob' && !options.namespace) {
          throw kubeError(403, 'list CronJobs');
        }
        return {
          items: kind === 'Job' ? [job('a', '1')] : [],
          resourceVersion: '3',
        };
      },
      watch: async (
        _k: string,
        o: { resourceVersion: string },
        onEvent: any,
      ) => {
        const w = new ScriptedWatch(o.resourceVersion, onEvent);
        watches.push(w);
        return w;
      },
    } as unknown as ClusterClient;
    cache = new ClusterCache('prod', {
      client: async () => client,
      annotationKey: 'job-assistant',
      listener: { onChange: () => {}, onSynced: () => {} },
      logger: mockServices.logger.mock(),
      timing: FAST,
    });
    cache.start();

    // Jobs still come, cluster-wide; CronJobs are refused until a namespace is named.
    const jobs = await cache.view('Job', undefined, 2000);
    expect(jobs.items.map(j => j.metadata?.name)).toEqual(['a']);
    const before = await cache.view('CronJob', undefined, 500);
    expect(before.problems[0].name).toBe('NotAllowedError');

    cache.ensureNamespaces(['shop']);
    const after = await cache.view('CronJob', 'shop', 2000);
    expect(after.problems).toEqual([]);
    expect(calls).toContainEqual({ kind: 'CronJob', namespace: 'shop' });
    expect(cache.status()).toMatchObject({ cluster: 'prod', synced: true });
  });
});
