import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  DefinitionKind,
  DefinitionLocation,
  RunLocation,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { V1Job } from '@kubernetes/client-node';
import { ClusterCache } from '../cache/ClusterCache';
import { ClusterClient } from '../cluster/ClusterClient';
import { EntitySelector, selects } from './entitySelector';
import {
  DefinitionObject,
  definitionJobHasRun,
  definitionOwnerRef,
  isDefinition,
  isRunOf,
} from './model';

/**
 * Checks an object is a definition, and that it belongs to the entity the request names: a
 * request cannot reach another entity's definitions by naming its own entity.
 */
export function checkDefinition(
  selector: EntitySelector,
  location: DefinitionLocation,
  object: DefinitionObject,
  annotationKey: string,
): void {
  const where = `${location.kind} '${location.name}' in namespace '${location.namespace}' on cluster '${location.cluster}'`;
  if (!isDefinition(object, annotationKey)) {
    throw new NotFoundError(
      `${where} is not a runnable definition (it lacks the annotation ${annotationKey}: enable)`,
    );
  }
  if (
    !selects(selector, {
      cluster: location.cluster,
      namespace: location.namespace,
      labels: object.metadata?.labels,
    })
  ) {
    throw new NotAllowedError(
      `${where} does not belong to ${selector.entityRef}`,
    );
  }
}

/** Reads a definition fresh from the cluster and checks it (Run reads before acting). */
export async function readDefinition(
  client: ClusterClient,
  selector: EntitySelector,
  location: DefinitionLocation,
  annotationKey: string,
): Promise<DefinitionObject> {
  const object =
    location.kind === 'CronJob'
      ? await client.readCronJob(location.namespace, location.name)
      : await client.readJob(location.namespace, location.name);
  checkDefinition(selector, location, object, annotationKey);
  return object;
}

/** Where to find the definition of a run: itself, or its owner. */
export type DefinitionLookup = (
  kind: DefinitionKind,
  namespace: string,
  name: string,
) => Promise<DefinitionObject>;

/** A lookup that reads each definition fresh from the cluster and checks it against the entity. */
export function freshDefinitionLookup(
  client: ClusterClient,
  selector: EntitySelector,
  annotationKey: string,
): DefinitionLookup {
  return (kind, namespace, name) =>
    readDefinition(
      client,
      selector,
      { cluster: client.cluster, namespace, kind, name },
      annotationKey,
    );
}

/**
 * A lookup that takes the definition of `run` from the watch cache, which holds every definition
 * (Stop acts on the run, read fresh; its definition only says whose the run is), and reads it
 * fresh where the cache cannot tell: not synced yet, possibly out of date, or holding an earlier
 * definition of that name.
 */
export function watchedDefinitionLookup(
  cache: ClusterCache,
  run: V1Job,
  fresh: DefinitionLookup,
): DefinitionLookup {
  return async (kind, namespace, name) => {
    const cached = cache.isCurrent(kind, namespace)
      ? cache.get(kind, namespace, name)
      : undefined;
    return cached && isRunOf(run, cached)
      ? cached
      : fresh(kind, namespace, name);
  };
}

/**
 * The definition a run Job belongs to (through its owner reference, or itself when it is a
 * definition that ran), checked against the entity.
 */
export async function definitionOfRun(
  selector: EntitySelector,
  location: RunLocation,
  job: V1Job,
  lookup: DefinitionLookup,
  annotationKey: string,
): Promise<DefinitionObject> {
  const where = `Job '${location.name}' in namespace '${location.namespace}' on cluster '${location.cluster}'`;
  if (isDefinition(job, annotationKey)) {
    // A definition that ran counts as its own first run.
    checkDefinition(selector, { ...location, kind: 'Job' }, job, annotationKey);
    if (!definitionJobHasRun(job)) {
      throw new NotFoundError(`${where} is a definition that has not run`);
    }
    return job;
  }
  const owner = definitionOwnerRef(job);
  if (!owner) {
    throw new NotFoundError(`${where} is not a run of any definition`);
  }
  const kind = owner.kind as DefinitionKind;
  const definition = await lookup(kind, location.namespace, owner.name);
  checkDefinition(
    selector,
    { ...location, kind, name: owner.name },
    definition,
    annotationKey,
  );
  if (!isRunOf(job, definition)) {
    throw new NotFoundError(
      `${where} belongs to an earlier ${owner.kind} '${owner.name}' that no longer exists`,
    );
  }
  return definition;
}
