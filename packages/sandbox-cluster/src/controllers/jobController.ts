/*
 * The Job controller (pkg/controller/job), reduced to what this project
 * relies on and checked against recordings 01, 03, 04, 05, 07 and 10:
 *
 *  - suspended Jobs get `Suspended=True` and no pods; suspending a running
 *    Job deletes its pods without counting them as failed and keeps
 *    startTime; resuming flips the condition to False and resets startTime;
 *  - pods carry the `batch.kubernetes.io/job-tracking` finalizer until the
 *    controller has counted them (via status.uncountedTerminatedPods);
 *  - success: SuccessCriteriaMet, then Complete + completionTime;
 *  - failure: retries with exponential backoff (10 s, 20 s, ... capped at
 *    6 min, as the Job documentation states) until failed > backoffLimit, then
 *    FailureTarget + Failed;
 *  - a Job created from a CronJob sets the CronJob's lastSuccessfulTime when it completes.
 *
 * restartPolicy OnFailure is treated like Never (a failed container fails
 * its pod, which is replaced); Indexed completion mode runs like NonIndexed;
 * activeDeadlineSeconds and ttlSecondsAfterFinished are ignored.
 */
import { ApiError } from '../api/errors';
import { clone, deepEqual, formatTime, KubeObject } from '../api/types';
import { Registry } from '../registry/registry';
import { STORAGE } from '../registry/resources';
import { Store, StoreEvent } from '../store/store';
import { Cancel, Clock } from './clock';
import { EventRecorder } from './eventRecorder';
import {
  JOB_TRACKING_FINALIZER,
  controllerOf,
  findCondition,
  hasTracking,
  isReady,
  isTerminal,
  isTrue,
  setCondition,
} from './jobStatus';

const SOURCE = { component: 'job-controller' };
const BACKOFF_BASE_SECONDS = 10;
const BACKOFF_MAX_SECONDS = 360;
/** Simulated delay between a change and the controller's reaction. */
const SYNC_DELAY = 0.01;

const MESSAGES = {
  completions: 'Reached expected number of succeeded pods',
  backoff: 'Job has reached the specified backoff limit',
};

/** Per-Job memory that is not in the Job status. */
interface JobMemory {
  /** When the last failure was seen (stored timestamps only have seconds). */
  lastFailureMs?: number;
  /** The backoff timer. */
  timer?: Cancel;
}

