import { DefinitionStats, JobRun, RunState } from './types';

/**
 * The states of a run that is still going: it may still change, can be followed and killed,
 * and holds its definition's one-active-run slot. The database queries filter on this list.
 *
 * @public
 */
export const ACTIVE_STATES: readonly RunState[] = ['Pending', 'Running'];

/**
 * The one rule for "still going" ({@link ACTIVE_STATES}). Backend and frontend both use it.
 *
 * @public
 */
export function isActiveState(state: RunState | undefined): boolean {
  return state !== undefined && ACTIVE_STATES.includes(state);
}

/**
 * How many of the newest succeeded runs the typical duration is the median of.
 *
 * @public
 */
export const TYPICAL_DURATION_RUNS = 20;

/**
 * How many succeeded runs a definition needs before the portal says how long it usually takes
 * against a live run, or that a run is taking longer than usual. With fewer, it says nothing
 * rather than guess.
 *
 * @public
 */
export const USUAL_MIN_RUNS = 3;

/**
 * The one rule for a definition's stats, from its runs counted by state, its newest run and the
 * durations of its newest succeeded runs (newest first; only the first
 * {@link TYPICAL_DURATION_RUNS} count). Counted in memory or by the database, the stats read
 * the same.
 *
 * @public
 */
export function definitionStats(input: {
  countsByState: Partial<Record<RunState, number>>;
  lastRun?: JobRun;
  succeededDurationsNewestFirst: number[];
}): DefinitionStats {
  const n = (state: RunState) => input.countsByState[state] ?? 0;
  const succeeded = n('Succeeded');
  const failed = n('Failed');
  // Killed is a person's decision, not a failure of the Job: it does not count against it.
  const judged = succeeded + failed;
  const durations = input.succeededDurationsNewestFirst
    .slice(0, TYPICAL_DURATION_RUNS)
    .sort((a, b) => a - b);
  return {
    ...(input.lastRun ? { lastRun: input.lastRun } : {}),
    counts: {
      total: Object.values(input.countsByState).reduce(
        (sum, count) => sum + (count ?? 0),
        0,
      ),
      active: ACTIVE_STATES.reduce((sum, state) => sum + n(state), 0),
      succeeded,
      failed,
      killed: n('Killed'),
    },
    successRate: judged ? succeeded / judged : undefined,
    typicalDurationSeconds: median(durations),
    ...(durations.length >= USUAL_MIN_RUNS
      ? { slowAfterSeconds: slowAfter(durations) }
      : {}),
  };
}

/**
 * When a run is slower than usual: the 90th percentile (nearest rank) of the newest succeeded
 * runs' durations, sorted ascending. A few outliers do not move it; it is never below the median.
 */
function slowAfter(sorted: number[]): number {
  const p90 = sorted[Math.ceil(0.9 * sorted.length) - 1];
  return Math.max(p90, median(sorted) ?? p90);
}

/**
 * Where a live run stands against its definition's usual duration: seconds since it started,
 * the typical duration, a fraction for a progress bar (never 1 while it runs: the bar does not
 * pretend to know the end), and whether it is taking longer than usual (past
 * `slowAfterSeconds`). Undefined when the run is not running, has not started, or the definition
 * has too little history ({@link USUAL_MIN_RUNS}).
 *
 * @public
 */
export function runProgress(
  run: Pick<JobRun, 'state' | 'startedAt'>,
  stats: Pick<DefinitionStats, 'typicalDurationSeconds' | 'slowAfterSeconds'>,
  now: number,
):
  | {
      elapsedSeconds: number;
      typicalSeconds: number;
      fraction: number;
      slow: boolean;
    }
  | undefined {
  const { typicalDurationSeconds: typical, slowAfterSeconds } = stats;
  const started = run.startedAt ? Date.parse(run.startedAt) : NaN;
  if (
    run.state !== 'Running' ||
    Number.isNaN(started) ||
    typical === undefined ||
    typical <= 0 ||
    slowAfterSeconds === undefined
  ) {
    return undefined;
  }
  const elapsedSeconds = Math.max(0, (now - started) / 1000);
  return {
    elapsedSeconds,
    typicalSeconds: typical,
    fraction: Math.min(0.95, elapsedSeconds / typical),
    slow: elapsedSeconds > slowAfterSeconds,
  };
}

function median(sorted: number[]): number | undefined {
  if (!sorted.length) return undefined;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * How far a state has come: Pending, then Running, then one of the final states. History only
 * moves a run forward, so a late or repeated observation never undoes a newer one.
 *
 * @public
 */
export function runStateRank(state: RunState): number {
  switch (state) {
    case 'Pending':
      return 0;
    case 'Running':
      return 1;
    default:
      return 2;
  }
}
