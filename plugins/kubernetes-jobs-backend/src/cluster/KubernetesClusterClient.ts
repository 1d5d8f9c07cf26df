import {
  ApiException,
  BatchV1Api,
  ConfigurationOptions,
  CoreV1Api,
  CoreV1Event,
  KubeConfig,
  Observable,
  PatchStrategy,
  V1CronJob,
  V1Job,
  V1ListMeta,
  V1Pod,
  Watch,
} from '@kubernetes/client-node';
import { DefinitionKind } from '@job-assistant/plugin-kubernetes-jobs-common';
import {
  ClusterClient,
  ListOptions,
  ListPage,
  OpenWatch,
  WatchEvent,
} from './ClusterClient';
import packageJson from '../../package.json';
import {
  ClusterTimeoutError,
  connectionErrorCode,
  KubernetesCallContext,
  timeoutError,
  toBackstageError,
} from './errors';
import { ClusterConnections } from './ClusterConnections';
import type { Agent } from 'node:http';
import { collectionPath, objectPath, sendJson } from './objectRequest';

/** Upper bound on log text returned per request, so a chatty container cannot exhaust memory. */
const MAX_LOG_BYTES = 2 * 1024 * 1024;

/**
 * The name the plugin's creates and patches are recorded under in `metadata.managedFields`,
 * so a cluster admin (or a GitOps tool diffing ownership) can tell them from kubectl's.
 */
export const FIELD_MANAGER = 'backstage-kubernetes-jobs';

/**
 * Sent on every request, for the apiserver's audit log. Its first product token is also the
 * field manager the apiserver would derive for a write that named none.
 */
export const USER_AGENT = `${FIELD_MANAGER}/${packageJson.version} (${packageJson.name})`;

/** Writes name the plugin as their field manager (see {@link FIELD_MANAGER}). */
const WRITE_QUERY = `fieldManager=${encodeURIComponent(FIELD_MANAGER)}`;

/**
 * How the plugin talks to one Kubernetes cluster: lists, logs and watches through the
 * Kubernetes client, single Jobs and CronJobs as JSON (see `object`), connections kept open
 * (see {@link ClusterConnections}), and Kubernetes failures turned into Backstage errors naming
 * the cluster and the object.
 */
export class KubernetesClusterClient implements ClusterClient {
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;
  private readonly watcher: Watch;

  constructor(
    readonly cluster: string,
    private readonly kubeConfig: KubeConfig,
    /** How long a call may take (watches excepted: their stalls have a watchdog). */
    private readonly timeoutMs = 10_000,
    /** Open connections to reuse; without, each call opens its own. */
    private readonly connections?: ClusterConnections,
  ) {
    this.batch = kubeConfig.makeApiClient(BatchV1Api);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.watcher = new Watch(withUserAgent(kubeConfig));
  }

