/*
 * Simulated browsers with an entity's Jobs tab or a page of the Jobs page open. Like the
 * frontend (useDefinitions, usePolledAsync, useJobsSignals), a browser loads its view once,
 * holds a signals subscription and refetches only when a hint concerns what it shows, by the
 * frontend's own rules from -common; hints within SIGNAL_DEBOUNCE_MS make one refetch. A refetch sends
 * `If-None-Match` with the ETag it holds, as the browser's HTTP cache revalidates, and a 304
 * keeps what it shows. In `poll` mode it has no socket and refetches every interval instead.
 */
import {
  concernsCluster,
  concernsDefinition,
  concernsPage,
  DefinitionListResponse,
  DefinitionPageQuery,
  isKubernetesJobsHint,
  KubernetesJobsHint,
  SIGNAL_DEBOUNCE_MS,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { performance } from 'node:perf_hooks';
import { sleep } from './measure';
import { Recorder } from './recorder';
import { SignalSocket } from './signalSocket';

/** A request that outlives this is counted as an error ('timeout'), so a phase always ends. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** What a browser shows, and which hints concern it. */
export interface View {
  kind: 'tab' | 'page';
  /** Path under the plugin's base URL. */
  path: string;
  concerns(hint: KubernetesJobsHint, shown?: DefinitionListResponse): boolean;
}

const clustersOf = (shown?: DefinitionListResponse) =>
  shown?.clusters?.map(c => c.cluster) ?? [];

/** An entity's Jobs tab: useDefinitions({ entityRef }) and its refreshOn rule. */
export function entityTabView(entityRef: string): View {
  return {
    kind: 'tab',
    path: `/definitions?entityRef=${encodeURIComponent(entityRef)}`,
    concerns: (hint, shown) =>
      concernsCluster(hint, clustersOf(shown)) ||
      (hint.type !== 'cluster' &&
        hint.type !== 'request' &&
        !!shown?.items.some(item => concernsDefinition(hint, item.definition))),
  };
}

/** A page of the Jobs page: useDefinitions({ page }), the query as KubernetesJobsClient sends it. */
export function jobsPageView(query: DefinitionPageQuery): View {
  const params = new URLSearchParams({ limit: String(query.limit) });
  const optional: Record<string, string | undefined> = {
    cursor: query.cursor,
    q: query.search,
    cluster: query.cluster,
    namespace: query.namespace,
    owner: query.owner,
    state: query.state,
    sort: query.sort,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value) params.set(key, value);
  }
  return {
    kind: 'page',
    path: `/definitions?${params}`,
    concerns: (hint, shown) =>
      concernsPage(hint, {
        query,
        items: shown?.items ?? [],
        hasNext: !!shown?.nextCursor,
        clusters: clustersOf(shown),
      }),
  };
}

export interface BrowserOptions {
  /** The backend's (or the proxy's) origin, `http://host:port`. */
  origin: string;
  authorization: string;
  view: View;
  recorder: Recorder;
  mode: 'push' | 'poll';
  /** Poll mode: between refetches. */
  intervalMs: number;
}

export class Browser {
  private socket?: SignalSocket;
  private shown?: DefinitionListResponse;
  private etag?: string;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(private readonly options: BrowserOptions) {}

  /** Opens the view (and its subscription); in poll mode, refetches until `deadline`. */
  async run(deadline: number): Promise<void> {
    const { mode, intervalMs } = this.options;
    if (mode === 'push') {
      this.socket = new SignalSocket(this.options.origin, message =>
        this.onHint(message),
      );
      await this.socket.connect();
    }
    await this.load();
    if (mode === 'poll') {
      while (!this.stopped && Date.now() + intervalMs < deadline) {
        await sleep(intervalMs);
        await this.load();
      }
    }
  }

  /** Closes the socket; resolves when the refetch in flight, if any, is answered. */
  async stop(): Promise<number> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close();
    await this.inFlight;
    return this.socket?.failures ?? 0;
  }

  private onHint(message: unknown) {
    this.options.recorder.hint();
    if (
      this.timer === undefined &&
      !this.stopped &&
      isKubernetesJobsHint(message) &&
      this.options.view.concerns(message, this.shown)
    ) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.options.recorder.refetches++;
        this.load();
      }, SIGNAL_DEBOUNCE_MS);
    }
  }

  /** One request at a time: a refetch asked for meanwhile follows the one in flight. */
  private load(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = this.fetchView().finally(() => {
      this.inFlight = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.load();
      }
    });
    return this.inFlight;
  }

  private async fetchView(): Promise<void> {
    const { origin, authorization, view, recorder } = this.options;
    const headers: Record<string, string> = { authorization };
    if (this.etag) {
      headers['if-none-match'] = this.etag;
      // fetch adds `Cache-Control: no-cache` to a request carrying If-None-Match unless one is
      // set, and Express answers such a request 200; a browser's cache revalidating does not.
      headers['cache-control'] = 'max-age=0';
    }
    const route = this.shown ? view.kind : (`${view.kind} open` as const);
    const start = performance.now();
    try {
      const response = await fetch(
        `${origin}/api/kubernetes-jobs${view.path}`,
        { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) },
      );
      const text = await response.text();
      const ms = performance.now() - start;
      if (response.status === 304) {
        recorder.ok(`${view.kind} 304`, ms);
      } else if (response.ok) {
        recorder.ok(route, ms);
        this.shown = JSON.parse(text);
        this.etag = response.headers.get('etag') ?? undefined;
      } else {
        recorder.fail(route, String(response.status));
      }
    } catch (error) {
      recorder.fail(
        route,
        (error as Error)?.name === 'TimeoutError' ? 'timeout' : 'network',
      );
    }
  }
}
