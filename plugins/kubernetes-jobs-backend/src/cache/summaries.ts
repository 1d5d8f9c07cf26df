import { DEFINITION_ANNOTATION_VALUES } from '@job-assistant/plugin-kubernetes-jobs-common';
import { V1CronJob, V1Job, V1JobCondition } from '@kubernetes/client-node';
import {
  DefinitionKind,
  DESCRIPTION_ANNOTATION,
  RUN_ANNOTATIONS,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { toMillis } from '../util/dates';

/**
 * What the watch cache keeps of a Job or CronJob: the fields the API answers are built from,
 * shaped like the object itself (so the model's functions read either), without
 * managedFields, pod templates beyond container names and images, or annotations that are not
 * the plugin's. Times are kept as numbers (milliseconds), which the model reads like the
 * dates of the object. A Job's summary is a few hundred bytes, where the object is several KB.
 */
export type Summary = V1Job | V1CronJob;

/** What tells a CronJob's scheduled run from one made with `kubectl create job --from`. */
const CRONJOB_ANNOTATIONS = [
  'batch.kubernetes.io/cronjob-scheduled-timestamp',
  'cronjob.kubernetes.io/instantiate',
];

/**
 * Annotations whose values repeat across runs (a definition's description, copied onto each
 * run; the few people who trigger, stop and approve runs): one copy of each value.
 */
const REPEATED_ANNOTATIONS = new Set<string>([
  DESCRIPTION_ANNOTATION,
  RUN_ANNOTATIONS.triggeredBy,
  RUN_ANNOTATIONS.killedBy,
  RUN_ANNOTATIONS.approvedBy,
  'cronjob.kubernetes.io/instantiate',
]);

/**
 * The conditions the model reads: a run's state and when it ended. SuccessCriteriaMet and
 * FailureTarget, which come just before Complete and Failed, say nothing more.
 */
const KEPT_CONDITIONS = new Set(['Complete', 'Failed', 'Suspended']);

/** Longest condition message kept; the rest is in the cluster. */
const MAX_MESSAGE = 512;

/**
 * A run's spec says only whether it is suspended (what it runs is its definition's business):
 * one frozen object per value, shared by every run.
 */
const RUN_SPECS = {
  suspended: Object.freeze({ suspend: true }),
  running: Object.freeze({ suspend: false }),
  unset: Object.freeze({}),
};

/**
 * The conditions of a run that succeeded and says when in its completionTime: the same for
 * every such run (most of the history), so kept once.
 */
const COMPLETED = Object.freeze([
  Object.freeze({ type: 'Complete', status: 'True' }),
]);

function keptAnnotations(
  annotations: Record<string, string> | undefined,
  annotationKey: string,
): Record<string, string> | undefined {
  if (!annotations) return undefined;
  let kept: Record<string, string> | undefined;
  for (const [key, value] of Object.entries(annotations)) {
    if (
      key === annotationKey ||
      key.startsWith('job-assistant/') ||
      CRONJOB_ANNOTATIONS.includes(key)
    ) {
      (kept ??= {})[intern(key)!] = REPEATED_ANNOTATIONS.has(key)
        ? intern(value)!
        : value;
    }
  }
  return kept;
}

/** The true conditions the model reads, in as little room as they take. */
function keptConditions(
  conditions: V1JobCondition[] | undefined,
  completionTime: number | undefined,
) {
  const kept = conditions?.filter(
    c => c.status === 'True' && KEPT_CONDITIONS.has(c.type),
  );
  if (!kept?.length) return undefined;
  // When it ended is read from completionTime first: Complete's own time adds nothing.
  if (
    kept.length === 1 &&
    kept[0].type === 'Complete' &&
    completionTime !== undefined
  ) {
    return COMPLETED;
  }
  // Only a failure's words are kept; the controller's few reasons and messages repeat.
  return kept.map(c =>
    dropUndefined({
      type: intern(c.type),
      status: intern(c.status),
      reason: c.type === 'Failed' ? intern(c.reason) : undefined,
      message:
        c.type === 'Failed'
          ? intern(c.message?.slice(0, MAX_MESSAGE))
          : undefined,
      lastTransitionTime: toMillis(c.lastTransitionTime),
    }),
  );
}

function jobSpecSummary(spec: V1Job['spec'], definition: boolean) {
  if (!spec) return undefined;
  if (!definition) {
    if (spec.suspend === undefined) return RUN_SPECS.unset as V1Job['spec'];
    return (
      spec.suspend ? RUN_SPECS.suspended : RUN_SPECS.running
    ) as V1Job['spec'];
  }
  return {
    suspend: spec.suspend,
    backoffLimit: spec.backoffLimit,
    activeDeadlineSeconds: spec.activeDeadlineSeconds,
    template: {
      spec: {
        containers: (spec.template?.spec?.containers ?? []).map(c => ({
          name: c.name,
          image: c.image,
        })),
      },
    },
  } as V1Job['spec'];
}

/** The compact summary of an object as read from the cluster (typed client or raw watch JSON). */
export function summarize(
  kind: DefinitionKind,
  object: Summary,
  annotationKey: string,
): Summary {
  const m = object.metadata ?? {};
  // No resourceVersion: the watch tracks it from the events, and no answer shows it. Every
  // field in one literal: its object holds them all in itself, where one grown field by field
  // needs a second array for the fields after the fourth.
  const metadata = {
    name: m.name,
    namespace: intern(m.namespace),
    uid: m.uid,
    creationTimestamp: toMillis(m.creationTimestamp),
    labels: shared(m.labels),
    annotations: keptAnnotations(m.annotations, annotationKey),
    ownerReferences: shared(
      m.ownerReferences?.map(ref =>
        dropUndefined({
          apiVersion: intern(ref.apiVersion),
          kind: intern(ref.kind),
          name: ref.name,
          uid: ref.uid,
          controller: ref.controller,
        }),
      ),
    ),
  } as unknown as Summary['metadata'];
  if (kind === 'CronJob') {
    const cronJob = object as V1CronJob;
    return {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata,
      spec: cronJob.spec && {
        schedule: cronJob.spec.schedule,
        timeZone: cronJob.spec.timeZone,
        suspend: cronJob.spec.suspend,
        jobTemplate: {
          metadata: cronJob.spec.jobTemplate?.metadata?.labels
            ? { labels: cronJob.spec.jobTemplate.metadata.labels }
            : undefined,
          spec: jobSpecSummary(cronJob.spec.jobTemplate?.spec, true),
        },
      },
      status: cronJob.status && {
        lastScheduleTime: toMillis(cronJob.status.lastScheduleTime),
        lastSuccessfulTime: toMillis(cronJob.status.lastSuccessfulTime),
      },
    } as unknown as V1CronJob;
  }
  const job = object as V1Job;
  const status = job.status;
  const definition = annotationKey in (m.annotations ?? {});
  const completionTime = toMillis(status?.completionTime);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: jobSpecSummary(job.spec, definition),
    status:
      status &&
      dropUndefined({
        startTime: toMillis(status.startTime),
        completionTime,
        active: status.active || undefined,
        ready: status.ready || undefined,
        succeeded: status.succeeded || undefined,
        failed: status.failed || undefined,
        terminating: status.terminating || undefined,
        conditions: keptConditions(status.conditions, completionTime),
      }),
  } as unknown as V1Job;
}

