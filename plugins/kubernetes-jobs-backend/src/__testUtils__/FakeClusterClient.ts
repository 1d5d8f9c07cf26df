import { NotFoundError } from '@backstage/errors';
import { DefinitionKind } from '@job-assistant/plugin-kubernetes-jobs-common';
import {
  ApiException,
  CoreV1Event,
  V1CronJob,
  V1Job,
  V1Pod,
} from '@kubernetes/client-node';
import {
  ClusterClient,
  ClusterClientFactory,
  ListOptions,
  ListPage,
  OpenWatch,
  WatchEvent,
} from '../cluster/ClusterClient';
import { KubernetesCallContext, toBackstageError } from '../cluster/errors';
import { LabelSelector } from '../service/labelSelector';

type Batch = V1Job | V1CronJob;
type Method = Exclude<keyof ClusterClient, 'cluster'>;

const METHODS: Method[] = [
  'listJobs',
  'readJob',
  'readCronJob',
  'createJob',
  'mergePatchJob',
  'mergePatchCronJob',
  'listPods',
  'listEvents',
  'readPodLog',
  'listPage',
  'watch',
];

/**
 * An in-memory cluster behind the {@link ClusterClient} seam, for unit tests of the services:
 * Jobs and CronJobs with uids and resourceVersions, list pages and watches a watch cache syncs
 * from, and pods, events and logs as the test seeds them. Failures are the real client's
 * (Backstage errors made from the Status code Kubernetes would answer). It has no controller:
 * a test moves a Job along by `put`ting it with a new status.
 */
export class FakeClusterClient implements ClusterClient {
  /** Calls per method, failed ones included. */
  readonly calls = Object.fromEntries(METHODS.map(m => [m, 0])) as Record<
    Method,
    number
  >;

  private readonly objects = new Map<string, Batch>();
  private readonly pods: V1Pod[] = [];
  private readonly events: CoreV1Event[] = [];
  private readonly logs = new Map<string, string>();
  private readonly failures = new Map<
    Method,
    { error: Error; times: number }
  >();
  /** Every change, for watches that start from an earlier resourceVersion. */
  private readonly changes: Array<{ rv: number; kind: string } & WatchEvent> =
    [];
  private readonly watchers = new Set<{
    kind: DefinitionKind;
    namespace?: string;
    onEvent: (event: WatchEvent) => void;
  }>();
  private resourceVersion = 1;
  private sequence = 0;

  constructor(readonly cluster = 'prod') {}

  /** The factory the services take, for these clusters. */
  static factory(...clients: FakeClusterClient[]): ClusterClientFactory {
    return async cluster => {
      const client = clients.find(c => c.cluster === cluster);
      if (!client) throw new NotFoundError(`Cluster '${cluster}' is unknown`);
      return client;
    };
  }

  // --- What a test sets up and looks at (not counted as calls) ---

  /** The next `times` calls of `method` fail with `error` (Infinity: until told otherwise). */
  failNext(method: Method, error: Error, times = 1): void {
    this.failures.set(method, { error, times });
  }

  /**
   * Creates or replaces an object as an admin (or the Job controller, for a status) would;
   * watches see it. The cluster keeps its uid; the object gets a new resourceVersion.
   */
  put<T extends Batch>(kind: DefinitionKind, object: T): T {
    const namespace = object.metadata?.namespace ?? 'default';
    const key = keyOf(kind, namespace, object.metadata?.name ?? '');
    const existing = this.objects.get(key);
    const stored = {
      ...structuredClone(object),
      apiVersion: 'batch/v1',
      kind,
      metadata: {
        ...structuredClone(object.metadata),
        namespace,
        uid: existing?.metadata?.uid ?? object.metadata?.uid ?? this.uid(),
        creationTimestamp:
          existing?.metadata?.creationTimestamp ??
          object.metadata?.creationTimestamp ??
          new Date(),
        resourceVersion: String(++this.resourceVersion),
      },
    } as T;
    this.objects.set(key, stored);
    this.emit(kind, existing ? 'MODIFIED' : 'ADDED', stored);
    return structuredClone(stored);
  }

  /** Deletes an object as an admin would; watches see it go. */
  remove(kind: DefinitionKind, namespace: string, name: string): void {
    const key = keyOf(kind, namespace, name);
    const existing = this.objects.get(key);
    if (!existing) return;
    this.objects.delete(key);
    ++this.resourceVersion;
    this.emit(kind, 'DELETED', existing);
  }

