import { DefinitionKind } from '@job-assistant/plugin-kubernetes-jobs-common';
import type { ResourceWatch } from './ResourceWatch';
import { Summary } from './summaries';

/** How a watch behaves; every duration in milliseconds. */
export interface WatchTiming {
  /** Items per page of the initial list. */
  pageSize: number;
  /** Asked of the apiserver: it ends the watch after this long, and we open the next one. */
  watchTimeoutSeconds: number;
  /** No event (bookmarks included) for this long means a silent stall: restart. */
  stallMs: number;
  /**
   * Nothing heard from the cluster for this long: ask it something cheap (one item of a list)
   * to tell a quiet cluster from one that stopped answering. Repeated while it stays silent.
   */
  probeAfterMs: number;
  /** A check not answered within this long marks the data possibly out of date until one is. */
  probeTimeoutMs: number;
  /** First retry delay after an error; doubles up to `maxBackoffMs`, with jitter. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_WATCH_TIMING: WatchTiming = {
  pageSize: 500,
  watchTimeoutSeconds: 240,
  stallMs: 90_000,
  // Silent 5 s, then a check that may take 5 s: a hung apiserver is noticed within 10 s.
  probeAfterMs: 5_000,
  probeTimeoutMs: 5_000,
  initialBackoffMs: 500,
  maxBackoffMs: 30_000,
};

/**
 * A change of the cached objects. `initial` changes come from the first list after start.
 * `resourceVersion` is the object's as the cluster gave it with the change (summaries do not
 * keep it); absent for an object gone from a relist, whose last version the cache did not keep.
 */
export type CacheChange =
  | {
      type: 'upsert';
      kind: DefinitionKind;
      object: Summary;
      previous?: Summary;
      initial: boolean;
      resourceVersion?: string;
    }
  | {
      type: 'delete';
      kind: DefinitionKind;
      object: Summary;
      initial: false;
      resourceVersion?: string;
    };

/** What the owner of a watch hears. */
export interface WatchListener {
  onChange(change: CacheChange): void;
  /** A full list has replaced the contents (after start, a 410, or a restart). */
  onSynced(watch: ResourceWatch): void;
  /** The list failed: return true to stop this watch (the owner replaces it). */
  onListError?(watch: ResourceWatch, error: Error): boolean;
  /** Once per change of health (synced / failing), not once per retry. */
  onHealth?(watch: ResourceWatch): void;
}