  /**
   * One request, given the per-call options to pass on: our User-Agent and an abort signal.
   * On timeout the request is aborted, so its socket is freed rather than left waiting on a
   * hung cluster; the race still answers in time should the request not yet be on the wire
   * (a slow credential helper).
   *
   * A repeatable request (a read, a merge patch: sent twice, it does what it does once) is
   * sent once more, within the same time limit, when its connection was closed under it: a
   * kept-open connection that the apiserver, or a proxy in front of it, closed while idle just
   * as the request went out on it. A create is not repeatable (a second one would start a
   * second run): it fails.
   */
  private async call<T>(
    ctx: Omit<KubernetesCallContext, 'cluster'>,
    fn: (options: ConfigurationOptions, signal: AbortSignal) => Promise<T>,
    timeoutMs = this.timeoutMs,
    repeatable = true,
  ): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(timeoutError({ cluster: this.cluster, ...ctx }, timeoutMs));
        controller.abort();
      }, timeoutMs);
    });
    const send = () =>
      fn(
        requestOptionsWith(controller.signal, agent => this.agentFor(agent)),
        controller.signal,
      );
    try {
      return await Promise.race([
        send().catch(error => {
          if (
            repeatable &&
            connectionDropped(error) &&
            !controller.signal.aborted
          ) {
            return send();
          }
          throw error;
        }),
        timeout,
      ]);
    } catch (error) {
      if (error instanceof ClusterTimeoutError) throw error;
      throw toBackstageError(error, { cluster: this.cluster, ...ctx });
    } finally {
      clearTimeout(timer);
    }
  }

  /** The kept-open connections to use in place of an agent made for one request. */
  private agentFor(made: Agent): Agent {
    return this.connections
      ? this.connections.agentFor(this.cluster, made)
      : made;
  }

  /**
   * One object read or written as JSON, with the KubeConfig's own authentication (as a watch
   * is), but without the generated client's per-request machinery (the models' serialiser, a
   * promise chain per middleware, node-fetch), which costs more than the apiserver's answer on
   * the Run and Stop paths. Times stay as the wire has them (strings), as in watched objects.
   */
  private object<T extends V1Job | V1CronJob>(
    ctx: Omit<KubernetesCallContext, 'cluster'>,
    kind: DefinitionKind,
    request: {
      method: 'GET' | 'POST' | 'PATCH';
      path: string;
      body?: object;
      contentType?: string;
    },
  ): Promise<T> {
    const repeatable = request.method !== 'POST';
    return this.call(
      ctx,
      async (_options, signal) => {
        const server = this.kubeConfig.getCurrentCluster()?.server ?? '';
        const url = `${server.replace(/\/+$/, '')}${request.path}`;
        const init = await this.kubeConfig.applyToFetchOptions({});
        const headers: Record<string, string> = {
          ...Object.fromEntries(new Headers(init.headers as HeadersInit)),
          accept: 'application/json',
          'user-agent': USER_AGENT,
        };
        const payload =
          request.body === undefined ? undefined : JSON.stringify(request.body);
        if (payload !== undefined) {
          headers['content-type'] = request.contentType ?? 'application/json';
          headers['content-length'] = String(Buffer.byteLength(payload));
        }
        const answer = await sendJson(url, {
          method: request.method,
          headers,
          agent: init.agent ? this.agentFor(init.agent as Agent) : undefined,
          signal,
          payload,
        });
        if (answer.status < 200 || answer.status >= 300) {
          throw new ApiException(
            answer.status,
            `HTTP-Code: ${answer.status}`,
            answer.text,
            answer.headers,
          );
        }
        return stamp(JSON.parse(answer.text) as T, kind);
      },
      undefined,
      repeatable,
    );
  }

  async listJobs(options: ListOptions): Promise<V1Job[]> {
    const { namespace, labelSelector, fieldSelector } = options;
    const list = await this.call(
      { action: 'list Jobs', namespace },
      requestOptions =>
        namespace
          ? this.batch.listNamespacedJob(
              { namespace, labelSelector, fieldSelector },
              requestOptions,
            )
          : this.batch.listJobForAllNamespaces(
              { labelSelector, fieldSelector },
              requestOptions,
            ),
    );
    return list.items.map(job => stamp(job, 'Job'));
  }

  async listCronJobs(options: ListOptions): Promise<V1CronJob[]> {
    const { namespace, labelSelector, fieldSelector } = options;
    const list = await this.call(
      { action: 'list CronJobs', namespace },
      requestOptions =>
        namespace
          ? this.batch.listNamespacedCronJob(
              { namespace, labelSelector, fieldSelector },
              requestOptions,
            )
          : this.batch.listCronJobForAllNamespaces(
              { labelSelector, fieldSelector },
              requestOptions,
            ),
    );
    return list.items.map(cronJob => stamp(cronJob, 'CronJob'));
  }

  async listPage(
    kind: DefinitionKind,
    options: {
      namespace?: string;
      limit: number;
      continue?: string;
      timeoutMs?: number;
    },
  ): Promise<ListPage<V1Job | V1CronJob>> {
    const { namespace, limit } = options;
    const _continue = options.continue;
    const action = kind === 'Job' ? 'list Jobs' : 'list CronJobs';
    type AnyList = { items: Array<V1Job | V1CronJob>; metadata?: V1ListMeta };
    const list = await this.call<AnyList>(
      { action, namespace },
      requestOptions => {
        if (kind === 'Job') {
          return namespace
            ? this.batch.listNamespacedJob(
                { namespace, limit, _continue },
                requestOptions,
              )
            : this.batch.listJobForAllNamespaces(
                { limit, _continue },
                requestOptions,
              );
        }
        return namespace
          ? this.batch.listNamespacedCronJob(
              { namespace, limit, _continue },
              requestOptions,
            )
          : this.batch.listCronJobForAllNamespaces(
              { limit, _continue },
              requestOptions,
            );
      },
      options.timeoutMs,
    );
    return {
      items: list.items.map(item => stamp(item, kind)),
      resourceVersion: list.metadata?.resourceVersion ?? '',
      continue: list.metadata?._continue || undefined,
    };
  }

  async watch(
    kind: DefinitionKind,
    options: {
      namespace?: string;
      resourceVersion: string;
      timeoutSeconds: number;
    },
    onEvent: (event: WatchEvent) => void,
  ): Promise<OpenWatch> {
    const { namespace } = options;
    const path = collectionPath(
      kind === 'Job' ? 'jobs' : 'cronjobs',
      namespace || undefined,
    );
    const ctx = { action: `watch ${kind}s`, namespace };
    let settle: (error: Error | null) => void = () => {};
    const done = new Promise<Error | null>(resolve => {
      settle = resolve;
    });
    let controller: AbortController;
    try {
      controller = await this.watcher.watch(
        path,
        {
          resourceVersion: options.resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: options.timeoutSeconds,
        },
        (type: string, object: any) =>
          onEvent({ type: type as WatchEvent['type'], object }),
        (error: unknown) => settle(error ? this.watchError(error, ctx) : null),
      );
    } catch (error) {
      throw this.watchError(error, ctx);
    }
    return { done, abort: () => controller.abort() };
  }

  /** A failed watch as a Backstage error, like any other call (the status code kept). */
  private watchError(
    error: unknown,
    ctx: Omit<KubernetesCallContext, 'cluster'>,
  ): Error {
    const statusCode = (error as { statusCode?: unknown })?.statusCode;
    const cause =
      typeof statusCode === 'number'
        ? new ApiException(statusCode, 'watch failed', undefined, {})
        : error;
    return toBackstageError(cause, { cluster: this.cluster, ...ctx });
  }

  readJob(namespace: string, name: string): Promise<V1Job> {
    return this.object({ action: 'read Job', namespace, name }, 'Job', {
      method: 'GET',
      path: objectPath('jobs', namespace, name),
    });
  }

  readCronJob(namespace: string, name: string): Promise<V1CronJob> {
    return this.object({ action: 'read CronJob', namespace, name }, 'CronJob', {
      method: 'GET',
      path: objectPath('cronjobs', namespace, name),
    });
  }

  createJob(namespace: string, body: V1Job): Promise<V1Job> {
    const name = body.metadata?.name ?? `${body.metadata?.generateName ?? ''}*`;
    return this.object({ action: 'create Job', namespace, name }, 'Job', {
      method: 'POST',
      path: `${objectPath('jobs', namespace)}?${WRITE_QUERY}`,
      body: { ...body, apiVersion: 'batch/v1', kind: 'Job' },
    });
  }

  mergePatchJob(
    namespace: string,
    name: string,
    patch: object,
  ): Promise<V1Job> {
    return this.object({ action: 'patch Job', namespace, name }, 'Job', {
      method: 'PATCH',
      path: `${objectPath('jobs', namespace, name)}?${WRITE_QUERY}`,
      body: patch,
      contentType: PatchStrategy.MergePatch,
    });
  }

  mergePatchCronJob(
    namespace: string,
    name: string,
    patch: object,
  ): Promise<V1CronJob> {
    return this.object(
      { action: 'patch CronJob', namespace, name },
      'CronJob',
      {
        method: 'PATCH',
        path: `${objectPath('cronjobs', namespace, name)}?${WRITE_QUERY}`,
        body: patch,
        contentType: PatchStrategy.MergePatch,
      },
    );
  }

  async listPods(namespace: string, labelSelector: string): Promise<V1Pod[]> {
    const list = await this.call(
      { action: 'list Pods', namespace },
      requestOptions =>
        this.core.listNamespacedPod(
          { namespace, labelSelector },
          requestOptions,
        ),
    );
    return list.items;
  }

  async listEvents(
    namespace: string,
    fieldSelector: string,
  ): Promise<CoreV1Event[]> {
    const list = await this.call(
      { action: 'list Events', namespace },
      requestOptions =>
        this.core.listNamespacedEvent(
          { namespace, fieldSelector },
          requestOptions,
        ),
    );
    return list.items;
  }

  readPodLog(
    namespace: string,
    name: string,
    options: { container: string; tailLines?: number },
  ): Promise<string> {
    return this.call(
      { action: 'read logs of Pod', namespace, name },
      requestOptions =>
        this.core.readNamespacedPodLog(
          {
            namespace,
            name,
            container: options.container,
            tailLines: options.tailLines,
            limitBytes: MAX_LOG_BYTES,
          },
          requestOptions,
        ),
    );
  }
}

