import {
  DefinitionSummary,
  isActiveState,
  JobRun,
} from '@job-assistant/plugin-kubernetes-jobs-common';

/** Whether a run is still going: it can be followed and killed. */
export function isActiveRun(run: JobRun | undefined): boolean {
  return isActiveState(run?.state);
}

/** Whether a definition has at least one active run. */
export function hasActiveRun(summary: DefinitionSummary): boolean {
  return summary.stats.counts.active > 0 || isActiveRun(summary.stats.lastRun);
}

/**
 * How long a run took, or has been going for when still active. The cluster only knows a
 * duration once a run finished, so an active run's is counted from its start.
 */
export function runDurationSeconds(
  run: JobRun | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!run) {
    return undefined;
  }
  const started = Date.parse(run.startedAt ?? '');
  if (isActiveRun(run)) {
    return Number.isNaN(started)
      ? run.durationSeconds
      : Math.max(0, (now - started) / 1000);
  }
  if (run.durationSeconds !== undefined) {
    return run.durationSeconds;
  }
  const ended = Date.parse(run.finishedAt ?? run.killedAt ?? '');
  return Number.isNaN(started) || Number.isNaN(ended)
    ? undefined
    : Math.max(0, (ended - started) / 1000);
}