  /** An object as the cluster holds it now. */
  get(kind: 'Job', namespace: string, name: string): V1Job | undefined;
  get(kind: 'CronJob', namespace: string, name: string): V1CronJob | undefined;
  get(kind: DefinitionKind, namespace: string, name: string) {
    const object = this.objects.get(keyOf(kind, namespace, name));
    return object && structuredClone(object);
  }

  /** Every Job of a namespace, as the cluster holds them now. */
  jobs(namespace: string): V1Job[] {
    return this.all('Job', namespace) as V1Job[];
  }

  addPod(pod: V1Pod): void {
    this.pods.push(structuredClone(pod));
  }

  addEvent(event: CoreV1Event): void {
    this.events.push(structuredClone(event));
  }

  setLog(namespace: string, pod: string, container: string, text: string) {
    this.logs.set(`${namespace}/${pod}/${container}`, text);
  }

  // --- ClusterClient ---

  async listJobs(options: ListOptions): Promise<V1Job[]> {
    this.call('listJobs');
    const labels = options.labelSelector
      ? LabelSelector.parse(options.labelSelector)
      : undefined;
    return (this.all('Job', options.namespace) as V1Job[]).filter(
      job =>
        (!labels || labels.matches(job.metadata?.labels)) &&
        (!options.fieldSelector || fieldsMatch(job, options.fieldSelector)),
    );
  }

  async readJob(namespace: string, name: string): Promise<V1Job> {
    this.call('readJob');
    return this.read('Job', namespace, name) as V1Job;
  }

  async readCronJob(namespace: string, name: string): Promise<V1CronJob> {
    this.call('readCronJob');
    return this.read('CronJob', namespace, name) as V1CronJob;
  }

  async createJob(namespace: string, body: V1Job): Promise<V1Job> {
    this.call('createJob');
    const name =
      body.metadata?.name ?? `${body.metadata?.generateName}${this.suffix()}`;
    if (this.objects.has(keyOf('Job', namespace, name))) {
      throw failure(409, {
        cluster: this.cluster,
        action: 'create Job',
        namespace,
        name,
      });
    }
    return this.put('Job', {
      ...body,
      metadata: {
        ...body.metadata,
        name,
        namespace,
        generateName: body.metadata?.generateName,
        uid: undefined,
        creationTimestamp: undefined,
      },
      status: {},
    });
  }

  async mergePatchJob(
    namespace: string,
    name: string,
    patch: object,
  ): Promise<V1Job> {
    this.call('mergePatchJob');
    return this.patch('Job', namespace, name, patch) as V1Job;
  }

  async mergePatchCronJob(
    namespace: string,
    name: string,
    patch: object,
  ): Promise<V1CronJob> {
    this.call('mergePatchCronJob');
    return this.patch('CronJob', namespace, name, patch) as V1CronJob;
  }

  async listPods(namespace: string, labelSelector: string): Promise<V1Pod[]> {
    this.call('listPods');
    const labels = LabelSelector.parse(labelSelector);
    return structuredClone(
      this.pods.filter(
        p =>
          p.metadata?.namespace === namespace &&
          labels.matches(p.metadata?.labels),
      ),
    );
  }

  async listEvents(
    namespace: string,
    fieldSelector: string,
  ): Promise<CoreV1Event[]> {
    this.call('listEvents');
    return structuredClone(
      this.events.filter(
        e =>
          e.metadata?.namespace === namespace && fieldsMatch(e, fieldSelector),
      ),
    );
  }

  async readPodLog(
    namespace: string,
    name: string,
    options: { container: string; tailLines?: number },
  ): Promise<string> {
    this.call('readPodLog');
    const ctx = {
      cluster: this.cluster,
      action: 'read logs of Pod',
      namespace,
      name,
    };
    const pod = this.pods.find(
      p => p.metadata?.namespace === namespace && p.metadata?.name === name,
    );
    if (!pod) throw failure(404, ctx);
    const containers = [
      ...(pod.spec?.containers ?? []),
      ...(pod.spec?.initContainers ?? []),
    ].map(c => c.name);
    if (!containers.includes(options.container)) throw failure(400, ctx);
    const text =
      this.logs.get(`${namespace}/${name}/${options.container}`) ?? '';
    if (!options.tailLines) return text;
    const lines = text.split('\n');
    const ended = text.endsWith('\n');
    if (ended) lines.pop();
    return lines.slice(-options.tailLines).join('\n') + (ended ? '\n' : '');
  }

