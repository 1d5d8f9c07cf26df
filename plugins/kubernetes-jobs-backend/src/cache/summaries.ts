import { V1CronJob, V1Job } from '@kubernetes/client-node';
import { DefinitionKind } from '@job-assistant/plugin-kubernetes-jobs-common';
import { toIso } from '../util/dates';

/**
 * What the watch cache keeps of a Job or CronJob: the fields the API answers are built from,
 * shaped like the object itself (so the model's functions read either), without
 * managedFields, pod templates beyond container names and images, or annotations that are not
 * the plugin's. A Job's summary is a few hundred bytes, where the object is several KB.
 */
export type Summary = V1Job | V1CronJob;

/** Longest condition message kept; the rest is in the cluster. */
const MAX_MESSAGE = 512;

function keptAnnotations(
  annotations: Record<string, string> | undefined,
  annotationKey: string,
): Record<string, string> | undefined {
  if (!annotations) return undefined;
  let kept: Record<string, string> | undefined;
  for (const [key, value] of Object.entries(annotations)) {
    if (key === annotationKey || key.startsWith('job-assistant/')) {
      (kept ??= {})[key] = value;
    }
  }
  return kept;
}

function jobSpecSummary(spec: V1Job['spec']) {
  if (!spec) return undefined;
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
  const metadata = {
    name: m.name,
    namespace: m.namespace,
    uid: m.uid,
    resourceVersion: m.resourceVersion,
    creationTimestamp: toIso(m.creationTimestamp),
    labels: m.labels,
    annotations: keptAnnotations(m.annotations, annotationKey),
    ownerReferences: m.ownerReferences?.map(ref => ({
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      name: ref.name,
      uid: ref.uid,
    })),
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
          spec: jobSpecSummary(cronJob.spec.jobTemplate?.spec),
        },
      },
      status: cronJob.status && {
        lastScheduleTime: toIso(cronJob.status.lastScheduleTime),
        lastSuccessfulTime: toIso(cronJob.status.lastSuccessfulTime),
      },
    } as unknown as V1CronJob;
  }
  const job = object as V1Job;
  const status = job.status;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: jobSpecSummary(job.spec),
    status: status && {
      startTime: toIso(status.startTime),
      completionTime: toIso(status.completionTime),
      active: status.active,
      ready: status.ready,
      succeeded: status.succeeded,
      failed: status.failed,
      terminating: status.terminating,
      conditions: status.conditions?.map(c => ({
        type: c.type,
        status: c.status,
        reason: c.reason,
        message: c.message?.slice(0, MAX_MESSAGE),
        lastTransitionTime: toIso(c.lastTransitionTime),
      })),
    },
  } as unknown as V1Job;
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