/**
 * Per-call options for the generated API: a middleware that, once authentication has set up the
 * request, sets our User-Agent and the signal that aborts it.
 */
function requestOptionsWith(
  signal: AbortSignal,
  agentFor: (made: Agent) => Agent,
): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: request => {
          request.setHeaderParam('User-Agent', USER_AGENT);
          request.setSignal(signal);
          const made = request.getAgent();
          if (made) request.setAgent(agentFor(made));
          return new Observable(Promise.resolve(request));
        },
        post: response => new Observable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

/**
 * The KubeConfig as `Watch` sees it: the same one, with our User-Agent added to the request
 * (`Watch` builds its request from `applyToFetchOptions` and takes no headers of its own).
 */
function withUserAgent(kubeConfig: KubeConfig): KubeConfig {
  const view: KubeConfig = Object.create(kubeConfig);
  view.applyToFetchOptions = async opts => {
    const init = await kubeConfig.applyToFetchOptions(opts);
    const headers = new Headers(init.headers as HeadersInit);
    headers.set('User-Agent', USER_AGENT);
    return { ...init, headers: Object.fromEntries(headers) };
  };
  return view;
}

/**
 * The one place kind and apiVersion are set: list items carry none on the wire, and the typed
 * client drops them from single objects too.
 */
function stamp<T extends object>(object: T, kind: DefinitionKind): T {
  return { ...object, apiVersion: 'batch/v1', kind };
}

/**
 * A connection closed under a request (reset, or written to after the other end closed it):
 * what a kept-open connection closed while idle gives.
 */
function connectionDropped(error: unknown): boolean {
  const code = connectionErrorCode(error);
  return code === 'ECONNRESET' || code === 'EPIPE';
}
