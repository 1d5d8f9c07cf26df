/*
 * The pod status the simulated node reports: what the kubelet knows about a
 * pod and its containers, and how that becomes pod.status (phase,
 * conditions, container statuses).
 */
import { createHash } from 'node:crypto';
import { formatTime } from '../api/types';
import { Program } from '../runtime/shell';
import { Cancel } from './clock';

const HOST_IP = '127.0.0.1';

/** A container's simulated process. */
export interface ContainerRun {
  name: string;
  image: string;
  program: Program;
  startedAtMs: number;
  /** When the program exits on its own (Infinity: never). */
  exitsAtMs: number;
  finishedAtMs?: number;
  exitCode?: number;
  containerID: string;
}

/** What the node knows about one pod. */
export interface PodRun {
  uid: string;
  namespace: string;
  name: string;
  state: 'creating' | 'running' | 'done';
  scheduledAt: string;
  createdAt?: string;
  startedAt?: string;
  finishedAt?: string;
  podIP?: string;
  containers: ContainerRun[];
  timers: Cancel[];
  stopping: boolean;
}

export function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function condition(
  type: string,
  status: string,
  time: string | undefined,
  reason?: string,
  message?: string,
) {
  const c: Record<string, unknown> = {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: time ?? null,
  };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

function containerStatus(run: PodRun, container: ContainerRun) {
  const base = {
    name: container.name,
    state: {} as Record<string, unknown>,
    lastState: {},
    ready: false,
    restartCount: 0,
    image: container.image,
    imageID: `docker.io/library/${container.image.split(':')[0]}@sha256:${sha(
      container.image,
    )}`,
    containerID: container.containerID,
    started: false,
  };
  if (container.finishedAtMs !== undefined) {
    base.state = {
      terminated: {
        exitCode: container.exitCode,
        reason: container.exitCode === 0 ? 'Completed' : 'Error',
        startedAt: run.startedAt,
        finishedAt: formatTime(container.finishedAtMs),
        containerID: container.containerID,
      },
    };
  } else {
    base.state = { running: { startedAt: run.startedAt } };
    base.ready = true;
    base.started = true;
  }
  return base;
}

/** The kubelet's view of the pod, as pod.status. */
export function podStatus(
  run: PodRun,
  specContainers: any[],
): Record<string, unknown> {
  const names = specContainers.map(c => c.name);
  const common = { hostIP: HOST_IP, hostIPs: [{ ip: HOST_IP }] };
  let status: Record<string, unknown>;
  if (run.state === 'creating') {
    const unready = `containers with unready status: [${names.join(' ')}]`;
    status = {
      phase: 'Pending',
      conditions: [
        condition('PodScheduled', 'True', run.scheduledAt),
        condition('PodReadyToStartContainers', 'False', run.createdAt),
        condition('Initialized', 'True', run.createdAt),
        condition(
          'ContainersReady',
          'False',
          run.createdAt,
          'ContainersNotReady',
          unready,
        ),
        condition(
          'Ready',
          'False',
          run.createdAt,
          'ContainersNotReady',
          unready,
        ),
      ],
      ...common,
      startTime: run.createdAt,
      containerStatuses: specContainers.map(c => ({
        name: c.name,
        state: { waiting: { reason: 'ContainerCreating' } },
        lastState: {},
        ready: false,
        restartCount: 0,
        image: c.image ?? '',
        imageID: '',
        started: false,
      })),
    };
  } else {
    const statuses = run.containers.map(c => containerStatus(run, c));
    const allReady = statuses.every(s => s.ready);
    const done = run.state === 'done';
    const failed = run.containers.some(
      c => c.exitCode !== undefined && c.exitCode !== 0,
    );
    const changedAt = done ? run.finishedAt : run.startedAt;
    const unready = statuses.filter(s => !s.ready).map(s => s.name);
    const notReadyReason = done ? 'PodCompleted' : 'ContainersNotReady';
    const notReadyMessage = done
      ? undefined
      : `containers with unready status: [${unready.join(' ')}]`;
    let phase = 'Running';
    if (done) {
      phase = failed ? 'Failed' : 'Succeeded';
    }
    status = {
      phase,
      conditions: [
        condition('PodScheduled', 'True', run.scheduledAt),
        condition(
          'PodReadyToStartContainers',
          done ? 'False' : 'True',
          changedAt,
        ),
        condition('Initialized', 'True', run.startedAt),
        allReady
          ? condition('ContainersReady', 'True', run.startedAt)
          : condition(
              'ContainersReady',
              'False',
              changedAt,
              notReadyReason,
              notReadyMessage,
            ),
        allReady
          ? condition('Ready', 'True', run.startedAt)
          : condition(
              'Ready',
              'False',
              changedAt,
              notReadyReason,
              notReadyMessage,
            ),
      ],
      ...common,
      podIP: run.podIP,
      podIPs: [{ ip: run.podIP }],
      startTime: run.createdAt,
      containerStatuses: statuses,
    };
  }
  return status;
}
