/*
 * The Jobs page refetched after a hint that changes nothing on it: the ETag's 304.
 */
import {
  concernsPage,
  DefinitionListResponse,
  DefinitionSort,
  isKubernetesJobsHint,
  ShownPage,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { performance } from 'node:perf_hooks';
import { summarize } from './measure';
import { Figure } from './report';
import {
  api,
  BenchContext,
  conditionalGet,
  JOBS,
  JOBS_PAGE_LIMIT,
  jobsPagePath,
  raw,
} from './context';
import { SIGNAL_TIMEOUT_MS, signalFor } from './signalFigures';

/** Hints asked for so far, in this process. */
let hintCount = 0;

/**
 * The Jobs page open in a browser when a hint arrives that concerns it by the frontend's own
 * rule (`concernsPage`) but changes nothing on it: the browser refetches with the page's ETag
 * and the answer should be 304. The hint comes from a change made directly on the cluster, an
 * annotation the plugin keeps, on a finished run: in the name sort, of a definition on the
 * page (a row on screen); in the `lastRun` sort, of a definition off it (a run can move its
 * definition to the front). Timed: the refetch only, not the change nor the hint.
 */
export async function unchangedRefetch(
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
  const floors: number[] = [];
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
      // A value no earlier pass wrote: a patch that changes nothing brings no watch event.
      {
        metadata: {
          annotations: { 'job-assistant/bench-hint': String(++hintCount) },
        },
      },
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
    const quietMs = performance.now() - at;
    const answer = await conditionalGet(ctx, path, etag);
    // A 200 is a changed page: the browser holds that one from now on.
    if (answer.etag) etag = answer.etag;
    // The floor: a route that does nothing, after as long a quiet spell (the first request
    // after one is slower on this machine, whatever it asks).
    await new Promise(resolve => setTimeout(resolve, quietMs));
    const floor = await api(ctx, 'GET', '/health');
    if (i >= warmup) {
      latencies.push(answer.ms);
      floors.push(floor.ms);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
  }
  const byStatus = [...statuses]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status} x${count}`)
    .join(', ');
  const s = summarize(latencies);
  const floor = summarize(floors);
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
    }; the page in full is ${
      held.text.length
    } bytes; GET /health after as long a quiet spell (Backstage's HTTP handling and this client, no work of the plugin's): ${floor.p50.toFixed(
      1,
    )} ms`,
    details: {
      healthAfterSameQuietMs: floor,
      statuses: Object.fromEntries(statuses),
      ignored,
      pageBytes: held.text.length,
    },
  };
}
