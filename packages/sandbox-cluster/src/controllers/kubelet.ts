/*
 * The scheduler and a single simulated node. Pods are bound at once, start
 * about a second later, "run" their container programs (see
 * ../runtime/shell.ts) and end Succeeded or Failed. A graceful deletion stops
 * the containers (exit 143) and then confirms the deletion, as a kubelet
 * does (recording 05).
 */
import { formatTime, KubeObject } from '../api/types';
import { Registry } from '../registry/registry';
import { STORAGE } from '../registry/resources';
import { compileProgram } from '../runtime/shell';
import { Store, StoreEvent } from '../store/store';
import { Clock } from './clock';
import { EventRecorder } from './eventRecorder';
import { containerEnvironment, expandReferences } from './envExpansion';
import { condition, ContainerRun, podStatus, PodRun, sha } from './podStatus';

/** Name of the sandbox's only node. */
export const NODE_NAME = 'sandbox-node';

/** Simulated seconds: binding, image "pull" + start, SIGTERM handling. */
const BIND_DELAY = 0.05;
const START_DELAY = 1;
const STOP_DELAY = 1;
/** Even `echo hi` keeps a container running for a moment. */
const MIN_RUN = 1;

/** A log line with its real timestamp. */
export interface LogLine {
  timeMs: number;
  text: string;
}

