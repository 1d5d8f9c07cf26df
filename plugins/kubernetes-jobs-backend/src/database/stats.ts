import {
  DefinitionStats,
  JobRun,
  RunState,
  TYPICAL_DURATION_RUNS,
  definitionStats,
  DefinitionLocation,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { Knex } from 'knex';
import {
  RECORD_COLUMNS,
  Row,
  TABLE,
  definitionKeyString,
  keyOfRow,
  rowToRun,
} from './rows';

/** Above this many definitions, one grouped scan of their clusters beats a long OR list. */
const MAX_KEYS_IN_FILTER = 50;

const KEY_COLUMNS = [
  'cluster',
  'namespace',
  'definition_kind',
  'definition_name',
] as const;

function restrict(query: Knex.QueryBuilder, keys: DefinitionLocation[]) {
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

const STATES: RunState[] = [
  'Pending',
  'Running',
  'Succeeded',
  'Failed',
  'Killed',
];

/**
 * Stats of many definitions in two queries, whatever their number: one aggregate (counts by
 * state) and one windowed select (each definition's newest run, and its newest succeeded runs
 * for the typical duration). Definitions without records get empty stats.
 */
export async function statsFor(
  db: Knex,
  keys: DefinitionLocation[],
): Promise<Map<string, DefinitionStats>> {
  const counted = new Map<string, Partial<Record<RunState, number>>>();
  const lastRuns = new Map<string, JobRun>();
  const durations = new Map<string, number[]>();
  const result = new Map<string, DefinitionStats>();
  const finish = () => {
    for (const key of keys) {
      const id = definitionKeyString(key);
      result.set(
        id,
        definitionStats({
          countsByState: counted.get(id) ?? {},
          lastRun: lastRuns.get(id),
          succeededDurationsNewestFirst: durations.get(id) ?? [],
        }),
      );
    }
    return result;
  };
  if (!keys.length) return finish();

  const counts = await restrict(
    db(TABLE)
      .select(...KEY_COLUMNS, 'state', db.raw('count(*) as runs'))
      .whereNotNull('job_uid')
      .groupBy(...KEY_COLUMNS, 'state'),
    keys,
  );
  for (const row of counts as Array<Row & { runs: number | string }>) {
    const id = definitionKeyString(keyOfRow(row));
    const state = row.state as RunState;
    if (!STATES.includes(state)) continue;
    counted.set(id, { ...counted.get(id), [state]: Number(row.runs) });
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
    )
    .orderBy('id', 'desc')) as Array<Row & { rn: number | string }>;
  for (const row of rows) {
    const id = definitionKeyString(keyOfRow(row));
    if (Number(row.rn) === 1) lastRuns.set(id, rowToRun(row));
    if (row.state === 'Succeeded' && row.duration_seconds !== null) {
      durations.set(id, [...(durations.get(id) ?? []), row.duration_seconds]);
    }
  }
  return finish();
}
