/*
 * What the Job controller reads off pods and writes into a Job's status conditions.
 */
import { KubeObject } from '../api/types';

/** The finalizer the Job controller keeps on pods until it has counted them. */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

export function isTerminal(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

export function hasTracking(pod: KubeObject): boolean {
  return (pod.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
}

export function isReady(pod: KubeObject): boolean {
  return (pod.status?.conditions ?? []).some(
    (c: any) => c.type === 'Ready' && c.status === 'True',
  );
}

export function controllerOf(object: KubeObject) {
  return (object.metadata.ownerReferences ?? []).find(ref => ref.controller);
}

export function findCondition(status: any, type: string) {
  return (status.conditions ?? []).find((c: any) => c.type === type);
}

export function isTrue(status: any, type: string): boolean {
  return findCondition(status, type)?.status === 'True';
}

/** Sets a condition; timestamps only move when the status changes. */
export function setCondition(
  status: any,
  type: string,
  value: 'True' | 'False',
  reason: string,
  message: string,
  now: string,
) {
  const conditions: any[] = (status.conditions ??= []);
  const existing = conditions.find(c => c.type === type);
  if (existing && existing.status === value && existing.reason === reason) {
    return;
  }
  const condition = {
    type,
    status: value,
    lastProbeTime: now,
    lastTransitionTime: now,
    reason,
    message,
  };
  if (existing) {
    Object.assign(existing, condition);
  } else {
    conditions.push(condition);
  }
}
