import {
  DefinitionStats,
  JobRun,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import {
  formatDuration,
  formatPercent,
  formatShortDateTime,
  plural,
} from './format';
import { isActiveRun, runDurationSeconds } from './runs';

/*
 * The words and numbers of a definition's history drawn as a picture: its last runs, and its
 * success rate week by week. The pictures say nothing these words do not.
 */

/** How many of the last runs the history picture draws. */
export const RECENT_RUNS = 20;

/** How many weeks the success rate is drawn over. */
export const SUCCESS_WEEKS = 8;

/** How a run ended, as the picture colours it: a run not yet finished is `active`. */
export type RunOutcomeKind = 'succeeded' | 'failed' | 'stopped' | 'active';

/** The outcome of a run, as the picture colours it. */
export function outcomeOf(run: JobRun): RunOutcomeKind {
  switch (run.state) {
    case 'Succeeded':
      return 'succeeded';
    case 'Failed':
      return 'failed';
    case 'Killed':
      return 'stopped';
    default:
      return 'active';
  }
}

/** When a run began, as people think of it: when it started, else when it was asked for. */
export function runStartTime(run: JobRun): string | undefined {
  return run.startedAt ?? run.triggeredAt ?? run.createdAt;
}

/** The newest `limit` runs of a history given newest first, oldest first (left to right). */
export function recentRuns(runs: JobRun[], limit = RECENT_RUNS): JobRun[] {
  return runs.slice(0, limit).reverse();
}

/**
 * Whether the history picture has something to say: one of the last runs has finished. Before
 * that it would be an empty chart, and is not drawn.
 *
 * @param runs - the runs loaded, newest first
 */
export function hasHistoryToDraw(runs: JobRun[], limit = RECENT_RUNS): boolean {
  return recentRuns(runs, limit).some(run => outcomeOf(run) !== 'active');
}

/** Whether a finished run took longer than the definition's runs usually do. */
export function isSlowerThanUsual(
  run: JobRun,
  stats: Pick<DefinitionStats, 'slowAfterSeconds'>,
): boolean {
  const duration = runDurationSeconds(run);
  return (
    !isActiveRun(run) &&
    stats.slowAfterSeconds !== undefined &&
    duration !== undefined &&
    duration > stats.slowAfterSeconds
  );
}

/**
 * How many of the last finished runs in a row were slower than usual, and how many in all.
 * Stopped runs are someone's decision and say nothing about speed: they are passed over.
 */
function slowness(runs: JobRun[], stats: DefinitionStats) {
  const judged = runs.filter(
    run => run.state === 'Succeeded' || run.state === 'Failed',
  );
  const slow = judged.filter(run => isSlowerThanUsual(run, stats));
  let streak = 0;
  for (let i = judged.length - 1; i >= 0; i--) {
    if (!isSlowerThanUsual(judged[i], stats)) break;
    streak++;
  }
  return { streak, total: slow.length };
}

/**
 * The history picture in words, its text alternative: "Last 20 runs: 18 succeeded, 1 failed,
 * 1 stopped; usually 4 min; the last 3 were slower than usual."
 *
 * @param runs - the runs drawn, oldest first
 * @param stats - the definition's stats, for its usual duration
 */
export function describeRecentRuns(
  runs: JobRun[],
  stats: DefinitionStats,
): string {
  if (runs.length === 0) {
    return 'No runs yet.';
  }
  const count = (kind: RunOutcomeKind) =>
    runs.filter(run => outcomeOf(run) === kind).length;
  const outcomes = (
    [
      [count('succeeded'), 'succeeded'],
      [count('failed'), 'failed'],
      [count('stopped'), 'stopped'],
      [count('active'), 'still running'],
    ] as Array<[number, string]>
  )
    .filter(([n]) => n > 0)
    .map(([n, word]) => `${n} ${word}`)
    .join(', ');
  const all = runs.length >= stats.counts.total;
  const parts = [
    `${
      all ? plural(runs.length, 'run') : `Last ${runs.length} runs`
    }: ${outcomes}`,
  ];
  if (stats.typicalDurationSeconds !== undefined) {
    parts.push(`usually ${formatDuration(stats.typicalDurationSeconds)}`);
  }
  const { streak, total } = slowness(runs, stats);
  if (streak === 1) {
    parts.push('the last one was slower than usual');
  } else if (streak > 1) {
    parts.push(`the last ${streak} were slower than usual`);
  } else if (total > 0) {
    parts.push(
      `${total} of them ${total === 1 ? 'was' : 'were'} slower than usual`,
    );
  }
  return `${parts.join('; ')}.`;
}

/**
 * How a run was started, as a phrase: "by the schedule", "by Jane Doe"; nothing when history,
 * which knows, cannot be read.
 */
function describeStarter(run: JobRun, personName?: string): string {
  switch (run.trigger) {
    case 'schedule':
      return 'by the schedule';
    case 'outside':
      return 'outside the portal';
    case 'portal':
      return personName ? `by ${personName}` : 'from the portal';
    default:
      return '';
  }
}

/** What a run's outcome is called in the picture's words. */
export function describeOutcome(run: JobRun): string {
  switch (run.state) {
    case 'Succeeded':
      return 'Succeeded';
    case 'Failed':
      return 'Failed';
    case 'Killed':
      return 'Stopped';
    case 'Pending':
      return 'Waiting to start';
    default:
      return 'Still running';
  }
}

/**
 * One run of the picture in plain words, for its hover card and its accessible name: "Failed.
 * Started 2 Dec 10:04 by the schedule. Took 4 min, slower than usual."
 */
export function describeChartRun(
  run: JobRun,
  options: {
    /** Who started it, as the catalog names them. */
    personName?: string;
    slowAfterSeconds?: number;
    now?: number;
  } = {},
): string[] {
  const { personName, slowAfterSeconds, now } = options;
  const lines = [`${describeOutcome(run)}.`];
  const started = [
    formatShortDateTime(runStartTime(run), { now }),
    describeStarter(run, personName),
  ].filter(Boolean);
  if (started.length > 0) {
    lines.push(`Started ${started.join(' ')}.`);
  }
  const duration = formatDuration(runDurationSeconds(run, now));
  if (duration) {
    if (isActiveRun(run)) {
      lines.push(`Running for ${duration} so far.`);
    } else {
      const slow = isSlowerThanUsual(run, { slowAfterSeconds });
      lines.push(`Took ${duration}${slow ? ', slower than usual' : ''}.`);
    }
  }
  return lines;
}

/** One week of the success rate picture. */
export interface WeekSuccess {
  /** Monday 00:00 of the week, local time (epoch ms). */
  start: number;
  /** "30 Nov". */
  label: string;
  succeeded: number;
  failed: number;
  /** Succeeded / (succeeded + failed); absent when no run finished that way: a gap, not 0 %. */
  rate?: number;
}

function mondayOf(time: number): Date {
  const day = new Date(time);
  day.setHours(0, 0, 0, 0);
  day.setDate(day.getDate() - ((day.getDay() + 6) % 7));
  return day;
}

/**
 * The success rate of each of the last weeks (Monday to Sunday, local time), oldest first, the
 * current week last. Like the definition's success rate, a stopped run does not count, and a
 * week with no succeeded or failed run has no rate.
 *
 * @param runs - the runs loaded, any order
 * @param options.loadedSince - when older runs exist that were not loaded: when the oldest
 *   loaded run started. Weeks that began before it are left out rather than shown wrong.
 */
export function weeklySuccessRates(
  runs: JobRun[],
  options: { now?: number; weeks?: number; loadedSince?: number } = {},
): WeekSuccess[] {
  const { now = Date.now(), weeks = SUCCESS_WEEKS, loadedSince } = options;
  const thisWeek = mondayOf(now);
  const result: WeekSuccess[] = [];
  for (let i = weeks - 1; i >= 0; i--) {
    const start = new Date(thisWeek);
    start.setDate(thisWeek.getDate() - 7 * i);
    const end = new Date(start);
    end.setDate(start.getDate() + 7);
    if (loadedSince !== undefined && start.getTime() < loadedSince) {
      continue;
    }
    let succeeded = 0;
    let failed = 0;
    for (const run of runs) {
      const time = Date.parse(runStartTime(run) ?? '');
      if (time >= start.getTime() && time < end.getTime()) {
        if (run.state === 'Succeeded') succeeded++;
        if (run.state === 'Failed') failed++;
      }
    }
    result.push({
      start: start.getTime(),
      label: start.toLocaleDateString('en-GB', {
        day: 'numeric',
        month: 'short',
      }),
      succeeded,
      failed,
      rate:
        succeeded + failed > 0 ? succeeded / (succeeded + failed) : undefined,
    });
  }
  return result;
}

/**
 * The weekly success rates in words, oldest first: "Success rate per week: week of 12 Oct
 * 100 %, week of 19 Oct no finished runs, …, this week 75 %."
 */
export function describeWeeklySuccess(weeks: WeekSuccess[]): string {
  const items = weeks.map((week, i) => {
    const name = i === weeks.length - 1 ? 'this week' : `week of ${week.label}`;
    return `${name} ${
      week.rate === undefined ? 'no finished runs' : formatPercent(week.rate)
    }`;
  });
  return `Success rate per week: ${items.join(', ')}.`;
}
