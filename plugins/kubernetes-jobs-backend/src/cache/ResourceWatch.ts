import { DefinitionKind } from '@job-assistant/plugin-kubernetes-jobs-common';
import { ClusterClient, OpenWatch, WatchEvent } from '../cluster/ClusterClient';
import { kubernetesStatusOf } from '../cluster/errors';
import {
  isDefinitionObject,
  Summary,
  sameSummary,
  summarize,
} from './summaries';
import { ClusterPulse } from './ClusterPulse';
import { SummaryIndex } from './SummaryIndex';
import { DEFAULT_WATCH_TIMING, WatchListener, WatchTiming } from './watchTypes';

class GoneError extends Error {
  name = 'GoneError';
}

class StallError extends Error {
  name = 'StallError';
}

const namespaceOf = (summary: Summary) => summary.metadata?.namespace ?? '';
const nameOf = (summary: Summary) => summary.metadata?.name ?? '';

/**
 * List-then-watch of one kind, in one namespace or all of them, kept as compact summaries.
 * It survives what real watches do: 410 Gone relists; a closed stream rewatches from the last
 * resourceVersion; errors (401/403/5xx, resets, timeouts) restart with jittered exponential
 * backoff; a silent stall (no event, not even a bookmark, for `stallMs`) restarts. Long before
 * that, a cluster silent for `probeAfterMs` is asked one list item: unanswered within
 * `probeTimeoutMs`, the data is marked stale until the cluster answers again, and the watch,
 * which may have missed events meanwhile, then starts again from where it was.
 */
export class ResourceWatch {
  /** The summaries, by namespace and name (`namespace/name` as a key). */
  readonly items = new SummaryIndex();
  /**
   * The items that are definitions, kept with `items`: a list of definitions costs the
   * definitions, not every run of the cluster.
   */
  readonly definitions = new SummaryIndex();
  /** The first full list has arrived. */
  synced = false;
  /** Since when the contents may be out of date (the watch is down, or the cluster silent). */
  staleSince?: Date;
  lastError?: Error;
  /** When the newest full list began: records written after it are newer than the list. */
  listedAt?: Date;
  /** Requests made: lists (pages), watches and checks, for tests and the benchmark. */
  readonly counts = {
    listPages: 0,
    watches: 0,
    relists: 0,
    restarts: 0,
    probes: 0,
  };

  private resourceVersion?: string;
  private stopped = false;
  private current?: OpenWatch;
  private wake?: () => void;
  private backoffMs: number;
  /** The watch has delivered something since the newest list. */
  private deliveredSinceList = false;
  private readonly syncWaiters: Array<() => void> = [];
  /** Marked stale by an unanswered check (not by a failure of the watch): when last heard. */
  private unansweredSince?: number;

  constructor(
    readonly cluster: string,
    /** A client with fresh credentials, asked for before every list and watch. */
    private readonly client: () => Promise<ClusterClient>,
    readonly kind: DefinitionKind,
    readonly namespace: string | undefined,
    private readonly annotationKey: string,
    private readonly listener: WatchListener,
    private readonly timing: WatchTiming = DEFAULT_WATCH_TIMING,
    /** Shared by the watches of one cluster; a watch on its own has its own. */
    private readonly pulse: ClusterPulse = new ClusterPulse(),
  ) {
    this.backoffMs = timing.initialBackoffMs;
  }

