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
