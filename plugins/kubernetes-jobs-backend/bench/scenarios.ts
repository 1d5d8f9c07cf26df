/*
 * The figures: raw apiserver requests, the two read APIs and what they cost the apiserver,
 * Run and Kill, and the time from a change on the cluster to its signal.
 */
import {
  SANDBOX_ADMIN_TOKEN,
  SandboxCluster,
} from '@job-assistant/sandbox-cluster';
import { performance } from 'node:perf_hooks';
import { BenchBackend } from './backend';
import {
  perView,
  requestWindow,
  Sample,
  sample,
  summarize,
  timedFetch,
  VerbCounts,
  waitFor,
} from './measure';
import {
  definitionName,
  entityName,
  entityRefOf,
  namespaceOf,
  ORGANISATION,
  runOf,
  SeededOrganisation,
} from './organisation';
import { Figure, formatVerbs } from './report';

export interface BenchContext {
  sandbox: SandboxCluster;
  backend: BenchBackend;
  org: SeededOrganisation;
  /** Measured requests per figure. */
  n: number;
  warmup: number;
}

const JOBS = '/apis/batch/v1';
/** Where raw creates go: not a definition, not a run, so the backend only caches them. */
export const RAW_NAMESPACE = 'bench-raw';
const SIGNAL_TIMEOUT_MS = 5_000;
const { entities, definitionsPerEntity } = ORGANISATION;
let rawCreates = 0;

