import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { entitySelectorOf } from './entitySelector';
import { WatchCaches } from '../cache/WatchCaches';
import { KubernetesEntities } from './KubernetesEntities';

/**
 * Tells the watch caches which namespaces entities name for each cluster, so that where a
 * cluster's RBAC is namespaced, those namespaces are watched (and their runs tracked) from
 * the start, not only once someone opens a tab. The entities are the plugin's copy of those
 * that name Kubernetes objects (read with its own credentials), at start and every few minutes.
 */
export async function watchNamespacesThatEntitiesName(options: {
  entities: Pick<KubernetesEntities, 'current'>;
  caches: WatchCaches;
  scheduler: SchedulerService;
  logger: LoggerService;
}): Promise<void> {
  const { entities, caches, scheduler, logger } = options;
  await scheduler.scheduleTask({
    id: 'kubernetes-jobs-entity-namespaces',
    frequency: { minutes: 5 },
    timeout: { minutes: 2 },
    scope: 'local', // every replica watches
    fn: async () => {
      const items = (await entities.current()).entities;
      const known = new Set(caches.clusters());
      for (const entity of items) {
        let selector;
        try {
          selector = entitySelectorOf(entity);
        } catch {
          continue; // a broken selector hides only its own entity's Jobs
        }
        if (!selector?.namespace) continue;
        const clusters = selector.cluster ? [selector.cluster] : [...known];
        for (const cluster of clusters) {
          if (known.has(cluster)) {
            caches.get(cluster).ensureNamespaces([selector.namespace]);
          }
        }
      }
      logger.debug(
        `kubernetes-jobs: ${items.length} entities name Kubernetes objects`,
      );
    },
  });
}
