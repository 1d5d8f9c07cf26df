/*
 * One listening browser per replica, connected to it directly: when did the first hint about
 * each new run reach a browser on that replica, and which replica published it. Replicas share
 * the hints out (the first to claim a change publishes it), so a browser hears of a run from
 * its own replica or, through the events bus, from another; every hint that crossed is timed
 * from its publication (stamped by the replica that published it) to its arrival.
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

/** What the bench's replicas stamp on each hint they publish (see PushOptions). */
interface Stamped {
  benchOrigin?: unknown;
  benchPublishedAt?: unknown;
}

export class HintProbe {
  private readonly socket: SignalSocket;
  /** The first hint about each run: when it arrived and which replica published it. */
  private readonly firstSeen = new Map<
    string,
    { at: number; origin: string }
  >();
  /** Publication to arrival of each hint published by another replica, in ms. */
  readonly crossings: number[] = [];

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
    if (!isKubernetesJobsHint(message)) return;
    const { benchOrigin, benchPublishedAt } = message as Stamped;
    const origin = String(benchOrigin);
    if (origin !== this.replica && typeof benchPublishedAt === 'number') {
      // Both clocks are this machine's: the replicas run beside this process.
      this.crossings.push(Date.now() - benchPublishedAt);
    }
    if (message.type !== 'run') return;
    const run = message.run ?? '';
    if (!this.firstSeen.has(run)) {
      this.firstSeen.set(run, { at: performance.now(), origin });
    }
  }

  first(run: string) {
    return this.firstSeen.get(run);
  }
}

/**
 * From a Run sent to the first hint about its Job, whichever replica published it: on a browser
 * of the replica that answered the Run, and (several replicas) on a browser of another. Runs
 * whose hint never came are counted. With several replicas: how many of those first hints came
 * from the browser's own replica, and how long every hint that crossed the events bus took.
 */
export function hintLatencies(runs: StartedRun[], probes: HintProbe[]) {
  const same: number[] = [];
  const other: number[] = [];
  let missingSame = 0;
  let missingOther = 0;
  let firstFromOwnReplica = 0;
  let firstFromAnother = 0;
  for (const run of runs) {
    for (const probe of probes) {
      const mine = probe.replica === run.replica;
      const first = probe.first(run.name);
      if (first === undefined) {
        if (mine) missingSame++;
        else missingOther++;
        continue;
      }
      (mine ? same : other).push(first.at - run.sentAt);
      if (first.origin === probe.replica) firstFromOwnReplica++;
      else firstFromAnother++;
    }
  }
  return {
    sameReplica: { ...summarize(same), missing: missingSame },
    otherReplica: { ...summarize(other), missing: missingOther },
    acrossReplicas: {
      ...summarize(probes.flatMap(p => p.crossings)),
      missing: 0,
    },
    firstFromOwnReplica,
    firstFromAnother,
  };
}
