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
  setHeaderOptions,
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
  KubernetesCallContext,
  timeoutError,
  toBackstageError,
} from './errors';
import { ClusterConnections } from './ClusterConnections';
import type { Agent } from 'node:http';

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

/**
 * How the plugin talks to one Kubernetes cluster: typed calls, and Kubernetes failures turned
 * into Backstage errors naming the cluster and the object.
 */
export class KubernetesClusterClient implements ClusterClient {
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;
  private readonly watcher: Watch;

  constructor(
    readonly cluster: string,
    kubeConfig: KubeConfig,
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
   */
  private async call<T>(
    ctx: Omit<KubernetesCallContext, 'cluster'>,
    fn: (options: ConfigurationOptions) => Promise<T>,
    timeoutMs = this.timeoutMs,
  ): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(timeoutError({ cluster: this.cluster, ...ctx }, timeoutMs));
        controller.abort();
      }, timeoutMs);
    });
    try {
      return await Promise.race([
        fn(
          requestOptionsWith(controller.signal, agent =>
            this.connections
              ? this.connections.agentFor(this.cluster, agent)
              : agent,
          ),
        ),
        timeout,
      ]);
    } catch (error) {
      if (error instanceof ClusterTimeoutError) throw error;
      throw toBackstageError(error, { cluster: this.cluster, ...ctx });
    } finally {
      clearTimeout(timer);
    }
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
    const plural = kind === 'Job' ? 'jobs' : 'cronjobs';
    const path = namespace
      ? `/apis/batch/v1/namespaces/${encodeURIComponent(namespace)}/${plural}`
      : `/apis/batch/v1/${plural}`;
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

  async readJob(namespace: string, name: string): Promise<V1Job> {
    const job = await this.call(
      { action: 'read Job', namespace, name },
      requestOptions =>
        this.batch.readNamespacedJob({ namespace, name }, requestOptions),
    );
    return stamp(job, 'Job');
  }

  async readCronJob(namespace: string, name: string): Promise<V1CronJob> {
    const cronJob = await this.call(
      { action: 'read CronJob', namespace, name },
      requestOptions =>
        this.batch.readNamespacedCronJob({ namespace, name }, requestOptions),
    );
    return stamp(cronJob, 'CronJob');
  }

  async createJob(namespace: string, body: V1Job): Promise<V1Job> {
    const name = body.metadata?.name ?? `${body.metadata?.generateName ?? ''}*`;
    const job = await this.call(
      { action: 'create Job', namespace, name },
      requestOptions =>
        this.batch.createNamespacedJob(
          { namespace, body, fieldManager: FIELD_MANAGER },
          requestOptions,
        ),
    );
    return stamp(job, 'Job');
  }

  async mergePatchJob(
    namespace: string,
    name: string,
    patch: object,
  ): Promise<V1Job> {
    const job = await this.call(
      { action: 'patch Job', namespace, name },
      requestOptions =>
        this.batch.patchNamespacedJob(
          { namespace, name, body: patch, fieldManager: FIELD_MANAGER },
          setHeaderOptions(
            'Content-Type',
            PatchStrategy.MergePatch,
            requestOptions,
          ),
        ),
    );
    return stamp(job, 'Job');
  }

  async mergePatchCronJob(
    namespace: string,
    name: string,
    patch: object,
  ): Promise<V1CronJob> {
    const cronJob = await this.call(
      { action: 'patch CronJob', namespace, name },
      requestOptions =>
        this.batch.patchNamespacedCronJob(
          { namespace, name, body: patch, fieldManager: FIELD_MANAGER },
          setHeaderOptions(
            'Content-Type',
            PatchStrategy.MergePatch,
            requestOptions,
          ),
        ),
    );
    return stamp(cronJob, 'CronJob');
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
