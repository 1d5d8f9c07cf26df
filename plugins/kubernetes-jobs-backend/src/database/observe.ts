import {
  RunState,
  ACTIVE_STATES,
  isActiveState,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { Knex } from 'knex';
import { toDate } from '../util/dates';
import {
  FinishedRun,
  ObservedRun,
  RECORD_COLUMNS,
  Row,
  TABLE,
  isUniqueViolation,
  keyOfRow,
  progressColumns,
  recordsSame,
  rowToRun,
} from './rows';
import { chunks } from '../util/chunks';

/** States a record may be in for an observation of `state` to update it. */
function predecessors(state: RunState): RunState[] {
  if (state === 'Pending') return ['Pending'];
  if (state === 'Running') return ['Pending', 'Running'];
  return ['Pending', 'Running', state];
}

/**
 * The run tracker's writes: new runs get a record, known ones move forward only. See
 * RunStore.observe. Also says which observations changed a record: those whose record was
 * already as observed wrote nothing.
 */
export async function observeRuns(
  db: Knex,
  observed: ObservedRun[],
): Promise<{ finished: FinishedRun[]; written: ObservedRun[] }> {
  const finished: FinishedRun[] = [];
  const written: ObservedRun[] = [];
  const withUid = observed.filter(o => o.run.uid);
  for (const batch of chunks(withUid, 500)) {
    const existing = (await db<Row>(TABLE)
      .select(RECORD_COLUMNS)
      .whereIn(
        'job_uid',
        batch.map(o => o.run.uid),
      )) as unknown as Row[];
    const byUid = new Map(existing.map(row => [row.job_uid, row]));
    // Runs seen for the first time are inserted oldest first, so record ids follow creation.
    const fresh = batch
      .filter(o => !byUid.has(o.run.uid))
      .sort(
        (a, b) =>
          (toDate(a.run.createdAt)?.getTime() ?? 0) -
          (toDate(b.run.createdAt)?.getTime() ?? 0),
      );
    for (const o of fresh) {
      const row = await insertObserved(db, o);
      if (row) byUid.set(o.run.uid, row);
      else written.push(o);
    }
    for (const o of batch) {
      const row = byUid.get(o.run.uid);
      if (!row || recordsSame(row, o.run)) continue;
      written.push(o);
      const done = await advance(db, row, o);
      if (done) finished.push(done);
    }
  }
  return { finished, written };
}

/**
 * A run seen for the first time. Usually one this backend did not create (kubectl, a
 * CronJob's schedule, the definition itself): its record says so, and keeps what the Job
 * claims apart from who triggered it. One exception: a Run whose create call timed out left
 * a reservation without a Job; the Job that then appears with exactly that reservation's user
 * and time (set by the backend on the Job it sent) is that run.
 */
async function insertObserved(
  db: Knex,
  o: ObservedRun,
): Promise<Row | undefined> {
  const { key, run } = o;
  const now = new Date();
  const claimedAt = toDate(run.triggeredAt);
  if (run.claimedTriggeredBy && claimedAt) {
    const reservation = await db<Row>(TABLE)
      .where({
        cluster: key.cluster,
        namespace: key.namespace,
        definition_kind: key.kind,
        definition_name: key.name,
        triggered_by: run.claimedTriggeredBy,
      })
      .whereNull('job_uid')
      .where('triggered_at', claimedAt)
      .first('id');
    if (reservation) {
      try {
        await db<Row>(TABLE)
          .where({ id: reservation.id })
          .whereNull('job_uid')
          .update({
            ...progressColumns(run),
            definition_uid: run.definition.uid ?? null,
            updated_at: now,
          });
        return undefined;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        return (await db<Row>(TABLE)
          .where({ job_uid: run.uid })
          .first(RECORD_COLUMNS)) as Row | undefined;
      }
    }
  }
  try {
    await db<Row>(TABLE).insert({
      cluster: key.cluster,
      namespace: key.namespace,
      definition_kind: key.kind,
      definition_name: key.name,
      definition_uid: run.definition.uid ?? null,
      entity_ref: null,
      triggered_by: null,
      trigger: run.trigger ?? 'outside',
      claimed_by: run.claimedTriggeredBy ?? null,
      triggered_at: toDate(run.triggeredAt ?? run.createdAt) ?? null,
      killed_by: null,
      killed_at: toDate(run.killedAt) ?? null,
      ...progressColumns(run),
      active_key: null,
      removed_from_cluster: false,
      created_at: toDate(run.createdAt) ?? now,
      updated_at: now,
    });
    return undefined; // just written as observed: nothing more to do
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Another replica (or the Run route) recorded it first: update that record instead.
    return (await db<Row>(TABLE)
      .where({ job_uid: run.uid })
      .first(RECORD_COLUMNS)) as Row | undefined;
  }
}

/** Moves a record forward; returns the run when this update is the one that finished it. */
async function advance(
  db: Knex,
  row: Row,
  o: ObservedRun,
): Promise<FinishedRun | undefined> {
  const { run } = o;
  const columns = {
    ...progressColumns(run),
    // A run that is over gives its slot back; a Job seen again is not removed.
    ...(isActiveState(run.state) ? {} : { active_key: null }),
    removed_from_cluster: false,
    updated_at: new Date(),
  };
  if (!isActiveState(run.state)) {
    const moved = await db<Row>(TABLE)
      .where({ id: row.id })
      .whereIn('state', [...ACTIVE_STATES])
      .update(columns);
    if (moved) {
      const recorded = rowToRun(row);
      return {
        key: keyOfRow(row),
        run: {
          ...run,
          triggeredBy: recorded.triggeredBy,
          trigger: recorded.trigger,
          killedBy: recorded.killedBy,
        },
        triggeredBy: recorded.triggeredBy,
        entityRef: row.entity_ref ?? undefined,
      };
    }
  }
  await db<Row>(TABLE)
    .where({ id: row.id })
    .whereIn('state', predecessors(run.state))
    .update(columns);
  return undefined;
}
