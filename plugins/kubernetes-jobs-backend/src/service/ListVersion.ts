import { createHash } from 'node:crypto';
import { ClusterCacheListener } from '../cache/ClusterCache';

/** How long an answer may be reused at most, for what only time changes (a next schedule). */
const REUSE_MS = 60_000;

/**
 * A count of what may change a list of definitions on this replica: every change the watch
 * caches see (definitions, runs, a cluster's health) and every write to run history. A list
 * answer is kept under a key made with the count read before it was built; while the count has
 * not moved, the same question from the same scope is that answer, with nothing built. The key
 * also changes every minute, for what only time changes (a CronJob's next run), and to bound
 * how long a write made by another replica, which this one may hear of only with its next
 * cluster event, can go unseen.
 */
export class ListVersion implements ClusterCacheListener {
  private count = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Something changed. */
  bump(): void {
    this.count++;
  }

  onChange(): void {
    this.bump();
  }

  onSynced(): void {
    this.bump();
  }

  onHealth(): void {
    this.bump();
  }

  /**
   * The key of an answer built now for a caller who may see `scope` and asked `query`: the
   * same key means the same answer: `<count>-<minute>-<hash of scope and query>`, the first two
   * parts being the version.
   */
  key(scope: unknown, query: unknown): string {
    const hash = createHash('sha256')
      .update(JSON.stringify([scope, query]))
      .digest('base64url')
      .slice(0, 22);
    return `${this.count}-${Math.floor(this.now() / REUSE_MS)}-${hash}`;
  }
}
