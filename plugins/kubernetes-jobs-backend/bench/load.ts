/*
 * The load run: `yarn load` from the repository root.
 *
 * The benchmark's organisation (10,000 Jobs in the sandbox cluster) and one backend, in a
 * process of its own. For LOAD_SECONDS, LOAD_VIEWERS viewers keep an entity tab or the Jobs page
 * open (each asks again every LOAD_INTERVAL_MS, like the frontend's poll) while a stream of Runs,
 * each stopped with a Kill a few seconds later, goes to the same backend. Then the same again
 * with LOAD_FEW_VIEWERS viewers, to show what the apiserver's load depends on. Prints latencies
 * per route, errors by status, the backend's heap and CPU over time and the apiserver's
 * requests per second by verb. It prints figures; it does not pass or fail. See README.md.
 */
import {
  SandboxCluster,
  startSandboxCluster,
} from '@job-assistant/sandbox-cluster';
import { performance } from 'node:perf_hooks';
import { BackendProcess, startBackendProcess } from './backendProcess';
import {
  positiveInt,
  requestWindow,
  ResponseStatusError,
  sleep,
  summarize,
  VerbCounts,
} from './measure';
import {
  definitionName,
  entityRefOf,
  namespaceOf,
  ORGANISATION,
  SeededOrganisation,
  seedOrganisation,
} from './organisation';
import {
  formatBytes,
  formatMs,
  formatVerbs,
  machine,
  printColumns,
  writeResults,
} from './report';
import { api, entityTabPath, warmUp } from './scenarios';

const ROUTES = ['entity tab', 'Jobs page', 'Run', 'Kill'] as const;
type Route = (typeof ROUTES)[number];

/** A request that outlives this is counted as an error ('timeout'), so a phase always ends. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Between phases: the run tracker saves the logs and events of the runs just stopped. */
const SETTLE_MS = 10_000;
/** Every tenth Run asks for a definition that is already running: the guard answers 409. */
const BUSY_EVERY = 10;

interface LoadOptions {
  viewers: number;
  seconds: number;
  intervalMs: number;
  jobsPagePercent: number;
  runsPerSecond: number;
  sampleSeconds: number;
}

interface Context {
  sandbox: SandboxCluster;
  org: SeededOrganisation;
  proc: BackendProcess;
  /** Runs started so far, across phases, so no definition is asked twice in a row. */
  runs: { busy: number; idle: number };
}

const log = (message: string) => console.log(`load: ${message}`);

/** Answers and failures of one phase, and of the current sampling window. */
class Recorder {
  readonly latencies = Object.fromEntries(
    ROUTES.map(r => [r, [] as number[]]),
  ) as Record<Route, number[]>;
  private window = Object.fromEntries(
    ROUTES.map(r => [r, [] as number[]]),
  ) as Record<Route, number[]>;
  /** By `route status`, each with whether it was expected (a Run refused with 409). */
  readonly errors = new Map<
    string,
    { route: Route; status: string; expected: boolean; count: number }
  >();
  private windowErrors = 0;

  ok(route: Route, ms: number) {
    this.latencies[route].push(ms);
    this.window[route].push(ms);
  }

  fail(route: Route, status: string, expected: boolean) {
    const key = `${route} ${status} ${expected}`;
    const entry = this.errors.get(key) ?? { route, status, expected, count: 0 };
    entry.count++;
    this.errors.set(key, entry);
    if (!expected) this.windowErrors++;
  }

  /** The window's answers and unexpected errors, and a new window. */
  takeWindow() {
    const taken = { latencies: this.window, errors: this.windowErrors };
    this.window = Object.fromEntries(
      ROUTES.map(r => [r, [] as number[]]),
    ) as Record<Route, number[]>;
    this.windowErrors = 0;
    return taken;
  }
}

function statusOf(error: unknown): string {
  if (error instanceof ResponseStatusError) return String(error.status);
  if ((error as Error)?.name === 'TimeoutError') return 'timeout';
  return 'network';
}

async function call(
  ctx: Context,
  recorder: Recorder,
  route: Route,
  request: { method: string; path: string; body?: unknown },
  expect409 = false,
): Promise<string | undefined> {
  try {
    const answer = await api(
      ctx.proc,
      request.method,
      request.path,
      request.body,
      AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    );
    recorder.ok(route, answer.ms);
    return answer.text;
  } catch (error) {
    const status = statusOf(error);
    recorder.fail(route, status, expect409 && status === '409');
    return undefined;
  }
}

