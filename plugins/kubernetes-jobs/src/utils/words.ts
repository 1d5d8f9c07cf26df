import {
  DefinitionKind,
  JobRun,
  RunState,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { formatShortDateTime, plural } from './format';

/*
 * The words the portal shows for Kubernetes' concepts, written for people who never saw YAML.
 * Kubernetes' own terms stay available in the "Technical details" sections.
 */

/** "one-off task" for a Job, "scheduled task" for a CronJob. */
export function describeKind(kind: DefinitionKind): string {
  return kind === 'CronJob' ? 'scheduled task' : 'one-off task';
}

/**
 * The state of a run as the portal says it. The API's `Killed` is shown as "Stopped": the
 * portal has one verb for ending a run early, and it is "stop".
 */
export function describeState(state: RunState): string {
  return state === 'Killed' ? 'Stopped' : state;
}

/** A heading that names a run by its Job and start time: "shop-db-migrate, run of 2 Dec 10:04". */
export function runTitle(run: JobRun): string {
  const when = formatShortDateTime(
    run.startedAt ?? run.triggeredAt ?? run.createdAt,
  );
  return when
    ? `${run.definition.name}, run of ${when}`
    : `${run.definition.name}, run ${run.name}`;
}

/**
 * Why a run failed, in one line a person understands: the backend's summary (built from the
 * failed container's last words, its exit code and the attempts), or else Kubernetes' message.
 * Kubernetes' reason ("BackoffLimitExceeded") is left for the technical details.
 */
export function describeFailure(run: JobRun): string | undefined {
  if (run.state !== 'Failed') {
    return undefined;
  }
  if (run.failureSummary) {
    return run.failureSummary;
  }
  if (run.failure?.message) {
    return `Kubernetes says: ${run.failure.message}`;
  }
  return undefined;
}

/** How many tries a run took, in words: "1 attempt", "3 attempts (retried 2 times after failing)". */
export function describeAttempts(run: JobRun): string | undefined {
  const attempts =
    run.attempts ?? run.pods.active + run.pods.succeeded + run.pods.failed;
  if (attempts <= 0) {
    return undefined;
  }
  if (attempts === 1) {
    return '1 attempt';
  }
  const retries = attempts - 1;
  return `${plural(attempts, 'attempt')} (retried ${plural(
    retries,
    'time',
  )} after failing)`;
}

/**
 * What a pod of a run is doing, said of an attempt. A finished run's pod can still be reported
 * as Running while Kubernetes stops it: it is shown as stopped, as the run is.
 */
export function describeAttemptPhase(
  phase: string | undefined,
  runActive: boolean,
): string | undefined {
  switch (phase) {
    case 'Pending':
      return runActive ? 'waiting to start' : 'stopped';
    case 'Running':
      return runActive ? 'running' : 'stopped';
    case 'Succeeded':
      return 'succeeded';
    case 'Failed':
      return 'failed';
    default:
      return undefined;
  }
}

const WAITING_REASONS: Record<string, string> = {
  ContainerCreating: 'it is being prepared',
  PodInitializing: 'it is being prepared',
  ErrImagePull: 'its program could not be downloaded',
  ImagePullBackOff: 'its program could not be downloaded, trying again',
  CrashLoopBackOff: 'it keeps failing, and is restarted after a pause',
  CreateContainerConfigError: 'its settings are incomplete',
};

/** Why a container has no log yet, from Kubernetes' waiting reason ("ContainerCreating"). */
export function describeWaiting(reason: string): string {
  return WAITING_REASONS[reason] ?? `Kubernetes says ${reason}`;
}
