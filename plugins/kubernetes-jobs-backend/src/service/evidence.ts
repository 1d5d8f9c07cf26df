import { LoggerService } from '@backstage/backend-plugin-api';
import { V1ContainerStatus, V1Job, V1Pod } from '@kubernetes/client-node';
import { ClusterClient, ClusterClientFactory } from '../cluster/ClusterClient';
import { FinishedRun, RunStore, SavedEvidence } from '../database/RunStore';
import { eventsOf, podsOf, toRunPod } from './podViews';

/** Log lines kept per container. */
const TAIL_LINES = 200;

/** Pods whose logs are kept: the newest attempts. */
const MAX_PODS = 3;

/** Longest message quoted in a failure summary. */
const MAX_QUOTE = 300;

function lastLine(text: string | undefined): string | undefined {
  const lines = (text ?? '')
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean);
  const line = lines[lines.length - 1];
  return line && line.length > MAX_QUOTE
    ? `${line.slice(0, MAX_QUOTE)}…`
    : line;
}

function failedContainer(pod: V1Pod): V1ContainerStatus | undefined {
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  return (
    statuses.find(s => (s.state?.terminated?.exitCode ?? 0) !== 0) ??
    statuses.find(s => (s.lastState?.terminated?.exitCode ?? 0) !== 0) ??
    statuses.find(s => s.state?.waiting?.reason)
  );
}

const PULL_FAILURES = ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName'];

/**
 * A failed run in one line a person understands, from what Kubernetes recorded: the failed
 * container's termination message (authors can write one, and
 * `terminationMessagePolicy: FallbackToLogsOnError` puts the log tail there) or else its last
 * log line, its exit code, and the attempts made. Undefined when the run did not fail.
 */
export function failureSummary(
  job: V1Job,
  pods: V1Pod[],
  logs: SavedEvidence['logs'],
): string | undefined {
  const failed = job.status?.conditions?.find(
    c => c.type === 'Failed' && c.status === 'True',
  );
  if (!failed) return undefined;
  const attempts = pods.length || (job.status?.failed ?? 0);
  const head = attempts > 1 ? `Failed after ${attempts} attempts.` : 'Failed.';
  if (failed.reason === 'DeadlineExceeded') {
    const limit = job.spec?.activeDeadlineSeconds;
    return `${head} It took longer than its time limit${
      limit ? ` of ${limit} seconds` : ''
    } and was stopped.`;
  }
  const newestFirst = [...pods].reverse();
  for (const pod of newestFirst) {
    const status = failedContainer(pod);
    if (!status) continue;
    const waiting = status.state?.waiting?.reason;
    if (waiting && PULL_FAILURES.includes(waiting)) {
      return `${head} Its program could not be downloaded (image ${
        status.image ?? 'unknown'
      }: ${waiting}).`;
    }
    const terminated = status.state?.terminated ?? status.lastState?.terminated;
    if (!terminated) continue;
    if (terminated.reason === 'OOMKilled') {
      return `${head} It ran out of memory (exit code ${terminated.exitCode}).`;
    }
    const message =
      lastLine(terminated.message) ??
      lastLine(
        logs.find(
          l => l.pod === pod.metadata?.name && l.container === status.name,
        )?.text,
      );
    return `${head}${message ? ` Last message: ${message}` : ''} (exit code ${
      terminated.exitCode
    })`;
  }
  return failed.message ? `${head} ${failed.message}` : head;
}

/**
 * Collects what a run leaves behind while its pods still exist: the tail of every container's
 * log (newest attempts first, bounded per run), the pods, the events, and for a failed run the
 * failure in plain words. Saved with the run's record, it is served once Kubernetes has
 * deleted the pods.
 */
export class EvidenceCollector {
  /** Collections under way, by Job uid. */
  private readonly saving = new Map<
    string,
    Promise<SavedEvidence | undefined>
  >();

  constructor(
    private readonly options: {
      client: ClusterClientFactory;
      store: RunStore;
      logger: LoggerService;
      /** Upper bound on the log text kept per run. */
      maxLogBytesPerRun: number;
      /**
       * How long a replica that sees a run stopped from the portal end waits for the replica
       * that stopped it to save its evidence (3 s by default; pods stay in their grace period,
       * 30 s by default, far longer).
       */
      stoppedElsewhereWaitMs?: number;
    },
  ) {}

