import { NotFoundError } from '@backstage/errors';
import {
  DefinitionLocation,
  JobRun,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { ClusterCache } from '../cache/ClusterCache';
import { WatchCaches } from '../cache/WatchCaches';
import { RunStore } from '../database/RunStore';
import { EntitySelector } from './entitySelector';
import { HistoryHealth } from './HistoryHealth';
import { DefinitionObject, kindOf, toJobRun } from './model';
import { checkDefinition } from './ownership';

/*
 * What the definition reader and the run reader share: a definition from the watch cache,
 * checked against the entity, and a recorded run with what its cluster shows now.
 */

/** What every reader is given. */
export interface CachedReadsOptions {
  caches: WatchCaches;
  store: RunStore;
  /** Shared by the readers, so that history failing (and coming back) is logged once. */
  history: HistoryHealth;
  annotationKey: string;
  /** How long a read waits for a cluster's first list before answering without it. */
  syncTimeoutMs?: number;
}

/** How long a read waits for a cluster's first list (10 s unless configured). */
export function syncTimeoutOf(options: CachedReadsOptions): number {
  return options.syncTimeoutMs ?? 10_000;
}

/** A definition of the entity from the cache; NotFound when the cache does not hold it. */
export async function cachedDefinition(
  options: CachedReadsOptions,
  cache: ClusterCache,
  selector: EntitySelector,
  location: DefinitionLocation,
): Promise<DefinitionObject> {
  const view = await cache.view(
    location.kind,
    location.namespace,
    syncTimeoutOf(options),
  );
  if (view.problems.length) throw view.problems[0];
  const definition = cache.get(
    location.kind,
    location.namespace,
    location.name,
  );
  if (!definition) {
    throw new NotFoundError(
      `Not found: ${location.kind} '${location.name}' in namespace '${location.namespace}' on cluster '${location.cluster}'`,
    );
  }
  checkDefinition(selector, location, definition, options.annotationKey);
  return definition;
}

/** Where an object is, as an entity's selector reads it. */
export function placeOf(cluster: string, object: DefinitionObject) {
  return {
    cluster,
    namespace: object.metadata?.namespace,
    labels: object.metadata?.labels,
  };
}

/** The history key of a definition. */
export function keyOf(
  cluster: string,
  definition: DefinitionObject,
): DefinitionLocation {
  return {
    cluster,
    namespace: definition.metadata?.namespace ?? '',
    kind: kindOf(definition),
    name: definition.metadata?.name ?? '',
  };
}

/**
 * A recorded run with what the cluster shows now (state, pods), keeping who did what from the
 * record: the backend wrote it when it acted.
 */
export function mergeLive(record: JobRun, live: JobRun): JobRun {
  const trigger = record.trigger ?? live.trigger;
  return {
    ...live,
    triggeredBy: record.triggeredBy,
    triggeredAt: record.triggeredAt ?? live.triggeredAt,
    trigger,
    claimedTriggeredBy:
      trigger === 'portal'
        ? undefined
        : record.claimedTriggeredBy ?? live.claimedTriggeredBy,
    killedBy: record.killedBy,
    approvedBy: record.approvedBy,
    requestId: record.requestId,
    killedAt: record.killedAt ?? live.killedAt,
    failureSummary: record.failureSummary,
    evidenceSavedAt: record.evidenceSavedAt,
    removedFromCluster: false,
  };
}

/** A recorded run, merged with its Job when the cache still holds that very Job. */
export function withLive(cache: ClusterCache, record: JobRun): JobRun {
  const job = cache.get('Job', record.namespace, record.name);
  if (!job || job.metadata?.uid !== record.uid) return record;
  return mergeLive(record, toJobRun(cache.cluster, job, record.definition));
}
