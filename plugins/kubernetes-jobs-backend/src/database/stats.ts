import { DefinitionStats } from '@job-assistant/plugin-kubernetes-jobs-common';
import { Knex } from 'knex';
import {
  DefinitionKey,
  RECORD_COLUMNS,
  Row,
  TABLE,
  definitionKeyString,
  keyOfRow,
  rowToRun,
} from './rows';

/** How many of the newest succeeded runs the typical duration is the median of. */
export const TYPICAL_DURATION_RUNS = 20;

/** Above this many definitions, one grouped scan of their clusters beats a long OR list. */
const MAX_KEYS_IN_FILTER = 50;

const KEY_COLUMNS = [
  'cluster',
  'namespace',
  'definition_kind',
  'definition_name',
] as const;

function restrict(query: Knex.QueryBuilder, keys: DefinitionKey[]) {
  if (keys.length > MAX_KEYS_IN_FILTER) {
    return query.whereIn('cluster', [...new Set(keys.map(k => k.cluster))]);
  }
  return query.where(builder => {
    for (const key of keys) {
      builder.orWhere({
        cluster: key.cluster,
        namespace: key.namespace,
        definition_kind: key.kind,
        definition_name: key.name,
      });
    }
  });
}

function median(sorted: number[]): number | undefined {
  if (!sorted.length) return undefined;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Stats of many definitions in two queries, whatever their number: one aggregate (counts by
 * state) and one windowed select (each definition's newest run, and its newest succeeded runs
 * for the typical duration). Definitions without records get empty stats.
 */
export async function statsFor(
  db: Knex,
  keys: DefinitionKey[],
): Promise<Map<string, DefinitionStats>> {
  const result = new Map<string, DefinitionStats>();
  for (const key of keys) {
    result.set(definitionKeyString(key), {
      counts: { total: 0, active: 0, succeeded: 0, failed: 0, killed: 0 },
    });
  }
  if (!keys.length) return result;

  const counted = (state: string, alias: string) =>
    db.raw(`sum(case when state = ? then 1 else 0 end) as ${alias}`, [state]);
  const counts = await restrict(
    db(TABLE)
      .select(
        ...KEY_COLUMNS,
        db.raw('count(*) as total'),
        counted('Pending', 'pending'),
        counted('Running', 'running'),
        counted('Succeeded', 'succeeded'),
        counted('Failed', 'failed'),
        counted('Killed', 'killed'),
      )
      .whereNotNull('job_uid')
      .groupBy(...KEY_COLUMNS),
    keys,
  );
  for (const row of counts as Array<Row & Record<string, number | string>>) {
    const stats = result.get(definitionKeyString(keyOfRow(row)));
    if (!stats) continue;
    const n = (v: unknown) => Number(v ?? 0);
    stats.counts = {
      total: n(row.total),
      active: n(row.pending) + n(row.running),
      succeeded: n(row.succeeded),
      failed: n(row.failed),
      killed: n(row.killed),
    };
    // Killed is a person's decision, not a failure of the Job: it does not count against it.
    const judged = stats.counts.succeeded + stats.counts.failed;
    stats.successRate = judged ? stats.counts.succeeded / judged : undefined;
  }

  const partition = KEY_COLUMNS.join(', ');
  const ranked = restrict(
    db(TABLE)
      .select(
        ...RECORD_COLUMNS,
        db.raw(
          `row_number() over (partition by ${partition} order by id desc) as rn`,
        ),
        db.raw(
          `row_number() over (partition by ${partition}, state order by id desc) as srn`,
        ),
      )
      .whereNotNull('job_uid'),
    keys,
  ).as('ranked');
  const rows = (await db
    .select('*')
    .from(ranked)
    .where('rn', 1)
    .orWhere(builder =>
      builder
        .where('state', 'Succeeded')
        .where('srn', '<=', TYPICAL_DURATION_RUNS),
    )) as Array<Row & { rn: number | string }>;
  const durations = new Map<string, number[]>();
  for (const row of rows) {
    const id = definitionKeyString(keyOfRow(row));
    const stats = result.get(id);
    if (!stats) continue;
    if (Number(row.rn) === 1) stats.lastRun = rowToRun(row);
    if (row.state === 'Succeeded' && row.duration_seconds !== null) {
      durations.set(id, [...(durations.get(id) ?? []), row.duration_seconds]);
    }
  }
  for (const [id, values] of durations) {
    result.get(id)!.typicalDurationSeconds = median(
      values.sort((a, b) => a - b),
    );
  }
  return result;
}