/**
 * Label maps repeat across thousands of runs of the same definition: identical ones are kept
 * once (summaries are never modified; the shared parts are frozen).
 */
const sharedValues = new Map<string, object>();
const internedStrings = new Map<string, string>();
const MAX_SHARED = 50_000;

function shared<T extends object>(value: T | undefined): T | undefined {
  if (!value) return undefined;
  const key = JSON.stringify(value);
  let found = sharedValues.get(key) as T | undefined;
  if (!found) {
    if (sharedValues.size >= MAX_SHARED) sharedValues.clear();
    found = Object.freeze(value);
    sharedValues.set(key, found);
  }
  return found;
}

/** Namespaces, kinds, condition types and some annotations repeat: one copy of each string. */
export function intern(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let found = internedStrings.get(value);
  if (found === undefined) {
    if (internedStrings.size >= MAX_SHARED) internedStrings.clear();
    internedStrings.set(value, value);
    found = value;
  }
  return found;
}

/**
 * Absent fields take no room (a property set to undefined still does). A new object rather
 * than `delete`, which would turn the object into a slower, larger dictionary.
 */
function dropUndefined<T extends Record<string, unknown>>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (value[key] !== undefined) out[key] = value[key];
  }
  return out as T;
}

/**
 * Whether two summaries differ in anything but resourceVersion: a change nobody can see (the
 * controller touching managedFields, an annotation of another tool) is not announced.
 */
export function sameSummary(a: Summary | undefined, b: Summary): boolean {
  if (!a) return false;
  const strip = (s: Summary) =>
    JSON.stringify({
      ...s,
      metadata: { ...s.metadata, resourceVersion: undefined },
    });
  return strip(a) === strip(b);
}

/**
 * Whether an object is a definition: annotated `<annotationKey>: enable` (or `true`). The one
 * rule; the service's model uses it too.
 */
export function isDefinitionObject(
  object: { metadata?: { annotations?: Record<string, string> } },
  annotationKey: string,
): boolean {
  const value = object.metadata?.annotations?.[annotationKey];
  return value !== undefined && DEFINITION_ANNOTATION_VALUES.includes(value);
}
