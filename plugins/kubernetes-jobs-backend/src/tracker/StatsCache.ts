import {
  DefinitionLocation,
  DefinitionStats,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { ClusterCacheListener } from '../cache/ClusterCache';
import { CacheChange } from '../cache/watchTypes';
import { WatchCaches } from '../cache/WatchCaches';
import { definitionKeyString } from '../database/RunStore';
import { intern } from '../cache/summaries';
import { changedDefinitions } from './changedDefinitions';

/** How long kept stats are trusted at most: another replica's writes are heard of no later. */
const TRUST_MS = 60_000;

/** Fields of a kept last run whose values repeat across definitions: one copy of each. */
const REPEATED_FIELDS = new Set([
  'cluster',
  'namespace',
  'kind',
  'state',
  'trigger',
  'triggeredBy',
  'claimedTriggeredBy',
  'killedBy',
]);

/** Parts of kept stats that many definitions have alike (counts, a record's pod counts). */
const sharedParts = new Map<string, object>();
const MAX_SHARED_PARTS = 1_000;

function sharedPart<T extends object>(value: T): T {
  const key = JSON.stringify(value);
  let found = sharedParts.get(key) as T | undefined;
  if (!found) {
    if (sharedParts.size >= MAX_SHARED_PARTS) sharedParts.clear();
    found = Object.freeze(value);
    sharedParts.set(key, found);
  }
  return found;
}

/**
 * Stats as they are kept, a copy that reads and serializes the same in less room: no
 * properties left undefined (as the API's JSON never shows them), one copy of the strings
 * that repeat (cluster, namespace, state, who triggered), the counts shared by the
 * definitions that have the same, and a last run triggered when it was created holding one
 * string for both times. What is kept is never modified; the shared parts are frozen.
 */
function compactStats(stats: DefinitionStats): DefinitionStats {
  const kept = JSON.parse(JSON.stringify(stats), (key, value) =>
    typeof value === 'string' && REPEATED_FIELDS.has(key)
      ? intern(value)
      : value,
  ) as DefinitionStats;
  if (kept.counts) kept.counts = sharedPart(kept.counts);
  const run = kept.lastRun;
  if (run) {
    if (run.pods) run.pods = sharedPart(run.pods);
    if (run.triggeredAt === run.createdAt) run.triggeredAt = run.createdAt;
    if (run.startedAt === run.createdAt) run.startedAt = run.createdAt;
  }
  return kept;
}

/**
 * The stats of each definition, kept between reads and dropped when the definition or one of
 * its runs changes: what the watch caches see (a run created, started, finished) and what is
 * written to history here. A list sorted or filtered by last run reads the stats of every
 * definition; kept, that is a read of the few that changed, not of a thousand. A write whose
 * definition is not known (a kill recorded by the run's uid) drops them all, and none is kept
 * longer than a minute, for the writes of other replicas.
 */
export class StatsCache implements ClusterCacheListener {
  /** Kept stats, each with the read it came from (when it was made, shared by its stats). */
  private readonly kept = new Map<
    string,
    { stats: DefinitionStats; read: { at: number } }
  >();
  /**
   * Changes per definition while reads are on their way, and of everything: a read that a
   * change overtook is not kept.
   */
  private readonly changes = new Map<string, number>();
  private epoch = 0;
  /** Reads on their way. */
  private reading = 0;

  constructor(
    private readonly options: {
      /** Reads the stats of definitions from history. */
      read: (
        keys: DefinitionLocation[],
      ) => Promise<Map<string, DefinitionStats>>;
      annotationKey: string;
      now?: () => number;
    },
  ) {}

  private caches?: WatchCaches;

  /** From now on, what the caches see changing is read again. */
  listenTo(caches: WatchCaches): void {
    this.caches = caches;
    caches.subscribe(this);
  }

  /** The stats of `keys`: kept ones, and the others read (in one call). */
  async stats(
    keys: DefinitionLocation[],
  ): Promise<Map<string, DefinitionStats>> {
    const now = (this.options.now ?? Date.now)();
    const found = new Map<string, DefinitionStats>();
    const missing: DefinitionLocation[] = [];
    for (const key of keys) {
      const id = definitionKeyString(key);
      const kept = this.kept.get(id);
      if (kept && now - kept.read.at < TRUST_MS) {
        found.set(id, kept.stats);
      } else {
        missing.push(key);
      }
    }
    if (!missing.length) return found;
    this.reading++;
    try {
      const epoch = this.epoch;
      const before = new Map(
        missing.map(k => {
          const id = definitionKeyString(k);
          return [id, this.changes.get(id) ?? 0];
        }),
      );
      const read = await this.options.read(missing);
      const made = { at: now };
      for (const [id, stats] of read) {
        found.set(id, stats);
        if (
          this.epoch === epoch &&
          (this.changes.get(id) ?? 0) === before.get(id)
        ) {
          this.kept.set(id, {
            stats: this.sharingStrings(compactStats(stats)),
            read: made,
          });
        }
      }
    } finally {
      // Changes matter only to the reads they overtake: none on its way, none to remember.
      if (!--this.reading) this.changes.clear();
    }
    return found;
  }

  /**
   * The last run's names and uids, and its definition's, are those of objects the watch cache
   * holds while they are in the cluster: kept as the cache's copies of the same strings.
   */
  private sharingStrings(stats: DefinitionStats): DefinitionStats {
    const run = stats.lastRun;
    const { caches } = this;
    if (!run || !caches?.clusters().includes(run.cluster)) return stats;
    const cache = caches.get(run.cluster);
    const same = (
      object: { metadata?: { name?: string; uid?: string } } | undefined,
      target: { name: string; uid?: string },
    ) => {
      const metadata = object?.metadata;
      if (!metadata || metadata.uid === undefined) return;
      if (metadata.uid !== target.uid || metadata.name !== target.name) return;
      target.name = metadata.name;
      target.uid = metadata.uid;
    };
    const { definition } = run;
    if (definition) {
      same(
        cache.get(
          definition.kind === 'CronJob' ? 'CronJob' : 'Job',
          run.namespace,
          definition.name,
        ),
        definition,
      );
    }
    same(cache.get('Job', run.namespace, run.name), run);
    return stats;
  }

  /** A definition, or one of its runs, changed: its stats are read again. */
  changed(key: DefinitionLocation): void {
    const id = definitionKeyString(key);
    this.kept.delete(id);
    if (this.reading) this.changes.set(id, (this.changes.get(id) ?? 0) + 1);
  }

  /** Something changed whose definition is not known: every stats is read again. */
  changedAll(): void {
    this.kept.clear();
    this.epoch++;
  }

  onChange(cluster: string, change: CacheChange): void {
    const { caches } = this;
    if (!caches) return;
    for (const key of changedDefinitions(
      caches.get(cluster),
      change,
      this.options.annotationKey,
    )) {
      this.changed(key);
    }
  }

  onSynced(): void {
    this.changedAll();
  }
}