  /** Reads the evidence of a run (Job) from its cluster. */
  async collect(client: ClusterClient, job: V1Job): Promise<SavedEvidence> {
    const namespace = job.metadata?.namespace ?? '';
    const pods = await podsOf(client, job);
    const kept = pods.slice(-MAX_PODS).reverse();
    const logs: SavedEvidence['logs'] = [];
    let budget = this.options.maxLogBytesPerRun;
    for (const pod of kept) {
      for (const container of toRunPod(pod).containers) {
        if (budget <= 0) break;
        const text = await client
          .readPodLog(namespace, pod.metadata?.name ?? '', {
            container,
            tailLines: TAIL_LINES,
          })
          .catch(() => ''); // a container that never started has no log
        // Keep the end: the last lines say what happened.
        const tail = Buffer.from(text ?? '')
          .subarray(-budget)
          .toString();
        budget -= Buffer.byteLength(tail);
        logs.push({ pod: pod.metadata?.name ?? '', container, text: tail });
      }
    }
    const events = await eventsOf(
      client,
      namespace,
      job.metadata?.name ?? '',
      pods,
    ).catch(() => []);
    return {
      savedAt: new Date().toISOString(),
      failureSummary: failureSummary(job, pods, logs),
      attempts: pods.length || undefined,
      pods: pods.map(toRunPod),
      logs: logs.sort(
        (a, b) =>
          a.pod.localeCompare(b.pod) || a.container.localeCompare(b.container),
      ),
      events,
    };
  }

  /**
   * Collects and saves the evidence of a run (Job) that was just stopped or ended, after the
   * answer to whoever stopped it: failures are logged, never thrown. One collection per run at a
   * time: a Stop and the run tracker seeing that run end share it.
   */
  save(client: ClusterClient, job: V1Job): Promise<SavedEvidence | undefined> {
    const uid = job.metadata?.uid;
    if (!uid) return Promise.resolve(undefined);
    const running = this.saving.get(uid);
    if (running) return running;
    // Begun on the next turn of the event loop: the answer to a Stop is sent first.
    const saving = new Promise(resolve => setImmediate(resolve))
      .then(() => this.collect(client, job))
      .then(async evidence => {
        await this.options.store.saveEvidence(uid, evidence);
        return evidence;
      })
      .catch(error => {
        this.warn(
          client.cluster,
          job.metadata?.namespace,
          job.metadata?.name,
          error,
        );
        return undefined;
      })
      .finally(() => this.saving.delete(uid));
    this.saving.set(uid, saving);
    return saving;
  }

  /**
   * Collects and saves the evidence of runs that just finished; failures are logged. A run
   * stopped from the portal (suspended) is being saved by the replica that stopped it, right
   * after its answer, or saved already: read from history, after giving that replica
   * `stoppedElsewhereWaitMs`, and from the cluster only if it has not saved it by then (it
   * failed, or went away), so that two replicas do not both read the same logs.
   */
  async saveFinished(runs: FinishedRun[]): Promise<void> {
    const stopped: FinishedRun[] = [];
    for (const finished of runs) {
      if (!(await this.saveOne(finished, { waitForStopper: true }))) {
        stopped.push(finished);
      }
    }
    if (!stopped.length) return;
    await new Promise(resolve =>
      setTimeout(resolve, this.options.stoppedElsewhereWaitMs ?? 3_000),
    );
    for (const finished of stopped) {
      await this.saveOne(finished, { waitForStopper: false });
    }
  }

  /** One run's evidence; false when it was left for the replica that stopped it. */
  private async saveOne(
    { run }: FinishedRun,
    options: { waitForStopper: boolean },
  ): Promise<boolean> {
    try {
      // Stopped here: being saved, or saved already, without asking the cluster.
      const saving = this.saving.get(run.uid);
      const saved = saving
        ? await saving
        : await this.options.store.getEvidence(run.uid);
      if (saved) {
        run.failureSummary = run.failureSummary ?? saved.failureSummary;
        return true;
      }
      if (options.waitForStopper && run.state === 'Killed') return false;
      const client = await this.options.client(run.cluster);
      const job = await client.readJob(run.namespace, run.name);
      if (job.metadata?.uid !== run.uid) return true;
      const evidence = await this.save(client, job);
      run.failureSummary = run.failureSummary ?? evidence?.failureSummary;
    } catch (error) {
      this.warn(run.cluster, run.namespace, run.name, error);
    }
    return true;
  }

  private warn(
    cluster: string,
    namespace: string | undefined,
    name: string | undefined,
    error: unknown,
  ): void {
    this.options.logger.warn(
      `kubernetes-jobs: could not save the logs and events of run ${namespace}/${name} on cluster ${cluster}: ${
        (error as Error).message
      }`,
    );
  }
}
