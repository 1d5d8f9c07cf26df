import { createHash } from 'node:crypto';
import { ClusterCacheListener } from '../cache/ClusterCache';
import { isDefinitionObject } from '../cache/summaries';
import { CacheChange } from '../cache/watchTypes';

/** How long an answer may be reused at most, for what only time changes (a next schedule). */
const REUSE_MS = 60_000;

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
 */
export class ListVersion implements ClusterCacheListener {
  private count = 0;
  private definitionsCount = 0;

  constructor(
    private readonly options: {
      /** The annotation that marks a definition. */
      annotationKey: string;
      now?: () => number;
    },
  ) {}

  /** Something changed, not a definition (a write to history). */
  bump(): void {
    this.count++;
  }

  onChange(_cluster: string, change: CacheChange): void {
    this.count++;
    const { annotationKey } = this.options;
    const previous = change.type === 'upsert' ? change.previous : undefined;
    if (
      isDefinitionObject(change.object, annotationKey) ||
      (previous && isDefinitionObject(previous, annotationKey))
    ) {
      this.definitionsCount++;
    }
  }

  onSynced(): void {
    this.count++;
    this.definitionsCount++;
  }

  onHealth(): void {
    this.count++;
    this.definitionsCount++;
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
    return `${this.count}-${this.minute()}-${scopeKey}-${hash(query)}`;
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
