import { mockServices } from '@backstage/backend-test-utils';
import { ClusterStatus } from '@job-assistant/plugin-kubernetes-jobs-common';
import { ApiException } from '@kubernetes/client-node';
import { ClusterClient, OpenWatch, WatchEvent } from '../cluster/ClusterClient';
import { toBackstageError } from '../cluster/errors';
import { ClusterCache } from './ClusterCache';
import { ResourceWatch } from './ResourceWatch';
import { CacheChange, WatchTiming } from './watchTypes';

/**
 * The watch cache against a scripted cluster client: each test says what the apiserver answers
 * to lists and watches, and checks what the cache holds and how it recovers.
 */

const FAST: WatchTiming = {
  pageSize: 2,
  watchTimeoutSeconds: 60,
  stallMs: 200,
  // Out of the way of the tests that are not about checking a silent cluster.
  probeAfterMs: 60_000,
  probeTimeoutMs: 100,
  initialBackoffMs: 5,
  maxBackoffMs: 20,
};

/** Checks a silent cluster after 100 ms, giving it 150 ms to answer; the watchdog stays far. */
const PROBING: WatchTiming = {
  ...FAST,
  stallMs: 60_000,
  probeAfterMs: 100,
  probeTimeoutMs: 150,
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
    // As @kubernetes/client-node reports it: an aborted watch ends with an error.
    this.settle(new Error('The user aborted a request.'));
  }
}

class ScriptedCluster {
  lists: Array<
    () => { items: any[]; resourceVersion: string; continue?: string }
  > = [];
  listCalls: Array<{ namespace?: string; continue?: string }> = [];
  watches: ScriptedWatch[] = [];
  watchFailures: Error[] = [];
  /** How the apiserver treats the cheap check (a one-item list with a short timeout). */
  probe: 'answer' | 'hang' | 'fail' = 'answer';
  probes = 0;

