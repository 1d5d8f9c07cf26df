import { SIGNAL_DEBOUNCE_MS } from '@job-assistant/plugin-kubernetes-jobs-common';
import { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { chunks } from '../util/chunks';

const TABLE = 'kubernetes_jobs_hint_claims';

/**
 * A replica that sees a change this long after another published its hint publishes again.
 * A browser refetches {@link SIGNAL_DEBOUNCE_MS} after a hint, so whichever replica answers
 * that refetch has seen the change already, or sees it within this window; beyond it, its
 * browsers may have refetched too early, and it says so again. Half the debounce leaves room
 * for the replicas' clocks to differ.
 */
export const REPUBLISH_AFTER_MS = SIGNAL_DEBOUNCE_MS / 2;

/** Claims older than this are deleted; a replica that far behind simply publishes again. */
const KEEP_MS = 10 * 60_000;
const PRUNE_EVERY_MS = 60_000;

/**
 * Which replica tells browsers of a change. Every replica watches every cluster, and a signal
 * published on one reaches the browsers connected to all: if each replica published what its
 * watch saw, every browser would get each hint once per replica, and each replica would send
 * as many messages as one replica alone. So a replica claims the changes it saw (an insert in
 * the plugin's database, the first one wins) and publishes the hints of those it won.
 *
 * A change is named by its cluster, its object's uid and its resourceVersion, which every
 * replica sees alike. Until the database is connected, or when it fails, `claim` rejects and
 * the caller publishes everything, as a lone replica would.
 */
export class HintClaims {
  private db?: Knex;
  private prunedAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Called once the database is connected and migrated. */
  connected(db: Knex): void {
    this.db = db;
  }

  /**
   * Of `changes`, those whose hint this replica publishes: not claimed before, or claimed more
   * than {@link REPUBLISH_AFTER_MS} ago (this replica saw it late).
   */
  async claim(changes: readonly string[]): Promise<ReadonlySet<string>> {
    const { db } = this;
    if (!db) throw new Error('the database is not connected yet');
    const byKey = new Map(changes.map(change => [keyOf(change), change]));
    const now = this.now();
    const won = new Set<string>();
    for (const batch of chunks([...byKey.keys()], 500)) {
      const rows: Array<{ change_key: string }> = await db(TABLE)
        .insert(batch.map(change_key => ({ change_key, claimed_at: now })))
        .onConflict('change_key')
        .merge(['claimed_at'])
        .where(`${TABLE}.claimed_at`, '<', now - REPUBLISH_AFTER_MS)
        .returning('change_key');
      for (const row of rows) won.add(byKey.get(row.change_key)!);
    }
    if (now - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now;
      await db(TABLE)
        .where('claimed_at', '<', now - KEEP_MS)
        .delete();
    }
    return won;
  }
}

/** A fixed-length key for a change (cluster names and uids have no fixed length). */
function keyOf(change: string): string {
  return createHash('sha256').update(change).digest('base64url');
}

/**
 * How a change is named for {@link HintClaims}: by the cluster, the object's uid and the
 * resourceVersion it had with the change. `undefined` when it cannot be told apart.
 */
export function changeName(
  cluster: string,
  uid: string | undefined,
  resourceVersion: string | undefined,
): string | undefined {
  if (!uid || !resourceVersion) return undefined;
  return `${cluster}\n${uid}\n${resourceVersion}`;
}