function raw(
  ctx: BenchContext,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
) {
  return timedFetch(`${ctx.sandbox.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': contentType }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export function api(
  ctx: Pick<BenchContext, 'backend'>,
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
) {
  return timedFetch(`${ctx.backend.baseUrl}${path}`, {
    method,
    signal,
    headers: {
      authorization: ctx.backend.authorization,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Until the plugin answers with every definition and the history of every run. */
export async function warmUp(
  ctx: Pick<BenchContext, 'backend'>,
  definitions: number,
  expectedRuns: number,
) {
  return waitFor(
    async () => {
      const page = JSON.parse((await api(ctx, 'GET', '/definitions')).text);
      const runs = page.items.reduce(
        (sum: number, item: any) => sum + (item.stats?.counts?.total ?? 0),
        0,
      );
      const synced = (page.clusters ?? []).every((c: any) => c.synced);
      return synced && page.items.length === definitions && runs >= expectedRuns
        ? { runs }
        : undefined;
    },
    180_000,
    500,
  );
}

export const entityTabPath = (e: number) =>
  `/definitions?entityRef=${encodeURIComponent(entityRefOf(e))}`;

/** A finished run of entity `e` (the i-th, cycling). */
function finishedRun(ctx: BenchContext, e: number, i: number) {
  const runs = ctx.org.finishedRuns[e];
  return runs[i % runs.length];
}

export interface RawBaselines {
  get: Sample;
  listByLabel: Sample;
  listAll: Sample;
  create: Sample;
  mergePatch: Sample;
}

/** The same sandbox, asked directly with its admin token: what the plugin's figures compare to. */
export async function rawBaselines(ctx: BenchContext): Promise<RawBaselines> {
  const { n, warmup } = ctx;
  const get = await sample(n, warmup, async i => {
    const e = i % entities;
    return (
      await raw(
        ctx,
        'GET',
        `${JOBS}/namespaces/${namespaceOf(e)}/jobs/${definitionName(
          e,
          i % definitionsPerEntity,
        )}`,
      )
    ).ms;
  });
  const listByLabel = await sample(n, warmup, async i => {
    const selector = encodeURIComponent(
      `backstage.io/kubernetes-id=${entityName(i % entities)}`,
    );
    return (await raw(ctx, 'GET', `${JOBS}/jobs?labelSelector=${selector}`)).ms;
  });
  const listAll = await sample(n, warmup, async () => {
    return (await raw(ctx, 'GET', `${JOBS}/jobs`)).ms;
  });
  const create = await sample(n, warmup, async () => {
    const body = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: `raw-create-${rawCreates++}` },
      spec: {
        suspend: true,
        template: {
          spec: {
            restartPolicy: 'Never',
            containers: [{ name: 'main', image: 'busybox:1.36' }],
          },
        },
      },
    };
    return (
      await raw(ctx, 'POST', `${JOBS}/namespaces/${RAW_NAMESPACE}/jobs`, body)
    ).ms;
  });
  const mergePatch = await sample(n, warmup, async i => {
    const e = i % entities;
    const run = finishedRun(ctx, e, i);
    // An annotation the plugin does not keep: the backend's cache sees it and drops it.
    const patch = {
      metadata: { annotations: { 'bench.example.com/touch': String(i) } },
    };
    return (
      await raw(
        ctx,
        'PATCH',
        `${JOBS}/namespaces/${run.namespace}/jobs/${run.name}`,
        patch,
        'application/merge-patch+json',
      )
    ).ms;
  });
  return { get, listByLabel, listAll, create, mergePatch };
}

const ratio = (to: string, of: Sample, base: Sample) => ({
  to,
  value: of.p50 / base.p50,
});

function requestFigure(
  name: string,
  window: { total: number; watches: number; byVerb: VerbCounts },
  views: number,
): Figure {
  const { watch: _watches, ...byVerb } = window.byVerb;
  return {
    name,
    value: `${(window.total / views).toFixed(2)} req/view`,
    target: '0 (served from the cache)',
    met: window.total === 0,
    note: `per view: ${formatVerbs(
      perView(byVerb, views),
    )}; watches opened during the window: ${window.watches}`,
    details: {
      views,
      requests: window.total,
      watchesOpened: window.watches,
      byVerb: window.byVerb,
    },
  };
}

/** The entity tab and the Jobs page, and the apiserver requests a view of each costs. */
export async function readFigures(
  ctx: BenchContext,
  baselines: RawBaselines,
): Promise<Figure[]> {
  const { n, warmup } = ctx;
  const measure = async (path: (i: number) => string) => {
    for (let i = 0; i < warmup; i++) await api(ctx, 'GET', path(i));
    const window = requestWindow(ctx.sandbox.requests);
    const latencies: number[] = [];
    let bytes = 0;
    for (let i = warmup; i < warmup + n; i++) {
      const { ms, text } = await api(ctx, 'GET', path(i));
      latencies.push(ms);
      bytes = text.length;
    }
    return { sample: summarize(latencies), requests: window.end(), bytes };
  };
  const tab = await measure(i => entityTabPath(i % entities));
  const page = await measure(() => '/definitions');
  return [
    {
      name: 'entity tab API (GET /definitions?entityRef)',
      sample: tab.sample,
      ratio: ratio('raw label list', tab.sample, baselines.listByLabel),
      target: 'p50 <= 25 ms',
      met: tab.sample.p50 <= 25,
      details: { responseBytes: tab.bytes },
    },
    {
      name: 'Jobs page API (GET /definitions)',
      sample: page.sample,
      ratio: ratio('raw list all', page.sample, baselines.listAll),
      target: 'p50 <= 100 ms',
      met: page.sample.p50 <= 100,
      details: { responseBytes: page.bytes },
    },
    requestFigure('apiserver requests / entity tab view', tab.requests, n),
    requestFigure('apiserver requests / Jobs page view', page.requests, n),
  ];
}

/**
 * Run, then Kill that run, on definitions without an active run (the entities after those
 * with active runs), each pair on its own definition.
 */
export async function actionFigures(
  ctx: BenchContext,
  baselines: RawBaselines,
): Promise<Figure[]> {
  const { n, warmup } = ctx;
  const firstIdle = Math.max(-1, ...ctx.org.entitiesWithActiveRuns) + 1;
  const idle = entities - firstIdle;
  const runs: number[] = [];
  const kills: number[] = [];
  const runRequests: VerbCounts = {};
  const killRequests: VerbCounts = {};
  const add = (into: VerbCounts, from: VerbCounts) => {
    for (const [verb, count] of Object.entries(from)) {
      into[verb as keyof VerbCounts] =
        (into[verb as keyof VerbCounts] ?? 0) + (count ?? 0);
    }
  };
  for (let i = 0; i < warmup + n; i++) {
    const e = firstIdle + (i % idle);
    const d = Math.floor(i / idle) % definitionsPerEntity;
    const entityRef = entityRefOf(e);
    const runWindow = requestWindow(ctx.sandbox.requests);
    const run = await api(
      ctx,
      'POST',
      `/definitions/sandbox/${namespaceOf(e)}/job/${definitionName(e, d)}/runs`,
      { entityRef },
    );
    const runCounted = runWindow.end();
    const { name } = JSON.parse(run.text);
    const killWindow = requestWindow(ctx.sandbox.requests);
    const kill = await api(
      ctx,
      'POST',
      `/runs/sandbox/${namespaceOf(e)}/${name}/kill`,
      { entityRef },
    );
    const killCounted = killWindow.end();
    if (i >= warmup) {
      runs.push(run.ms);
      kills.push(kill.ms);
      add(runRequests, runCounted.byVerb);
      add(killRequests, killCounted.byVerb);
    }
  }
  const run = summarize(runs);
  const kill = summarize(kills);
  return [
    {
      name: 'Run API (POST .../runs)',
      sample: run,
      ratio: ratio('raw create', run, baselines.create),
      target: '<= 3x raw',
      met: run.p50 / baselines.create.p50 <= 3,
      note: `apiserver requests per Run: ${formatVerbs(
        perView(runRequests, n),
      )}`,
      details: { apiserverRequestsPerRun: perView(runRequests, n) },
    },
    {
      name: 'Kill API (POST /runs/.../kill)',
      sample: kill,
      ratio: ratio('raw merge patch', kill, baselines.mergePatch),
      target: '<= 3x raw',
      met: kill.p50 / baselines.mergePatch.p50 <= 3,
      note: `apiserver requests per Kill: ${formatVerbs(
        perView(killRequests, n),
      )}`,
      details: { apiserverRequestsPerKill: perView(killRequests, n) },
    },
  ];
}

/** The first signal about run `name` published at or after `since` (signals from `mark` on). */
function signalFor(
  ctx: BenchContext,
  name: string,
  since: number,
  mark: number,
) {
  return waitFor(
    () =>
      ctx.backend.signals
        .slice(mark)
        .find(s => s.at >= since && s.message?.run === name),
    SIGNAL_TIMEOUT_MS,
    5,
  );
}

/**
 * A change made directly on the cluster (kubectl annotate / kubectl create) until the
 * backend publishes its signal. Stops at the first change without a signal.
 */
export async function signalFigures(ctx: BenchContext): Promise<Figure[]> {
  const { n, warmup } = ctx;
  const measure = async (
    change: (i: number) => Promise<{ name: string; at: number }>,
  ) => {
    const latencies: number[] = [];
    for (let i = 0; i < warmup + n; i++) {
      const mark = ctx.backend.signals.length;
      const { name, at } = await change(i);
      const signal = await signalFor(ctx, name, at, mark);
      if (!signal) return { missed: true, latencies };
      if (i >= warmup) latencies.push(signal.at - at);
    }
    return { missed: false, latencies };
  };
  const patched = await measure(async i => {
    const run = finishedRun(ctx, i % entities, i + 1);
    const at = performance.now();
    await raw(
      ctx,
      'PATCH',
      `${JOBS}/namespaces/${run.namespace}/jobs/${run.name}`,
      { metadata: { annotations: { 'job-assistant/bench-touch': String(i) } } },
      'application/merge-patch+json',
    );
    return { name: run.name, at };
  });
  const created = await measure(async i => {
    const e = i % entities;
    const definition = ctx.org.definitions.get(
      `${namespaceOf(e)}/${definitionName(e, definitionsPerEntity - 1)}`,
    )!;
    const name = `${definition.metadata.name}-sig${i}`;
    const body = runOf(definition, name, {
      triggeredBy: 'user:default/kubectl',
      triggeredAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      script: 'echo bench',
    });
    delete body.metadata.creationTimestamp;
    const at = performance.now();
    await raw(ctx, 'POST', `${JOBS}/namespaces/${namespaceOf(e)}/jobs`, body);
    return { name, at };
  });
  const figure = (name: string, result: typeof patched): Figure => {
    if (result.missed) {
      return {
        name,
        value: 'none',
        target: 'p95 <= 1 s',
        note: `no signal received within ${SIGNAL_TIMEOUT_MS / 1000} s`,
      };
    }
    const s = summarize(result.latencies);
    return { name, sample: s, target: 'p95 <= 1 s', met: s.p95 <= 1000 };
  };
  return [
    figure('change -> signal (raw merge patch of a run)', patched),
    figure('change -> signal (raw create of a run)', created),
  ];
}
