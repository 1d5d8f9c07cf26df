import { DefinitionLocation } from '@job-assistant/plugin-kubernetes-jobs-common';
import { V1Job } from '@kubernetes/client-node';
import { ClusterCache } from '../cache/ClusterCache';
import { CacheChange } from '../cache/watchTypes';
import { isDefinition, kindOf } from '../service/model';
import { definitionOf } from './definitionOf';

/** A definition a change concerns; `run` when the change was of that run only. */
export type ChangedDefinition = DefinitionLocation & { run?: string };

/**
 * The definitions a change the watch cache saw concerns: the definition itself (or what was a
 * definition until this change), and the definition a changed Job is a run of (naming the run).
 * The one reading of a change for everything that follows definitions: the stats kept, the
 * list version, the hints to browsers.
 */
export function changedDefinitions(
  cache: ClusterCache,
  change: CacheChange,
  annotationKey: string,
): ChangedDefinition[] {
  const { object } = change;
  const cluster = cache.cluster;
  const namespace = object.metadata?.namespace ?? '';
  const found: ChangedDefinition[] = [];
  const previous = change.type === 'upsert' ? change.previous : undefined;
  if (
    isDefinition(object, annotationKey) ||
    (previous && isDefinition(previous, annotationKey))
  ) {
    found.push({
      cluster,
      namespace,
      kind: change.kind,
      name: object.metadata?.name ?? '',
    });
  }
  if (change.kind === 'Job') {
    // A run, or the definition Job itself once it ran: a run of that definition.
    const definition = definitionOf(cache, object as V1Job, annotationKey);
    if (definition) {
      found.push({
        cluster,
        namespace,
        kind: kindOf(definition),
        name: definition.metadata?.name ?? '',
        run: object.metadata?.name ?? '',
      });
    }
  }
  return found;
}
