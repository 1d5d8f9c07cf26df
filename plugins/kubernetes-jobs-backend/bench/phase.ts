/*
 * One phase of the load run: LOAD_VIEWERS browsers on entity tabs and pages of the Jobs page,
 * and the stream of Runs and Stops, for LOAD_SECONDS; then what it cost.
 */
import { DefinitionPageQuery } from '@job-assistant/plugin-kubernetes-jobs-common';
import { SandboxCluster } from '@job-assistant/sandbox-cluster';
import { performance } from 'node:perf_hooks';
import { Browser, entityTabView, jobsPageView, View } from './browsers';
import { requestWindow, sleep, summarize } from './measure';
import {
  entityRefOf,
  namespaceOf,
  ORGANISATION,
  SeededOrganisation,
} from './organisation';
import { HintProbe, hintLatencies } from './probes';
import { Recorder, ROUTES, Route } from './recorder';
import { Deployment } from './replicas';
import { RunCursor, runStream } from './runs';
import { perSecond, sampler } from './sampler';

export interface LoadOptions {
  viewers: number;
  seconds: number;
  mode: 'push' | 'poll';
  /** Poll mode: between refetches. */
  intervalMs: number;
  /** Over which the browsers open their views, one after the other. */
  rampSeconds: number;
  jobsPagePercent: number;
  runsPerSecond: number;
  sampleSeconds: number;
}

export interface LoadContext {
  sandbox: SandboxCluster;
  org: SeededOrganisation;
  deployment: Deployment;
  runs: RunCursor;
  /** The Jobs page's second page, from the first page's `nextCursor`. */
  secondPageCursor?: string;
}

const PAGE_LIMIT = 50;

/** Viewer v is on the Jobs page for `percent` in 100 viewers, spread evenly; others on a tab. */
export const onJobsPage = (v: number, percent: number) =>
  Math.floor(((v + 1) * percent) / 100) > Math.floor((v * percent) / 100);

/** Pages of the Jobs page that viewers keep open: some plain, some filtered or sorted. */
function pageQueries(ctx: LoadContext): DefinitionPageQuery[] {
  const limit = PAGE_LIMIT;
  return [
    { limit },
    { limit, sort: 'lastRun' },
    { limit, namespace: namespaceOf(3) },
    { limit, state: 'Failed' },
    { limit, owner: 'group:default/team-04' },
    { limit, search: 'svc-1' },
    ...(ctx.secondPageCursor ? [{ limit, cursor: ctx.secondPageCursor }] : []),
  ];
}

function viewOf(ctx: LoadContext, options: LoadOptions, v: number): View {
  if (!onJobsPage(v, options.jobsPagePercent)) {
    return entityTabView(entityRefOf(v % ORGANISATION.entities));
  }
  const queries = pageQueries(ctx);
  const pageViewer = Math.floor((v * options.jobsPagePercent) / 100);
  return jobsPageView(queries[pageViewer % queries.length]);
}

/** POSTs that created a Job in the sandbox: runs created, whoever asked. */
const jobsCreated = (ctx: LoadContext, from: number) =>
  ctx.sandbox.requests
    .slice(from)
    .filter(
      r =>
        r.method === 'POST' &&
        r.status === 201 &&
        /^\/apis\/batch\/v1\/namespaces\/[^/]+\/jobs$/.test(r.path),
    ).length;