  client(): ClusterClient {
    return {
      cluster: 'prod',
      listPage: async (_kind, options) => {
        if (options.timeoutMs !== undefined) {
          this.probes++;
          expect(options.limit).toBe(1);
          if (this.probe === 'hang') {
            // No answer: the client gives up after the call's timeout, as the real one does.
            await new Promise(r => setTimeout(r, options.timeoutMs));
            throw new Error(
              `Cluster 'prod' did not answer within ${options.timeoutMs} ms to list Jobs`,
            );
          }
          if (this.probe === 'fail') throw kubeError(503);
          return { items: [], resourceVersion: '99' };
        }
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

function startWatch(
  cluster: ScriptedCluster,
  changes: CacheChange[] = [],
  options: { timing?: WatchTiming; health?: string[] } = {},
) {
  const watch = new ResourceWatch(
    'prod',
    async () => cluster.client(),
    'Job',
    undefined,
    'job-assistant',
    {
      onChange: c => changes.push(c),
      onSynced: () => {},
      onHealth: w => options.health?.push(w.staleSince ? 'stale' : 'fresh'),
    },
    options.timing ?? FAST,
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
    // Each with the version the event gave it: summaries do not keep it, hints are named by it.
    expect(
      changes
        .filter(c => !c.initial)
        .map(c => `${c.type} ${c.object.metadata?.name}@${c.resourceVersion}`),
    ).toEqual(['upsert b@6', 'delete a@7']);
  });

  it('keeps its definitions apart as objects come, change annotation, go and are relisted', async () => {
    const cluster = new ScriptedCluster();
    const run = (name: string, rv: string) =>
      job(name, rv, {
        metadata: { ...job(name, rv).metadata, annotations: {} },
      });
    cluster.lists.push(() => ({
      items: [job('a', '1'), run('a-run', '2')],
      resourceVersion: '5',
    }));
    watch = startWatch(cluster);
    const first = await until(() => cluster.watches[0]);
    const definitions = () => [...watch!.definitions.keys()].sort();
    expect(definitions()).toEqual(['shop/a']);

    first.emit({ type: 'ADDED', object: job('b', '6') });
    first.emit({ type: 'ADDED', object: run('b-run', '7') });
    // Its author takes the annotation away: no longer a definition, still an object.
    first.emit({ type: 'MODIFIED', object: run('a', '8') });
    await until(() => (watch!.items.size === 4 ? true : undefined));
    expect(definitions()).toEqual(['shop/b']);
    first.emit({ type: 'DELETED', object: job('b', '9') });
    await until(() => (watch!.items.size === 3 ? true : undefined));
    expect(definitions()).toEqual([]);

    // A relist replaces both.
    cluster.lists.push(() => ({
      items: [job('c', '10'), run('c-run', '11')],
      resourceVersion: '12',
    }));
    first.emit({ type: 'ERROR', object: { code: 410 } });
    await until(() => (watch!.items.has('shop/c') ? true : undefined));
    expect(definitions()).toEqual(['shop/c']);
    expect(watch.items.size).toBe(2);
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
    // A new object with the version listed; one gone has no version the cache kept.
    expect(
      changes
        .filter(c => !c.initial)
        .map(c => `${c.type} ${c.object.metadata?.name}@${c.resourceVersion}`),
    ).toEqual(['upsert c@8', 'delete a@undefined']);
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

  it.each(['hang', 'fail'] as const)(
    'marks a silent watch stale when its cluster does not answer a check (%s), until it answers again',
    async probe => {
      const cluster = new ScriptedCluster();
      cluster.lists.push(() => ({
        items: [job('a', '1')],
        resourceVersion: '5',
      }));
      cluster.probe = probe;
      const health: string[] = [];
      watch = startWatch(cluster, [], { timing: PROBING, health });
      const first = await until(() => cluster.watches[0]);
      const opened = Date.now();

      await until(() => watch!.staleSince);
      // Silent for probeAfterMs, then the check's timeout when it hangs.
      expect(Date.now() - opened).toBeGreaterThanOrEqual(
        probe === 'hang' ? 230 : 90,
      );
      // Out of date since the cluster was last heard from: when the watch opened.
      expect(watch.staleSince!.getTime()).toBeLessThanOrEqual(opened);
      expect(watch.lastError?.message).toMatch(
        probe === 'hang' ? /did not answer within 150 ms/ : /503|unavailable/i,
      );
      expect(watch.items.has('shop/a')).toBe(true); // stale, not gone
      // Checks go on while it is silent; the mark is told once, and the watch is not restarted.
      await until(() => (cluster.probes >= 3 ? true : undefined));
      expect(health).toEqual(['stale']);
      expect(first.aborted).toBe(false);

      cluster.probe = 'answer';
      await until(() => !watch!.staleSince || undefined, 1000);
      expect(watch.lastError).toBeUndefined();
      expect(health).toEqual(['stale', 'fresh']);
      // The silent stream may have missed events: watched again from where it was, not relisted.
      const second = await until(() => cluster.watches[1]);
      expect(first.aborted).toBe(true);
      expect(second.resourceVersion).toBe('5');
      expect(cluster.listCalls).toHaveLength(1);
      expect(watch.counts.restarts).toBe(0);
    },
  );

  it('an event on the silent watch clears the mark as well', async () => {
    const cluster = new ScriptedCluster();
    cluster.lists.push(() => ({ items: [], resourceVersion: '5' }));
    cluster.probe = 'fail';
    watch = startWatch(cluster, [], { timing: PROBING });
    const first = await until(() => cluster.watches[0]);
    await until(() => watch!.staleSince);
    first.emit({ type: 'ADDED', object: job('b', '6') });
    expect(watch.staleSince).toBeUndefined();
    expect(watch.items.has('shop/b')).toBe(true);
    expect(first.aborted).toBe(false);
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

  function startCache(cluster: ScriptedCluster, health: ClusterStatus[] = []) {
    // Jobs and CronJobs: two watches of one cluster.
    cluster.lists.push(
      () => ({ items: [job('a', '1')], resourceVersion: '5' }),
      () => ({ items: [], resourceVersion: '5' }),
    );
    cache = new ClusterCache('prod', {
      client: async () => cluster.client(),
      annotationKey: 'job-assistant',
      listener: {
        onChange: () => {},
        onSynced: () => {},
        onHealth: (_cluster, status) => health.push(status),
      },
      logger: mockServices.logger.mock(),
      timing: PROBING,
    });
    cache.start();
    return cache;
  }

  it('keeps a quiet cluster that answers its checks current, checking it per cluster, never per read', async () => {
    const cluster = new ScriptedCluster();
    const health: ClusterStatus[] = [];
    const c = startCache(cluster, health);
    await until(() => (cluster.watches.length === 2 ? true : undefined));
    const started = Date.now();
    let reads = 0;
    while (Date.now() - started < 1000) {
      const view = await c.view('Job', undefined, 100);
      expect(view.items).toHaveLength(1);
      expect(c.status()).toEqual({ cluster: 'prod', synced: true });
      reads++;
      await new Promise(r => setTimeout(r, 2));
    }
    const elapsed = Date.now() - started;
    expect(reads).toBeGreaterThan(100);
    // One check per quiet interval for the whole cluster: not one per watch, nor per read.
    expect(cluster.probes).toBeGreaterThanOrEqual(3);
    expect(cluster.probes).toBeLessThanOrEqual(
      Math.ceil(elapsed / PROBING.probeAfterMs) + 2,
    );
    expect(health).toEqual([]);
    expect(cluster.watches.every(w => !w.aborted)).toBe(true);
  });

  it('says in its status since when a cluster that stopped answering may be out of date, once per change', async () => {
    const cluster = new ScriptedCluster();
    const health: ClusterStatus[] = [];
    const c = startCache(cluster, health);
    await until(() => (cluster.watches.length === 2 ? true : undefined));
    const heard = Date.now();
    cluster.probe = 'hang';

    const stale = await until(() => c.status().staleSince);
    expect(Date.parse(stale)).toBeLessThanOrEqual(heard);
    expect(c.status()).toMatchObject({
      synced: true,
      lastError: expect.stringContaining('did not answer'),
    });
    // Still answered from memory.
    expect((await c.view('Job', undefined, 100)).items).toHaveLength(1);

    cluster.probe = 'answer';
    await until(() => !c.status().staleSince || undefined, 1000);
    expect(c.status()).toEqual({ cluster: 'prod', synced: true });
    // Both watches were marked and cleared; the cluster's status changed twice.
    expect(health.map(h => (h.staleSince ? 'stale' : 'fresh'))).toEqual([
      'stale',
      'fresh',
    ]);
  });

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
