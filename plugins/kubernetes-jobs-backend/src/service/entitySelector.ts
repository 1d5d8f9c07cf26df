import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { AuthService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { ENTITY_ANNOTATIONS } from '@job-assistant/plugin-kubernetes-jobs-common';
import { LabelSelector } from './labelSelector';

/**
 * The catalog filter for the entities that may own Jobs: those with a Kubernetes id or label
 * selector annotation (either one: the filter's entries are alternatives).
 */
export const KUBERNETES_ENTITIES_FILTER = [
  {
    [`metadata.annotations.${ENTITY_ANNOTATIONS.kubernetesId}`]:
      CATALOG_FILTER_EXISTS,
  },
  {
    [`metadata.annotations.${ENTITY_ANNOTATIONS.labelSelector}`]:
      CATALOG_FILTER_EXISTS,
  },
];

/**
 * Which Kubernetes objects belong to a catalog entity, following Backstage's Kubernetes plugin:
 * `backstage.io/kubernetes-label-selector` wins over `backstage.io/kubernetes-id`, and the
 * namespace / cluster annotations narrow the search.
 */
export interface EntitySelector {
  entityRef: string;
  /** The entity's owner (`spec.owner`) as a full entity ref, when it has one. */
  ownerRef?: string;
  labelSelector: LabelSelector;
  namespace?: string;
  cluster?: string;
}

/**
 * Selectors already worked out, by everything they are made of: a list reads every entity
 * the caller may see on each request (500 in an organisation of 100,000 Jobs), and parsing
 * each selector again cost more than the rest of an unchanged answer. Bounded: emptied when
 * full.
 */
const known = new Map<string, EntitySelector | undefined>();
const MAX_KNOWN = 20_000;

/** The entity's selector, or undefined when it has no Kubernetes annotations. */
export function entitySelectorOf(entity: Entity): EntitySelector | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  // JSON, so that no value can pass for another's (an annotation may hold any text).
  const key = JSON.stringify([
    entity.kind,
    entity.metadata.namespace ?? null,
    entity.metadata.name,
    annotations[ENTITY_ANNOTATIONS.labelSelector] ?? '',
    annotations[ENTITY_ANNOTATIONS.kubernetesId] ?? '',
    annotations[ENTITY_ANNOTATIONS.namespace] ?? '',
    annotations[ENTITY_ANNOTATIONS.cluster] ?? '',
    typeof owner === 'string' ? owner : '',
  ]);
  if (known.has(key)) return known.get(key);
  const selector = workOutSelector(entity); // throws for an invalid selector: not kept
  if (known.size >= MAX_KNOWN) known.clear();
  known.set(key, selector);
  return selector;
}

function workOutSelector(entity: Entity): EntitySelector | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const entityRef = stringifyEntityRef(entity);
  const custom = annotations[ENTITY_ANNOTATIONS.labelSelector];
  const id = annotations[ENTITY_ANNOTATIONS.kubernetesId];
  let source: string;
  if (custom) {
    source = custom;
  } else if (id) {
    source = `${ENTITY_ANNOTATIONS.kubernetesId}=${id}`;
  } else {
    return undefined;
  }
  let labelSelector: LabelSelector;
  try {
    labelSelector = LabelSelector.parse(source);
  } catch (e) {
    throw new InputError(
      `Entity ${entityRef} has an invalid Kubernetes selector: ${
        (e as Error).message
      }`,
    );
  }
  return Object.freeze({
    entityRef,
    ownerRef: ownerRefOf(entity),
    labelSelector,
    namespace: annotations[ENTITY_ANNOTATIONS.namespace] || undefined,
    cluster: annotations[ENTITY_ANNOTATIONS.cluster] || undefined,
  });
}

/** Whether an object (by cluster, namespace and labels) belongs to the entity. */
export function selects(
  selector: EntitySelector,
  object: {
    cluster: string;
    namespace?: string;
    labels?: Record<string, string>;
  },
): boolean {
  if (selector.cluster && selector.cluster !== object.cluster) return false;
  if (selector.namespace && selector.namespace !== object.namespace) {
    return false;
  }
  return selector.labelSelector.matches(object.labels);
}

function ownerRefOf(entity: Entity): string | undefined {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string' || !owner) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/**
 * Resolves an entity's selector as the backend itself (not a user): for work the backend does on
 * its own later, such as starting a run request at its time.
 */
export function selectorLookup(
  catalog: CatalogService,
  auth: AuthService,
): (entityRef: string) => Promise<EntitySelector | undefined> {
  return async entityRef => {
    const entity = await catalog.getEntityByRef(entityRef, {
      credentials: await auth.getOwnServiceCredentials(),
    });
    return entity ? entitySelectorOf(entity) : undefined;
  };
}