export async function phase(ctx: LoadContext, options: LoadOptions) {
  const { deployment } = ctx;
  const recorder = new Recorder();
  const window = requestWindow(ctx.sandbox.requests);
  const before = await Promise.all(
    deployment.replicas.map(r => r.proc.sample()),
  );
  const proxyBefore = deployment.proxy?.counts();
  const proxyErrorsBefore = deployment.proxy?.errors() ?? {};
  const probes =
    options.mode === 'push'
      ? deployment.replicas.map(r => new HintProbe(r.name, r.origin))
      : [];
  await Promise.all(probes.map(p => p.connect()));

  const started = performance.now();
  const deadline = Date.now() + options.seconds * 1000;
  const browsers = Array.from(
    { length: options.viewers },
    (_, v) =>
      new Browser({
        origin: deployment.origin,
        authorization: deployment.authorization,
        view: viewOf(ctx, options, v),
        recorder,
        mode: options.mode,
        intervalMs: options.intervalMs,
      }),
  );
  const viewing = (async () => {
    await Promise.all(
      browsers.map(async (browser, v) => {
        // One after the other over the ramp, as people open pages, not all in the same second.
        await sleep((v / options.viewers) * options.rampSeconds * 1000);
        await browser.run(deadline);
      }),
    );
    await sleep(deadline - Date.now());
    return Promise.all(browsers.map(b => b.stop()));
  })();
  const running = runStream(
    ctx.org,
    ctx.runs,
    recorder,
    {
      origin: deployment.origin,
      authorization: deployment.authorization,
      runsPerSecond: options.runsPerSecond,
      replica: deployment.replicas[0].name,
    },
    deadline,
  );
  const load = Promise.all([viewing, running]);
  const samples = await sampler(
    ctx.sandbox,
    deployment.replicas,
    recorder,
    options.sampleSeconds,
    load,
  );
  const [socketFailures, startedRuns] = await load;
  const seconds = (performance.now() - started) / 1000;
  const requests = window.end();
  const after = await Promise.all(
    deployment.replicas.map(r => r.proc.sample()),
  );
  // Hints about the last Runs may still be on their way to the probes.
  await sleep(2_000);
  probes.forEach(p => p.close());
  const heapAfterGc = await Promise.all(
    deployment.replicas.map(
      async r => (await r.proc.sample({ gc: true })).heapUsed,
    ),
  );
  const { watch: _watches, ...byVerb } = requests.byVerb;
  const proxyAfter = deployment.proxy?.counts();
  const proxyErrors = Object.fromEntries(
    Object.entries(deployment.proxy?.errors() ?? {})
      .map(([code, n]) => [code, n - (proxyErrorsBefore[code] ?? 0)])
      .filter(([, n]) => n),
  );
  return {
    options,
    seconds,
    routes: Object.fromEntries(
      ROUTES.map(r => [r, summarize(recorder.latencies[r])]),
    ) as Record<Route, ReturnType<typeof summarize>>,
    errors: [...recorder.errors.values()],
    unexpectedErrors: recorder.unexpectedErrors(),
    socketFailures: socketFailures.reduce((sum, n) => sum + n, 0),
    samples,
    hints: {
      publishedPerSecond: after.map(
        (sample, i) =>
          (sample.signalsPublished - before[i].signalsPublished) / seconds,
      ),
      receivedPerSecond: recorder.hintsReceived / seconds,
      refetchesPerSecond: recorder.refetches / seconds,
      latency: hintLatencies(startedRuns, probes),
    },
    replicas: deployment.replicas.map((r, i) => ({
      name: r.name,
      heapAfterGc: heapAfterGc[i],
      cpuPercent: (after[i].cpuMicros - before[i].cpuMicros) / 10_000 / seconds,
      requests:
        proxyAfter && proxyBefore
          ? proxyAfter[r.name].requests - proxyBefore[r.name].requests
          : undefined,
      sockets:
        proxyAfter && proxyBefore
          ? proxyAfter[r.name].sockets - proxyBefore[r.name].sockets
          : undefined,
    })),
    proxyErrors,
    runsAnswered201: startedRuns.length,
    runsAnsweredBy: Object.fromEntries(
      deployment.replicas.map(r => [
        r.name,
        startedRuns.filter(run => run.replica === r.name).length,
      ]),
    ),
    jobsCreatedOnSandbox: jobsCreated(ctx, requests.from),
    apiserver: {
      requests: requests.total,
      perSecond: requests.total / seconds,
      byVerbPerSecond: perSecond(byVerb, seconds),
      watchesOpened: requests.watches,
    },
  };
}

export type PhaseResult = Awaited<ReturnType<typeof phase>>;
