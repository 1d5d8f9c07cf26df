import { DefinitionKind } from '@job-assistant/plugin-kubernetes-jobs-common';
import { V1Job } from '@kubernetes/client-node';
import { ClusterCache } from '../cache/ClusterCache';
import {
  DefinitionObject,
  definitionJobHasRun,
  isDefinition,
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
  const owner = job.metadata?.ownerReferences?.find(
    ref =>
      ref.apiVersion === 'batch/v1' &&
      (ref.kind === 'Job' || ref.kind === 'CronJob'),
  );
  const namespace = job.metadata?.namespace;
  if (!owner || !namespace) return undefined;
  const definition = cache.get(
    owner.kind as DefinitionKind,
    namespace,
    owner.name,
  );
  if (
    !definition ||
    definition.metadata?.uid !== owner.uid ||
    !isDefinition(definition, annotationKey)
  ) {
    return undefined;
  }
  return definition;
}
