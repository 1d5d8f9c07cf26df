import {
  BatchV1Api,
  CoreV1Api,
  CoreV1Event,
  KubeConfig,
  PatchStrategy,
  V1CronJob,
  V1Job,
  V1Pod,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { KubernetesCallContext, toBackstageError } from './errors';

/** Where to list: one namespace, or all of them when undefined. */
export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** Upper bound on log text returned per request, so a chatty container cannot exhaust memory. */
const MAX_LOG_BYTES = 2 * 1024 * 1024;

/**
 * How the plugin talks to one Kubernetes cluster: typed calls, and Kubernetes failures turned
 * into Backstage errors naming the cluster and the object.
 */
export class KubernetesClusterClient {
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;

  constructor(readonly cluster: string, kubeConfig: KubeConfig) {
    this.batch = kubeConfig.makeApiClient(BatchV1Api);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  private async call<T>(
    ctx: Omit<KubernetesCallContext, 'cluster'>,
    fn: () => Promise<T>,
  ): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toBackstageError(error, { cluster: this.cluster, ...ctx });
    }
  }

  async listJobs(options: ListOptions): Promise<V1Job[]> {
    const { namespace, labelSelector, fieldSelector } = options;
    const list = await this.call({ action: 'list Jobs', namespace }, () =>
      namespace
        ? this.batch.listNamespacedJob({
            namespace,
            labelSelector,
            fieldSelector,
          })
        : this.batch.listJobForAllNamespaces({ labelSelector, fieldSelector }),
    );
    // List items carry no kind/apiVersion on the wire.
    return list.items.map(job => ({
      ...job,
      apiVersion: 'batch/v1',
      kind: 'Job',
    }));
  }

  async listCronJobs(options: ListOptions): Promise<V1CronJob[]> {
    const { namespace, labelSelector, fieldSelector } = options;
    const list = await this.call({ action: 'list CronJobs', namespace }, () =>
      namespace
        ? this.batch.listNamespacedCronJob({
            namespace,
            labelSelector,
            fieldSelector,
          })
        : this.batch.listCronJobForAllNamespaces({
            labelSelector,
            fieldSelector,
          }),
    );
    return list.items.map(cronJob => ({
      ...cronJob,
      apiVersion: 'batch/v1',
      kind: 'CronJob',
    }));
  }

  readJob(namespace: string, name: string): Promise<V1Job> {
    return this.call({ action: 'read Job', namespace, name }, () =>
      this.batch.readNamespacedJob({ namespace, name }),
    );
  }

  readCronJob(namespace: string, name: string): Promise<V1CronJob> {
    return this.call({ action: 'read CronJob', namespace, name }, () =>
      this.batch.readNamespacedCronJob({ namespace, name }),
    );
  }

  createJob(namespace: string, body: V1Job): Promise<V1Job> {
    const name = body.metadata?.name ?? `${body.metadata?.generateName ?? ''}*`;
    return this.call({ action: 'create Job', namespace, name }, () =>
      this.batch.createNamespacedJob({ namespace, body }),
    );
  }

  /** JSON merge patch (RFC 7386) of a Job. */
  mergePatchJob(
    namespace: string,
    name: string,
    patch: object,
  ): Promise<V1Job> {
    return this.call({ action: 'patch Job', namespace, name }, () =>
      this.batch.patchNamespacedJob(
        { namespace, name, body: patch },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
  }

  async listPods(namespace: string, labelSelector: string): Promise<V1Pod[]> {
    const list = await this.call({ action: 'list Pods', namespace }, () =>
      this.core.listNamespacedPod({ namespace, labelSelector }),
    );
    return list.items;
  }

  async listEvents(
    namespace: string,
    fieldSelector: string,
  ): Promise<CoreV1Event[]> {
    const list = await this.call({ action: 'list Events', namespace }, () =>
      this.core.listNamespacedEvent({ namespace, fieldSelector }),
    );
    return list.items;
  }

  readPodLog(
    namespace: string,
    name: string,
    options: { container: string; tailLines?: number },
  ): Promise<string> {
    return this.call({ action: 'read logs of Pod', namespace, name }, () =>
      this.core.readNamespacedPodLog({
        namespace,
        name,
        container: options.container,
        tailLines: options.tailLines,
        limitBytes: MAX_LOG_BYTES,
      }),
    );
  }
}