/** The Job controller. */
export class JobController {
  private readonly queue = new Set<string>();
  private readonly memory = new Map<string, JobMemory>();
  private flushScheduled = false;
  private unsubscribe?: () => void;

  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
    private readonly clock: Clock,
    private readonly events: EventRecorder,
  ) {}

  /** Starts reacting to Job and Pod changes (the store holds neither yet). */
  start() {
    this.unsubscribe = this.store.subscribe(event => this.onEvent(event));
  }

  /** Stops the controller and its timers. */
  stop() {
    this.unsubscribe?.();
    this.memory.forEach(memory => memory.timer?.());
    this.memory.clear();
  }

  private onEvent(event: StoreEvent) {
    const object = event.object;
    if (event.storage === STORAGE.jobs) {
      const key = `${object.metadata.namespace}/${object.metadata.name}`;
      if (event.type === 'DELETED') {
        this.forget(object.metadata.uid!);
        // Its pods may still carry the tracking finalizer.
        this.enqueue(`orphans/${object.metadata.namespace}`);
      } else {
        this.enqueue(key);
      }
    } else if (event.storage === STORAGE.pods) {
      const owner = controllerOf(object);
      if (owner?.kind === 'Job') {
        this.enqueue(`${object.metadata.namespace}/${owner.name}`);
      }
    }
  }

  private forget(uid: string) {
    this.memory.get(uid)?.timer?.();
    this.memory.delete(uid);
  }

  private memoryOf(uid: string): JobMemory {
    let memory = this.memory.get(uid);
    if (!memory) {
      memory = {};
      this.memory.set(uid, memory);
    }
    return memory;
  }

  /** Re-syncs a Job at a later time (the end of its backoff). */
  private wakeUpAt(job: KubeObject, realMs: number) {
    const memory = this.memoryOf(job.metadata.uid!);
    memory.timer?.();
    const key = `${job.metadata.namespace}/${job.metadata.name}`;
    memory.timer = this.clock.afterRealMs(realMs - this.clock.now(), () => {
      memory.timer = undefined;
      this.enqueue(key);
    });
  }

  private enqueue(key: string) {
    this.queue.add(key);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.clock.after(SYNC_DELAY, () => this.flush());
    }
  }

  private flush() {
    this.flushScheduled = false;
    const keys = [...this.queue];
    this.queue.clear();
    for (const key of keys) {
      try {
        if (key.startsWith('orphans/')) {
          this.releaseOrphans(key.slice('orphans/'.length));
        } else {
          const [namespace, name] = key.split('/');
          this.sync(namespace, name);
        }
      } catch (e) {
        // eslint-disable-next-line no-console
        console.error(
          `sandbox-cluster: job controller failed to sync ${key}`,
          e,
        );
      }
    }
  }

  private ownedPods(job: KubeObject): KubeObject[] {
    return this.store
      .scan(STORAGE.pods, job.metadata.namespace)
      .map(([, pod]) => pod)
      .filter(pod => controllerOf(pod)?.uid === job.metadata.uid);
  }

  private removeTracking(pod: KubeObject) {
    if (!hasTracking(pod)) {
      return;
    }
    const updated = clone(pod);
    updated.metadata.finalizers = (updated.metadata.finalizers ?? []).filter(
      f => f !== JOB_TRACKING_FINALIZER,
    );
    if (!updated.metadata.finalizers.length) {
      delete updated.metadata.finalizers;
    }
    this.registry.writeObject(STORAGE.pods, updated);
  }

  /** Pods with the tracking finalizer whose Job is gone: release them. */
  private releaseOrphans(namespace: string) {
    for (const [, pod] of this.store.scan(STORAGE.pods, namespace)) {
      const owner = controllerOf(pod);
      const job = this.store.peek(STORAGE.jobs, namespace, owner?.name ?? '');
      if (hasTracking(pod) && job?.metadata.uid !== owner?.uid) {
        this.removeTracking(pod);
      }
    }
  }

  private writeStatus(job: KubeObject, status: any): KubeObject {
    const updated = clone(job);
    updated.status = status;
    return this.registry.writeObject(STORAGE.jobs, updated) ?? job;
  }

  private sync(namespace: string, name: string) {
    let job = this.store.get(STORAGE.jobs, namespace, name);
    if (!job) {
      return;
    }
    const nowMs = this.clock.now();
    const now = formatTime(nowMs);
    let pods = this.ownedPods(job);
    const status = clone(job.status ?? {});
    const finished = isTrue(status, 'Complete') || isTrue(status, 'Failed');

    if (finished) {
      pods.forEach(pod => this.removeTracking(pod));
      return;
    }
    const spec = job.spec ?? {};
    const memory = this.memoryOf(job.metadata.uid!);

    // 1. Count pods that terminated since the last sync (recordings 04, 07):
    //    first publish them as uncounted, then release their finalizers,
    //    then move them into succeeded / failed.
    const newlySucceeded = pods.filter(
      p => hasTracking(p) && p.status?.phase === 'Succeeded',
    );
    const newlyFailed = pods.filter(
      p => hasTracking(p) && p.status?.phase === 'Failed',
    );
    if (newlySucceeded.length || newlyFailed.length) {
      const uncounted: any = {};
      if (newlySucceeded.length)
        uncounted.succeeded = newlySucceeded.map(p => p.metadata.uid);
      if (newlyFailed.length)
        uncounted.failed = newlyFailed.map(p => p.metadata.uid);
      status.uncountedTerminatedPods = uncounted;
      const succeeded = (status.succeeded ?? 0) + newlySucceeded.length;
      const failed = (status.failed ?? 0) + newlyFailed.length;
      const stillActive = pods.filter(
        p => !isTerminal(p) && !p.metadata.deletionTimestamp,
      );
      this.fillCounts(
        status,
        pods.filter(p => !hasTracking(p) || !isTerminal(p)),
      );
      if (!isTrue(status, 'FailureTarget')) {
        if (this.completionsReached(spec, succeeded, stillActive.length)) {
          setCondition(
            status,
            'SuccessCriteriaMet',
            'True',
            'CompletionsReached',
            MESSAGES.completions,
            now,
          );
        } else if (failed > (spec.backoffLimit ?? 6)) {
          setCondition(
            status,
            'FailureTarget',
            'True',
            'BackoffLimitExceeded',
            MESSAGES.backoff,
            now,
          );
        }
      }
      if (newlyFailed.length) {
        // The moment the failure is seen; pod timestamps only have seconds,
        // too coarse for a scaled clock.
        memory.lastFailureMs = nowMs;
      }
      job = this.writeStatus(job, status);
      [...newlySucceeded, ...newlyFailed].forEach(pod =>
        this.removeTracking(pod),
      );
      status.succeeded = succeeded || undefined;
      status.failed = failed || undefined;
      status.uncountedTerminatedPods = {};
    }

    // 2. Decide what the Job needs now.
    pods = this.ownedPods(job);
    const active = pods.filter(
      p => !isTerminal(p) && !p.metadata.deletionTimestamp,
    );
    const live = pods.filter(p => !isTerminal(p));
    if (isTrue(status, 'SuccessCriteriaMet')) {
      active.forEach(pod => this.deletePod(job!, pod, false));
      if (!live.length) {
        setCondition(
          status,
          'Complete',
          'True',
          'CompletionsReached',
          MESSAGES.completions,
          now,
        );
        status.completionTime = now;
        this.events.record(job, 'Normal', 'Completed', 'Job completed', SOURCE);
        this.onFinished(job, status);
      }
    } else if (isTrue(status, 'FailureTarget')) {
      active.forEach(pod => this.deletePod(job!, pod, true));
      if (!live.length && !pods.some(hasTracking)) {
        const target = findCondition(status, 'FailureTarget');
        setCondition(
          status,
          'Failed',
          'True',
          target.reason,
          target.message,
          now,
        );
        this.events.record(
          job,
          'Warning',
          target.reason,
          target.message,
          SOURCE,
        );
        this.onFinished(job, status);
      }
    } else if (spec.suspend) {
      for (const pod of active) {
        // Suspension does not count the pods as failed (recording 05).
        this.removeTracking(pod);
        this.deletePod(job, pod, false);
      }
      if (!isTrue(status, 'Suspended')) {
        setCondition(
          status,
          'Suspended',
          'True',
          'JobSuspended',
          'Job suspended',
          now,
        );
        this.events.record(job, 'Normal', 'Suspended', 'Job suspended', SOURCE);
      }
    } else {
      if (isTrue(status, 'Suspended')) {
        setCondition(
          status,
          'Suspended',
          'False',
          'JobResumed',
          'Job resumed',
          now,
        );
        status.startTime = now;
        this.events.record(job, 'Normal', 'Resumed', 'Job resumed', SOURCE);
      }
      status.startTime ??= now;
      this.createPods(job, status, active.length, memory, nowMs);
    }

    this.fillCounts(
      status,
      this.ownedPods(job).filter(p => !hasTracking(p) || !isTerminal(p)),
    );
    status.uncountedTerminatedPods ??= {};
    if (!deepEqual(status, job.status ?? {})) {
      this.writeStatus(job, status);
    }
  }

  private completionsReached(
    spec: any,
    succeeded: number,
    active: number,
  ): boolean {
    if (typeof spec.completions === 'number') {
      return succeeded >= spec.completions;
    }
    // Work-queue Jobs: done once a pod succeeded and the others finished.
    return succeeded > 0 && active === 0;
  }

  /** active / ready / terminating, from the pods that are not counted yet. */
  private fillCounts(status: any, pods: KubeObject[]) {
    const active = pods.filter(
      p => !isTerminal(p) && !p.metadata.deletionTimestamp,
    );
    status.active = active.length || undefined;
    status.terminating = pods.filter(p => p.metadata.deletionTimestamp).length;
    status.ready = active.filter(isReady).length;
  }

  private createPods(
    job: KubeObject,
    status: any,
    activeCount: number,
    memory: JobMemory,
    nowMs: number,
  ) {
    const spec = job.spec;
    const succeeded = status.succeeded ?? 0;
    const parallelism = spec.parallelism ?? 1;
    let wanted: number;
    if (typeof spec.completions === 'number') {
      wanted =
        Math.min(parallelism, spec.completions - succeeded) - activeCount;
    } else {
      wanted = succeeded > 0 ? 0 : parallelism - activeCount;
    }
    if (wanted <= 0) {
      return;
    }
    const failures = status.failed ?? 0;
    if (failures > 0 && memory.lastFailureMs !== undefined) {
      const backoff = Math.min(
        BACKOFF_BASE_SECONDS * 2 ** (failures - 1),
        BACKOFF_MAX_SECONDS,
      );
      const readyAt = memory.lastFailureMs + this.clock.toRealMs(backoff);
      if (nowMs < readyAt) {
        this.wakeUpAt(job, readyAt);
        return;
      }
    }
    const template = spec.template ?? {};
    for (let i = 0; i < wanted; i++) {
      const body = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          generateName: `${job.metadata.name}-`,
          namespace: job.metadata.namespace,
          labels: clone(template.metadata?.labels),
          annotations: clone(template.metadata?.annotations),
          ownerReferences: [
            {
              apiVersion: 'batch/v1',
              kind: 'Job',
              name: job.metadata.name!,
              uid: job.metadata.uid!,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
          finalizers: [JOB_TRACKING_FINALIZER],
        },
        spec: clone(template.spec),
      };
      try {
        const pod = this.registry.createObject(STORAGE.pods, body);
        this.events.record(
          job,
          'Normal',
          'SuccessfulCreate',
          `Created pod: ${pod.metadata.name}`,
          SOURCE,
        );
      } catch (e) {
        // Not retried, unlike the real controller's backoff.
        const message = e instanceof ApiError ? e.message : String(e);
        this.events.record(
          job,
          'Warning',
          'FailedCreate',
          `Error creating: ${message}`,
          SOURCE,
        );
        return;
      }
    }
  }

  /**
   * Deletes an active pod gracefully. `keepTracking`: the pod still counts
   * (as failed) once it has stopped.
   */
  private deletePod(job: KubeObject, pod: KubeObject, keepTracking: boolean) {
    if (!keepTracking) {
      this.removeTracking(pod);
    }
    this.registry.deleteStored(STORAGE.pods, pod);
    this.events.record(
      job,
      'Normal',
      'SuccessfulDelete',
      `Deleted pod: ${pod.metadata.name}`,
      SOURCE,
    );
  }

  private onFinished(job: KubeObject, status: any) {
    const owner = controllerOf(job);
    if (owner?.kind !== 'CronJob' || !isTrue(status, 'Complete')) {
      return;
    }
    // The CronJob controller records the last successful run (recording 08).
    const cronJob = this.store.get(
      STORAGE.cronJobs,
      job.metadata.namespace,
      owner.name,
    );
    if (cronJob && cronJob.metadata.uid === owner.uid) {
      cronJob.status = {
        ...(cronJob.status ?? {}),
        lastSuccessfulTime: status.completionTime,
      };
      this.registry.writeObject(STORAGE.cronJobs, cronJob);
    }
  }
}
