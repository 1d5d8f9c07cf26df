/*
 * Many people with an entity's Jobs tab open at once: each viewer asks for the tab every
 * second (the browser's refresh when there are no signals), for a while.
 */
import {
  heapAfterGc,
  isProbe,
  requestWindow,
  sleep,
  summarize,
} from './measure';
import { ORGANISATION } from './organisation';
import { formatBytes, formatVerbs, Figure } from './report';
import { api, BenchContext, entityTabPath } from './context';

export interface ViewerOptions {
  viewers: number;
  seconds: number;
  intervalMs: number;
}

export async function viewerFigures(
  ctx: BenchContext,
  options: ViewerOptions,
): Promise<Figure[]> {
  const heapStart = await heapAfterGc();
  const window = requestWindow(ctx.sandbox.requests);
  const started = Date.now();
  const deadline = started + options.seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  let peakHeap = process.memoryUsage().heapUsed;

  const viewer = async (v: number) => {
    // Spread the viewers over the first interval, as page loads would be.
    await sleep((v / options.viewers) * options.intervalMs);
    const path = entityTabPath(v % ORGANISATION.entities);
    while (Date.now() < deadline) {
      const due = Date.now() + options.intervalMs;
      try {
        latencies.push((await api(ctx, 'GET', path)).ms);
      } catch {
        errors++;
      }
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      await sleep(Math.max(0, due - Date.now()));
    }
  };
  await Promise.all(
    Array.from({ length: options.viewers }, (_, v) => viewer(v)),
  );
  const elapsedS = (Date.now() - started) / 1000;
  const requests = window.end();
  // Runs started by earlier phases end during this one: the backend then saves their logs,
  // events and pods (a GET of the Job, pod and event lists, logs). That is the run tracker's
  // work once per finished run, not the viewers'; a page view would list Jobs or CronJobs.
  // The watch cache's checks of a silent cluster (a list of one item) run on a timer.
  const lists = ctx.sandbox.requests
    .slice(requests.from)
    .filter(r => !r.query.includes('watch=true'))
    .filter(r => /\/(jobs|cronjobs)$/.test(r.path));
  const probes = lists.filter(isProbe).length;
  const fromViews = lists.length - probes;
  const background = requests.total - fromViews - probes;
  const heapEndLive = process.memoryUsage().heapUsed;
  const heapEnd = await heapAfterGc();
  const s = summarize(latencies);
  const name = `${options.viewers} viewers, entity tab every ${
    options.intervalMs / 1000
  } s for ${options.seconds} s`;
  return [
    {
      name,
      sample: s,
      target: 'p50 <= 25 ms (entity tab)',
      met: s.p50 <= 25 && errors === 0,
      note:
        `${s.n} requests (${(s.n / elapsedS).toFixed(
          0,
        )}/s), ${errors} errors; ` +
        `heap ${formatBytes(heapStart)} at start, ${formatBytes(
          heapEndLive,
        )} at end ` +
        `(${formatBytes(heapEnd)} after gc, peak ${formatBytes(peakHeap)}); ` +
        `apiserver requests: ${requests.total} (${formatVerbs(
          requests.byVerb,
          0,
        )}), watches opened: ${requests.watches}`,
      details: {
        requests: s.n,
        errors,
        elapsedSeconds: elapsedS,
        heapStart,
        heapEndLive,
        heapEnd,
        peakHeap,
        apiserverRequests: requests,
      },
    },
    {
      name: 'apiserver requests caused by the viewers',
      value: `${(fromViews / elapsedS).toFixed(2)} req/s`,
      target: '0 (served from the cache)',
      met: fromViews === 0,
      note: `${background} other requests in the window: saving the logs and events of ${''}runs that ended meanwhile (once per run, by the run tracker); checks of a silent cluster (list, limit=1, on a timer): ${probes}`,
    },
  ];
}