/** The i-th Run's definition: one with a run going, or the next of those without. */
function nextDefinition(ctx: Context, busy: boolean) {
  const { entitiesWithActiveRuns } = ctx.org;
  if (busy) {
    const e =
      entitiesWithActiveRuns[ctx.runs.busy++ % entitiesWithActiveRuns.length];
    return { e, d: 0 };
  }
  const firstIdle = Math.max(-1, ...entitiesWithActiveRuns) + 1;
  const idle = ORGANISATION.entities - firstIdle;
  const j = ctx.runs.idle++;
  return {
    e: firstIdle + (j % idle),
    d: Math.floor(j / idle) % ORGANISATION.definitionsPerEntity,
  };
}

/**
 * Runs at a steady rate until the deadline, each stopped 2 to 10 s later (at the latest at the
 * deadline). Not waiting for one Run before sending the next keeps the rate, whatever the latency.
 */
async function runStream(
  ctx: Context,
  recorder: Recorder,
  options: LoadOptions,
  deadline: number,
) {
  const pending: Promise<unknown>[] = [];
  const intervalMs = 1000 / options.runsPerSecond;
  let due = Date.now();
  for (let i = 0; Date.now() < deadline; i++) {
    const busy = i % BUSY_EVERY === BUSY_EVERY - 1;
    const { e, d } = nextDefinition(ctx, busy);
    const entityRef = entityRefOf(e);
    const stopAfterMs = 2_000 + ((i * 7919) % 8_000);
    pending.push(
      call(
        ctx,
        recorder,
        'Run',
        {
          method: 'POST',
          path: `/definitions/sandbox/${namespaceOf(e)}/job/${definitionName(
            e,
            d,
          )}/runs`,
          body: { entityRef },
        },
        busy,
      ).then(async text => {
        if (!text) return;
        const { name } = JSON.parse(text);
        await sleep(Math.min(stopAfterMs, deadline - Date.now()));
        await call(ctx, recorder, 'Kill', {
          method: 'POST',
          path: `/runs/sandbox/${namespaceOf(e)}/${name}/kill`,
          body: { entityRef },
        });
      }),
    );
    due += intervalMs;
    await sleep(Math.max(0, due - Date.now()));
  }
  await Promise.all(pending);
}

/** Viewer v is on the Jobs page for `percent` in 100 viewers, spread evenly; others on a tab. */
const onJobsPage = (v: number, percent: number) =>
  Math.floor(((v + 1) * percent) / 100) > Math.floor((v * percent) / 100);

/** Each viewer asks for its page, waits for the answer, and asks again at the next interval. */
async function viewers(
  ctx: Context,
  recorder: Recorder,
  options: LoadOptions,
  deadline: number,
) {
  const viewer = async (v: number) => {
    // Spread over the first interval, as page loads would be.
    await sleep((v / options.viewers) * options.intervalMs);
    const page = onJobsPage(v, options.jobsPagePercent);
    const route: Route = page ? 'Jobs page' : 'entity tab';
    const path = page
      ? '/definitions'
      : entityTabPath(v % ORGANISATION.entities);
    while (Date.now() < deadline) {
      const due = Date.now() + options.intervalMs;
      await call(ctx, recorder, route, { method: 'GET', path });
      await sleep(Math.min(due, deadline) - Date.now());
    }
  };
  await Promise.all(
    Array.from({ length: options.viewers }, (_, v) => viewer(v)),
  );
}

interface SampleRow {
  /** Seconds since the phase started, at the end of the window. */
  t: number;
  windowSeconds: number;
  viewerRequestsPerSecond: number;
  tabP99: number;
  pageP99: number;
  runs: number;
  kills: number;
  errors: number;
  backendHeap: number;
  backendRss: number;
  /** Percent of one core. */
  backendCpu: number;
  loopDelayP99: number;
  /** This process: sandbox cluster and clients. */
  loadCpu: number;
  apiserverPerSecond: number;
  apiserverByVerb: VerbCounts;
}

const perSecond = (counts: VerbCounts, seconds: number): VerbCounts =>
  Object.fromEntries(
    Object.entries(counts).map(([verb, n]) => [verb, (n ?? 0) / seconds]),
  );

