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
    const definition = definitionOf(cache, object as V1Job, annotationKey);
    if (definition && definition !== object) {
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