/** The scheduler + kubelet of the sandbox. */
export class Kubelet {
  private readonly runs = new Map<string, PodRun>();
  private readonly binding = new Set<string>();
  private nextIp = 2;
  private unsubscribe?: () => void;

  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
    private readonly clock: Clock,
    private readonly events: EventRecorder,
  ) {}

  /** Starts watching pods (the store holds none yet). */
  start() {
    this.unsubscribe = this.store.subscribe(event => this.onEvent(event));
  }

  /** Stops all simulated containers. */
  stop() {
    this.unsubscribe?.();
    for (const run of this.runs.values()) {
      run.timers.forEach(cancel => cancel());
    }
    this.runs.clear();
  }

  private onEvent(event: StoreEvent) {
    if (event.storage !== STORAGE.pods) {
      return;
    }
    if (event.type === 'DELETED') {
      const run = this.runs.get(event.object.metadata.uid!);
      run?.timers.forEach(cancel => cancel());
      this.runs.delete(event.object.metadata.uid!);
      this.binding.delete(event.object.metadata.uid!);
      return;
    }
    this.reconcile(event.object);
  }

  /** The current state of a pod, if it still is the same pod. */
  private current(run: {
    namespace: string;
    name: string;
    uid: string;
  }): KubeObject | undefined {
    const pod = this.store.get(STORAGE.pods, run.namespace, run.name);
    return pod?.metadata.uid === run.uid ? pod : undefined;
  }

  private reconcile(pod: KubeObject) {
    const uid = pod.metadata.uid!;
    const deleting = !!pod.metadata.deletionTimestamp;
    if (!pod.spec?.nodeName) {
      if (!deleting && !this.binding.has(uid)) {
        this.binding.add(uid);
        this.clock.after(BIND_DELAY, () => this.bind(pod));
      }
      return;
    }
    let run = this.runs.get(uid);
    if (!run) {
      const phase = pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed' || deleting) {
        // Nothing runs (any more) for this pod; finish a pending deletion.
        if (deleting) {
          this.clock.after(0.05, () => this.confirmDeletion(pod));
        }
        return;
      }
      run = {
        uid,
        namespace: pod.metadata.namespace!,
        name: pod.metadata.name!,
        state: 'creating',
        scheduledAt: this.scheduledTime(pod),
        containers: [],
        timers: [],
        stopping: false,
      };
      this.runs.set(uid, run);
      run.createdAt = formatTime(this.clock.now());
      this.writeStatus(run);
      const created = run;
      run.timers.push(
        this.clock.after(START_DELAY, () => this.startContainers(created)),
      );
      return;
    }
    if (deleting && !run.stopping) {
      this.stopPod(run, pod);
    }
  }

  private scheduledTime(pod: KubeObject): string {
    const scheduled = (pod.status?.conditions ?? []).find(
      (c: any) => c.type === 'PodScheduled',
    );
    return scheduled?.lastTransitionTime ?? formatTime(this.clock.now());
  }

  /** The scheduler: bind to the node. */
  private bind(pod: KubeObject) {
    const current = this.current({
      namespace: pod.metadata.namespace!,
      name: pod.metadata.name!,
      uid: pod.metadata.uid!,
    });
    this.binding.delete(pod.metadata.uid!);
    if (
      !current ||
      current.spec.nodeName ||
      current.metadata.deletionTimestamp
    ) {
      return;
    }
    const now = formatTime(this.clock.now());
    current.spec.nodeName = NODE_NAME;
    current.status = {
      phase: 'Pending',
      conditions: [condition('PodScheduled', 'True', now)],
    };
    const bound = this.registry.writeObject(STORAGE.pods, current);
    if (bound) {
      this.events.record(
        bound,
        'Normal',
        'Scheduled',
        `Successfully assigned ${bound.metadata.namespace}/${bound.metadata.name} to ${NODE_NAME}`,
        { component: 'default-scheduler' },
      );
    }
  }

  private startContainers(run: PodRun) {
    const pod = this.current(run);
    if (!pod || pod.metadata.deletionTimestamp || run.stopping) {
      return;
    }
    const nowMs = this.clock.now();
    run.state = 'running';
    run.startedAt = formatTime(nowMs);
    run.podIP = `10.244.0.${this.nextIp}`;
    this.nextIp = this.nextIp >= 254 ? 2 : this.nextIp + 1;
    const env: Record<string, string> = { HOSTNAME: run.name };
    run.containers = (pod.spec.containers ?? []).map(
      (container: any, index: number) => {
        const containerEnv = containerEnvironment(container.env, env);
        const expand = (items: string[] | undefined) =>
          items?.map(item => expandReferences(item, containerEnv));
        const program = compileProgram(
          expand(container.command),
          expand(container.args),
          containerEnv,
        );
        const runSeconds = Math.max(program.duration, MIN_RUN);
        return {
          name: container.name,
          image: container.image ?? '',
          program,
          startedAtMs: nowMs,
          exitsAtMs: Number.isFinite(runSeconds)
            ? nowMs + this.clock.toRealMs(runSeconds)
            : Infinity,
          containerID: `containerd://${sha(
            `${run.uid}/${container.name}/${index}`,
          )}`,
        };
      },
    );
    const written = this.writeStatus(run);
    for (const container of run.containers) {
      const source = { component: 'kubelet', host: NODE_NAME };
      if (written) {
        this.events.record(
          written,
          'Normal',
          'Pulled',
          `Container image "${container.image}" already present on machine`,
          source,
        );
        this.events.record(
          written,
          'Normal',
          'Created',
          `Created container: ${container.name}`,
          source,
        );
        this.events.record(
          written,
          'Normal',
          'Started',
          `Started container ${container.name}`,
          source,
        );
      }
      if (Number.isFinite(container.exitsAtMs)) {
        run.timers.push(
          this.clock.afterRealMs(container.exitsAtMs - nowMs, () =>
            this.containerExited(run, container),
          ),
        );
      }
    }
  }

  private containerExited(run: PodRun, container: ContainerRun) {
    if (container.finishedAtMs !== undefined) {
      return;
    }
    container.finishedAtMs = this.clock.now();
    container.exitCode = container.program.exitCode;
    this.afterContainerChange(run);
  }

  private afterContainerChange(run: PodRun) {
    if (run.containers.every(c => c.finishedAtMs !== undefined)) {
      run.state = 'done';
      run.finishedAt = formatTime(this.clock.now());
    }
    const pod = this.writeStatus(run);
    if (run.state === 'done' && pod?.metadata.deletionTimestamp) {
      this.confirmDeletion(pod);
    }
  }

  /** Graceful deletion: SIGTERM, wait, then confirm with grace period 0. */
  private stopPod(run: PodRun, pod: KubeObject) {
    run.stopping = true;
    if (run.state !== 'running') {
      run.timers.forEach(cancel => cancel());
      run.timers = [];
      if (run.state === 'creating') {
        // Stopped before its containers started: the pod still ends Failed.
        const nowMs = this.clock.now();
        run.startedAt = formatTime(nowMs);
        run.containers = (pod.spec.containers ?? []).map(
          (container: any, index: number) => ({
            name: container.name,
            image: container.image ?? '',
            program: { lines: [], duration: 0, exitCode: 143 },
            startedAtMs: nowMs,
            exitsAtMs: nowMs,
            finishedAtMs: nowMs,
            exitCode: 143,
            containerID: `containerd://${sha(
              `${run.uid}/${container.name}/${index}`,
            )}`,
          }),
        );
        this.afterContainerChange(run);
      }
      this.clock.after(0.05, () => this.confirmDeletion(pod));
      return;
    }
    for (const container of run.containers) {
      if (container.finishedAtMs === undefined) {
        this.events.record(
          pod,
          'Normal',
          'Killing',
          `Stopping container ${container.name}`,
          {
            component: 'kubelet',
            host: NODE_NAME,
          },
        );
      }
    }
    const grace = pod.metadata.deletionGracePeriodSeconds ?? 30;
    run.timers.push(
      this.clock.after(Math.min(grace, STOP_DELAY), () => {
        for (const container of run.containers) {
          if (container.finishedAtMs === undefined) {
            container.finishedAtMs = this.clock.now();
            // 128 + SIGTERM
            container.exitCode = 143;
          }
        }
        this.afterContainerChange(run);
        const current = this.current(run);
        if (current && run.state === 'done') {
          this.confirmDeletion(current);
        }
      }),
    );
  }

  private confirmDeletion(pod: KubeObject) {
    const current = this.current({
      namespace: pod.metadata.namespace!,
      name: pod.metadata.name!,
      uid: pod.metadata.uid!,
    });
    if (!current?.metadata.deletionTimestamp) {
      return;
    }
    if (current.metadata.deletionGracePeriodSeconds === 0) {
      // Already confirmed; only finalizers keep it.
      return;
    }
    this.registry.deleteStored(STORAGE.pods, current, 0);
  }

  /** Writes the kubelet's view of the pod into pod.status. */
  private writeStatus(run: PodRun): KubeObject | undefined {
    const pod = this.current(run);
    if (!pod) {
      return undefined;
    }
    pod.status = podStatus(run, pod.spec.containers ?? []);
    return this.registry.writeObject(STORAGE.pods, pod);
  }

  /**
   * The log of a container at this moment: the program's lines up to now (or up to the moment
   * the container was stopped); undefined if it has not started.
   */
  logs(podUid: string, container: string): LogLine[] | undefined {
    const c = this.runs.get(podUid)?.containers.find(x => x.name === container);
    const endMs = c?.finishedAtMs ?? this.clock.now();
    return c?.program.lines
      .map(step => ({
        timeMs: c.startedAtMs + this.clock.toRealMs(step.at),
        text: step.text,
      }))
      .filter(line => line.timeMs <= endMs);
  }
}
