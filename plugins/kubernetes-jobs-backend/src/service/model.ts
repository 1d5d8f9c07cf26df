import {
  V1CronJob,
  V1Job,
  V1JobCondition,
  V1OwnerReference,
  V1Pod,
} from '@kubernetes/client-node';
import {
  ALLOW_PARALLEL_RUNS_ANNOTATION,
  DESCRIPTION_ANNOTATION,
  DefinitionKind,
  DefinitionStats,
  JobDefinition,
  definitionStats,
  JobRun,
  RUN_ANNOTATIONS,
  RunState,
  RunTrigger,
  ALLOW_SCHEDULE_CONTROL_ANNOTATION,
  PARAMETERS_ANNOTATION,
  ParameterValue,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { intern, isDefinitionObject, timeIn } from '../cache/summaries';
import { timeOf, toIso } from '../util/dates';
import type { ApprovalRule } from '../config';
import { approvalFor } from './approvalPolicy';
import { declaredParameters } from './parameters';
import { nextScheduleTime } from './schedule';

/** A definition object as read from a cluster. */
export type DefinitionObject = V1Job | V1CronJob;

/** Whether a Job or CronJob carries the definition annotation. */
export function isDefinition(
  object: DefinitionObject,
  annotationKey: string,
): boolean {
  return isDefinitionObject(object, annotationKey);
}

export function kindOf(object: DefinitionObject): DefinitionKind {
  return object.kind === 'CronJob' ? 'CronJob' : 'Job';
}

export function jobSpecOf(object: DefinitionObject) {
  return kindOf(object) === 'CronJob'
    ? (object as V1CronJob).spec?.jobTemplate?.spec
    : (object as V1Job).spec;
}

/** The API view of a definition. */
export function toJobDefinition(
  cluster: string,
  object: DefinitionObject,
  options: {
    allowParallelRunsByDefault: boolean;
    entityRef?: string;
    entityOwnerRef?: string;
    /** `kubernetesJobs.approvals`: the clusters where every run needs approval. */
    approvals?: ApprovalRule[];
    /** For the next scheduled time; now by default. */
    now?: Date;
  },
): JobDefinition {
  const metadata = object.metadata ?? {};
  const kind = kindOf(object);
  const jobSpec = jobSpecOf(object);
  const parallel = metadata.annotations?.[ALLOW_PARALLEL_RUNS_ANNOTATION];
  const cronSpec = kind === 'CronJob' ? (object as V1CronJob).spec : undefined;
  const declared = declaredParameters(
    metadata.annotations?.[PARAMETERS_ANNOTATION],
  );
  return {
    cluster,
    namespace: metadata.namespace ?? '',
    name: metadata.name ?? '',
    kind,
    uid: metadata.uid ?? '',
    // The same few entities own many definitions: one copy of each reference.
    entityRef: intern(options.entityRef),
    entityOwnerRef: intern(options.entityOwnerRef),
    description: metadata.annotations?.[DESCRIPTION_ANNOTATION],
    schedule: cronSpec?.schedule,
    timeZone: cronSpec?.timeZone,
    suspended: Boolean(object.spec?.suspend),
    allowParallelRuns:
      parallel === undefined
        ? options.allowParallelRunsByDefault
        : parallel === 'true',
    containers: containersOf(jobSpec?.template?.spec?.containers),
    backoffLimit: jobSpec?.backoffLimit,
    activeDeadlineSeconds: jobSpec?.activeDeadlineSeconds,
    createdAt: toIso(timeIn(metadata.creationTimestamp)),
    ...parameterFields(declared),
    ...approvalFields(approvalFor(cluster, object, options.approvals ?? [])),
    ...(kind === 'CronJob'
      ? {
          scheduleControl:
            metadata.annotations?.[ALLOW_SCHEDULE_CONTROL_ANNOTATION] ===
            'true',
          lastScheduleTime: toIso(
            timeIn((object as V1CronJob).status?.lastScheduleTime),
          ),
          nextScheduleTime: object.spec?.suspend
            ? undefined
            : nextScheduleTime(
                cronSpec?.schedule,
                cronSpec?.timeZone,
                options.now ?? new Date(),
              ),
        }
      : {}),
  };
}

/**
 * The name and image of each container. A cached definition's list is already that, frozen
 * and shared by the definitions that run the same containers: shown as it is, not copied.
 */
function containersOf(
  containers: Array<{ name: string; image?: string }> | undefined,
): JobDefinition['containers'] {
  if (
    containers &&
    Object.isFrozen(containers) &&
    containers.every(
      c =>
        Object.isFrozen(c) &&
        Object.keys(c).length === 2 &&
        'name' in c &&
        'image' in c,
    )
  ) {
    return containers;
  }
  return (containers ?? []).map(c => ({ name: c.name, image: c.image }));
}

function condition(job: V1Job, type: string): V1JobCondition | undefined {
  return job.status?.conditions?.find(
    c => c.type === type && c.status === 'True',
  );
}

/**
 * The state a portal user sees. `Complete` (not `SuccessCriteriaMet`) means success: the Job
 * controller sets `Complete` only once the pods are counted. A suspended run that has not
 * finished was killed.
 */
export function runStateOf(job: V1Job): RunState {
  if (condition(job, 'Complete')) return 'Succeeded';
  if (condition(job, 'Failed')) return 'Failed';
  if (job.spec?.suspend) return 'Killed';
  if (job.status?.startTime || (job.status?.active ?? 0) > 0) return 'Running';
  return 'Pending';
}

function parameterFields(declared: ReturnType<typeof declaredParameters>) {
  if (declared.error !== undefined) return { parametersError: declared.error };
  return declared.parameters.length ? { parameters: declared.parameters } : {};
}

function approvalFields(need: ReturnType<typeof approvalFor>) {
  if (need.error !== undefined) return { approvalError: need.error };
  return need.approval ? { approval: need.approval } : {};
}

/** Whether a definition Job has itself run (so it counts as its own first run). */
export function definitionJobHasRun(job: V1Job): boolean {
  return (
    !job.spec?.suspend ||
    Boolean(job.status?.startTime) ||
    Boolean(condition(job, 'Complete') || condition(job, 'Failed'))
  );
}

/** The API view of a run. */
export function toJobRun(
  cluster: string,
  job: V1Job,
  definition: { kind: DefinitionKind; name: string; uid?: string },
): JobRun {
  const metadata = job.metadata ?? {};
  const annotations = metadata.annotations ?? {};
  const state = runStateOf(job);
  const startedAt = toIso(timeIn(job.status?.startTime));
  const failed = condition(job, 'Failed');
  const suspended = condition(job, 'Suspended');
  let finishedAt: string | undefined;
  if (state === 'Succeeded') {
    finishedAt =
      toIso(timeIn(job.status?.completionTime)) ??
      toIso(timeIn(condition(job, 'Complete')?.lastTransitionTime));
  } else if (state === 'Failed') {
    finishedAt = toIso(timeIn(failed?.lastTransitionTime));
  } else if (state === 'Killed') {
    finishedAt =
      toIso(timeIn(suspended?.lastTransitionTime)) ??
      annotations[RUN_ANNOTATIONS.killedAt];
  }
  const durationSeconds =
    startedAt && finishedAt
      ? Math.max(0, (timeOf(finishedAt) - timeOf(startedAt)) / 1000)
      : undefined;
  const isItself =
    definition.uid !== undefined && metadata.uid === definition.uid;
  return {
    cluster,
    namespace: metadata.namespace ?? '',
    name: metadata.name ?? '',
    uid: metadata.uid ?? '',
    definition,
    isDefinition: isItself,
    state,
    createdAt: toIso(timeIn(metadata.creationTimestamp)),
    startedAt,
    finishedAt,
    durationSeconds,
    // Who did what comes from the backend's records (merged in by the reader); what the Job
    // itself says is only a claim, which anyone who may write Jobs could have made.
    trigger: triggerOf(job),
    claimedTriggeredBy: annotations[RUN_ANNOTATIONS.triggeredBy],
    triggeredAt: annotations[RUN_ANNOTATIONS.triggeredAt],
    killedAt: annotations[RUN_ANNOTATIONS.killedAt],
    parameters: parametersOf(annotations[PARAMETERS_ANNOTATION]),
    attempts:
      (job.status?.failed ?? 0) +
      (job.status?.succeeded ?? 0) +
      (job.status?.active ?? 0),
    pods: podCounts(
      job.status?.active ?? 0,
      job.status?.ready ?? 0,
      job.status?.succeeded ?? 0,
      job.status?.failed ?? 0,
      job.status?.terminating ?? 0,
    ),
    failure: failed
      ? { reason: failed.reason, message: failed.message }
      : undefined,
  };
}

/** Pod counts of runs, each a few pods at most: one frozen object per set of counts. */
const POD_COUNTS = new Map<number, JobRun['pods']>();

/** A run's pod counts; the small ones, which most runs have, shared. */
function podCounts(
  active: number,
  ready: number,
  succeeded: number,
  failed: number,
  terminating: number,
): JobRun['pods'] {
  const counts = [active, ready, succeeded, failed, terminating];
  if (!counts.every(n => Number.isInteger(n) && n >= 0 && n < 8)) {
    return { active, ready, succeeded, failed, terminating };
  }
  const key = counts.reduce((sum, n) => sum * 8 + n, 0);
  let pods = POD_COUNTS.get(key);
  if (!pods) {
    pods = Object.freeze({ active, ready, succeeded, failed, terminating });
    POD_COUNTS.set(key, pods);
  }
  return pods;
}

/** The values a run Job says it ran with (its own annotation, written when it was created). */
function parametersOf(
  annotation: string | undefined,
): Record<string, ParameterValue> | undefined {
  if (!annotation) return undefined;
  try {
    const parsed = JSON.parse(annotation);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How a Job was started, as far as the cluster can tell: a CronJob's controller makes its
 * scheduled Jobs (controller owner reference, and on Kubernetes 1.28+ a scheduled-timestamp
 * annotation); `kubectl create job --from=cronjob/...` marks its copy `instantiate: manual`.
 * Anything else is from outside the portal until a record of ours says otherwise.
 */
export function triggerOf(job: V1Job): RunTrigger {
  const annotations = job.metadata?.annotations ?? {};
  const cronOwner = job.metadata?.ownerReferences?.find(
    ref => ref.kind === 'CronJob' && ref.apiVersion === 'batch/v1',
  );
  if (
    cronOwner &&
    (annotations['batch.kubernetes.io/cronjob-scheduled-timestamp'] ||
      (cronOwner.controller &&
        annotations['cronjob.kubernetes.io/instantiate'] !== 'manual'))
  ) {
    return 'schedule';
  }
  return 'outside';
}

/** Newest first: by trigger time, then creation time. */
export function compareRunsNewestFirst(a: JobRun, b: JobRun): number {
  const at = timeOf(a.triggeredAt ?? a.createdAt);
  const bt = timeOf(b.triggeredAt ?? b.createdAt);
  return bt - at || b.name.localeCompare(a.name);
}

/** Stats over the runs of one definition (newest first). */
export function computeStats(runs: JobRun[]): DefinitionStats {
  const countsByState: Partial<Record<RunState, number>> = {};
  for (const run of runs) {
    countsByState[run.state] = (countsByState[run.state] ?? 0) + 1;
  }
  return definitionStats({
    countsByState,
    lastRun: runs[0],
    succeededDurationsNewestFirst: runs
      .filter(r => r.state === 'Succeeded' && r.durationSeconds !== undefined)
      .map(r => r.durationSeconds as number),
  });
}

/**
 * Why a container has no log yet, or undefined when it has one to read. Kubernetes answers a
 * log request for a container that has not started with 400 ("is waiting to start").
 */
export function waitingReason(
  pod: V1Pod,
  container: string,
): string | undefined {
  const statuses = [
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.initContainerStatuses ?? []),
  ];
  const status = statuses.find(s => s.name === container);
  if (!status) {
    return pod.status?.phase === 'Pending' ? 'PodPending' : undefined;
  }
  if (status.state?.waiting && !status.lastState?.terminated) {
    return status.state.waiting.reason ?? 'ContainerCreating';
  }
  return undefined;
}

/** How a run refers to its definition. */
export function definitionRef(definition: DefinitionObject) {
  return {
    kind: kindOf(definition),
    name: definition.metadata?.name ?? '',
    uid: definition.metadata?.uid,
  };
}

/**
 * The owner reference that names a Job's definition, if it has one: the one rule the tracker,
 * the run lookup and the lists use to tie a run to its definition.
 */
export function definitionOwnerRef(job: V1Job): V1OwnerReference | undefined {
  return job.metadata?.ownerReferences?.find(
    ref =>
      ref.apiVersion === 'batch/v1' &&
      (ref.kind === 'Job' || ref.kind === 'CronJob'),
  );
}

/**
 * Whether `job` is a run of `definition`: a Job the definition owns (by uid, so a run of an
 * earlier definition of the same name is not), or the definition Job itself once it ran.
 */
export function isRunOf(job: V1Job, definition: DefinitionObject): boolean {
  const uid = definition.metadata?.uid;
  if (uid === undefined) return false;
  if (job.metadata?.uid === uid) {
    return kindOf(definition) === 'Job' && definitionJobHasRun(job);
  }
  const owner = definitionOwnerRef(job);
  return owner?.uid === uid && owner.kind === kindOf(definition);
}

/** Runs of a definition among listed Jobs: those it owns, and itself when it ran. */
export function runsFromJobs(
  cluster: string,
  definition: DefinitionObject,
  jobs: Iterable<V1Job>,
): JobRun[] {
  const runs: JobRun[] = [];
  for (const job of jobs) {
    if (isRunOf(job, definition)) {
      runs.push(toJobRun(cluster, job, definitionRef(definition)));
    }
  }
  return runs.sort(compareRunsNewestFirst);
}
