import { InputError, NotFoundError } from '@backstage/errors';
import {
  RunEvent,
  RunLocation,
  RunLogs,
  RunPod,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { CoreV1Event, V1Job, V1Pod } from '@kubernetes/client-node';
import { WatchCaches } from '../cache/WatchCaches';
import { ClusterClient, ClusterClientFactory } from '../cluster/ClusterClient';
import { timeOf, toIso } from '../util/dates';
import { EntitySelector } from './entitySelector';
import { waitingReason } from './model';
import { definitionOfRun, readDefinition } from './ownership';

/**
 * A run's pods, events and logs: fetched from the cluster on demand (they are not watched).
 * The run and its definition come from the watch cache when it holds them.
 */
export class RunDetails {
  constructor(
    private readonly options: {
      client: ClusterClientFactory;
      caches: WatchCaches;
      annotationKey: string;
    },
  ) {}

  /** The run's pods, oldest first. */
  async pods(
    selector: EntitySelector,
    location: RunLocation,
  ): Promise<RunPod[]> {
    const { client, job } = await this.resolve(selector, location);
    return (await podsOf(client, job)).map(toRunPod);
  }

  /** Kubernetes events about the run and its pods, oldest first. */
  async events(
    selector: EntitySelector,
    location: RunLocation,
  ): Promise<RunEvent[]> {
    const { client, job } = await this.resolve(selector, location);
    const pods = await podsOf(client, job);
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
      .sort((a, b) => timeOf(a.lastTimestamp) - timeOf(b.lastTimestamp));
  }

  /** Logs of a container of one of the run's pods (by default the newest pod's first container). */
  async logs(
    selector: EntitySelector,
    location: RunLocation,
    options: { pod?: string; container?: string; tailLines?: number },
  ): Promise<RunLogs> {
    const { client, job } = await this.resolve(selector, location);
    const pods = await podsOf(client, job);
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

  /** The run (checked against the entity) and a client for its cluster. */
  private async resolve(
    selector: EntitySelector,
    location: RunLocation,
  ): Promise<{ client: ClusterClient; job: V1Job }> {
    const { annotationKey } = this.options;
    const client = await this.options.client(location.cluster);
    const cache = this.options.caches.get(location.cluster);
    const cached = cache.isSynced('Job', location.namespace)
      ? cache.get('Job', location.namespace, location.name)
      : undefined;
    const job =
      cached ?? (await client.readJob(location.namespace, location.name));
    await definitionOfRun(
      selector,
      location,
      job,
      async (kind, namespace, name) =>
        (cache.isSynced(kind, namespace) && cache.get(kind, namespace, name)) ||
        readDefinition(
          client,
          selector,
          { cluster: location.cluster, namespace, kind, name },
          annotationKey,
        ),
      annotationKey,
    );
    return { client, job };
  }
}

async function podsOf(client: ClusterClient, job: V1Job): Promise<V1Pod[]> {
  const pods = await client.listPods(
    job.metadata?.namespace ?? '',
    `batch.kubernetes.io/controller-uid=${job.metadata?.uid}`,
  );
  return pods.sort(
    (a, b) =>
      timeOf(a.metadata?.creationTimestamp) -
      timeOf(b.metadata?.creationTimestamp),
  );
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
    createdAt: toIso(pod.metadata?.creationTimestamp),
  };
}

function toRunEvent(event: CoreV1Event): RunEvent {
  return {
    type: event.type ?? 'Normal',
    reason: event.reason,
    message: event.message,
    count: event.count ?? 1,
    firstTimestamp: toIso(event.firstTimestamp ?? event.eventTime),
    lastTimestamp: toIso(
      event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp,
    ),
    involvedObject: {
      kind: event.involvedObject?.kind,
      name: event.involvedObject?.name,
    },
  };
}
