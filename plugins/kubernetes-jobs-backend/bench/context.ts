/*
 * What every figure works with: the bench context, requests to the sandbox (raw, with its
 * admin token) and to the plugin, the plugin's paths, and the warm-up before measuring.
 */
import { DefinitionPageQuery } from '@job-assistant/plugin-kubernetes-jobs-common';
import {
  SANDBOX_ADMIN_TOKEN,
  SandboxCluster,
} from '@job-assistant/sandbox-cluster';
import { BenchBackend } from './backend';
import { PlainRequest } from './clientProcess';
import { timedFetch, TimedResponse, waitFor } from './measure';
import { entityRefOf, SeededOrganisation } from './organisation';

export interface BenchContext {
  sandbox: SandboxCluster;
  backend: BenchBackend;
  org: SeededOrganisation;
  /** Measured requests per figure. */
  n: number;
  warmup: number;
}

export const JOBS = '/apis/batch/v1';
/** Where raw creates go: not a definition, not a run, so the backend only caches them. */
export const RAW_NAMESPACE = 'bench-raw';

export function raw(
  ctx: BenchContext,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
) {
  const { url, init } = rawRequest(ctx, method, path, body, contentType);
  return timedFetch(url, init);
}

/** A request to the sandbox with its admin token, as kubectl would send it. */
export function rawRequest(
  ctx: Pick<BenchContext, 'sandbox'>,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): PlainRequest {
  const authorization = `Bearer ${SANDBOX_ADMIN_TOKEN}`;
  return plainRequest(ctx.sandbox.url, authorization, method, path, body, {
    contentType,
  });
}

export function api(
  ctx: Pick<BenchContext, 'backend'>,
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
) {
  const { url, init } = apiRequest(ctx, method, path, body);
  return timedFetch(url, { ...init, signal });
}

/** A request to the plugin as the bench's user. */
export function apiRequest(
  ctx: Pick<BenchContext, 'backend'>,
  method: string,
  path: string,
  body?: unknown,
): PlainRequest {
  const { baseUrl, authorization } = ctx.backend;
  return plainRequest(baseUrl, authorization, method, path, body);
}

function plainRequest(
  baseUrl: string,
  authorization: string,
  method: string,
  path: string,
  body: unknown,
  { contentType = 'application/json' } = {},
): PlainRequest {
  return {
    url: `${baseUrl}${path}`,
    init: {
      method,
      headers: {
        authorization,
        ...(body === undefined ? {} : { 'content-type': contentType }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
  };
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
      let answer;
      try {
        answer = await api(ctx, 'GET', '/definitions');
      } catch (error) {
        // A starting backend, its event loop busy with the first lists, may close a kept-alive
        // connection just as the next poll goes out on that connection: poll again.
        if ((error as any)?.cause?.code === 'ECONNRESET') return undefined;
        throw error;
      }
      const page = JSON.parse(answer.text);
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
export function finishedRun(ctx: BenchContext, e: number, i: number) {
  const runs = ctx.org.finishedRuns[e];
  return runs[i % runs.length];
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
