/*
 * One listening browser per replica, connected to it directly: when did the hint about each
 * new run reach a browser on that replica, and from which replica was it published. With two
 * replicas, each publishes what its own watch sees, so a hint published by the replica that
 * ran the Job reaching the other replica's browser proves the events bus carried it.
 */
import { isKubernetesJobsHint } from '@job-assistant/plugin-kubernetes-jobs-common';
import { performance } from 'node:perf_hooks';
import { summarize } from './measure';
import { SignalSocket } from './signalSocket';

/** A Run answered 201: its Job's name, by which replica, and when it was sent. */
export interface StartedRun {
  name: string;
  replica: string;
  sentAt: number;
}

export class HintProbe {
  private readonly socket: SignalSocket;
  /** First arrival of a run hint, by run name, then by publishing replica. */
  private readonly firstSeen = new Map<string, Map<string, number>>();

  constructor(readonly replica: string, origin: string) {
    this.socket = new SignalSocket(origin, message => this.onMessage(message));
  }

  connect() {
    return this.socket.connect();
  }

  close() {
    this.socket.close();
  }

  private onMessage(message: unknown) {
    if (!isKubernetesJobsHint(message) || message.type !== 'run') return;
    const run = message.run ?? '';
    const origin = String((message as { benchOrigin?: unknown }).benchOrigin);
    const seen = this.firstSeen.get(run) ?? new Map<string, number>();
    if (!seen.has(origin)) seen.set(origin, performance.now());
    this.firstSeen.set(run, seen);
  }

  /** When the first hint about `run` arrived, from `origin` only or from any replica. */
  arrival(run: string, origin?: string): number | undefined {
    const seen = this.firstSeen.get(run);
    if (!seen) return undefined;
    if (origin !== undefined) return seen.get(origin);
    return seen.size ? Math.min(...seen.values()) : undefined;
  }
}

/**
 * From a Run sent to the first hint about its Job: on a browser of the replica that answered
 * the Run, and (several replicas) on a browser of another replica, the hint published by the
 * replica that answered, so carried by the events bus. Runs whose hint never came are counted.
 */
export function hintLatencies(runs: StartedRun[], probes: HintProbe[]) {
  const same: number[] = [];
  const other: number[] = [];
  let missingSame = 0;
  let missingOther = 0;
  for (const run of runs) {
    for (const probe of probes) {
      const mine = probe.replica === run.replica;
      const at = probe.arrival(run.name, mine ? undefined : run.replica);
      if (at === undefined) {
        if (mine) missingSame++;
        else missingOther++;
      } else {
        (mine ? same : other).push(at - run.sentAt);
      }
    }
  }
  return {
    sameReplica: { ...summarize(same), missing: missingSame },
    otherReplica: { ...summarize(other), missing: missingOther },
  };
}
