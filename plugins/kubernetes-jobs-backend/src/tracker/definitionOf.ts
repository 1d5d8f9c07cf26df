import { DefinitionKind } from '@job-assistant/plugin-kubernetes-jobs-common';
import { V1Job } from '@kubernetes/client-node';
import { ClusterCache } from '../cache/ClusterCache';
import {
  DefinitionObject,
  definitionJobHasRun,
  definitionOwnerRef,
  isDefinition,
  isRunOf,
} from '../service/model';

/**
 * The definition a Job is a run of, from memory: the definition Job itself when it ran, or the
 * Job or CronJob its owner reference names, when that is a definition with the same uid.
 */
export function definitionOf(
  cache: ClusterCache,
  job: V1Job,
  annotationKey: string,
): DefinitionObject | undefined {
  if (isDefinition(job, annotationKey)) {
    return definitionJobHasRun(job) ? job : undefined;
  }
  const owner = definitionOwnerRef(job);
  const namespace = job.metadata?.namespace;
  if (!owner || !namespace) return undefined;
  const definition = cache.get(
    owner.kind as DefinitionKind,
    namespace,
    owner.name,
  );
  return definition &&
    isDefinition(definition, annotationKey) &&
    isRunOf(job, definition)
    ? definition
    : undefined;
}
