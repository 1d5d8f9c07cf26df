import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ClusterError,
  DefinitionDetails,
  DefinitionKind,
  DefinitionListResponse,
  DefinitionSummary,
  JobRun,
  RunHistoryPage,
  RUN_ANNOTATIONS,
  RunEvent,
  RunLogs,
  RunPod,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { CoreV1Event, V1Job, V1Pod } from '@kubernetes/client-node';
import { ClusterRegistry } from '../cluster/ClusterRegistry';
import { KubernetesClusterClient } from '../cluster/KubernetesClusterClient';
import {
  DefinitionKey,
  RunStore,
  definitionKeyString,
} from '../database/RunStore';
import { EntitySelector, selects } from './entitySelector';
import { KeyedMutex } from './KeyedMutex';
import {
  DefinitionObject,
  buildRunJob,
  compareRunsNewestFirst,
  computeStats,
  definitionJobHasRun,
  isActive,
  isDefinition,
  kindOf,
  toJobDefinition,
  toJobRun,
  waitingReason,
} from './model';

/** A definition addressed by the API. */
export interface DefinitionLocation {
  cluster: string;
  namespace: string;
  kind: DefinitionKind;
  name: string;
}

/** A run addressed by the API. */
export interface RunLocation {
  cluster: string;
  namespace: string;
  name: string;
}

/** Options of {@link JobsService}. */
export interface JobsServiceOptions {
  clusters: ClusterRegistry;
  logger: LoggerService;
  /** Annotation key marking definitions. */
  annotationKey: string;
  allowParallelRunsByDefault: boolean;
  /** Run history and the cross-replica half of the one-active-run guard. */
  store: RunStore;
  /** Runs per page of history. */
  historyPageSize?: number;
  /** Clock, for tests. */
  now?: () => Date;
}

interface ScanResult {
  definitions: DefinitionObject[];
  jobs: V1Job[];
  /** When the cluster was read: records written later are newer than this scan. */
  checkedAt: Date;
}

interface ResolvedRun {
  client: KubernetesClusterClient;
  job: V1Job;
  definition: DefinitionObject;
}

/**
 * What definitions and runs are: finding an entity's definitions, creating a run from a
 * definition without touching it, killing a run by suspending it, and reading a run's state,
 * events and logs. Authorization happens before any of this, in the router.
 */
export class JobsService {
  private readonly mutex = new KeyedMutex();
  private readonly now: () => Date;