  /**
   * An object this backend just wrote (a run it created): known at once, without waiting for
   * the watch event, which then finds nothing new. Only objects the cache does not hold yet.
   */
  observe(object: Summary): void {
    if (!this.synced) return;
    const summary = summarize(this.kind, object, this.annotationKey);
    if (this.items.hasIn(namespaceOf(summary), nameOf(summary))) return;
    this.put(summary);
    this.listener.onChange({
      type: 'upsert',
      kind: this.kind,
      object: summary,
      initial: false,
      resourceVersion: object.metadata?.resourceVersion,
    });
  }

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.current?.abort();
    this.wake?.();
    this.syncWaiters.splice(0).forEach(resolve => resolve());
  }

  /**
   * Resolves when the first list has arrived, or has failed (a read then answers at once with
   * the cluster's error rather than waiting), or after `timeoutMs`.
   */
  async whenSynced(timeoutMs: number): Promise<boolean> {
    if (this.synced || this.stopped || this.lastError) return this.synced;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>(resolve => this.syncWaiters.push(resolve)),
      new Promise<void>(resolve => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return this.synced;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.resourceVersion) {
          await this.relist();
        }
        const { eventful } = await this.watchOnce();
        if (!eventful) {
          // Closed at once with nothing said: do not hammer a server that keeps doing that.
          await this.sleep(this.nextBackoff());
        }
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof GoneError) {
          this.resourceVersion = undefined;
          this.counts.relists++;
          // Expired before a single event since the list: a 410 storm (compaction, restart).
          // Relisting at once would hammer the apiserver; back off, like client-go's reflector.
          if (!this.deliveredSinceList) await this.sleep(this.nextBackoff());
          continue;
        }
        this.counts.restarts++;
        this.fail(error as Error);
        if (error instanceof StallError) continue; // rewatch at once from where we were
        await this.sleep(this.nextBackoff());
      }
    }
  }

  private async relist(): Promise<void> {
    const startedAt = new Date();
    const fresh: Summary[] = [];
    const freshVersions: Array<string | undefined> = [];
    let token: string | undefined;
    let resourceVersion = '';
    do {
      this.counts.listPages++;
      let page;
      try {
        const client = await this.client();
        page = await client.listPage(this.kind, {
          namespace: this.namespace,
          limit: this.timing.pageSize,
          continue: token,
        });
        this.pulse.heard();
      } catch (error) {
        if (kubernetesStatusOf(error) === 410) {
          // The continue token expired mid-list: start the list again.
          throw new GoneError('list continuation expired');
        }
        if (this.listener.onListError?.(this, error as Error)) {
          this.lastError = error as Error;
          this.stop();
        }
        throw error;
      }
      for (const item of page.items) {
        fresh.push(summarize(this.kind, item, this.annotationKey));
        freshVersions.push(item.metadata?.resourceVersion);
      }
      token = page.continue;
      resourceVersion = page.resourceVersion;
    } while (token && !this.stopped);
    if (this.stopped) return;

    const initial = !this.synced;
    const old = new SummaryIndex();
    old.replaceAll(this.items.values());
    this.items.clear();
    this.definitions.clear();
    fresh.forEach((summary, i) => {
      const previous = old.getIn(namespaceOf(summary), nameOf(summary));
      this.put(summary);
      this.announceUpsert(summary, previous, initial, freshVersions[i]);
    });
    for (const gone of old.values()) {
      if (this.items.hasIn(namespaceOf(gone), nameOf(gone))) continue;
      this.listener.onChange({
        type: 'delete',
        kind: this.kind,
        object: gone,
        initial: false,
      });
    }
    this.resourceVersion = resourceVersion;
    this.deliveredSinceList = false;
    this.listedAt = startedAt;
    this.synced = true;
    this.syncWaiters.splice(0).forEach(resolve => resolve());
    this.listener.onSynced(this);
  }

  private async watchOnce(): Promise<{ eventful: boolean }> {
    const opened = Date.now();
    let eventful = false;
    let failure: Error | undefined;
    let stallTimer: NodeJS.Timeout | undefined;
    let probeTimer: NodeJS.Timeout | undefined;
    let closed = false;
    /** Aborted on purpose, to watch again: the abort is not a failure. */
    let rewatch = false;
    let current: OpenWatch | undefined;
    const armStall = () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => {
        failure ??= new StallError(
          `no event from the ${this.kind} watch for ${Math.round(
            this.timing.stallMs / 1000,
          )} s`,
        );
        current?.abort();
      }, this.timing.stallMs);
    };
    // While silent: is the cluster still answering? Asked once per quiet interval for the
    // whole cluster (the pulse), never because of a read.
    const probeIn = (ms: number) => {
      clearTimeout(probeTimer);
      probeTimer = setTimeout(async () => {
        const { probeAfterMs } = this.timing;
        const marked = this.unansweredSince !== undefined;
        const quietMs = Date.now() - this.pulse.heardAt;
        if (!marked && quietMs < probeAfterMs) {
          probeIn(probeAfterMs - quietMs);
          return;
        }
        // Marked, and another watch or check has heard the cluster since: no need to ask.
        const heardSince = marked && this.pulse.heardAt > this.unansweredSince!;
        const error = heardSince
          ? undefined
          : await this.pulse.check(() => this.ask());
        if (closed || failure) return;
        if (error) {
          this.unanswered(error);
        } else if (this.unansweredSince !== undefined) {
          this.recover();
          if (current) {
            // The silent stream may have missed events: watch again from where we were.
            rewatch = true;
            current.abort();
            return;
          }
        }
        probeIn(probeAfterMs);
      }, ms);
    };
    try {
      this.counts.watches++;
      armStall();
      probeIn(this.timing.probeAfterMs);
      const client = await this.client();
      current = await client.watch(
        this.kind,
        {
          namespace: this.namespace,
          resourceVersion: this.resourceVersion!,
          timeoutSeconds: this.timing.watchTimeoutSeconds,
        },
        event => {
          if (failure) return;
          armStall();
          eventful = true;
          try {
            this.apply(event);
          } catch (error) {
            failure = error as Error;
            current?.abort();
          }
        },
      );
      this.current = current;
      this.pulse.heard();
      if (this.stopped) current.abort();
      const ended = await current.done;
      if (failure) throw failure;
      if (ended && !rewatch) throw ended;
      this.pulse.heard();
      // A clean end (the apiserver's timeout, a closed connection): healthy.
      this.recover();
      this.backoffMs = this.timing.initialBackoffMs;
      return { eventful: eventful || Date.now() - opened > 1000 };
    } finally {
      closed = true;
      clearTimeout(stallTimer);
      clearTimeout(probeTimer);
      this.current = undefined;
    }
  }

  /** The cheap check: one item of the list this watch follows, with a short timeout. */
  private async ask(): Promise<void> {
    this.counts.probes++;
    const client = await this.client();
    await client.listPage(this.kind, {
      namespace: this.namespace,
      limit: 1,
      timeoutMs: this.timing.probeTimeoutMs,
    });
  }

  private put(summary: Summary): void {
    this.items.put(summary);
    if (isDefinitionObject(summary, this.annotationKey)) {
      this.definitions.put(summary);
    } else {
      this.definitions.remove(namespaceOf(summary), nameOf(summary));
    }
  }

  private remove(summary: Summary): void {
    this.items.remove(namespaceOf(summary), nameOf(summary));
    this.definitions.remove(namespaceOf(summary), nameOf(summary));
  }

  private apply(event: WatchEvent): void {
    const rv = event.object?.metadata?.resourceVersion;
    this.pulse.heard();
    if (event.type !== 'ERROR') this.deliveredSinceList = true;
    switch (event.type) {
      case 'BOOKMARK':
        if (rv) this.resourceVersion = rv;
        this.recover();
        return;
      case 'ERROR': {
        const code = event.object?.code;
        if (code === 410) throw new GoneError('resourceVersion too old');
        throw new Error(
          `the ${this.kind} watch on cluster '${this.cluster}' failed: ${
            code ?? ''
          } ${String(event.object?.reason ?? 'error')}`.replace(/\s+/g, ' '),
        );
      }
      case 'ADDED':
      case 'MODIFIED': {
        const summary = summarize(this.kind, event.object, this.annotationKey);
        const previous = this.items.getIn(
          namespaceOf(summary),
          nameOf(summary),
        );
        this.put(summary);
        if (rv) this.resourceVersion = rv;
        this.recover();
        this.announceUpsert(summary, previous, false, rv);
        return;
      }
      case 'DELETED': {
        const summary = summarize(this.kind, event.object, this.annotationKey);
        this.remove(summary);
        if (rv) this.resourceVersion = rv;
        this.recover();
        this.listener.onChange({
          type: 'delete',
          kind: this.kind,
          object: summary,
          initial: false,
          resourceVersion: rv,
        });
        return;
      }
      default:
        return;
    }
  }

  /** Tells the listener of a new or changed object; an unchanged summary is not news. */
  private announceUpsert(
    summary: Summary,
    previous: Summary | undefined,
    initial: boolean,
    resourceVersion: string | undefined,
  ): void {
    if (sameSummary(previous, summary)) return;
    this.listener.onChange({
      type: 'upsert',
      kind: this.kind,
      object: summary,
      previous,
      initial,
      resourceVersion,
    });
  }

  /** The watch is delivering again: the data is current. */
  private recover(): void {
    this.unansweredSince = undefined;
    if (this.staleSince || this.lastError) {
      this.staleSince = undefined;
      this.lastError = undefined;
      this.listener.onHealth?.(this);
    }
  }

  /**
   * The watch is open but silent, and the cluster did not answer a check: what it holds may be
   * out of date since the cluster was last heard from. The watch's own failures take precedence.
   */
  private unanswered(error: Error): void {
    if (this.lastError) return;
    this.unansweredSince = this.pulse.heardAt;
    this.lastError = error;
    this.staleSince = new Date(this.pulse.heardAt);
    this.listener.onHealth?.(this);
  }

  private fail(error: Error): void {
    // From now on only the watch's recovery clears the mark, not an answered check.
    this.unansweredSince = undefined;
    const firstFailure = !this.lastError;
    this.lastError = error;
    this.staleSince ??= new Date();
    this.syncWaiters.splice(0).forEach(resolve => resolve());
    if (firstFailure) this.listener.onHealth?.(this);
  }

  private nextBackoff(): number {
    const base = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.timing.maxBackoffMs);
    return base / 2 + Math.random() * base; // jitter: 50 % to 150 %
  }

  private sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
