import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  ClusterStatus,
  DefinitionKind,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { ClusterClientFactory } from '../cluster/ClusterClient';
import { ClusterCache, ClusterCacheListener } from './ClusterCache';
import { CacheChange, WatchTiming } from './watchTypes';
import { Summary } from './summaries';

/**
 * The watch caches of every configured cluster, started with the plugin: reads are answered
 * from them, and the run tracker and the push of changes listen to them.
 */
export class WatchCaches {
  private readonly caches = new Map<string, ClusterCache>();
  private readonly listeners: ClusterCacheListener[] = [];

  constructor(
    clusters: string[],
    options: {
      client: ClusterClientFactory;
      annotationKey: string;
      logger: LoggerService;
      timing?: WatchTiming;
    },
  ) {
    const fanOut: ClusterCacheListener = {
      onChange: (cluster: string, change: CacheChange) => {
        for (const l of this.listeners) {
          try {
            l.onChange(cluster, change);
          } catch (error) {
            options.logger.error(
              `kubernetes-jobs: handling a change on cluster '${cluster}' failed: ${error}`,
            );
          }
        }
      },
      onSynced: (cluster, scope, items, listedAt) => {
        for (const l of this.listeners) {
          try {
            l.onSynced(cluster, scope, items, listedAt);
          } catch (error) {
            options.logger.error(
              `kubernetes-jobs: handling a list of cluster '${cluster}' failed: ${error}`,
            );
          }
        }
      },
      onHealth: (cluster, status) => {
        for (const l of this.listeners) {
          try {
            l.onHealth?.(cluster, status);
          } catch (error) {
            options.logger.error(
              `kubernetes-jobs: handling a status change of cluster '${cluster}' failed: ${error}`,
            );
          }
        }
      },
    };
    for (const cluster of clusters) {
      this.caches.set(
        cluster,
        new ClusterCache(cluster, {
          client: () => options.client(cluster),
          annotationKey: options.annotationKey,
          listener: fanOut,
          logger: options.logger,
          timing: options.timing,
        }),
      );
    }
  }

  /** Listeners hear every change; add them before `start`. */
  subscribe(listener: ClusterCacheListener): void {
    this.listeners.push(listener);
  }

  start(): void {
    for (const cache of this.caches.values()) cache.start();
  }

  stop(): void {
    for (const cache of this.caches.values()) cache.stop();
  }

  clusters(): string[] {
    return [...this.caches.keys()];
  }

  get(cluster: string): ClusterCache {
    const cache = this.caches.get(cluster);
    if (!cache) {
      throw new NotFoundError(`Cluster '${cluster}' is not configured`);
    }
    return cache;
  }

  /** An object this backend just wrote. */
  observe(cluster: string, kind: DefinitionKind, object: Summary): void {
    this.caches.get(cluster)?.observe(kind, object);
  }

  statuses(clusters: string[] = this.clusters()): ClusterStatus[] {
    return clusters.map(c => this.get(c).status());
  }
}
