import { InputError } from '@backstage/errors';
import {
  DefinitionLocation,
  DefinitionPageQuery,
  DefinitionSort,
  DefinitionStats,
  JobDefinition,
  definitionSortId,
} from '@job-assistant/plugin-kubernetes-jobs-common';

/** A definition as paging sees it: where it is and what it shows. */
export interface PageRow {
  key: DefinitionLocation;
  definition: JobDefinition;
  /** Its {@link rowId}, when already known. */
  id?: string;
}

/** Cluster, namespace, name and kind: a definition's place in the name sort, and its id. */
export const rowId = (key: DefinitionLocation): string => definitionSortId(key);

/** Where a page ends: the sort it belongs to and the last row's sort key. */
export interface Cursor {
  sort: DefinitionSort;
  id: string;
  /** `lastRun` sort: the last row's lastRunAt, or null when it never ran. */
  at?: number | null;
}

function encode(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** The cursor a page gave, for `sort`; a 400 when it is not one. */
export function decodeCursor(text: string, sort: DefinitionSort): Cursor {
  let cursor: Partial<Cursor> | undefined;
  try {
    cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    cursor = undefined;
  }
  const valid =
    cursor &&
    typeof cursor === 'object' &&
    typeof cursor.id === 'string' &&
    (cursor.at === undefined ||
      cursor.at === null ||
      typeof cursor.at === 'number');
  if (!valid) {
    throw new InputError(
      'Invalid query: cursor is not one this list gave (use the nextCursor of the previous page)',
    );
  }
  if (cursor!.sort !== sort) {
    throw new InputError(
      `Invalid query: cursor belongs to the sort '${
        cursor!.sort
      }', not '${sort}'`,
    );
  }
  return cursor as Cursor;
}

/**
 * Orders two rows: by id for the name sort; for `lastRun`, newest last run first, then those
 * that never ran, each group by id. A total order, so a cursor (the last row's keys) says
 * exactly where the next page starts, however definitions come and go meanwhile: a row added
 * or removed before the cursor does not shift the next page, and no row shows twice.
 */
export function compareRows(
  sort: DefinitionSort,
  a: { id: string; at?: number | null },
  b: { id: string; at?: number | null },
): number {
  if (sort === 'lastRun') {
    const at = (a.at ?? -Infinity) - (b.at ?? -Infinity);
    if (at !== 0 && !Number.isNaN(at)) return at > 0 ? -1 : 1;
  }
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

/** When each stats' last run was created: stats are kept between reads, so is this. */
const lastRunTimes = new WeakMap<DefinitionStats, number | undefined>();

/** When the last run of a definition's stats was created (ms); undefined when it never ran. */
export function lastRunTime(
  stats: DefinitionStats | undefined,
): number | undefined {
  if (!stats) return undefined;
  if (lastRunTimes.has(stats)) return lastRunTimes.get(stats);
  const run = stats.lastRun;
  const at = run && Date.parse(run.createdAt ?? run.startedAt ?? '');
  const time = at && !Number.isNaN(at) ? at : undefined;
  lastRunTimes.set(stats, time);
  return time;
}

/**
 * One page of `rows` (already filtered): sorted, after the cursor, `limit` long, with the
 * cursor of the next page when there are more. `lastRunAt` says when a row's last run was
 * created (ms; undefined when it never ran), for the `lastRun` sort. O(n log n) in the rows,
 * with no per-row allocation beyond the sort keys.
 */
export function pageRows<T extends PageRow>(
  rows: T[],
  query: Pick<DefinitionPageQuery, 'limit' | 'cursor' | 'sort'>,
  lastRunAt: (row: T) => number | undefined = () => undefined,
): { rows: T[]; nextCursor?: string; ordered: T[] } {
  const sort = query.sort ?? 'name';
  const keyed = rows.map(row => ({
    row,
    id: row.id ?? rowId(row.key),
    at: sort === 'lastRun' ? lastRunAt(row) ?? null : null,
  }));
  keyed.sort((a, b) => compareRows(sort, a, b));
  let start = 0;
  if (query.cursor) {
    const after = decodeCursor(query.cursor, sort);
    start = keyed.findIndex(k => compareRows(sort, k, after) > 0);
    if (start < 0) start = keyed.length;
  }
  const page = keyed.slice(start, start + query.limit);
  const last = page[page.length - 1];
  const more = start + query.limit < keyed.length;
  return {
    rows: page.map(k => k.row),
    // Every row in order: given back as the next call's `rows`, it sorts in linear time
    // while the order has not changed.
    ordered: keyed.map(k => k.row),
    ...(more && last
      ? {
          nextCursor: encode({
            sort,
            id: last.id,
            ...(sort === 'lastRun' ? { at: last.at } : {}),
          }),
        }
      : {}),
  };
}
