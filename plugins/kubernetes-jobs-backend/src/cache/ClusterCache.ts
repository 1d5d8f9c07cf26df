import { LoggerService } from '@backstage/backend-plugin-api';
import { NotAllowedError, ServiceUnavailableError } from '@backstage/errors';
import {
  ClusterStatus,
  DefinitionKind,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { V1CronJob, V1Job } from '@kubernetes/client-node';
import { ClusterClient } from '../cluster/ClusterClient';
import { ClusterPulse } from './ClusterPulse';
import { ResourceWatch } from './ResourceWatch';
import { CacheChange, DEFAULT_WATCH_TIMING, WatchTiming } from './watchTypes';
import { Summary } from './summaries';
import { SummaryIndex } from './SummaryIndex';

const KINDS: DefinitionKind[] = ['Job', 'CronJob'];

/** What the cache of a cluster tells the rest of the plugin. */
export interface ClusterCacheListener {
  onChange(cluster: string, change: CacheChange): void;
  /** A full list of one kind (in one namespace, or all) replaced what was known. */
  onSynced(
    cluster: string,
    scope: { kind: DefinitionKind; namespace?: string },
    items: Summary[],
    listedAt: Date,
  ): void;
  /** The cluster's status changed: it became (possibly) out of date, or current again. */
  onHealth?(cluster: string, status: ClusterStatus): void;
}

/** What a read gets from the cache: the objects it could see, and why it could not see others. */
export interface CacheView<T> {
  items: T[];
  problems: Error[];
}

/**
 * The watch cache of one cluster: Jobs and CronJobs, cluster-wide. Where the cluster's RBAC
 * refuses a cluster-wide list of a kind (a Role per namespace rather than a ClusterRole), that
 * kind is watched per namespace instead, for the namespaces that entities name for this
 * cluster (`ensureNamespaces`). Each kind degrades on its own: a forbidden CronJob list does
 * not hide the Jobs.
 */
export class ClusterCache {
  private readonly clusterWide = new Map<DefinitionKind, ResourceWatch>();
  private readonly namespaced = new Map<DefinitionKind, boolean>();
  private readonly byNamespace = new Map<string, ResourceWatch>();
  private readonly namespaces = new Set<string>();
  /** One pulse for all the watches: a quiet cluster is checked once, not once per watch. */
  private readonly pulse = new ClusterPulse();
  /** The status last announced to `onHealth`, so that each change is told once. */
  private announced?: string;
  private stopped = false;

  constructor(
    readonly cluster: string,
    private readonly options: {
      client: () => Promise<ClusterClient>;
      annotationKey: string;
      listener: ClusterCacheListener;
      logger: LoggerService;
      timing?: WatchTiming;
    },
  ) {}

  start(): void {
    for (const kind of KINDS) {
      const watch = this.newWatch(kind, undefined);
      this.clusterWide.set(kind, watch);
      watch.start();
    }
  }

  stop(): void {
    this.stopped = true;
    for (const watch of this.allWatches()) watch.stop();
  }

  /** Namespaces to watch where a kind may not be listed cluster-wide. */
  ensureNamespaces(namespaces: Iterable<string>): void {
    for (const namespace of namespaces) {
      if (this.namespaces.has(namespace)) continue;
      this.namespaces.add(namespace);
      for (const kind of KINDS) {
        if (this.namespaced.get(kind)) this.startNamespaced(kind, namespace);
      }
    }
  }

  /** Every watch of this cluster, for status, tests and the benchmark. */
  allWatches(): ResourceWatch[] {
    return [...this.clusterWide.values(), ...this.byNamespace.values()];
  }

  /**
   * The objects of a kind, in one namespace or all: waits (up to `timeoutMs`) for the first
   * list, then answers from memory, stale or not. What could not be read is a problem, not an
   * exception, so a list can still show the rest.
   */
  async view(
    kind: 'Job',
    namespace: string | undefined,
    timeoutMs: number,
  ): Promise<CacheView<V1Job>>;
  async view(
    kind: 'CronJob',
    namespace: string | undefined,
    timeoutMs: number,
  ): Promise<CacheView<V1CronJob>>;
  async view(
    kind: DefinitionKind,
    namespace: string | undefined,
    timeoutMs: number,
  ): Promise<CacheView<Summary>>;
  async view(
    kind: DefinitionKind,
    namespace: string | undefined,
    timeoutMs: number,
  ): Promise<CacheView<Summary>> {
    return this.collect(kind, namespace, timeoutMs, w => w.items);
  }

  /**
   * The definitions among the objects of a kind, as {@link ClusterCache.view} gives them: from
   * an index kept as the objects change, so this costs the definitions, not the runs.
   */
  async definitions(
    kind: 'Job',
    namespace: string | undefined,
    timeoutMs: number,
  ): Promise<CacheView<V1Job>>;
  async definitions(
    kind: 'CronJob',
    namespace: string | undefined,
    timeoutMs: number,
  ): Promise<CacheView<V1CronJob>>;
  async definitions(
    kind: DefinitionKind,
    namespace: string | undefined,
    timeoutMs: number,
  ): Promise<CacheView<Summary>> {
    return this.collect(kind, namespace, timeoutMs, w => w.definitions);
  }

  private async collect(
    kind: DefinitionKind,
    namespace: string | undefined,
    timeoutMs: number,
    pick: (watch: ResourceWatch) => SummaryIndex,
  ): Promise<CacheView<Summary>> {
    const watches = this.watchesFor(kind, namespace);
    if (!watches) {
      return {
        items: [],
        problems: [
          this.clusterWide.get(kind)?.lastError ??
            new ServiceUnavailableError(
              `Cluster '${this.cluster}': ${kind}s are not being watched`,
            ),
        ],
      };
    }
    await Promise.all(watches.map(w => w.whenSynced(timeoutMs)));
    const items: Summary[] = [];
    const problems: Error[] = [];
    for (const watch of watches) {
      if (!watch.synced) {
        problems.push(
          watch.lastError ??
            new ServiceUnavailableError(
              `Cluster '${this.cluster}': ${kind}s${
                watch.namespace ? ` in namespace '${watch.namespace}'` : ''
              } are not loaded yet`,
            ),
        );
        continue;
      }
      // A namespace's objects are indexed together: the others are not walked.
      for (const item of pick(watch).values(namespace || undefined)) {
        items.push(item);
      }
    }
    return { items, problems };
  }

  /** One object from memory, or undefined when the cache does not (yet) hold it. */
  get(kind: 'Job', namespace: string, name: string): V1Job | undefined;
  get(kind: 'CronJob', namespace: string, name: string): V1CronJob | undefined;
  get(
    kind: DefinitionKind,
    namespace: string,
    name: string,
  ): Summary | undefined;
  get(kind: DefinitionKind, namespace: string, name: string) {
    for (const watch of this.watchesFor(kind, namespace) ?? []) {
      const item = watch.items.getIn(namespace, name);
      if (item) return item;
    }
    return undefined;
  }

  /** An object this backend just wrote, known before its watch event arrives. */
  observe(kind: DefinitionKind, object: Summary): void {
    const namespace = object.metadata?.namespace;
    for (const watch of this.watchesFor(kind, namespace) ?? []) {
      if (!watch.namespace || watch.namespace === namespace)
        watch.observe(object);
    }
  }

  /** Whether the objects of a kind in a namespace (or all) are known: synced at least once. */
  isSynced(kind: DefinitionKind, namespace?: string): boolean {
    const watches = this.watchesFor(kind, namespace);
    return Boolean(watches?.length && watches.every(w => w.synced));
  }

  /**
   * Whether the objects of a kind in a namespace (or all) are known and current: synced, and
   * not possibly out of date (a watch down, a cluster gone silent). What a guard may rely on.
   */
  isCurrent(kind: DefinitionKind, namespace?: string): boolean {
    const watches = this.watchesFor(kind, namespace);
    return Boolean(
      watches?.length && watches.every(w => w.synced && !w.staleSince),
    );
  }

  status(): ClusterStatus {
    const relevant = KINDS.flatMap(kind =>
      this.namespaced.get(kind)
        ? [...this.byNamespace.values()].filter(w => w.kind === kind)
        : [this.clusterWide.get(kind)].filter((w): w is ResourceWatch =>
            Boolean(w),
          ),
    );
    const stale = relevant
      .filter(w => w.synced && w.staleSince)
      .map(w => w.staleSince!.getTime());
    // Namespaced, but no entity names a namespace yet: the refused cluster-wide list says why.
    const failing =
      relevant.find(w => w.lastError) ??
      (relevant.length
        ? undefined
        : [...this.clusterWide.values()].find(w => w.lastError));
    return {
      cluster: this.cluster,
      synced: relevant.length > 0 && relevant.every(w => w.synced),
      staleSince: stale.length
        ? new Date(Math.min(...stale)).toISOString()
        : undefined,
      lastError: failing?.lastError?.message,
    };
  }

  private watchesFor(
    kind: DefinitionKind,
    namespace: string | undefined,
  ): ResourceWatch[] | undefined {
    if (!this.namespaced.get(kind)) {
      const watch = this.clusterWide.get(kind);
      return watch ? [watch] : undefined;
    }
    if (namespace) {
      this.ensureNamespaces([namespace]);
      const watch = this.byNamespace.get(`${kind}/${namespace}`);
      return watch ? [watch] : undefined;
    }
    // All namespaces, where only some may be read: the ones being watched.
    const watches = [...this.byNamespace.values()].filter(w => w.kind === kind);
    return watches.length ? watches : undefined;
  }

  private newWatch(kind: DefinitionKind, namespace: string | undefined) {
    const { listener, logger } = this.options;
    return new ResourceWatch(
      this.cluster,
      this.options.client,
      kind,
      namespace,
      this.options.annotationKey,
      {
        onChange: change => listener.onChange(this.cluster, change),
        onSynced: watch =>
          listener.onSynced(
            this.cluster,
            { kind, namespace },
            [...watch.items.values()],
            watch.listedAt ?? new Date(),
          ),
        onListError: (watch, error) => {
          if (
            watch.namespace === undefined &&
            NotAllowedError.is(error) &&
            !watch.synced
          ) {
            this.switchToNamespaced(kind, error);
            return true;
          }
          return false;
        },
        onHealth: watch => {
          const where = `${kind}s${
            watch.namespace ? ` in namespace '${watch.namespace}'` : ''
          } on cluster '${this.cluster}'`;
          if (watch.lastError) {
            logger.warn(
              `kubernetes-jobs: ${where} may be out of date, retrying: ${watch.lastError.message}`,
            );
          } else {
            logger.info(`kubernetes-jobs: ${where} are up to date again`);
          }
          this.announceHealth();
        },
      },
      this.options.timing ?? DEFAULT_WATCH_TIMING,
      this.pulse,
    );
  }

  private announceHealth(): void {
    const status = this.status();
    const key = JSON.stringify(status);
    if (key === this.announced) return;
    this.announced = key;
    this.options.listener.onHealth?.(this.cluster, status);
  }

  private switchToNamespaced(kind: DefinitionKind, error: Error): void {
    if (this.stopped || this.namespaced.get(kind)) return;
    this.namespaced.set(kind, true);
    this.options.logger.info(
      `kubernetes-jobs: cluster '${this.cluster}' does not allow listing ${kind}s in all namespaces (${error.message}); watching the namespaces that entities name instead`,
    );
    for (const namespace of this.namespaces) {
      this.startNamespaced(kind, namespace);
    }
  }

  private startNamespaced(kind: DefinitionKind, namespace: string): void {
    const key = `${kind}/${namespace}`;
    if (this.stopped || this.byNamespace.has(key)) return;
    const watch = this.newWatch(kind, namespace);
    this.byNamespace.set(key, watch);
    watch.start();
  }
}