  constructor(private readonly options: JobsServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** The definitions of one entity, with stats. A failing cluster is reported, not thrown. */
  async listForEntity(
    selector: EntitySelector,
  ): Promise<DefinitionListResponse> {
    const clusterNames = selector.cluster
      ? [selector.cluster]
      : this.options.clusters.list().map(c => c.name);
    const items: DefinitionSummary[] = [];
    const errors: ClusterError[] = [];
    await Promise.all(
      clusterNames.map(async cluster => {
        try {
          const client = await this.client(cluster);
          const scan = await this.scan(client, {
            namespace: selector.namespace,
            labelSelector: selector.labelSelector.source,
          });
          items.push(...(await this.summarize(cluster, scan, () => selector)));
        } catch (error) {
          errors.push(clusterError(cluster, error));
        }
      }),
    );
    return { items: sortSummaries(items), errors };
  }

  /**
   * Every definition of every cluster, each attributed to the first entity whose selector
   * matches it. Definitions no entity claims are included only when `includeUnlinked`.
   */
  async listAll(
    selectors: EntitySelector[],
    options: { includeUnlinked: boolean },
  ): Promise<DefinitionListResponse> {
    const items: DefinitionSummary[] = [];
    const errors: ClusterError[] = [];
    await Promise.all(
      this.options.clusters.list().map(async ({ name: cluster }) => {
        try {
          const client = await this.client(cluster);
          const scan = await this.scanCluster(client, selectors);
          const summaries = await this.summarize(cluster, scan, object =>
            selectors.find(s =>
              selects(s, {
                cluster,
                namespace: object.metadata?.namespace,
                labels: object.metadata?.labels,
              }),
            ),
          );
          items.push(
            ...summaries.filter(
              s => s.definition.entityRef || options.includeUnlinked,
            ),
          );
        } catch (error) {
          errors.push(clusterError(cluster, error));
        }
      }),
    );
    return { items: sortSummaries(items), errors };
  }

  /** One definition of the entity, with stats over its whole history and the newest runs. */
  async getDefinition(
    selector: EntitySelector,
    location: DefinitionLocation,
  ): Promise<DefinitionDetails> {
    const client = await this.client(location.cluster);
    const definition = await this.readDefinition(client, selector, location);
    const runs = await this.runsOf(client, selector, definition);
    const pageSize = this.options.historyPageSize ?? 50;
    return {
      definition: this.toDefinition(location.cluster, definition, selector),
      stats: computeStats(runs),
      runs: runs.slice(0, pageSize),
      nextCursor: runs.length > pageSize ? String(pageSize) : undefined,
    };
  }

  /** A page of a definition's runs, newest first, including runs whose Job is gone. */
  async history(
    selector: EntitySelector,
    location: DefinitionLocation,
    options: { limit: number; cursor?: string },
  ): Promise<RunHistoryPage> {
    const client = await this.client(location.cluster);
    const definition = await this.readDefinition(client, selector, location);
    const runs = await this.runsOf(client, selector, definition);
    const start = options.cursor ? Number(options.cursor) : 0;
    const items = runs.slice(start, start + options.limit);
    const next = start + options.limit;
    return { items, nextCursor: next < runs.length ? String(next) : undefined };
  }

  /**
   * Creates a new Job from the definition. The definition is only read. Unless the definition
   * allows parallel runs, a second run while one is active is a ConflictError. Within one backend
   * the check and the create are serialised per definition; across replicas, the run's record
   * takes the definition's one active slot (a unique key in the database) before the Job is
   * created, so only one replica can start it.
   */
  async run(
    selector: EntitySelector,
    location: DefinitionLocation,
    options: { triggeredBy: string },
  ): Promise<JobRun> {
    const client = await this.client(location.cluster);
    const key: DefinitionKey = location;
    return this.mutex.run(definitionKeyString(key), async () => {
      const definition = await this.readDefinition(client, selector, location);
      const view = this.toDefinition(location.cluster, definition, selector);
      const exclusive = !view.allowParallelRuns;
      if (exclusive) {
        const checkedAt = new Date();
        const runs = await this.runsOf(client, selector, definition);
        const active = runs.filter(
          r => isActive(r.state) && !r.removedFromCluster,
        );
        if (active.length) {
          throw new ConflictError(
            `${location.kind} '${location.name}' already has an active run, '${active[0].name}' (${active[0].state}); wait for it to finish or kill it before starting another`,
          );
        }
        await this.options.store.releaseIfInactive(key, {
          activeJobUids: new Set(active.map(r => r.uid)),
          checkedAt,
        });
      }
      const now = this.now();
      const reservation = await this.options.store.reserve(key, {
        entityRef: selector.entityRef,
        triggeredBy: options.triggeredBy,
        triggeredAt: now,
        exclusive,
      });
      let created: V1Job;
      try {
        const body = buildRunJob(definition, {
          annotationKey: this.options.annotationKey,
          triggeredBy: options.triggeredBy,
          now,
        });
        created = await client.createJob(location.namespace, body);
      } catch (error) {
        await this.options.store.discard(reservation);
        throw error;
      }
      const run = toJobRun(
        location.cluster,
        created,
        definitionRef(definition),
      );
      await this.options.store.attach(reservation, run);
      this.options.logger.info(
        `Run ${run.name} of ${location.kind} ${location.namespace}/${location.name} on cluster ${location.cluster} created by ${options.triggeredBy}`,
      );
      return run;
    });
  }

  /**
   * Brings the records of runs last known as active up to date with their clusters, so that
   * history is right even for runs that finished, or were deleted, while no one was looking
   * (or while the backend was down).
   */
  async reconcile(): Promise<{ updated: number; removed: number }> {
    const active = await this.options.store.listActive();
    let updated = 0;
    let removed = 0;
    for (const record of active) {
      try {
        const client = await this.client(record.cluster);
        const job = await client
          .readJob(record.namespace, record.name)
          .catch(error => {
            if ((error as Error).name === 'NotFoundError') return undefined;
            throw error;
          });
        if (!job || job.metadata?.uid !== record.uid) {
          await this.options.store.markRemoved([record.uid]);
          removed++;
          continue;
        }
        const run = toJobRun(
          record.cluster,
          { ...job, kind: 'Job' },
          record.definition,
        );
        await this.options.store.recordFromCluster(
          record.definitionKey,
          undefined,
          [run],
        );
        updated++;
      } catch (error) {
        this.options.logger.warn(
          `kubernetes-jobs: could not reconcile run ${record.namespace}/${
            record.name
          } on cluster ${record.cluster}: ${(error as Error).message}`,
        );
      }
    }
    return { updated, removed };
  }

  async getRun(
    selector: EntitySelector,
    location: RunLocation,
  ): Promise<JobRun> {
    const { job, definition } = await this.resolveRun(selector, location);
    return toJobRun(location.cluster, job, definitionRef(definition));
  }

  /**
   * Stops an active run by suspending it (the Job controller terminates its pods gracefully)
   * and records who killed it. The run stays, as history. A definition is never suspended.
   */
  async kill(
    selector: EntitySelector,
    location: RunLocation,
    options: { killedBy: string },
  ): Promise<JobRun> {
    const { client, job, definition } = await this.resolveRun(
      selector,
      location,
    );
    if (job.metadata?.uid === definition.metadata?.uid) {
      throw new ConflictError(
        `Job '${location.name}' is a definition, not a run: Kill never changes a definition; stop it where it is deployed`,
      );
    }
    const run = toJobRun(location.cluster, job, definitionRef(definition));
    if (!isActive(run.state)) {
      throw new ConflictError(
        `Run '${location.name}' is not active (${run.state}); there is nothing to kill`,
      );
    }
    const patched = await client.mergePatchJob(
      location.namespace,
      location.name,
      {
        metadata: {
          annotations: {
            [RUN_ANNOTATIONS.killedBy]: options.killedBy,
            [RUN_ANNOTATIONS.killedAt]: this.now().toISOString(),
          },
        },
        spec: { suspend: true },
      },
    );
    this.options.logger.info(
      `Run ${location.namespace}/${location.name} on cluster ${location.cluster} killed by ${options.killedBy}`,
    );
    const killed = toJobRun(
      location.cluster,
      patched,
      definitionRef(definition),
    );
    await this.options.store
      .recordFromCluster(
        {
          ...location,
          kind: kindOf(definition),
          name: definition.metadata?.name ?? '',
        },
        selector.entityRef,
        [killed],
      )
      .catch(error =>
        this.options.logger.error(
          `kubernetes-jobs: could not record the kill of ${location.namespace}/${location.name}: ${error.message}`,
        ),
      );
    return killed;
  }

  /** The run's pods, oldest first. */
  async pods(
    selector: EntitySelector,
    location: RunLocation,
  ): Promise<RunPod[]> {
    const { client, job } = await this.resolveRun(selector, location);
    return (await this.podsOf(client, job)).map(toRunPod);
  }

  /** Kubernetes events about the run and its pods, oldest first. */
  async events(
    selector: EntitySelector,
    location: RunLocation,
  ): Promise<RunEvent[]> {
    const { client, job } = await this.resolveRun(selector, location);
    const pods = await this.podsOf(client, job);
    const lists = await Promise.all([
      client.listEvents(
        location.namespace,
        `involvedObject.kind=Job,involvedObject.name=${location.name}`,
      ),
      ...pods.map(pod =>
        client.listEvents(
          location.namespace,
          `involvedObject.kind=Pod,involvedObject.name=${pod.metadata?.name}`,
        ),
      ),
    ]);
    return lists
      .flat()
      .map(toRunEvent)
      .sort(
        (a, b) =>
          (Date.parse(a.lastTimestamp ?? '') || 0) -
          (Date.parse(b.lastTimestamp ?? '') || 0),
      );
  }

  /** Logs of a container of one of the run's pods (by default the newest pod's first container). */
  async logs(
    selector: EntitySelector,
    location: RunLocation,
    options: { pod?: string; container?: string; tailLines?: number },
  ): Promise<RunLogs> {
    const { client, job } = await this.resolveRun(selector, location);
    const pods = await this.podsOf(client, job);
    const pod = options.pod
      ? pods.find(p => p.metadata?.name === options.pod)
      : pods[pods.length - 1];
    if (!pod) {
      throw new NotFoundError(
        options.pod
          ? `Pod '${options.pod}' is not a pod of run '${location.name}' in namespace '${location.namespace}' on cluster '${location.cluster}'`
          : `Run '${location.name}' has no pods yet`,
      );
    }
    const containers = toRunPod(pod).containers;
    const container = options.container ?? containers[0];
    if (!containers.includes(container)) {
      throw new InputError(
        `Container '${container}' is not in pod '${
          pod.metadata?.name
        }'; it has ${containers.join(', ')}`,
      );
    }
    const podName = pod.metadata?.name ?? '';
    const waiting = waitingReason(pod, container);
    if (waiting) {
      return { pod: podName, container, text: '', waiting };
    }
    const text = await client.readPodLog(location.namespace, podName, {
      container,
      tailLines: options.tailLines,
    });
    return { pod: podName, container, text: text ?? '' };
  }

  private async client(cluster: string): Promise<KubernetesClusterClient> {
    const configured = this.options.clusters.get(cluster);
    try {
      return new KubernetesClusterClient(
        cluster,
        await configured.getKubeConfig(),
      );
    } catch (error) {
      // Credential helpers can fail (expired cloud credentials, missing in-cluster token);
      // the message names the cluster but not what the helper printed.
      this.options.logger.warn(
        `kubernetes-jobs: could not get credentials for cluster '${cluster}': ${
          (error as Error).name
        }`,
      );
      throw new ServiceUnavailableError(
        `Could not get credentials for cluster '${cluster}'`,
      );
    }
  }

  private toDefinition(
    cluster: string,
    object: DefinitionObject,
    selector?: EntitySelector,
  ) {
    return toJobDefinition(cluster, object, {
      allowParallelRunsByDefault: this.options.allowParallelRunsByDefault,
      entityRef: selector?.entityRef,
      entityOwnerRef: selector?.ownerRef,
    });
  }

  /** Jobs and CronJobs matching a selector; definitions are told apart by annotation, in code. */
  private async scan(
    client: KubernetesClusterClient,
    options: { namespace?: string; labelSelector?: string },
  ): Promise<ScanResult> {
    const checkedAt = new Date();
    const [jobs, cronJobs] = await Promise.all([
      client.listJobs(options),
      client.listCronJobs(options),
    ]);
    const annotationKey = this.options.annotationKey;
    return {
      definitions: [
        ...jobs.filter(j => isDefinition(j, annotationKey)),
        ...cronJobs.filter(c => isDefinition(c, annotationKey)),
      ],
      jobs,
      checkedAt,
    };
  }

  /**
   * Every definition of a cluster. Where Kubernetes RBAC is namespaced (a Role per namespace
   * rather than a ClusterRole), the cluster-wide list is refused: the namespaces that entities name
   * for this cluster are read instead.
   */
  private async scanCluster(
    client: KubernetesClusterClient,
    selectors: EntitySelector[],
  ): Promise<ScanResult> {
    try {
      return await this.scan(client, {});
    } catch (error) {
      const namespaces = [
        ...new Set(
          selectors
            .filter(s => !s.cluster || s.cluster === client.cluster)
            .map(s => s.namespace)
            .filter((ns): ns is string => Boolean(ns)),
        ),
      ];
      if ((error as Error).name !== 'NotAllowedError' || !namespaces.length) {
        throw error;
      }
      const scans = await Promise.all(
        namespaces.map(namespace => this.scan(client, { namespace })),
      );
      return {
        definitions: scans.flatMap(x => x.definitions),
        jobs: scans.flatMap(x => x.jobs),
        checkedAt: scans[0].checkedAt,
      };
    }
  }

  private async summarize(
    cluster: string,
    scan: ScanResult,
    selectorOf: (object: DefinitionObject) => EntitySelector | undefined,
  ): Promise<DefinitionSummary[]> {
    return Promise.all(
      scan.definitions.map(async definition => {
        const selector = selectorOf(definition);
        const clusterRuns = runsFromJobs(cluster, definition, scan.jobs);
        const runs = await this.withHistory(
          cluster,
          definition,
          selector?.entityRef,
          clusterRuns,
          scan.checkedAt,
        );
        return {
          definition: this.toDefinition(cluster, definition, selector),
          stats: computeStats(runs),
        };
      }),
    );
  }

  /**
   * Records what the cluster shows and merges it with the runs the cluster no longer has.
   * History must not break the live view: a database failure is logged and the cluster's runs
   * are returned alone.
   */
  private async withHistory(
    cluster: string,
    definition: DefinitionObject,
    entityRef: string | undefined,
    clusterRuns: JobRun[],
    checkedAt: Date,
  ): Promise<JobRun[]> {
    const key: DefinitionKey = {
      cluster,
      namespace: definition.metadata?.namespace ?? '',
      kind: kindOf(definition),
      name: definition.metadata?.name ?? '',
    };
    const store = this.options.store;
    try {
      await store.recordFromCluster(key, entityRef, clusterRuns);
      const seen = new Set(clusterRuns.map(r => r.uid));
      await store.markRemovedIfNotSeen(key, { seenJobUids: seen, checkedAt });
      const recorded =
        (await store.listAllRuns([key])).get(definitionKeyString(key)) ?? [];
      const gone = recorded.filter(r => !seen.has(r.uid));
      return [...clusterRuns, ...gone].sort(compareRunsNewestFirst);
    } catch (error) {
      this.options.logger.error(
        `kubernetes-jobs: run history unavailable for ${definitionKeyString(
          key,
        )}: ${(error as Error).message}`,
      );
      return clusterRuns;
    }
  }

  /**
   * Reads a definition and checks it is one, and that it belongs to the entity the request
   * names: a request cannot reach another entity's definitions by naming its own entity.
   */
  private async readDefinition(
    client: KubernetesClusterClient,
    selector: EntitySelector,
    location: DefinitionLocation,
  ): Promise<DefinitionObject> {
    const object: DefinitionObject =
      location.kind === 'CronJob'
        ? {
            ...(await client.readCronJob(location.namespace, location.name)),
            apiVersion: 'batch/v1',
            kind: 'CronJob',
          }
        : {
            ...(await client.readJob(location.namespace, location.name)),
            apiVersion: 'batch/v1',
            kind: 'Job',
          };
    this.checkDefinition(selector, location, object);
    return object;
  }

  private checkDefinition(
    selector: EntitySelector,
    location: DefinitionLocation,
    object: DefinitionObject,
  ): void {
    const where = `${location.kind} '${location.name}' in namespace '${location.namespace}' on cluster '${location.cluster}'`;
    if (!isDefinition(object, this.options.annotationKey)) {
      throw new NotFoundError(
        `${where} is not a runnable definition (it lacks the annotation ${this.options.annotationKey}: enable)`,
      );
    }
    if (
      !selects(selector, {
        cluster: location.cluster,
        namespace: location.namespace,
        labels: object.metadata?.labels,
      })
    ) {
      throw new NotAllowedError(
        `${where} does not belong to ${selector.entityRef}`,
      );
    }
  }

  private async runsOf(
    client: KubernetesClusterClient,
    selector: EntitySelector,
    definition: DefinitionObject,
  ): Promise<JobRun[]> {
    // Runs keep the definition's labels, so the entity's selector finds them in one call.
    const checkedAt = new Date();
    const jobs = await client.listJobs({
      namespace: definition.metadata?.namespace,
      labelSelector: selector.labelSelector.source,
    });
    const clusterRuns = runsFromJobs(client.cluster, definition, jobs);
    return this.withHistory(
      client.cluster,
      definition,
      selector.entityRef,
      clusterRuns,
      checkedAt,
    );
  }

  /**
   * Finds a run by name and the definition it belongs to (through its owner reference), and
   * checks that definition belongs to the entity.
   */
  private async resolveRun(
    selector: EntitySelector,
    location: RunLocation,
  ): Promise<ResolvedRun> {
    const client = await this.client(location.cluster);
    const job: V1Job = {
      ...(await client.readJob(location.namespace, location.name)),
      apiVersion: 'batch/v1',
      kind: 'Job',
    };
    const where = `Job '${location.name}' in namespace '${location.namespace}' on cluster '${location.cluster}'`;
    if (isDefinition(job, this.options.annotationKey)) {
      // A definition that ran counts as its own first run.
      this.checkDefinition(selector, { ...location, kind: 'Job' }, job);
      if (!definitionJobHasRun(job)) {
        throw new NotFoundError(`${where} is a definition that has not run`);
      }
      return { client, job, definition: job };
    }
    const owner = job.metadata?.ownerReferences?.find(
      ref =>
        ref.apiVersion === 'batch/v1' &&
        (ref.kind === 'Job' || ref.kind === 'CronJob'),
    );
    if (!owner) {
      throw new NotFoundError(`${where} is not a run of any definition`);
    }
    const definition = await this.readDefinition(client, selector, {
      cluster: location.cluster,
      namespace: location.namespace,
      kind: owner.kind as DefinitionKind,
      name: owner.name,
    });
    if (owner.uid !== definition.metadata?.uid) {
      throw new NotFoundError(
        `${where} belongs to an earlier ${owner.kind} '${owner.name}' that no longer exists`,
      );
    }
    return { client, job, definition };
  }

  private async podsOf(
    client: KubernetesClusterClient,
    job: V1Job,
  ): Promise<V1Pod[]> {
    const pods = await client.listPods(
      job.metadata?.namespace ?? '',
      `batch.kubernetes.io/controller-uid=${job.metadata?.uid}`,
    );
    return pods.sort(
      (a, b) =>
        time(a.metadata?.creationTimestamp) -
        time(b.metadata?.creationTimestamp),
    );
  }
}

function time(value: Date | string | undefined): number {
  if (!value) return 0;
  return new Date(value).getTime() || 0;
}

function definitionRef(definition: DefinitionObject) {
  return {
    kind: kindOf(definition),
    name: definition.metadata?.name ?? '',
    uid: definition.metadata?.uid,
  };
}

/** Runs of a definition among listed Jobs: those it owns, and itself when it ran. */
function runsFromJobs(
  cluster: string,
  definition: DefinitionObject,
  jobs: V1Job[],
): JobRun[] {
  const uid = definition.metadata?.uid;
  const runs = jobs.filter(job => {
    if (job.metadata?.uid === uid) {
      return kindOf(definition) === 'Job' && definitionJobHasRun(job);
    }
    return job.metadata?.ownerReferences?.some(ref => ref.uid === uid);
  });
  return runs
    .map(job => toJobRun(cluster, job, definitionRef(definition)))
    .sort(compareRunsNewestFirst);
}

function sortSummaries(items: DefinitionSummary[]): DefinitionSummary[] {
  return items.sort((a, b) =>
    [a.definition.cluster, a.definition.namespace, a.definition.name]
      .join('/')
      .localeCompare(
        [b.definition.cluster, b.definition.namespace, b.definition.name].join(
          '/',
        ),
      ),
  );
}

function clusterError(cluster: string, error: unknown): ClusterError {
  const e = error as { message?: string; statusCode?: number; name?: string };
  return {
    cluster,
    message: e?.message ?? String(error),
    statusCode: statusCodeOf(e?.name),
  };
}

function statusCodeOf(name: string | undefined): number | undefined {
  switch (name) {
    case 'NotAllowedError':
      return 403;
    case 'NotFoundError':
      return 404;
    case 'InputError':
      return 400;
    case 'ConflictError':
      return 409;
    case 'ServiceUnavailableError':
      return 503;
    default:
      return undefined;
  }
}

function toRunPod(pod: V1Pod): RunPod {
  return {
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase,
    // Main containers first: the first one is what a user means by "the logs".
    containers: [
      ...(pod.spec?.containers ?? []).map(c => c.name),
      ...(pod.spec?.initContainers ?? []).map(c => c.name),
    ],
    createdAt: pod.metadata?.creationTimestamp
      ? new Date(pod.metadata.creationTimestamp).toISOString()
      : undefined,
  };
}

function toRunEvent(event: CoreV1Event): RunEvent {
  const stamp = (v: Date | string | undefined) =>
    v ? new Date(v).toISOString() : undefined;
  return {
    type: event.type ?? 'Normal',
    reason: event.reason,
    message: event.message,
    count: event.count ?? 1,
    firstTimestamp: stamp(event.firstTimestamp ?? event.eventTime),
    lastTimestamp: stamp(
      event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp,
    ),
    involvedObject: {
      kind: event.involvedObject?.kind,
      name: event.involvedObject?.name,
    },
  };
}
