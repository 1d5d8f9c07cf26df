import { runProgress } from '@job-assistant/plugin-kubernetes-jobs-common';

/** Where a live run stands against its usual duration, as `runProgress` returns it. */
export type RunProgressValue = NonNullable<ReturnType<typeof runProgress>>;

const UNITS = [
  { seconds: 3600, name: 'hour' },
  { seconds: 60, name: 'minute' },
  { seconds: 1, name: 'second' },
];

/**
 * The unit a duration is best counted in: "15 seconds" rather than "0 minutes", "4 minutes"
 * rather than "240 seconds", "2 hours" rather than "120 minutes".
 */
function unitFor(seconds: number) {
  return (
    UNITS.find(unit => seconds >= 1.5 * unit.seconds) ?? UNITS[UNITS.length - 1]
  );
}

function count(seconds: number, unit: { seconds: number }): number {
  return Math.round(seconds / unit.seconds);
}

function withUnit(n: number, unit: { name: string }): string {
  return `${n} ${unit.name}${n === 1 ? '' : 's'}`;
}

/**
 * A live run's progress in words, in the unit of its usual duration and rounded, since the
 * usual duration is only a guess: "About 3 of usually 4 minutes", "Just started (usually 4
 * minutes)", "Taking longer than usual (usually 4 minutes)".
 */
export function describeRunProgress(progress: RunProgressValue): string {
  const unit = unitFor(progress.typicalSeconds);
  const usually = withUnit(
    Math.max(1, count(progress.typicalSeconds, unit)),
    unit,
  );
  if (progress.slow) {
    return `Taking longer than usual (usually ${usually})`;
  }
  const elapsed = count(progress.elapsedSeconds, unit);
  if (elapsed === 0) {
    return `Just started (usually ${usually})`;
  }
  return `About ${elapsed} of usually ${usually}`;
}
