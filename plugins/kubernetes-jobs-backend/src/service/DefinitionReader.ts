import type { ApprovalRule } from '../config';
import {
  ClusterError,
  DefinitionDetails,
  DefinitionListResponse,
  DefinitionLocation,
  DefinitionPageQuery,
  DefinitionStats,
  DefinitionSummary,
  JobDefinition,
  JobRun,
  matchesLastRun,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { V1Job } from '@kubernetes/client-node';
import { ClusterCache } from '../cache/ClusterCache';
import { definitionKeyString } from '../database/RunStore';
import { statusCodeOf } from '../errors';
import {
  CachedReadsOptions,
  cachedDefinition,
  keyOf,
  placeOf,
  syncTimeoutOf,
  withLive,
} from './cachedReads';
import { EntitySelector, selects } from './entitySelector';
import { lastRunTime, pageRows } from './definitionPage';
import {
  Found,
  PageBase,
  Row,
  definitionFilters,
  pageBase,
  sortFound,
} from './pageBase';
import { CurrentVersionMap, ListVersion } from './ListVersion';
import {
  DefinitionObject,
  computeStats,
  runsFromJobs,
  toJobDefinition,
} from './model';

/** Options of {@link DefinitionReader}. */
export interface DefinitionReaderOptions extends CachedReadsOptions {
  allowParallelRunsByDefault: boolean;
  /** `kubernetesJobs.approvals`: shown with each definition as the approval it needs. */
  approvals?: ApprovalRule[];
  /** Runs shown with a definition, before its history is paged. */
  historyPageSize?: number;
  /** Reads stats (kept between reads, say); the store's own by default. */
  stats?: (keys: DefinitionLocation[]) => Promise<Map<string, DefinitionStats>>;
  /**
   * Keeps what a page builds from the definitions alone (who may see which, filters, the name
   * order) while no definition changes; without it, every page is built whole.
   */
  version?: Pick<ListVersion, 'definitionsKey'>;
}

/** How many scopes and questions are kept per definitions version. */
const MAX_KEPT = 200;

/**
 * Definitions and their stats: an entity's, every entity's, or one with its newest runs,
 * answered from the watch caches and the run history, with no request to any apiserver and no
 * write to the database. A failing cluster is reported in the answer, next to the others.
 */
export class DefinitionReader {
  constructor(private readonly options: DefinitionReaderOptions) {}

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
    options: {
      includeUnlinked: boolean;
      /** The entities whose Jobs the caller may see; a definition of another is left out. */
      readable?: Set<string>;
      /** One page (filtered, sorted, from a cursor) instead of everything. */
      page?: DefinitionPageQuery;
      /**
       * Stands for the caller's scope (selectors, readable, includeUnlinked): with a version,
       * a page is built from what was kept for the same scope while no definition changed.
       */
      scopeKey?: string;
    },
  ): Promise<DefinitionListResponse> {
    const clusters = this.options.caches.clusters();
    const { page, scopeKey } = options;
    const version = this.options.version;
    const kept = (part: unknown) =>
      page && scopeKey && version
        ? version.definitionsKey(scopeKey, part)
        : undefined;
    const baseKey = kept(['page', definitionFilters(page)]);
    const base = baseKey ? this.bases.get(baseKey) : undefined;
    if (base) {
      return this.page(base, [], clusters, page!);
    }
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
            const visible = selector
              ? !options.readable || options.readable.has(selector.entityRef)
              : options.includeUnlinked;
            if (visible) {
              found.push({ cluster, definition, selector });
            }
          }
        } catch (error) {
          errors.push(clusterError(cluster, error));
        }
      }),
    );
    if (!page) return this.summaries(sortFound(found), errors, clusters);
    const built = pageBase(found, page, (cluster, definition, selector) =>
      this.toDefinition(cluster, definition, selector),
    );
    // A cluster that could not be read is asked again next time, not kept.
    if (baseKey && !errors.length) this.bases.set(baseKey, built);
    return this.page(built, errors, clusters, page);
  }

  /** Page bases by definitions key, of the current definitions version only. */
  private readonly bases = new CurrentVersionMap<PageBase>(MAX_KEPT);

  /**
   * One page of `base`: sorted and cut at the cursor with the definitions alone; stats are read
   * for the page's rows only (for every match only when the last-run filter or sort needs
   * them). Paging and counts come after authorization: a page never shows, and a total never
   * counts, what the caller may not see.
   */
  private async page(
    base: PageBase,
    errors: ClusterError[],
    clusters: string[],
    query: DefinitionPageQuery,
  ): Promise<DefinitionListResponse> {
    const byLastRun = query.sort === 'lastRun';
    let matching: Row[] = byLastRun
      ? base.byLastRun ?? base.matching
      : base.matching;
    let stats: Map<string, DefinitionStats> | undefined;
    let lastRunAt: ((r: Row) => number | undefined) | undefined;
    if (query.state || byLastRun) {
      stats = await this.statsOrNothing(matching.map(r => r.key));
      const of = (r: Row) => stats?.get(r.statsId);
      if (query.state) {
        matching = matching.filter(r => matchesLastRun(of(r), query.state));
      }
      lastRunAt = r => lastRunTime(of(r));
    }
    const {
      rows: shown,
      nextCursor,
      ordered,
    } = pageRows(matching, query, lastRunAt);
    if (byLastRun && !query.state) base.byLastRun = ordered;
    const answer = await this.summaries(
      shown.map(r => r.found),
      errors,
      clusters,
      stats,
    );
    return {
      ...answer,
      total: matching.length,
      available: base.rows.length,
      ...(nextCursor ? { nextCursor } : {}),
      facets: base.facets,
    };
  }

  /**
   * When each definition's last run was created, from kept stats (read when not kept);
   * undefined for each when history cannot be read.
   */
  async lastRunTimes(
    keys: DefinitionLocation[],
  ): Promise<Map<string, number | undefined> | undefined> {
    const stats = await this.statsOrNothing(keys);
    if (!stats) return undefined;
    return new Map(
      keys.map(key => {
        const id = definitionKeyString(key);
        return [id, lastRunTime(stats.get(id))];
      }),
    );
  }

  private readStats(
    keys: DefinitionLocation[],
  ): Promise<Map<string, DefinitionStats>> {
    return this.options.stats
      ? this.options.stats(keys)
      : this.options.store.stats(keys);
  }

  private async statsOrNothing(
    keys: DefinitionLocation[],
  ): Promise<Map<string, DefinitionStats> | undefined> {
    try {
      const stats = await this.readStats(keys);
      this.options.history.answered();
      return stats;
    } catch (error) {
      this.options.history.failed(error);
      return undefined;
    }
  }

  /** One definition of the entity, with stats over its whole history and the newest runs. */
  async getDefinition(
    selector: EntitySelector,
    location: DefinitionLocation,
  ): Promise<DefinitionDetails> {
    const cache = this.options.caches.get(location.cluster);
    const definition = await cachedDefinition(
      this.options,
      cache,
      selector,
      location,
    );
    const key = keyOf(location.cluster, definition);
    const live = await this.liveRuns(cache, definition);
    const limit = this.options.historyPageSize ?? 50;
    try {
      const [stats, page] = await Promise.all([
        this.readStats([key]),
        this.options.store.listRuns(key, { limit }),
      ]);
      this.options.history.answered();
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
      this.options.history.failed(error);
      return {
        definition: this.toDefinition(location.cluster, definition, selector),
        stats: computeStats(live),
        runs: live.slice(0, limit),
        historyUnavailable: true,
      };
    }
  }

  private async definitionsIn(
    cache: ClusterCache,
    namespace: string | undefined,
    errors: ClusterError[],
  ): Promise<DefinitionObject[]> {
    const [jobs, cronJobs] = await Promise.all([
      cache.definitions('Job', namespace, syncTimeoutOf(this.options)),
      cache.definitions('CronJob', namespace, syncTimeoutOf(this.options)),
    ]);
    for (const problem of jobs.problems) {
      errors.push({ ...clusterError(cache.cluster, problem), kind: 'Job' });
    }
    for (const problem of cronJobs.problems) {
      errors.push({ ...clusterError(cache.cluster, problem), kind: 'CronJob' });
    }
    return [...jobs.items, ...cronJobs.items];
  }

  private async liveRuns(
    cache: ClusterCache,
    definition: DefinitionObject,
  ): Promise<JobRun[]> {
    const namespace = definition.metadata?.namespace;
    const { items } = await cache.view('Job', namespace, 0);
    return runsFromJobs(cache.cluster, definition, items);
  }

  /** `found` with their stats, in the order given (read unless `known` has them). */
  private async summaries(
    found: Found[],
    errors: ClusterError[],
    clusters: string[],
    known?: Map<string, DefinitionStats>,
  ): Promise<DefinitionListResponse> {
    const keys = found.map(f => keyOf(f.cluster, f.definition));
    const stats = known ?? (await this.statsOrNothing(keys));
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
      items,
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

  /**
   * The stats with their last run as the cluster shows it now. Remembered per kept stats and
   * cached Job: both are replaced when they change, so while neither does the answer is the
   * same, and a list of a thousand does not merge a thousand runs again.
   */
  private withLiveLastRun(
    cache: ClusterCache,
    stats: DefinitionStats,
  ): DefinitionStats {
    const last = stats.lastRun;
    if (!last) return stats;
    const job = cache.get('Job', last.namespace, last.name);
    const known = this.live.get(stats);
    if (known && known.job === job) return known.stats;
    const live = { ...stats, lastRun: withLive(cache, last) };
    this.live.set(stats, { job, stats: live });
    return live;
  }

  private readonly live = new WeakMap<
    DefinitionStats,
    { job: unknown; stats: DefinitionStats }
  >();

  /**
   * The definition as the API shows it, remembered per cached object: the watch cache replaces
   * an object when it changes, so the same object reads the same until its entity, its owner or
   * (for a CronJob) its next scheduled time changes. A list of 1,000 definitions does not parse
   * 1,000 sets of annotations per request.
   */
  private toDefinition(
    cluster: string,
    object: DefinitionObject,
    selector?: EntitySelector,
  ): JobDefinition {
    const entityRef = selector?.entityRef;
    const ownerRef = selector?.ownerRef;
    const known = this.shown.get(object);
    const next = known?.definition.nextScheduleTime;
    if (
      known &&
      known.definition.entityRef === entityRef &&
      known.definition.entityOwnerRef === ownerRef &&
      (!next || Date.parse(next) > Date.now())
    ) {
      return known.definition;
    }
    const definition = toJobDefinition(cluster, object, {
      allowParallelRunsByDefault: this.options.allowParallelRunsByDefault,
      approvals: this.options.approvals,
      entityRef,
      entityOwnerRef: ownerRef,
    });
    this.shown.set(object, { definition });
    return definition;
  }

  private readonly shown = new WeakMap<object, { definition: JobDefinition }>();
}

/** A cluster that could not be read, for the `errors` of a list. */
function clusterError(cluster: string, error: unknown): ClusterError {
  return {
    cluster,
    message: (error as { message?: string })?.message ?? String(error),
    statusCode: statusCodeOf(error),
  };
}
