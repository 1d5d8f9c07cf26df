import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  KUBERNETES_JOBS_SIGNAL_CHANNEL,
  KubernetesJobsHint,
  RunRequest,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { ClusterCacheListener } from '../cache/ClusterCache';
import { CacheChange } from '../cache/watchTypes';
import { WatchCaches } from '../cache/WatchCaches';
import { changedDefinitions } from '../tracker/changedDefinitions';
import { changeName, HintClaims } from '../database/HintClaims';

/** Hints for the same definition or run within this window go out once. */
const COALESCE_MS = 50;

/** Claims not answered within this long: publish (a slow database must not hold hints back). */
const CLAIM_TIMEOUT_MS = 500;

/** A hint waiting to go out, with the changes it tells of (none: not one to claim). */
interface Queued {
  hint: KubernetesJobsHint;
  changes?: Set<string>;
}

/**
 * Announces changes to browsers with Backstage signals, as hints: a hint names the definition
 * (and the run) that changed and carries no Job data, because signals reach every socket
 * without a permission check. The browser refetches through the permission-checked API.
 *
 * With several replicas, each sees every change in its watch but only one publishes its hint
 * ({@link HintClaims}): a signal published on one replica reaches the browsers of all. Hints
 * that only this replica knows of (a run request it changed, its own view of a cluster's
 * health) go out without a claim.
 */
export class ChangeSignals implements ClusterCacheListener {
  private readonly queued = new Map<string, Queued>();
  private timer?: NodeJS.Timeout;
  private failing = false;
  private claimsFailing = false;
  private stopped = false;
  /** Flushes under way (claiming, then publishing). */
  private readonly flushing = new Set<Promise<void>>();

  constructor(
    private readonly options: {
      caches: WatchCaches;
      signals: SignalsService;
      annotationKey: string;
      logger: LoggerService;
      claims?: Pick<HintClaims, 'claim'>;
      claimTimeoutMs?: number;
    },
  ) {}

  onChange(cluster: string, change: CacheChange): void {
    if (change.initial) return; // the first list after start is not news
    const name = changeName(
      cluster,
      change.object.metadata?.uid,
      change.resourceVersion,
    );
    for (const changed of changedDefinitions(
      this.options.caches.get(cluster),
      change,
      this.options.annotationKey,
    )) {
      this.enqueue(
        {
          type: changed.run === undefined ? 'definition' : 'run',
          cluster,
          namespace: changed.namespace,
          definitionKind: changed.kind,
          definitionName: changed.name,
          ...(changed.run === undefined ? {} : { run: changed.run }),
        },
        name,
      );
    }
  }

  /** A run request of a definition was asked for or changed: tabs showing its requests refetch. */
  requestChanged(request: RunRequest): void {
    this.enqueue({
      type: 'request',
      cluster: request.cluster,
      namespace: request.namespace,
      definitionKind: request.definition.kind,
      definitionName: request.definition.name,
    });
  }

  /** A cluster stopped answering, or answers again: tabs showing it refetch to say so. */
  onHealth(cluster: string): void {
    this.enqueue({ type: 'cluster', cluster });
  }

  onSynced(): void {
    // A relist's differences arrive as changes; the list itself says nothing new.
  }

  /** Resolves once every hint queued so far has gone out or been left to another replica. */
  async idle(): Promise<void> {
    while (this.timer || this.flushing.size) {
      await (this.flushing.size
        ? Promise.all(this.flushing)
        : new Promise(resolve => setTimeout(resolve, COALESCE_MS)));
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.queued.clear();
  }

  /** Queues `signal`, telling of `change` (claimed before it goes out) if given. */
  private enqueue(signal: KubernetesJobsHint, change?: string): void {
    const id =
      signal.type === 'cluster'
        ? `cluster/${signal.cluster}`
        : [
            signal.type,
            signal.cluster,
            signal.namespace,
            signal.definitionKind,
            signal.definitionName,
            signal.run ?? '',
          ].join('/');
    const queued = this.queued.get(id);
    // One hint per id: the latest, telling of every change gathered (or published unclaimed).
    const changes =
      change === undefined || (queued && !queued.changes)
        ? undefined
        : (queued?.changes ?? new Set<string>()).add(change);
    this.queued.set(id, { hint: signal, changes });
    this.timer ??= setTimeout(() => {
      const flush = this.flush();
      this.flushing.add(flush);
      void flush.finally(() => this.flushing.delete(flush));
    }, COALESCE_MS);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const queued = [...this.queued.values()];
    this.queued.clear();
    const won = await this.claim(queued);
    if (this.stopped) return;
    const signals = queued
      .filter(q => !q.changes || !won || [...q.changes].some(c => won.has(c)))
      .map(q => q.hint);
    for (const message of signals) {
      this.options.signals
        .publish({
          recipients: { type: 'broadcast' },
          channel: KUBERNETES_JOBS_SIGNAL_CHANNEL,
          message: { ...message },
        })
        .then(() => {
          if (this.failing) {
            this.failing = false;
            this.options.logger.info(
              'kubernetes-jobs: signals are delivered again',
            );
          }
        })
        .catch(error => {
          if (this.failing) return;
          this.failing = true;
          this.options.logger.warn(
            `kubernetes-jobs: could not publish a change signal (open pages may not show the change until they are reloaded): ${error.message}`,
          );
        });
    }
  }

  /**
   * The changes of `queued` whose hints this replica publishes; `undefined` (publish them all)
   * when the claims cannot be made: a hint told twice costs a refetch, one never told a stale
   * page.
   */
  private async claim(
    queued: Queued[],
  ): Promise<ReadonlySet<string> | undefined> {
    const { claims, logger } = this.options;
    const changes = new Set(queued.flatMap(q => [...(q.changes ?? [])]));
    if (!claims || !changes.size) return undefined;
    const timeoutMs = this.options.claimTimeoutMs ?? CLAIM_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    try {
      const won = await Promise.race([
        claims.claim([...changes]),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
      if (this.claimsFailing) {
        this.claimsFailing = false;
        logger.info(
          'kubernetes-jobs: change signals are shared out between replicas again',
        );
      }
      return won;
    } catch (error) {
      if (!this.claimsFailing) {
        this.claimsFailing = true;
        logger.warn(
          `kubernetes-jobs: cannot tell which replica signals a change, so this one signals all it sees (with several replicas, browsers get hints more than once): ${
            (error as Error).message
          }`,
        );
      }
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
