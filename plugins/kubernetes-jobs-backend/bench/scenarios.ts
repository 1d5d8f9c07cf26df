/*
 * The figures: raw apiserver requests, the two read APIs and what they cost the apiserver,
 * Run and Kill, and the time from a change on the cluster to its signal.
 */
import {
  concernsPage,
  DefinitionListResponse,
  DefinitionPageQuery,
  DefinitionSort,
  isKubernetesJobsHint,
  ShownPage,
} from '@job-assistant/plugin-kubernetes-jobs-common';
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
  TimedResponse,
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

/**
 * A refetch of a page the browser holds: `If-None-Match` with the page's ETag, as the
 * browser's HTTP cache sends it; 304 when the page is unchanged. A fetch given If-None-Match
 * by hand also sends `Cache-Control: no-cache` (the Fetch standard), which Express takes as
 * "answer in full"; a cache revalidating does not, so neither does this.
 */
export function conditionalGet(
  ctx: Pick<BenchContext, 'backend'>,
  path: string,
  etag: string,
): Promise<TimedResponse> {
  return timedFetch(
    `${ctx.backend.baseUrl}${path}`,
    {
      method: 'GET',
      headers: {
        authorization: ctx.backend.authorization,
        'if-none-match': etag,
        'cache-control': 'max-age=0',
      },
    },
    status => status === 304,
  );
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

/** Rows per page of the Jobs page, as the frontend asks for them. */
export const JOBS_PAGE_LIMIT = 50;

/** One page of the Jobs page: the first, or the one after `cursor`. */
export function jobsPagePath(query: Omit<DefinitionPageQuery, 'limit'> = {}) {
  const params = new URLSearchParams({ limit: String(JOBS_PAGE_LIMIT) });
  if (query.sort) params.set('sort', query.sort);
  if (query.cursor) params.set('cursor', query.cursor);
  return `/definitions?${params}`;
}

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
  const heavy = wholeListSamples(ctx);
  const listAll = await sample(heavy.n, heavy.warmup, async () => {
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

/**
 * Apiserver requests per view. The watch cache's checks of a silent cluster run on a timer,
 * whatever the views: shown apart, not counted against the views.
 */
function requestFigure(
  name: string,
  window: {
    total: number;
    watches: number;
    probes: number;
    byVerb: VerbCounts;
  },
  views: number,
): Figure {
  const { watch: _watches, ...byVerb } = window.byVerb;
  if (byVerb.list) byVerb.list -= window.probes;
  const requests = window.total - window.probes;
  return {
    name,
    value: `${(requests / views).toFixed(2)} req/view`,
    target: '0 (served from the cache)',
    met: requests === 0,
    note: `per view: ${formatVerbs(
      perView(byVerb, views),
    )}; watches opened during the window: ${
      window.watches
    }; checks of a silent cluster (list, limit=1, on a timer): ${
      window.probes
    }`,
    details: {
      views,
      requests,
      watchesOpened: window.watches,
      probes: window.probes,
      byVerb: window.byVerb,
    },
  };
}

/** Pages of the Jobs page measured in turn: the first 20 (1,000 definitions). */
const MEASURED_PAGES = 20;

/** The cursors of the first `pages` pages of the name sort; the first page has none. */
async function pageCursors(
  ctx: BenchContext,
  pages: number,
): Promise<Array<string | undefined>> {
  const cursors: Array<string | undefined> = [undefined];
  while (cursors.length < pages) {
    const cursor = cursors[cursors.length - 1];
    const page: DefinitionListResponse = JSON.parse(
      (await api(ctx, 'GET', jobsPagePath({ cursor }))).text,
    );
    if (!page.nextCursor) break;
    cursors.push(page.nextCursor);
  }
  return cursors;
}

/**
 * Samples for the figures whose one request handles every Job (the raw list of all Jobs, the
 * whole list): `BENCH_N` at 10,000 Jobs, fewer above (at least 5), so that a 100,000-Job run
 * stays bounded in time.
 */
export function wholeListSamples(ctx: BenchContext) {
  const scale = Math.min(1, 10_000 / ctx.org.jobs);
  return {
    n: Math.max(5, Math.round(ctx.n * scale)),
    warmup: Math.max(1, Math.round(ctx.warmup * scale)),
  };
}

/**
 * The entity tab; the Jobs page (one page, the whole list it was before paging, and an
 * unchanged refetch); and the apiserver requests a view of each costs.
 */
export async function readFigures(
  ctx: BenchContext,
  baselines: RawBaselines,
): Promise<Figure[]> {
  const measure = async (
    path: (i: number) => string,
    { n, warmup }: { n: number; warmup: number } = ctx,
  ) => {
    for (let i = 0; i < warmup; i++) await api(ctx, 'GET', path(i));
    const window = requestWindow(ctx.sandbox.requests);
    const latencies: number[] = [];
    let bytes = 0;
    for (let i = warmup; i < warmup + n; i++) {
      const { ms, text } = await api(ctx, 'GET', path(i));
      latencies.push(ms);
      bytes = text.length;
    }
    return { sample: summarize(latencies), requests: window.end(), bytes, n };
  };
  const tab = await measure(i => entityTabPath(i % entities));
  const cursors = await pageCursors(ctx, MEASURED_PAGES);
  const page = await measure(i =>
    jobsPagePath({ cursor: cursors[i % cursors.length] }),
  );
  const first: DefinitionListResponse = JSON.parse(
    (await api(ctx, 'GET', jobsPagePath())).text,
  );
  const whole = await measure(() => '/definitions', wholeListSamples(ctx));
  // After the lists: the hints' changes make the run tracker look at those runs again.
  const refetchByName = await unchangedRefetch(ctx, 'name');
  const refetchByLastRun = await unchangedRefetch(ctx, 'lastRun');
  const definitions = ctx.org.definitions.size;
  return [
    {
      name: `entity tab API (GET /definitions?entityRef, ${definitionsPerEntity} definitions)`,
      sample: tab.sample,
      ratio: ratio('raw label list', tab.sample, baselines.listByLabel),
      target: 'p50 <= 5 ms',
      met: tab.sample.p50 <= 5,
      details: { responseBytes: tab.bytes },
    },
    {
      name: `Jobs page API, one page (GET /definitions?limit=${JOBS_PAGE_LIMIT}, ${first.items.length} of ${first.total})`,
      sample: page.sample,
      target: 'p50 <= 10 ms',
      met: page.sample.p50 <= 10 && first.items.length === JOBS_PAGE_LIMIT,
      note: `pages 1 to ${cursors.length} in turn, name sort; ${first.items.length} rows of ${first.total} matching, ${first.available} visible (${definitions} seeded); ${page.bytes} bytes per page`,
      details: {
        responseBytes: page.bytes,
        pages: cursors.length,
        rows: first.items.length,
        total: first.total,
        available: first.available,
      },
    },
    refetchByName,
    refetchByLastRun,
    {
      name: `Jobs page API, whole list (GET /definitions, all ${definitions}, as before paging)`,
      sample: whole.sample,
      ratio: ratio('raw list all', whole.sample, baselines.listAll),
      target: 'p50 <= 100 ms',
      met: whole.sample.p50 <= 100,
      details: { responseBytes: whole.bytes },
    },
    requestFigure('apiserver requests / entity tab view', tab.requests, tab.n),
    requestFigure(
      'apiserver requests / Jobs page view (one page)',
      page.requests,
      page.n,
    ),
    requestFigure(
      'apiserver requests / Jobs page view (whole list)',
      whole.requests,
      whole.n,
    ),
  ];
}

/**
 * The Jobs page open in a browser when a hint arrives that concerns it by the frontend's own
 * rule (`concernsPage`) but changes nothing on it: the browser refetches with the page's ETag
 * and the answer should be 304. The hint comes from a change made directly on the cluster, an
 * annotation the plugin keeps, on a finished run: in the name sort, of a definition on the
 * page (a row on screen); in the `lastRun` sort, of a definition off it (a run can move its
 * definition to the front). Timed: the refetch only, not the change nor the hint.
 */
async function unchangedRefetch(
  ctx: BenchContext,
  sort: DefinitionSort,
): Promise<Figure> {
  const { n, warmup } = ctx;
  const target = 'p50 <= 2 ms, 304';
  const query = sort === 'name' ? {} : { sort };
  const path = jobsPagePath(query);
  const held = await api(ctx, 'GET', path);
  const name = (statuses: string) =>
    `Jobs page refetch after a hint, unchanged (If-None-Match, sort=${sort}) -> ${statuses}`;
  if (!held.etag) {
    return { name: name('no ETag'), value: 'none', target, met: false };
  }
  let etag = held.etag;
  const shown: DefinitionListResponse = JSON.parse(held.text);
  const page: ShownPage = {
    query: { ...query, limit: JOBS_PAGE_LIMIT },
    items: shown.items,
    hasNext: Boolean(shown.nextCursor),
    clusters: (shown.clusters ?? []).map(c => c.cluster),
  };
  const onScreen = new Set(
    shown.items.map(i => `${i.definition.namespace}/${i.definition.name}`),
  );
  const hinted = ctx.org.finishedRuns
    .flat()
    .filter(
      run =>
        onScreen.has(`${run.namespace}/${run.definition}`) ===
        (sort === 'name'),
    );
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let ignored = 0;
  for (let i = 0; i < warmup + n; i++) {
    // Spread over the candidates rather than one definition's runs.
    const run = hinted[(i * 7919) % hinted.length];
    const mark = ctx.backend.signals.length;
    const at = performance.now();
    await raw(
      ctx,
      'PATCH',
      `${JOBS}/namespaces/${run.namespace}/jobs/${run.name}`,
      { metadata: { annotations: { 'job-assistant/bench-hint': String(i) } } },
      'application/merge-patch+json',
    );
    const hint = (await signalFor(ctx, run.name, at, mark))?.message;
    if (!hint) {
      return {
        name: name('no hint'),
        value: 'none',
        target,
        met: false,
        note: `no signal received within ${SIGNAL_TIMEOUT_MS / 1000} s`,
      };
    }
    if (!isKubernetesJobsHint(hint) || !concernsPage(hint, page)) {
      ignored++; // the browser would not refetch
      continue;
    }
    const answer = await conditionalGet(ctx, path, etag);
    // A 200 is a changed page: the browser holds that one from now on.
    if (answer.etag) etag = answer.etag;
    if (i >= warmup) {
      latencies.push(answer.ms);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
  }
  const byStatus = [...statuses]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status} x${count}`)
    .join(', ');
  const s = summarize(latencies);
  return {
    name: name(byStatus || 'none'),
    sample: s,
    target,
    met: s.n > 0 && s.p50 <= 2 && statuses.get(304) === s.n,
    note: `hints about runs of definitions ${
      sort === 'name' ? 'on' : 'off'
    } the page, each followed by the refetch it causes (${ignored} of ${
      warmup + n
    } not concerning the page by concernsPage, so not refetched); answers: ${
      byStatus || 'none'
    }; the page in full is ${held.text.length} bytes`,
    details: {
      statuses: Object.fromEntries(statuses),
      ignored,
      pageBytes: held.text.length,
    },
  };
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
  const afterKillRequests: VerbCounts = {};
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
    // What the Kill does after its answer (the stopped run's logs and events), counted apart
    // rather than in the next Run.
    const afterWindow = requestWindow(ctx.sandbox.requests);
    await settle(ctx);
    const afterCounted = afterWindow.end();
    if (i >= warmup) {
      runs.push(run.ms);
      kills.push(kill.ms);
      add(runRequests, runCounted.byVerb);
      add(killRequests, killCounted.byVerb);
      add(afterKillRequests, afterCounted.byVerb);
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
      )}; after its answer: ${formatVerbs(perView(afterKillRequests, n))}`,
      details: {
        apiserverRequestsPerKill: perView(killRequests, n),
        apiserverRequestsAfterKill: perView(afterKillRequests, n),
      },
    },
  ];
}

/** Until the sandbox has had no request for `quietMs`: work done after an answer is over. */
async function settle(ctx: BenchContext, quietMs = 200, maxMs = 3_000) {
  const started = performance.now();
  let seen = ctx.sandbox.requests.length;
  let quietSince = performance.now();
  while (performance.now() - started < maxMs) {
    await new Promise(resolve => setTimeout(resolve, 25));
    if (ctx.sandbox.requests.length !== seen) {
      seen = ctx.sandbox.requests.length;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= quietMs) {
      return;
    }
  }
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
