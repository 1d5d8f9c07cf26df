import { DefinitionLocation } from '@job-assistant/plugin-kubernetes-jobs-common';
import { createHash } from 'node:crypto';
import { ClusterCacheListener } from '../cache/ClusterCache';
import { isDefinitionObject } from '../cache/summaries';
import { CacheChange } from '../cache/watchTypes';
import { WatchCaches } from '../cache/WatchCaches';
import {
  ChangedDefinition,
  changedDefinitions,
} from '../tracker/changedDefinitions';

/** How long an answer may be reused at most, for what only time changes (a next schedule). */
const REUSE_MS = 60_000;

/**
 * Moves remembered with the definitions they concern (between this and twice this); older ones
 * are "not known". A run makes a few moves (created, started, ended, each written to history),
 * so this is a few dozen runs: an answer older than that is built again.
 */
const MAX_LOG = 256;

/** One move of the list count: the definitions it concerns, or undefined when not known. */
interface LoggedChange {
  count: number;
  definitions?: ChangedDefinition[];
}

/**
 * Counts of what may change a list of definitions on this replica.
 *
 * - The list count moves with every change the watch caches see (definitions, runs, a
 *   cluster's health) and every write to run history. A list answer is kept under a key made
 *   with the count read before it was built; while the count has not moved, the same question
 *   from the same scope is that answer, with nothing built.
 * - The definitions count moves only with what changes which definitions there are and what
 *   they show (a definition added, changed or removed, a cluster listed again or its health):
 *   not with runs. What a list builds from the definitions alone (who may see which, filters,
 *   the name order) is kept under it, so a run that ends rebuilds only what shows runs.
 *
 * Both keys also change every minute, for what only time changes (a CronJob's next run), and to
 * bound how long a write made by another replica, which this one may hear of only with its next
 * cluster event, can go unseen.
 *
 * The last few hundred moves of the list count are remembered with the definitions they concern
 * (a run's change concerns its definition), so that an answer built a few moves ago can be
 * checked against what moved since, rather than built again (see `changedSince`).
 */
export class ListVersion implements ClusterCacheListener {
  private count = 0;
  private definitionsCount = 0;
  private readonly log: LoggedChange[] = [];
  private caches?: WatchCaches;

  constructor(
    private readonly options: {
      /** The annotation that marks a definition. */
      annotationKey: string;
      now?: () => number;
    },
  ) {}

  /** From now on, what the caches see changing moves the counts. */
  listenTo(caches: WatchCaches): void {
    this.caches = caches;
    caches.subscribe(this);
  }

  /**
   * Run history was written: for these definitions, or for some not known (`undefined`: a kill
   * recorded by its run's uid, say).
   */
  bump(definitions?: DefinitionLocation[]): void {
    this.move(definitions);
  }

  onChange(cluster: string, change: CacheChange): void {
    const { annotationKey } = this.options;
    const previous = change.type === 'upsert' ? change.previous : undefined;
    if (
      isDefinitionObject(change.object, annotationKey) ||
      (previous && isDefinitionObject(previous, annotationKey))
    ) {
      this.definitionsCount++;
    }
    this.move(
      this.caches &&
        changedDefinitions(this.caches.get(cluster), change, annotationKey),
    );
  }

  onSynced(): void {
    this.definitionsCount++;
    this.move(undefined);
  }

  onHealth(): void {
    this.definitionsCount++;
    this.move(undefined);
  }

  private move(definitions: ChangedDefinition[] | undefined): void {
    this.count++;
    this.log.push({ count: this.count, definitions });
    if (this.log.length > 2 * MAX_LOG) this.log.splice(0, MAX_LOG);
  }

  /** The list count now: what an answer built now was built at. */
  current(): number {
    return this.count;
  }

  /** The definitions count now, with the minute: what is built from definitions alone depends on. */
  definitionsVersion(): string {
    return `${this.definitionsCount}-${this.minute()}`;
  }

  /**
   * The definitions whose runs or history changed since the list count was `count` (with the
   * run, when only that run changed in a cluster; without, when history was written); undefined
   * when that is not known (something moved that concerns no definition it can name, or too
   * long ago to be remembered). Does not say whether definitions themselves changed: compare
   * `definitionsVersion` for that. Linear in the moves since `count`, at most a few hundred.
   */
  changedSince(count: number): ChangedDefinition[] | undefined {
    if (count === this.count) return [];
    const oldest = this.log[0];
    if (!oldest || oldest.count > count + 1) return undefined;
    const changed: ChangedDefinition[] = [];
    for (let i = this.log.length - 1; i >= 0; i--) {
      const entry = this.log[i];
      if (entry.count <= count) break;
      if (!entry.definitions) return undefined;
      changed.push(...entry.definitions);
    }
    return changed;
  }

  private minute(): number {
    return Math.floor((this.options.now ?? Date.now)() / REUSE_MS);
  }

  /** What stands for a caller's scope in keys: a hash of what the scope depends on. */
  scopeKey(scope: unknown): string {
    return hash(scope);
  }

  /**
   * The key of an answer built now for a caller whose scope has `scopeKey` and who asked
   * `query`: the same key means the same answer: `<count>-<minute>-<scope>-<query>`, the first
   * two parts being the version.
   */
  key(scopeKey: string, query: unknown): string {
    return `${this.count}-${this.minute()}-${this.question(scopeKey, query)}`;
  }

  /** What a key names apart from the version: the scope and the question asked. */
  question(scopeKey: string, query: unknown): string {
    return `${scopeKey}-${hash(query)}`;
  }

  /**
   * The key of what is built from the definitions alone for `scopeKey` and `part` (say, a
   * page's filters): the same key, the same result, whatever runs did meanwhile.
   */
  definitionsKey(scopeKey: string, part: unknown): string {
    return `${this.definitionsCount}-${this.minute()}-${scopeKey}-${hash(
      part,
    )}`;
  }
}

function hash(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value ?? null))
    .digest('base64url')
    .slice(0, 22);
}

/**
 * Values kept under keys made by {@link ListVersion} (`<count>-<minute>-...`): only those of
 * the latest version set, since keys of an older one are never asked for again, and at most
 * `max` of them, the oldest dropped first.
 */
export class CurrentVersionMap<V> {
  private readonly entries = new Map<string, V>();
  private version?: string;

  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: V): void {
    const version = key.split('-', 2).join('-');
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    this.entries.set(key, value);
    if (this.entries.size > this.max) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
