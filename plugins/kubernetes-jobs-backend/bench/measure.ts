/*
 * Timing, percentiles, and the apiserver requests of a window, counted on the sandbox.
 */
import { SandboxRequestRecord } from '@job-assistant/sandbox-cluster';
import diagnostics from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';

/** Latencies of one figure, in ms. */
export interface Sample {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(latencies: number[]): Sample {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

/**
 * Runs `fn(i)` for `warmup` unmeasured, then `n` measured iterations, one at a time; `fn`
 * returns its own latency in ms, so it can leave its setup and parsing out. Iterations are
 * numbered across both, so each can use its own object.
 */
export async function sample(
  n: number,
  warmup: number,
  fn: (i: number) => Promise<number>,
): Promise<Sample> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const latencies: number[] = [];
  for (let i = warmup; i < warmup + n; i++) latencies.push(await fn(i));
  return summarize(latencies);
}

/** A request answered with a status other than 2xx; the message holds the start of the body. */
export class ResponseStatusError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'ResponseStatusError';
  }
}

/** A timed answer: its status, body and ETag. */
export interface TimedResponse {
  ms: number;
  status: number;
  text: string;
  etag?: string;
}

/**
 * A request, timed until its body is read (what a browser waits for). Statuses other than
 * 2xx throw, unless `accept` takes them (a 304 to a conditional GET).
 */
export async function timedFetch(
  url: string,
  init: RequestInit = {},
  accept: (status: number) => boolean = () => false,
): Promise<TimedResponse> {
  const start = performance.now();
  const response = await fetch(url, init);
  const text = await response.text();
  const ms = performance.now() - start;
  if (!response.ok && !accept(response.status)) {
    throw new ResponseStatusError(
      `${init.method ?? 'GET'} ${url} -> ${response.status}: ${text.slice(
        0,
        500,
      )}`,
      response.status,
    );
  }
  return {
    ms,
    status: response.status,
    text,
    etag: response.headers.get('etag') ?? undefined,
  };
}

/** A whole number of at least 1 from the environment, or `fallback`. */
export function positiveInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `${name}: a whole number of at least 1, got ${process.env[name]}`,
    );
  }
  return value;
}

export const sleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

/** Polls `check` until it returns a value; undefined after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) return undefined;
    await sleep(intervalMs);
  }
}

export type Verb =
  | 'list'
  | 'get'
  | 'watch'
  | 'create'
  | 'patch'
  | 'update'
  | 'delete'
  | 'other';

/** The Kubernetes verb of a recorded request, from its method, path and query. */
export function verbOf(record: SandboxRequestRecord): Verb {
  const query = new URLSearchParams(record.query);
  const segments = record.path.split('/').filter(Boolean);
  if (segments.includes('watch') || query.get('watch') === 'true') {
    return 'watch';
  }
  // /api/v1/<resource>[/<name>] or /apis/<group>/<version>/<resource>[/<name>], optionally
  // under namespaces/<ns>/; an odd count of segments after the version is a collection.
  const rest = segments.slice(segments[0] === 'api' ? 2 : 3);
  const scoped =
    rest[0] === 'namespaces' && rest.length > 2 ? rest.slice(2) : rest;
  const collection = scoped.length === 1;
  switch (record.method) {
    case 'GET':
      return collection ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PATCH':
      return 'patch';
    case 'PUT':
      return 'update';
    case 'DELETE':
      return 'delete';
    default:
      return 'other';
  }
}

/** Counts by verb of the requests in a window. */
export type VerbCounts = Partial<Record<Verb, number>>;

/**
 * The watch cache's check of a cluster silent for a few seconds: one item of a list. It runs
 * on a timer whatever the views, so a window longer than the silence holds some.
 */
export function isProbe(record: SandboxRequestRecord): boolean {
  const query = new URLSearchParams(record.query);
  return (
    verbOf(record) === 'list' &&
    query.get('limit') === '1' &&
    !query.has('continue')
  );
}

/**
 * Marks the sandbox's request log now (or takes a mark made earlier, `from`); `end()` returns what the apiserver received since,
 * by verb. Records are appended when a request is answered (a watch: when it opens), so a
 * watch opened before the mark, however long it stays open, is not counted. `probes` counts
 * the lists among them that are the watch cache's checks of a silent cluster.
 */
export function requestWindow(
  requests: SandboxRequestRecord[],
  from = requests.length,
) {
  return {
    end: () => countRequests(requests, from, requests.length),
  };
}

/** What the apiserver received between two marks of its request log, by verb. */
function countRequests(
  requests: SandboxRequestRecord[],
  from: number,
  to: number,
): {
  total: number;
  watches: number;
  probes: number;
  byVerb: VerbCounts;
  from: number;
  to: number;
} {
  const byVerb: VerbCounts = {};
  let probes = 0;
  for (const record of requests.slice(from, to)) {
    const verb = verbOf(record);
    byVerb[verb] = (byVerb[verb] ?? 0) + 1;
    if (isProbe(record)) probes++;
  }
  const watches = byVerb.watch ?? 0;
  return { total: to - from - watches, watches, probes, byVerb, from, to };
}

/**
 * Like {@link requestWindow}, for one request to an HTTP server of this process (the
 * backend's) sent from another: what the apiserver received from when that request (the
 * first to `path` after this call) arrived until its answer was sent. A client elsewhere
 * reads the answer later; what the backend asks meanwhile (after its answer) is not counted.
 */
export function answerWindow(requests: SandboxRequestRecord[], path: string) {
  let from: number | undefined;
  let to: number | undefined;
  // The request object, not its URL: routers rewrite the URL on the way (mount paths).
  let ours: unknown;
  const started = (message: unknown) => {
    const { request } = message as { request: { url?: string } };
    if (ours === undefined && request.url?.split('?')[0] === path) {
      ours = request;
      from = requests.length;
    }
  };
  const finished = (message: unknown) => {
    const { request } = message as { request: unknown };
    if (request === ours && to === undefined) to = requests.length;
  };
  diagnostics.subscribe('http.server.request.start', started);
  diagnostics.subscribe('http.server.response.finish', finished);
  return {
    end() {
      diagnostics.unsubscribe('http.server.request.start', started);
      diagnostics.unsubscribe('http.server.response.finish', finished);
      if (from === undefined || to === undefined) {
        throw new Error(`no answer to ${path} was seen in this process`);
      }
      return countRequests(requests, from, to);
    },
  };
}

/** `counts` divided by `n`, for "per page view". */
export function perView(counts: VerbCounts, n: number): VerbCounts {
  return Object.fromEntries(
    Object.entries(counts).map(([verb, count]) => [verb, (count ?? 0) / n]),
  );
}

/** Heap in use after a full collection (needs `node --expose-gc`), in bytes. */
export async function heapAfterGc(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    throw new Error('run node with --expose-gc (yarn bench does)');
  }
  // Twice, with a turn of the event loop between: finalizers and weak callbacks free more.
  gc();
  await sleep(50);
  gc();
  return process.memoryUsage().heapUsed;
}
