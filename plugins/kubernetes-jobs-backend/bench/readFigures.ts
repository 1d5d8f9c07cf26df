/*
 * The read path: the entity tab and the Jobs page (one page, the whole list it was before
 * paging, and an unchanged refetch), and the apiserver requests a view of each costs.
 */
import { DefinitionListResponse } from '@job-assistant/plugin-kubernetes-jobs-common';
import { perView, requestWindow, summarize, VerbCounts } from './measure';
import { ORGANISATION } from './organisation';
import { Figure, formatVerbs } from './report';
import {
  api,
  BenchContext,
  entityTabPath,
  JOBS_PAGE_LIMIT,
  jobsPagePath,
  wholeListSamples,
} from './context';
import { RawBaselines, ratio } from './rawBaselines';
import { unchangedRefetch } from './unchangedRefetch';

const { entities, definitionsPerEntity } = ORGANISATION;

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
