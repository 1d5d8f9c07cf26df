import { DEFINITION_ANNOTATION_VALUES } from '@job-assistant/plugin-kubernetes-jobs-common';
import { V1CronJob, V1Job, V1JobCondition } from '@kubernetes/client-node';
import {
  DefinitionKind,
  DESCRIPTION_ANNOTATION,
  RUN_ANNOTATIONS,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { toMillis } from '../util/dates';

/**
 * A time as a summary keeps it: seconds since the epoch. Kubernetes writes whole seconds, and
 * a whole number of seconds (until 2038) is a small integer, held in the object itself, where
 * milliseconds take a heap number of their own in every object. Read with {@link timeIn}.
 */
function toSeconds(
  value: Date | string | number | null | undefined,
): number | undefined {
  const ms = toMillis(value);
  if (ms === undefined) return undefined;
  const seconds = ms / 1000;
  // `| 0` makes the small integer itself (whole seconds in 32 bits): the division's result
  // would be a heap number of its own.
  return seconds === (seconds | 0) ? seconds | 0 : seconds;
}

/**
 * A time of an object, as the date helpers read it: a summary's (seconds) in milliseconds,
 * an object's from the cluster (a Date or a string) as it is.
 */
export function timeIn<T extends Date | string | number | null | undefined>(
  value: T,
): T | number {
  return typeof value === 'number' ? Math.round(value * 1000) : value;
}

/**
 * What the watch cache keeps of a Job or CronJob: the fields the API answers are built from,
 * shaped like the object itself (so the model's functions read either), without
 * managedFields, apiVersion, pod templates beyond container names and images, or annotations
 * that are not the plugin's. Times are kept as numbers of seconds, which the model reads with
 * `timeIn`. A Job's summary is a few hundred bytes, where the object is several KB.
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
      lastTransitionTime: toSeconds(c.lastTransitionTime),
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
  // What definitions keep of their spec is often the same (suspended, the same limits, the
  // same containers): identical ones are kept once, frozen throughout, and the API's view of a
  // definition shows its very list of containers.
  return shared({
    suspend: spec.suspend,
    backoffLimit: spec.backoffLimit,
    activeDeadlineSeconds: spec.activeDeadlineSeconds,
    template: Object.freeze({
      spec: Object.freeze({
        containers: shared(
          (spec.template?.spec?.containers ?? []).map(c =>
            Object.freeze({ name: intern(c.name), image: intern(c.image) }),
          ),
        ),
      }),
    }),
  }) as V1Job['spec'];
}

/** The compact summary of an object as read from the cluster (typed client or raw watch JSON). */
export function summarize(
  kind: DefinitionKind,
  object: Summary,
  annotationKey: string,
): Summary {
  const m = object.metadata ?? {};
  const isDefinition = isDefinitionObject(object, annotationKey);
  // No resourceVersion: the watch tracks it from the events, and no answer shows it; no
  // apiVersion either (always batch/v1, read by nothing), only the kind, which is read. Every
  // field in one literal: its object holds them all in itself, where one grown field by field
  // needs a second array for the fields after the fourth.
  const ownerReferences = shared(
    m.ownerReferences?.map(ref =>
      dropUndefined({
        apiVersion: intern(ref.apiVersion),
        kind: intern(ref.kind),
        name: ref.name,
        uid: ref.uid,
        controller: ref.controller,
      }),
    ),
  );
  // Labels are read of definitions only (whose entity they belong to): a run keeps none, and
  // has no field for them.
  const metadata = (kind === 'CronJob' || isDefinition
    ? {
        name: m.name,
        namespace: intern(m.namespace),
        uid: m.uid,
        creationTimestamp: toSeconds(m.creationTimestamp),
        labels: shared(m.labels),
        annotations: keptAnnotations(m.annotations, annotationKey),
        ownerReferences,
      }
    : {
        name: m.name,
        namespace: intern(m.namespace),
        uid: m.uid,
        creationTimestamp: toSeconds(m.creationTimestamp),
        annotations: keptAnnotations(m.annotations, annotationKey),
        ownerReferences,
      }) as unknown as Summary['metadata'];
  if (kind === 'CronJob') {
    const cronJob = object as V1CronJob;
    return {
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
        lastScheduleTime: toSeconds(cronJob.status.lastScheduleTime),
        lastSuccessfulTime: toSeconds(cronJob.status.lastSuccessfulTime),
      },
    } as unknown as V1CronJob;
  }
  const job = object as V1Job;
  const status = job.status;
  const definition = annotationKey in (m.annotations ?? {});
  const completionTime = toSeconds(status?.completionTime);
  const summary = {
    kind: 'Job',
    metadata,
    spec: jobSpecSummary(job.spec, definition),
    status:
      status &&
      dropUndefined({
        startTime: toSeconds(status.startTime),
        completionTime,
        active: status.active || undefined,
        ready: status.ready || undefined,
        succeeded: status.succeeded || undefined,
        failed: status.failed || undefined,
        terminating: status.terminating || undefined,
        conditions: keptConditions(status.conditions, completionTime),
      }),
  } as unknown as V1Job;
  if (isDefinition && summary.status && !definitionHasRun(summary)) {
    // A definition that has not run is not a run: only that it has not is read of its status,
    // not when it was suspended. Kept once for all such definitions.
    const conditions = summary.status.conditions?.map(c =>
      Object.freeze(dropUndefined({ ...c, lastTransitionTime: undefined })),
    );
    summary.status = shared(
      dropUndefined({
        ...summary.status,
        conditions: conditions && Object.freeze(conditions),
      }) as V1Job['status'],
    );
  }
  return summary;
}

/**
 * Label maps repeat across thousands of runs of the same definition: identical ones are kept
 * once (summaries are never modified; the shared parts are frozen). Found by a hash of their
 * JSON, so the table holds a number per value rather than a copy of its JSON; the rare
 * values whose hash another value has taken are found by their JSON.
 */
const sharedValues = new Map<number, object>();
const collidedValues = new Map<string, object>();
const internedStrings = new Map<string, string>();
const MAX_SHARED = 50_000;

function shared<T extends object>(value: T | undefined): T | undefined {
  if (!value) return undefined;
  const key = JSON.stringify(value);
  const hash = hashOf(key);
  const found = sharedValues.get(hash);
  if (found) {
    if (JSON.stringify(found) === key) return found as T;
    const collided = collidedValues.get(key);
    if (collided) return collided as T;
    if (collidedValues.size >= MAX_SHARED) collidedValues.clear();
    collidedValues.set(key, Object.freeze(value));
    return value;
  }
  if (sharedValues.size >= MAX_SHARED) {
    sharedValues.clear();
    collidedValues.clear();
  }
  sharedValues.set(hash, Object.freeze(value));
  return value;
}

/** FNV-1a of a string's UTF-16 code units, in 30 bits (a small integer, as a Map key). */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 2;
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
  // A literal with every field set is kept as it is: it holds its fields in itself, where one
  // built field by field needs a second array for those after the fourth.
  if (!Object.values(value).includes(undefined)) return value;
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

/** As the model's `definitionJobHasRun`: not suspended, or started, or finished. */
function definitionHasRun(job: V1Job): boolean {
  return (
    !job.spec?.suspend ||
    Boolean(job.status?.startTime) ||
    Boolean(
      job.status?.conditions?.some(
        c =>
          c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'),
      ),
    )
  );
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
