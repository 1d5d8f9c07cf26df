import { Entity } from '@backstage/catalog-model';
import { ENTITY_ANNOTATIONS } from '@job-assistant/plugin-kubernetes-jobs-common';

/**
 * Whether an entity is linked to Kubernetes the way Backstage's Kubernetes plugin expects
 * (`backstage.io/kubernetes-id` or `backstage.io/kubernetes-label-selector`), so that it
 * can have Jobs. Use it as the `if` of the Jobs tab.
 *
 * @public
 */
export function isKubernetesJobsAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[ENTITY_ANNOTATIONS.kubernetesId]?.trim() ||
      annotations[ENTITY_ANNOTATIONS.labelSelector]?.trim(),
  );
}
