import { AuthService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { WatchCaches } from '../cache/WatchCaches';
import { definitionKeyString } from '../database/RunStore';
import {
  KUBERNETES_ENTITIES_FILTER,
  entitySelectorOf,
  selects,
} from '../service/entitySelector';
import { DefinitionEntities } from './SlowRunNotifier';

/**
 * The catalog entities whose Kubernetes selector picks each definition (as an entity's Jobs tab
 * finds them), read as the backend itself: one catalog query for all the definitions asked
 * about, labels from the watch caches. For runs no one started from an entity.
 */
export function definitionEntities(options: {
  catalog: CatalogService;
  auth: AuthService;
  caches: Pick<WatchCaches, 'clusters' | 'get'>;
}): DefinitionEntities {
  const { catalog, auth, caches } = options;
  return async keys => {
    const found = new Map<string, string[]>();
    const objects = keys.flatMap(key => {
      if (!caches.clusters().includes(key.cluster)) return [];
      const object = caches
        .get(key.cluster)
        .get(key.kind, key.namespace, key.name);
      return object ? [{ key, labels: object.metadata?.labels }] : [];
    });
    if (!objects.length) return found;
    const { items } = await catalog.getEntities(
      {
        filter: KUBERNETES_ENTITIES_FILTER,
        fields: ['kind', 'metadata', 'spec.owner'],
      },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    for (const entity of items) {
      let selector;
      try {
        selector = entitySelectorOf(entity);
      } catch {
        continue; // a broken selector hides only its own entity
      }
      if (!selector) continue;
      for (const { key, labels } of objects) {
        if (
          selects(selector, {
            cluster: key.cluster,
            namespace: key.namespace,
            labels,
          })
        ) {
          const id = definitionKeyString(key);
          found.set(id, [...(found.get(id) ?? []), selector.entityRef]);
        }
      }
    }
    return found;
  };
}