/** Samples every `sampleSeconds` until `done` resolves, and once more at its end. */
async function sampler(
  ctx: Context,
  recorder: Recorder,
  sampleSeconds: number,
  done: Promise<unknown>,
): Promise<SampleRow[]> {
  const rows: SampleRow[] = [];
  const start = performance.now();
  let last = {
    at: start,
    backendCpu: (await ctx.proc.sample()).cpuMicros,
    loadCpu: process.cpuUsage(),
    requests: requestWindow(ctx.sandbox.requests),
  };
  const take = async () => {
    const backend = await ctx.proc.sample();
    const at = performance.now();
    const loadCpu = process.cpuUsage();
    const requests = last.requests.end();
    const seconds = (at - last.at) / 1000;
    const { latencies, errors } = recorder.takeWindow();
    const cpu = (micros: number) => micros / 10 / (at - last.at);
    const { watch: _watches, ...byVerb } = requests.byVerb;
    rows.push({
      t: (at - start) / 1000,
      windowSeconds: seconds,
      viewerRequestsPerSecond:
        (latencies['entity tab'].length + latencies['Jobs page'].length) /
        seconds,
      tabP99: summarize(latencies['entity tab']).p99,
      pageP99: summarize(latencies['Jobs page']).p99,
      runs: latencies.Run.length,
      kills: latencies.Kill.length,
      errors,
      backendHeap: backend.heapUsed,
      backendRss: backend.rss,
      backendCpu: cpu(backend.cpuMicros - last.backendCpu),
      loopDelayP99: backend.loopDelayP99,
      loadCpu: cpu(
        loadCpu.user + loadCpu.system - last.loadCpu.user - last.loadCpu.system,
      ),
      apiserverPerSecond: requests.total / seconds,
      apiserverByVerb: perSecond(byVerb, seconds),
    });
    last = {
      at,
      backendCpu: backend.cpuMicros,
      loadCpu,
      requests: requestWindow(ctx.sandbox.requests),
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
  // The tail: Kills sent at the deadline and the answers still on their way.
  if (performance.now() - last.at > 50) await take();
  return rows;
}

async function phase(ctx: Context, options: LoadOptions) {
  const pageViewers = Array.from({ length: options.viewers }, (_, v) =>
    onJobsPage(v, options.jobsPagePercent),
  ).filter(Boolean).length;
  log(
    `${options.viewers} viewers (${
      options.viewers - pageViewers
    } on entity tabs, ${pageViewers} on the Jobs page, each every ${
      options.intervalMs / 1000
    } s) and ${options.runsPerSecond} Run/s, each stopped 2-10 s later, for ${
      options.seconds
    } s`,
  );
  const recorder = new Recorder();
  const window = requestWindow(ctx.sandbox.requests);
  const started = performance.now();
  const deadline = Date.now() + options.seconds * 1000;
  const load = Promise.all([
    viewers(ctx, recorder, options, deadline),
    runStream(ctx, recorder, options, deadline),
  ]);
  const samples = await sampler(ctx, recorder, options.sampleSeconds, load);
  await load;
  const seconds = (performance.now() - started) / 1000;
  const requests = window.end();
  const heapAfterGc = (await ctx.proc.sample({ gc: true })).heapUsed;
  const { watch: _watches, ...byVerb } = requests.byVerb;
  // What a page view would cost without the cache; the run tracker lists pods and events.
  const definitionLists = ctx.sandbox.requests
    .slice(requests.from)
    .filter(r => r.method === 'GET' && !r.query.includes('watch=true'))
    .filter(r => /\/(jobs|cronjobs)$/.test(r.path)).length;
  return {
    options,
    seconds,
    routes: Object.fromEntries(
      ROUTES.map(r => [r, summarize(recorder.latencies[r])]),
    ) as Record<Route, ReturnType<typeof summarize>>,
    errors: [...recorder.errors.values()],
    samples,
    backendHeapAfterGc: heapAfterGc,
    apiserver: {
      requests: requests.total,
      perSecond: requests.total / seconds,
      byVerbPerSecond: perSecond(byVerb, seconds),
      watchesOpened: requests.watches,
      definitionLists,
    },
  };
}

type PhaseResult = Awaited<ReturnType<typeof phase>>;

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const pct = (value: number) => `${value.toFixed(0)} %`;

function printPhase(result: PhaseResult) {
  const { options } = result;
  console.log('');
  console.log(
    `${options.viewers} viewers, ${
      options.runsPerSecond
    } Run/s, ${result.seconds.toFixed(0)} s`,
  );
  console.log('');
  printColumns(
    ['route', 'answered', 'p50', 'p99', 'max'],
    ROUTES.map(r => {
      const s = result.routes[r];
      return [
        r,
        String(s.n),
        formatMs(s.p50),
        formatMs(s.p99),
        formatMs(s.max),
      ];
    }),
    c => c > 0,
  );
  console.log('');
  const unexpected = result.errors
    .filter(e => !e.expected)
    .reduce((sum, e) => sum + e.count, 0);
  console.log(`errors: ${unexpected} unexpected`);
  if (result.errors.length) {
    printColumns(
      ['route', 'status', 'count', ''],
      result.errors.map(e => [
        e.route,
        e.status,
        String(e.count),
        e.expected ? 'expected: the definition is already running' : '',
      ]),
      c => c === 2,
    );
  }
  console.log('');
  console.log(
    `over time (every ${options.sampleSeconds} s; CPU in % of one core, load = sandbox and clients):`,
  );
  printColumns(
    [
      't',
      'views/s',
      'tab p99',
      'page p99',
      'runs',
      'kills',
      'errors',
      'heap MiB',
      'rss MiB',
      'backend CPU',
      'loop p99',
      'load CPU',
      'apiserver req/s',
      'by verb',
    ],
    result.samples.map(s => [
      `${s.t.toFixed(0)} s`,
      s.viewerRequestsPerSecond.toFixed(0),
      formatMs(s.tabP99),
      formatMs(s.pageP99),
      String(s.runs),
      String(s.kills),
      String(s.errors),
      mib(s.backendHeap),
      mib(s.backendRss),
      pct(s.backendCpu),
      formatMs(s.loopDelayP99),
      pct(s.loadCpu),
      s.apiserverPerSecond.toFixed(1),
      formatVerbs(s.apiserverByVerb, 1),
    ]),
    c => c > 0 && c < 13,
  );
  console.log('');
  console.log(
    `apiserver: ${result.apiserver.perSecond.toFixed(2)} req/s (${formatVerbs(
      result.apiserver.byVerbPerSecond,
    )}), ${result.apiserver.watchesOpened} watches opened, ${
      result.apiserver.definitionLists
    } lists of Jobs or CronJobs; backend heap ${formatBytes(
      result.backendHeapAfterGc,
    )} after gc at the end`,
  );
}

async function main() {
  const base = {
    seconds: positiveInt('LOAD_SECONDS', 60),
    intervalMs: positiveInt('LOAD_INTERVAL_MS', 3000),
    jobsPagePercent: positiveInt('LOAD_JOBS_PAGE_PERCENT', 10),
    runsPerSecond: positiveInt('LOAD_RUNS_PER_SECOND', 1),
    sampleSeconds: positiveInt('LOAD_SAMPLE_SECONDS', 5),
  };
  if (base.jobsPagePercent > 100) {
    throw new Error('LOAD_JOBS_PAGE_PERCENT: at most 100');
  }
  const many = positiveInt('LOAD_VIEWERS', 200);
  const few = positiveInt('LOAD_FEW_VIEWERS', 20);
  const host = machine();
  log(
    `${host.cpu}, ${host.cores} cores, ${host.totalMemoryGiB} GiB, Node ${host.node}`,
  );
  const started = performance.now();
  const sandbox = await startSandboxCluster();
  let proc: BackendProcess | undefined;
  try {
    const org = await seedOrganisation(sandbox);
    log(`seeded ${org.jobs} Jobs in ${ORGANISATION.entities} namespaces`);
    proc = await startBackendProcess(sandbox.url);
    const expectedRuns = org.jobs - org.definitions.size;
    const warm = await warmUp(proc, org.definitions.size, expectedRuns);
    log(
      `backend (${proc.backend.database}, pid ${proc.pid}) ${
        warm ? 'shows every run' : `does NOT show all ${expectedRuns} runs`
      } after ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    const ctx: Context = { sandbox, org, proc, runs: { busy: 0, idle: 0 } };
    const phases: PhaseResult[] = [];
    for (const [i, viewerCount] of [many, few].entries()) {
      if (i > 0) await sleep(SETTLE_MS);
      phases.push(await phase(ctx, { ...base, viewers: viewerCount }));
    }

    console.log('');
    console.log(
      `Kubernetes Job Assistant load run: ${org.jobs} Jobs (${org.definitions.size} definitions) in ${ORGANISATION.entities} namespaces, one backend (${proc.backend.database}) in its own process`,
    );
    console.log(
      `Machine: ${host.cpu}, ${host.cores} cores, ${host.totalMemoryGiB} GiB; Node ${host.node} (${host.platform}); sandbox and clients share the other process`,
    );
    phases.forEach(printPhase);
    console.log('');
    const [a, b] = phases;
    console.log(
      `apiserver requests/s: ${a.apiserver.perSecond.toFixed(2)} with ${
        a.options.viewers
      } viewers, ${b.apiserver.perSecond.toFixed(2)} with ${
        b.options.viewers
      } (the same Run and Kill stream in both)`,
    );
    const file = writeResults(
      {
        at: new Date().toISOString(),
        machine: host,
        database: proc.backend.database,
        organisation: ORGANISATION,
        jobs: org.jobs,
        phases,
      },
      { env: 'LOAD_RESULTS', name: 'load.json' },
    );
    console.log(
      `Results: ${file} (LOAD_RESULTS=<file> to choose); total ${(
        (performance.now() - started) /
        1000
      ).toFixed(0)} s`,
    );
  } finally {
    await proc?.backend.stop();
    await sandbox.close();
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
