import {
  DefinitionLocation,
  DefinitionStats,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { V1Job } from '@kubernetes/client-node';
import { ClusterCacheListener } from '../cache/ClusterCache';
import { CacheChange } from '../cache/watchTypes';
import { WatchCaches } from '../cache/WatchCaches';
import { definitionKeyString } from '../database/RunStore';
import { isDefinition, kindOf } from '../service/model';
import { definitionOf } from './definitionOf';

/** How long kept stats are trusted at most: another replica's writes are heard of no later. */
const TRUST_MS = 60_000;

/**
 * The stats of each definition, kept between reads and dropped when the definition or one of
 * its runs changes: what the watch caches see (a run created, started, finished) and what is
 * written to history here. A list sorted or filtered by last run reads the stats of every
 * definition; kept, that is a read of the few that changed, not of a thousand. A write whose
 * definition is not known (a kill recorded by the run's uid) drops them all, and none is kept
 * longer than a minute, for the writes of other replicas.
 */
export class StatsCache implements ClusterCacheListener {
  private readonly kept = new Map<
    string,
    { stats: DefinitionStats; at: number }
  >();
  /** Changes per definition, and of everything: a read that a change overtook is not kept. */
  private readonly changes = new Map<string, number>();
  private epoch = 0;

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
      if (kept && now - kept.at < TRUST_MS) {
        found.set(id, kept.stats);
      } else {
        missing.push(key);
      }
    }
    if (!missing.length) return found;
    const epoch = this.epoch;
    const before = new Map(
      missing.map(k => {
        const id = definitionKeyString(k);
        return [id, this.changes.get(id) ?? 0];
      }),
    );
    const read = await this.options.read(missing);
    for (const [id, stats] of read) {
      found.set(id, stats);
      if (
        this.epoch === epoch &&
        (this.changes.get(id) ?? 0) === before.get(id)
      ) {
        this.kept.set(id, { stats, at: now });
      }
    }
    return found;
  }

  /** A definition, or one of its runs, changed: its stats are read again. */
  changed(key: DefinitionLocation): void {
    const id = definitionKeyString(key);
    this.kept.delete(id);
    this.changes.set(id, (this.changes.get(id) ?? 0) + 1);
  }

  /** Something changed whose definition is not known: every stats is read again. */
  changedAll(): void {
    this.kept.clear();
    this.epoch++;
  }

  onChange(cluster: string, change: CacheChange): void {
    const { caches } = this;
    const { annotationKey } = this.options;
    if (!caches) return;
    const object = change.object;
    const namespace = object.metadata?.namespace ?? '';
    if (isDefinition(object, annotationKey)) {
      this.changed({
        cluster,
        namespace,
        kind: kindOf(object),
        name: object.metadata?.name ?? '',
      });
    }
    if (change.kind !== 'Job') return;
    const definition = definitionOf(
      caches.get(cluster),
      object as V1Job,
      annotationKey,
    );
    if (definition) {
      this.changed({
        cluster,
        namespace,
        kind: kindOf(definition),
        name: definition.metadata?.name ?? '',
      });
    }
  }

  onSynced(): void {
    this.changedAll();
  }
}
