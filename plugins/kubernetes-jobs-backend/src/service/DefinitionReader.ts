import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import {
  ClusterError,
  DefinitionDetails,
  DefinitionListResponse,
  DefinitionLocation,
  DefinitionStats,
  DefinitionSummary,
  JobRun,
  RunHistoryPage,
  RunLocation,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { V1Job } from '@kubernetes/client-node';
import { ClusterCache } from '../cache/ClusterCache';
import { statusCodeOf } from '../errors';
import { WatchCaches } from '../cache/WatchCaches';
import { HISTORY_UNAVAILABLE } from '../database/ConnectingRunStore';
import { RunStore, definitionKeyString } from '../database/RunStore';
import { EntitySelector, selects } from './entitySelector';
import {
  DefinitionObject,
  computeStats,
  definitionRef,
  isDefinition,
  kindOf,
  runsFromJobs,
  toJobDefinition,
  toJobRun,
} from './model';
import { checkDefinition, definitionOfRun } from './ownership';

/** Options of {@link DefinitionReader}. */
export interface DefinitionReaderOptions {
  caches: WatchCaches;
  store: RunStore;
  logger: LoggerService;
  annotationKey: string;
  allowParallelRunsByDefault: boolean;
  /** Runs per page of history. */
  historyPageSize?: number;
  /** How long a read waits for a cluster's first list before answering without it. */
  syncTimeoutMs?: number;
}

interface Found {
  cluster: string;
  definition: DefinitionObject;
  selector?: EntitySelector;
}

/**
 * Every read: definitions, stats, history and runs, answered from the watch caches and the
 * run history, with no request to any apiserver and no write to the database.
 */
export class DefinitionReader {
  private historyDown = false;

  constructor(private readonly options: DefinitionReaderOptions) {}

  private get syncTimeoutMs() {
    return this.options.syncTimeoutMs ?? 10_000;
  }

  /** The definitions of one entity, with stats. A failing cluster is reported, not thrown. */
  async listForEntity(
    selector: EntitySelector,
  ): Promise<DefinitionListResponse> {
    const clusters = selector.cluster
      ? [selector.cluster]
      : this.options.caches.clusters();
    const found: Found[] = [];
    const errors: ClusterError[] = [];
    await Promise.all(
      clusters.map(async cluster => {
        try {
          const cache = this.options.caches.get(cluster);
          const definitions = await this.definitionsIn(
            cache,
            selector.namespace,
            errors,
          );
          for (const definition of definitions) {
            if (selects(selector, placeOf(cluster, definition))) {
              found.push({ cluster, definition, selector });
            }
          }
        } catch (error) {
          errors.push(clusterError(cluster, error));
        }
      }),
    );
    return this.summaries(found, errors, clusters);
  }

  /**
   * Every definition of every cluster, each attributed to the first entity whose selector
   * matches it. Definitions no entity claims are included only when `includeUnlinked`.
   */
  async listAll(
    selectors: EntitySelector[],
    options: { includeUnlinked: boolean },
  ): Promise<DefinitionListResponse> {
    const clusters = this.options.caches.clusters();
    const found: Found[] = [];
    const errors: ClusterError[] = [];
    await Promise.all(
      clusters.map(async cluster => {
        const cache = this.options.caches.get(cluster);
        // Where RBAC is namespaced, the namespaces that entities name for this cluster.
        cache.ensureNamespaces(
          selectors
            .filter(s => !s.cluster || s.cluster === cluster)
            .map(s => s.namespace)
            .filter((ns): ns is string => Boolean(ns)),
        );
        try {
          for (const definition of await this.definitionsIn(
            cache,
            undefined,
            errors,
          )) {
            const place = placeOf(cluster, definition);
            const selector = selectors.find(s => selects(s, place));
            if (selector || options.includeUnlinked) {
              found.push({ cluster, definition, selector });
            }
          }
        } catch (error) {
          errors.push(clusterError(cluster, error));
        }
      }),
    );
    return this.summaries(found, errors, clusters);
  }

  /** One definition of the entity, with stats over its whole history and the newest runs. */
  async getDefinition(
    selector: EntitySelector,
    location: DefinitionLocation,
  ): Promise<DefinitionDetails> {
    const cache = this.options.caches.get(location.cluster);
    const definition = await this.cachedDefinition(cache, selector, location);
    const key = keyOf(location.cluster, definition);
    const live = await this.liveRuns(cache, definition);
    const limit = this.options.historyPageSize ?? 50;
    try {
      const [stats, page] = await Promise.all([
        this.options.store.stats([key]),
        this.options.store.listRuns(key, { limit }),
      ]);
      this.historyBack();
      const recorded = new Set(page.runs.map(r => r.uid));
      const unrecorded = live.filter(r => !recorded.has(r.uid));
      return {
        definition: this.toDefinition(location.cluster, definition, selector),
        stats: this.withLiveLastRun(
          cache,
          stats.get(definitionKeyString(key))!,
        ),
        runs: [...unrecorded, ...page.runs.map(r => withLive(cache, r))],
        nextCursor: page.nextCursor,
      };
    } catch (error) {
      this.historyFailed(error);
      return {
        definition: this.toDefinition(location.cluster, definition, selector),
        stats: computeStats(live),
        runs: live.slice(0, limit),
        historyUnavailable: true,
      };
    }
  }

  /** A page of a definition's runs, newest first, including runs whose Job is gone. */
  async history(
    selector: EntitySelector,
    location: DefinitionLocation,
    options: { limit: number; cursor?: string },
  ): Promise<RunHistoryPage> {
    const cache = this.options.caches.get(location.cluster);
    const definition = await this.cachedDefinition(cache, selector, location);
    let page;
    try {
      page = await this.options.store.listRuns(
        keyOf(location.cluster, definition),
        { limit: options.limit, before: options.cursor },
      );
    } catch (error) {
      this.historyFailed(error);
      throw new ServiceUnavailableError(HISTORY_UNAVAILABLE);
    }
    return {
      items: page.runs.map(r => withLive(cache, r)),
      nextCursor: page.nextCursor,
    };
  }

  /** A run: live from the cache, or from history once its Job is gone. */
  async getRun(
    selector: EntitySelector,
    location: RunLocation,
  ): Promise<JobRun> {
    const cache = this.options.caches.get(location.cluster);
    const view = await cache.view(
      'Job',
      location.namespace,
      this.syncTimeoutMs,
    );
    if (view.problems.length) throw view.problems[0];
    const job = cache.get('Job', location.namespace, location.name);
    const record = await this.options.store.findRun(location).catch(error => {
      this.historyFailed(error);
      return undefined;
    });
    if (job) {
      const definition = await definitionOfRun(
        selector,
        location,
        job,
        async (kind, namespace, name) =>
          this.cachedDefinition(cache, selector, {
            cluster: location.cluster,
            namespace,
            kind,
            name,
          }),
        this.options.annotationKey,
      );
      const run = toJobRun(location.cluster, job, definitionRef(definition));
      return record?.uid === run.uid ? mergeLive(record, run) : run;
    }
    const definition =
      record &&
      cache.get(
        record.definitionKey.kind,
        record.definitionKey.namespace,
        record.definitionKey.name,
      );
    const belongs =
      record &&
      ((definition &&
        isDefinition(definition, this.options.annotationKey) &&
        selects(selector, placeOf(location.cluster, definition))) ||
        record.entityRef === selector.entityRef);
    if (!record || !belongs) {
      throw new NotFoundError(
        `Run '${location.name}' in namespace '${location.namespace}' on cluster '${location.cluster}' not found`,
      );
    }
    const { definitionKey: _key, entityRef: _ref, ...run } = record;
    return run;
  }

  private async definitionsIn(
    cache: ClusterCache,
    namespace: string | undefined,
    errors: ClusterError[],
  ): Promise<DefinitionObject[]> {
    const [jobs, cronJobs] = await Promise.all([
      cache.view('Job', namespace, this.syncTimeoutMs),
      cache.view('CronJob', namespace, this.syncTimeoutMs),
    ]);
    for (const problem of jobs.problems) {
      errors.push({ ...clusterError(cache.cluster, problem), kind: 'Job' });
    }
    for (const problem of cronJobs.problems) {
      errors.push({ ...clusterError(cache.cluster, problem), kind: 'CronJob' });
    }
    const annotationKey = this.options.annotationKey;
    return [
      ...jobs.items.filter(j => isDefinition(j, annotationKey)),
      ...cronJobs.items.filter(c => isDefinition(c, annotationKey)),
    ];
  }

  private async cachedDefinition(
    cache: ClusterCache,
    selector: EntitySelector,
    location: DefinitionLocation,
  ): Promise<DefinitionObject> {
    const view = await cache.view(
      location.kind,
      location.namespace,
      this.syncTimeoutMs,
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
    checkDefinition(selector, location, definition, this.options.annotationKey);
    return definition;
  }

  private async liveRuns(
    cache: ClusterCache,
    definition: DefinitionObject,
  ): Promise<JobRun[]> {
    const namespace = definition.metadata?.namespace;
    const { items } = await cache.view('Job', namespace, 0);
    return runsFromJobs(cache.cluster, definition, items);
  }

  private async summaries(
    found: Found[],
    errors: ClusterError[],
    clusters: string[],
  ): Promise<DefinitionListResponse> {
    const keys = found.map(f => keyOf(f.cluster, f.definition));
    let stats: Map<string, DefinitionStats> | undefined;
    try {
      stats = await this.options.store.stats(keys);
      this.historyBack();
    } catch (error) {
      this.historyFailed(error);
    }
    const fallbackRuns = stats ? undefined : await this.runsByOwner(found);
    const items: DefinitionSummary[] = found.map((f, i) => {
      const cache = this.options.caches.get(f.cluster);
      return {
        definition: this.toDefinition(f.cluster, f.definition, f.selector),
        stats: stats
          ? this.withLiveLastRun(
              cache,
              stats.get(definitionKeyString(keys[i]))!,
            )
          : computeStats(
              runsFromJobs(
                f.cluster,
                f.definition,
                fallbackRuns!.get(f.definition.metadata?.uid ?? '') ?? [],
              ),
            ),
      };
    });
    return {
      items: sortSummaries(items),
      errors,
      clusters: clusters
        .filter(c => this.options.caches.clusters().includes(c))
        .map(c => this.options.caches.get(c).status()),
      ...(stats ? {} : { historyUnavailable: true }),
    };
  }

  /** Without history: the Jobs the clusters still show, by owner, for stats from memory. */
  private async runsByOwner(found: Found[]): Promise<Map<string, V1Job[]>> {
    const byOwner = new Map<string, V1Job[]>();
    for (const cluster of new Set(found.map(f => f.cluster))) {
      const { items } = await this.options.caches
        .get(cluster)
        .view('Job', undefined, 0);
      for (const job of items) {
        const owners = [
          job.metadata?.uid,
          ...(job.metadata?.ownerReferences ?? []).map(r => r.uid),
        ];
        for (const uid of owners) {
          if (uid) byOwner.set(uid, [...(byOwner.get(uid) ?? []), job]);
        }
      }
    }
    return byOwner;
  }

  private withLiveLastRun(
    cache: ClusterCache,
    stats: DefinitionStats,
  ): DefinitionStats {
    return stats.lastRun
      ? { ...stats, lastRun: withLive(cache, stats.lastRun) }
      : stats;
  }

  private toDefinition(
    cluster: string,
    object: DefinitionObject,
    selector?: EntitySelector,
  ) {
    return toJobDefinition(cluster, object, {
      allowParallelRunsByDefault: this.options.allowParallelRunsByDefault,
      entityRef: selector?.entityRef,
      entityOwnerRef: selector?.ownerRef,
    });
  }

  /** History must not break the live view: said once when it fails, once when it is back. */
  private historyFailed(error: unknown): void {
    if (this.historyDown) return;
    this.historyDown = true;
    this.options.logger.error(
      `kubernetes-jobs: run history unavailable, answering from the clusters alone: ${
        (error as Error).message
      }`,
    );
  }

  private historyBack(): void {
    if (!this.historyDown) return;
    this.historyDown = false;
    this.options.logger.info('kubernetes-jobs: run history available again');
  }
}

function placeOf(cluster: string, object: DefinitionObject) {
  return {
    cluster,
    namespace: object.metadata?.namespace,
    labels: object.metadata?.labels,
  };
}

function keyOf(
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
function mergeLive(record: JobRun, live: JobRun): JobRun {
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
    killedAt: record.killedAt ?? live.killedAt,
    failureSummary: record.failureSummary,
    evidenceSavedAt: record.evidenceSavedAt,
    removedFromCluster: false,
  };
}

function withLive(cache: ClusterCache, record: JobRun): JobRun {
  const job = cache.get('Job', record.namespace, record.name);
  if (!job || job.metadata?.uid !== record.uid) return record;
  return mergeLive(record, toJobRun(cache.cluster, job, record.definition));
}

function sortSummaries(items: DefinitionSummary[]): DefinitionSummary[] {
  const id = (s: DefinitionSummary) =>
    [s.definition.cluster, s.definition.namespace, s.definition.name].join('/');
  return items.sort((a, b) => id(a).localeCompare(id(b)));
}

/** A cluster that could not be read, for the `errors` of a list. */
export function clusterError(cluster: string, error: unknown): ClusterError {
  return {
    cluster,
    message: (error as { message?: string })?.message ?? String(error),
    statusCode: statusCodeOf(error),
  };
}
