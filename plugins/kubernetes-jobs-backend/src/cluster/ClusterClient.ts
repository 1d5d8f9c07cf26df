import { CoreV1Event, V1CronJob, V1Job, V1Pod } from '@kubernetes/client-node';
import { DefinitionKind } from '@job-assistant/plugin-kubernetes-jobs-common';

/** Where to list: one namespace, or all of them when undefined. */
export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** One page of a list, with what is needed to go on: the next page, or a watch. */
export interface ListPage<T> {
  items: T[];
  resourceVersion: string;
  continue?: string;
}

/** A watch event as the apiserver sends it; ERROR carries a Status. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: any;
}

/** An open watch: `done` settles when the stream ends (null) or fails (the error). */
export interface OpenWatch {
  done: Promise<Error | null>;
  abort(): void;
}

/**
 * Everything the plugin asks of one cluster. Objects come back with `kind` and `apiVersion`
 * set (the wire leaves them out of list items). Failures are Backstage errors naming the
 * cluster and the object.
 */
export interface ClusterClient {
  readonly cluster: string;
  listJobs(options: ListOptions): Promise<V1Job[]>;
  readJob(namespace: string, name: string): Promise<V1Job>;
  readCronJob(namespace: string, name: string): Promise<V1CronJob>;
  createJob(namespace: string, body: V1Job): Promise<V1Job>;
  /** JSON merge patch (RFC 7386) of a Job. */
  mergePatchJob(namespace: string, name: string, patch: object): Promise<V1Job>;
  /** JSON merge patch of a CronJob (schedule control only). */
  mergePatchCronJob(
    namespace: string,
    name: string,
    patch: object,
  ): Promise<V1CronJob>;
  listPods(namespace: string, labelSelector: string): Promise<V1Pod[]>;
  listEvents(namespace: string, fieldSelector: string): Promise<CoreV1Event[]>;
  readPodLog(
    namespace: string,
    name: string,
    options: { container: string; tailLines?: number },
  ): Promise<string>;
  /**
   * One page of Jobs or CronJobs, for the watch cache's initial list (and, with `limit: 1` and a
   * short `timeoutMs`, a cheap check that the cluster still answers).
   */
  listPage(
    kind: DefinitionKind,
    options: {
      namespace?: string;
      limit: number;
      continue?: string;
      /** Overrides the client's call timeout for this request. */
      timeoutMs?: number;
    },
  ): Promise<ListPage<V1Job | V1CronJob>>;
  /** Watches Jobs or CronJobs from a resourceVersion. */
  watch(
    kind: DefinitionKind,
    options: {
      namespace?: string;
      resourceVersion: string;
      timeoutSeconds: number;
    },
    onEvent: (event: WatchEvent) => void,
  ): Promise<OpenWatch>;
}

/** Makes the client of a configured cluster, with fresh credentials. */
export type ClusterClientFactory = (cluster: string) => Promise<ClusterClient>;
