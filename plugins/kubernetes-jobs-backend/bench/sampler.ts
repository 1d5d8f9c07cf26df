/*
 * The load run's figures over time: every LOAD_SAMPLE_SECONDS, what the clients saw in the
 * window, each replica's heap, CPU and event-loop delay, and the apiserver's requests.
 */
import { SandboxCluster } from '@job-assistant/sandbox-cluster';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { ProcessSample } from './backendProcess';
import { requestWindow, sleep, summarize, VerbCounts } from './measure';
import { Recorder } from './recorder';
import { Replica } from './replicas';

export interface ReplicaRow {
  heap: number;
  rss: number;
  /** Percent of one core. */
  cpu: number;
  loopDelayP99: number;
  signalsPublishedPerSecond: number;
}

export interface SampleRow {
  /** Seconds since the phase started, at the end of the window. */
  t: number;
  windowSeconds: number;
  viewsPerSecond: number;
  /** Of the refetches, those answered 304. */
  notModifiedPercent: number;
  /** Over every answer of the view: first loads, refetches, 304s. */
  tabP99: number;
  pageP99: number;
  runs: number;
  stops: number;
  errors: number;
  hintsReceivedPerSecond: number;
  replicas: Record<string, ReplicaRow>;
  /** This process: sandbox cluster and clients, in percent of one core. */
  loadCpu: number;
  /** The whole machine (PostgreSQL and whatever else runs), in percent of all cores. */
  machineCpu: number;
  apiserverPerSecond: number;
  apiserverByVerb: VerbCounts;
}

export const perSecond = (counts: VerbCounts, seconds: number): VerbCounts =>
  Object.fromEntries(
    Object.entries(counts).map(([verb, n]) => [verb, (n ?? 0) / seconds]),
  );

const sampleAll = (replicas: Replica[]) =>
  Promise.all(replicas.map(r => r.proc.sample()));

/** CPU time of every core, busy and in all, in ms. */
function machineTimes() {
  let busy = 0;
  let all = 0;
  for (const { times } of os.cpus()) {
    const total = times.user + times.nice + times.sys + times.idle + times.irq;
    busy += total - times.idle;
    all += total;
  }
  return { busy, all };
}

/** Samples every `sampleSeconds` until `done` resolves, and once more at its end. */
export async function sampler(
  sandbox: SandboxCluster,
  replicas: Replica[],
  recorder: Recorder,
  sampleSeconds: number,
  done: Promise<unknown>,
): Promise<SampleRow[]> {
  const rows: SampleRow[] = [];
  const start = performance.now();
  let last = {
    at: start,
    backends: await sampleAll(replicas),
    loadCpu: process.cpuUsage(),
    machine: machineTimes(),
    requests: requestWindow(sandbox.requests),
  };
  const take = async () => {
    const backends = await sampleAll(replicas);
    const at = performance.now();
    const loadCpu = process.cpuUsage();
    const machine = machineTimes();
    const requests = last.requests.end();
    const seconds = (at - last.at) / 1000;
    const { latencies: l, errors, hints } = recorder.takeWindow();
    const cpu = (micros: number) => micros / 10 / (at - last.at);
    const { watch: _watches, ...byVerb } = requests.byVerb;
    const replicaRow = (now: ProcessSample, before: ProcessSample) => ({
      heap: now.heapUsed,
      rss: now.rss,
      cpu: cpu(now.cpuMicros - before.cpuMicros),
      loopDelayP99: now.loopDelayP99,
      signalsPublishedPerSecond:
        (now.signalsPublished - before.signalsPublished) / seconds,
    });
    const opened = l['tab open'].length + l['page open'].length;
    const refetched = l.tab.length + l.page.length;
    const notModified = l['tab 304'].length + l['page 304'].length;
    rows.push({
      t: (at - start) / 1000,
      windowSeconds: seconds,
      viewsPerSecond: (opened + refetched + notModified) / seconds,
      notModifiedPercent:
        (100 * notModified) / Math.max(1, refetched + notModified),
      tabP99: summarize([...l['tab open'], ...l.tab, ...l['tab 304']]).p99,
      pageP99: summarize([...l['page open'], ...l.page, ...l['page 304']]).p99,
      runs: l.Run.length,
      stops: l.Stop.length,
      errors,
      hintsReceivedPerSecond: hints / seconds,
      replicas: Object.fromEntries(
        replicas.map((r, i) => [
          r.name,
          replicaRow(backends[i], last.backends[i]),
        ]),
      ),
      loadCpu: cpu(
        loadCpu.user + loadCpu.system - last.loadCpu.user - last.loadCpu.system,
      ),
      machineCpu:
        (100 * (machine.busy - last.machine.busy)) /
        Math.max(1, machine.all - last.machine.all),
      apiserverPerSecond: requests.total / seconds,
      apiserverByVerb: perSecond(byVerb, seconds),
    });
    last = {
      at,
      backends,
      loadCpu,
      machine,
      requests: requestWindow(sandbox.requests),
    };
  };
  let finished = false;
  done.finally(() => {
    finished = true;
  });
  for (let k = 1; ; k++) {
    const next = start + k * sampleSeconds * 1000;
    while (!finished && performance.now() < next) {
      await Promise.race([done, sleep(next - performance.now())]);
    }
    if (finished) break;
    await take();
  }
  // The tail: Stops sent at the deadline and the answers still on their way.
  if (performance.now() - last.at > 50) await take();
  return rows;
}
