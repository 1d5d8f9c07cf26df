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

/** Hints for the same definition or run within this window go out once. */
const COALESCE_MS = 50;

/**
 * Announces changes to browsers with Backstage signals, as hints: a hint names the definition
 * (and the run) that changed and carries no Job data, because signals reach every socket
 * without a permission check. The browser refetches through the permission-checked API.
 */
export class ChangeSignals implements ClusterCacheListener {
  private readonly queued = new Map<string, KubernetesJobsHint>();
  private timer?: NodeJS.Timeout;
  private failing = false;

  constructor(
    private readonly options: {
      caches: WatchCaches;
      signals: SignalsService;
      annotationKey: string;
      logger: LoggerService;
    },
  ) {}

  onChange(cluster: string, change: CacheChange): void {
    if (change.initial) return; // the first list after start is not news
    for (const changed of changedDefinitions(
      this.options.caches.get(cluster),
      change,
      this.options.annotationKey,
    )) {
      this.enqueue({
        type: changed.run === undefined ? 'definition' : 'run',
        cluster,
        namespace: changed.namespace,
        definitionKind: changed.kind,
        definitionName: changed.name,
        ...(changed.run === undefined ? {} : { run: changed.run }),
      });
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

  stop(): void {
    clearTimeout(this.timer);
    this.queued.clear();
  }

  private enqueue(signal: KubernetesJobsHint): void {
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
    this.queued.set(id, signal);
    this.timer ??= setTimeout(() => this.flush(), COALESCE_MS);
  }

  private flush(): void {
    this.timer = undefined;
    const signals = [...this.queued.values()];
    this.queued.clear();
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
            `kubernetes-jobs: could not publish a change signal (browsers fall back to refreshing): ${error.message}`,
          );
        });
    }
  }
}
