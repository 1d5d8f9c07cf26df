import { LoggerService } from '@backstage/backend-plugin-api';
import { DefinitionKind } from '@job-assistant/plugin-kubernetes-jobs-common';
import { V1Job } from '@kubernetes/client-node';
import { ClusterCacheListener } from '../cache/ClusterCache';
import { CacheChange } from '../cache/watchTypes';
import { Summary } from '../cache/summaries';
import { WatchCaches } from '../cache/WatchCaches';
import { FinishedRun, ObservedRun, RunStore } from '../database/RunStore';
import {
  definitionRef,
  isDefinition,
  kindOf,
  toJobRun,
} from '../service/model';
import { definitionOf } from './definitionOf';

/** Delay before retrying writes when the database is unavailable. */
const RETRY_MS = 5_000;

/**
 * The one writer of what clusters show into run history. Fed by the watch caches, it gives
 * every run of a definition a record when it appears (from the portal, kubectl, or a
 * CronJob's schedule) and moves it forward as it changes, whether or not anyone is looking.
 * After each full list it marks the records of Jobs that are gone, so runs that finished or
 * were deleted while the backend was down are reconciled on start. Writes are idempotent by
 * Job uid and only move forward, so every replica may track.
 */
export class RunTracker implements ClusterCacheListener {
  private readonly pending = new Map<string, ObservedRun>();
  private readonly removed = new Set<string>();
  private readonly sweeps: Array<() => Promise<void>> = [];
  private flushing?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private failing = false;
  private stopped = false;

  constructor(
    private readonly options: {
      caches: WatchCaches;
      store: RunStore;
      annotationKey: string;
      logger: LoggerService;
      /** Runs that this backend saw reach a final state (once across replicas). */
      onFinished?: (runs: FinishedRun[]) => void;
    },
  ) {}

  onChange(cluster: string, change: CacheChange): void {
    // The first list is handled as a whole when it is complete (onSynced).
    if (change.initial || this.stopped) return;
    if (change.type === 'delete') {
      if (change.kind === 'Job' && change.object.metadata?.uid) {
        this.removed.add(change.object.metadata.uid);
        this.schedule();
      }
      return;
    }
    if (change.kind === 'Job') {
      this.queue(cluster, change.object as V1Job);
    }
    // A definition that appears after its runs (CronJobs are listed after Jobs, say).
    if (!change.previous && this.isDefinitionObject(change.object)) {
      const namespace = change.object.metadata?.namespace;
      const uid = change.object.metadata?.uid;
      void this.jobsOwnedBy(cluster, namespace, uid).then(jobs =>
        jobs.forEach(job => this.queue(cluster, job)),
      );
    }
  }

  onSynced(
    cluster: string,
    scope: { kind: DefinitionKind; namespace?: string },
    items: Summary[],
    listedAt: Date,
  ): void {
    if (this.stopped) return;
    const cache = this.options.caches.get(cluster);
    if (scope.kind === 'Job') {
      for (const job of items) this.queue(cluster, job as V1Job);
      const present = new Set(
        items.map(i => i.metadata?.uid).filter((u): u is string => !!u),
      );
      this.sweeps.push(() =>
        this.options.store.markRemovedExcept(
          { cluster, namespace: scope.namespace },
          { presentJobUids: present, checkedAt: listedAt },
        ),
      );
      this.schedule();
      return;
    }
    // CronJobs known now: their runs, listed before them, can be attributed.
    if (cache.isSynced('Job', scope.namespace)) {
      void cache
        .view('Job', scope.namespace, 0)
        .then(view => view.items.forEach(job => this.queue(cluster, job)));
    }
  }

  /** Resolves when everything observed so far is written (for tests and shutdown). */
  async idle(): Promise<void> {
    while (
      this.flushing ||
      this.pending.size ||
      this.removed.size ||
      this.sweeps.length
    ) {
      if (this.failing) return;
      if (!this.flushing) this.schedule();
      await this.flushing;
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  private isDefinitionObject(object: Summary): boolean {
    return isDefinition(object, this.options.annotationKey);
  }

  private async jobsOwnedBy(
    cluster: string,
    namespace: string | undefined,
    uid: string | undefined,
  ): Promise<V1Job[]> {
    if (!namespace || !uid) return [];
    const cache = this.options.caches.get(cluster);
    if (!cache.isSynced('Job', namespace)) return [];
    const { items } = await cache.view('Job', namespace, 0);
    return items.filter(job =>
      job.metadata?.ownerReferences?.some(ref => ref.uid === uid),
    );
  }

  private queue(cluster: string, job: V1Job): void {
    const cache = this.options.caches.get(cluster);
    const definition = definitionOf(cache, job, this.options.annotationKey);
    const uid = job.metadata?.uid;
    if (!definition || !uid) return;
    this.pending.set(uid, {
      key: {
        cluster,
        namespace: job.metadata?.namespace ?? '',
        kind: kindOf(definition),
        name: definition.metadata?.name ?? '',
      },
      run: toJobRun(cluster, job, definitionRef(definition)),
    });
    this.schedule();
  }

  private schedule(): void {
    if (this.flushing || this.retryTimer || this.stopped) return;
    this.flushing = new Promise<void>(resolve => setImmediate(resolve))
      .then(() => this.flush())
      .finally(() => {
        this.flushing = undefined;
        if (
          !this.failing &&
          (this.pending.size || this.removed.size || this.sweeps.length)
        ) {
          this.schedule();
        }
      });
  }

  private async flush(): Promise<void> {
    const observed = [...this.pending.values()];
    const removed = [...this.removed];
    const sweeps = this.sweeps.splice(0);
    this.pending.clear();
    this.removed.clear();
    try {
      const finished = await this.options.store.observe(observed);
      await this.options.store.markRemoved(removed);
      for (const sweep of sweeps) await sweep();
      if (this.failing) {
        this.failing = false;
        this.options.logger.info(
          'kubernetes-jobs: run history is written again',
        );
      }
      if (finished.length) this.options.onFinished?.(finished);
    } catch (error) {
      // Keep what was not written (newer observations of the same run win) and try again.
      for (const o of observed) {
        if (!this.pending.has(o.run.uid)) this.pending.set(o.run.uid, o);
      }
      removed.forEach(uid => this.removed.add(uid));
      this.sweeps.unshift(...sweeps);
      if (!this.failing) {
        this.failing = true;
        this.options.logger.error(
          `kubernetes-jobs: run history cannot be written, retrying every ${
            RETRY_MS / 1000
          } s: ${(error as Error).message}`,
        );
      }
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.schedule();
      }, RETRY_MS);
    }
  }
}