  async listPage(
    kind: DefinitionKind,
    options: { namespace?: string; limit: number; continue?: string },
  ): Promise<ListPage<Batch>> {
    this.call('listPage');
    const all = this.all(kind, options.namespace);
    const from = Number(options.continue ?? 0);
    const to = from + options.limit;
    return {
      items: all.slice(from, to),
      resourceVersion: String(this.resourceVersion),
      continue: to < all.length ? String(to) : undefined,
    };
  }

  /** Replays the changes after `resourceVersion`, then tells each change until aborted. */
  async watch(
    kind: DefinitionKind,
    options: { namespace?: string; resourceVersion: string },
    onEvent: (event: WatchEvent) => void,
  ): Promise<OpenWatch> {
    this.call('watch');
    const watcher = { kind, namespace: options.namespace, onEvent };
    for (const change of this.changes) {
      if (
        change.rv > Number(options.resourceVersion) &&
        sees(watcher, change)
      ) {
        onEvent({ type: change.type, object: structuredClone(change.object) });
      }
    }
    this.watchers.add(watcher);
    let settle: (error: Error | null) => void = () => {};
    const done = new Promise<Error | null>(resolve => {
      settle = resolve;
    });
    return {
      done,
      abort: () => {
        this.watchers.delete(watcher);
        settle(null);
      },
    };
  }

  // --- How ---

  private call(method: Method): void {
    this.calls[method]++;
    const next = this.failures.get(method);
    if (!next) return;
    if (--next.times <= 0) this.failures.delete(method);
    throw next.error;
  }

  private all(kind: DefinitionKind, namespace?: string): Batch[] {
    return [...this.objects.values()]
      .filter(
        o =>
          o.kind === kind &&
          (!namespace || o.metadata?.namespace === namespace),
      )
      .map(o => structuredClone(o));
  }

  private read(kind: DefinitionKind, namespace: string, name: string): Batch {
    const object = this.objects.get(keyOf(kind, namespace, name));
    if (!object) {
      throw failure(404, {
        cluster: this.cluster,
        action: `read ${kind}`,
        namespace,
        name,
      });
    }
    return structuredClone(object);
  }

  private patch(
    kind: DefinitionKind,
    namespace: string,
    name: string,
    patch: object,
  ): Batch {
    const existing = this.read(kind, namespace, name);
    return this.put(kind, mergePatch(existing, patch) as Batch);
  }

  private emit(kind: DefinitionKind, type: WatchEvent['type'], object: Batch) {
    const change = { rv: this.resourceVersion, kind, type, object };
    this.changes.push(change);
    for (const watcher of this.watchers) {
      if (sees(watcher, change)) {
        watcher.onEvent({ type, object: structuredClone(object) });
      }
    }
  }

  private uid(): string {
    const n = String(++this.sequence).padStart(12, '0');
    return `00000000-0000-4000-8000-${n}`;
  }

  /** What the apiserver appends to a generateName: five characters (random there). */
  private suffix(): string {
    return (++this.sequence).toString(36).padStart(5, '0');
  }
}

function keyOf(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

function sees(
  watcher: { kind: DefinitionKind; namespace?: string },
  change: { kind: string; object: Batch },
): boolean {
  return (
    watcher.kind === change.kind &&
    (!watcher.namespace ||
      watcher.namespace === change.object.metadata?.namespace)
  );
}

/** The error the real client makes of a Status with this code. */
function failure(code: number, ctx: KubernetesCallContext): Error {
  const body = JSON.stringify({
    kind: 'Status',
    code,
    message: `${ctx.action} failed (${code})`,
  });
  return toBackstageError(new ApiException(code, 'fake', body, {}), ctx);
}

/** Equality field selectors (`a.b=c,d=e`), the only kind the plugin sends. */
function fieldsMatch(object: object, selector: string): boolean {
  return selector.split(',').every(requirement => {
    const [path, value] = requirement.split('=');
    const actual = path
      .split('.')
      .reduce<any>((at, field) => at?.[field], object);
    return String(actual ?? '') === value;
  });
}

/** JSON merge patch (RFC 7386): objects merge, null deletes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}
