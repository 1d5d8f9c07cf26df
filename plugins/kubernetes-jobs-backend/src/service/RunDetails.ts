import { InputError, NotFoundError } from '@backstage/errors';
import {
  RunEventList,
  RunLocation,
  RunLogs,
  RunPodList,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { V1Job } from '@kubernetes/client-node';
import { WatchCaches } from '../cache/WatchCaches';
import { ClusterClient, ClusterClientFactory } from '../cluster/ClusterClient';
import { RunStore, SavedEvidence } from '../database/RunStore';
import { EntitySelector } from './entitySelector';
import { waitingReason } from './model';
import { definitionOfRun, freshDefinitionLookup } from './ownership';
import { eventsOf, podsOf, toRunPod } from './podViews';
import { RunReader } from './RunReader';

/**
 * A run's pods, events and logs: fetched from the cluster on demand (they are not watched),
 * or, once Kubernetes has deleted them, what was saved with the run's record when it ended.
 */
export class RunDetails {
  constructor(
    private readonly options: {
      client: ClusterClientFactory;
      caches: WatchCaches;
      store: RunStore;
      runs: RunReader;
      annotationKey: string;
    },
  ) {}

  /** The run's pods, oldest first. */
  async pods(
    selector: EntitySelector,
    location: RunLocation,
  ): Promise<RunPodList> {
    const live = await this.live(selector, location);
    if (live) {
      const pods = await podsOf(live.client, live.job);
      if (pods.length) return { items: pods.map(toRunPod) };
    }
    const saved = await this.saved(selector, location);
    return saved
      ? { items: saved.pods, savedAt: saved.savedAt }
      : { items: [] };
  }

  /** Kubernetes events about the run and its pods, oldest first. */
  async events(
    selector: EntitySelector,
    location: RunLocation,
  ): Promise<RunEventList> {
    const live = await this.live(selector, location);
    if (live) {
      const pods = await podsOf(live.client, live.job);
      const items = await eventsOf(
        live.client,
        location.namespace,
        location.name,
        pods,
      );
      // Kubernetes keeps events for an hour: after that, what was saved says more.
      if (items.length) return { items };
    }
    const saved = await this.saved(selector, location);
    return saved
      ? { items: saved.events, savedAt: saved.savedAt }
      : { items: [] };
  }

  /** Logs of a container of one of the run's pods (by default the newest pod's first container). */
  async logs(
    selector: EntitySelector,
    location: RunLocation,
    options: { pod?: string; container?: string; tailLines?: number },
  ): Promise<RunLogs> {
    const live = await this.live(selector, location);
    const pods = live ? await podsOf(live.client, live.job) : [];
    if (!live || !pods.length) {
      const saved = await this.saved(selector, location);
      if (saved?.logs.length) return savedLogs(saved, location, options);
    }
    const pod = options.pod
      ? pods.find(p => p.metadata?.name === options.pod)
      : pods[pods.length - 1];
    if (!live || !pod) {
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
    let text: string;
    try {
      text = await live.client.readPodLog(location.namespace, podName, {
        container,
        tailLines: options.tailLines,
      });
    } catch (error) {
      // The pod went between the list and the read (a stopped run's pods go within seconds of
      // the Stop): what was saved of it, when its logs were.
      const saved = NotFoundError.is(error)
        ? await this.saved(selector, location)
        : undefined;
      if (saved?.logs.some(l => l.pod === podName)) {
        return savedLogs(saved, location, { ...options, pod: podName });
      }
      throw error;
    }
    return { pod: podName, container, text: text ?? '' };
  }

  /**
   * The run's Job (checked against the entity) and a client for its cluster, or undefined
   * when the Job no longer exists.
   */
  private async live(
    selector: EntitySelector,
    location: RunLocation,
  ): Promise<{ client: ClusterClient; job: V1Job } | undefined> {
    const { annotationKey } = this.options;
    const client = await this.options.client(location.cluster);
    const cache = this.options.caches.get(location.cluster);
    const synced = cache.isSynced('Job', location.namespace);
    let job = synced
      ? cache.get('Job', location.namespace, location.name)
      : undefined;
    if (!job) {
      try {
        job = await client.readJob(location.namespace, location.name);
      } catch (error) {
        if (NotFoundError.is(error)) return undefined;
        throw error;
      }
    }
    const fresh = freshDefinitionLookup(client, selector, annotationKey);
    await definitionOfRun(
      selector,
      location,
      job,
      async (kind, namespace, name) =>
        (cache.isSynced(kind, namespace) && cache.get(kind, namespace, name)) ||
        fresh(kind, namespace, name),
      annotationKey,
    );
    return { client, job };
  }

  /** What was saved when the run ended (the run checked against the entity, as for reads). */
  private async saved(
    selector: EntitySelector,
    location: RunLocation,
  ): Promise<SavedEvidence | undefined> {
    const run = await this.options.runs.getRun(selector, location);
    return this.options.store.getEvidence(run.uid);
  }
}

function savedLogs(
  saved: SavedEvidence,
  location: RunLocation,
  options: { pod?: string; container?: string; tailLines?: number },
): RunLogs {
  const newestPod = saved.pods[saved.pods.length - 1]?.name;
  const pod = options.pod ?? newestPod ?? saved.logs[0].pod;
  const ofPod = saved.logs.filter(l => l.pod === pod);
  if (!ofPod.length) {
    throw new NotFoundError(
      `Pod '${pod}' is not a pod of run '${location.name}' in namespace '${location.namespace}' on cluster '${location.cluster}'`,
    );
  }
  const entry = options.container
    ? ofPod.find(l => l.container === options.container)
    : ofPod[0];
  if (!entry) {
    throw new InputError(
      `Container '${options.container}' is not in pod '${pod}'; it has ${ofPod
        .map(l => l.container)
        .join(', ')}`,
    );
  }
  const lines = entry.text.split('\n');
  const text = options.tailLines
    ? lines.slice(-options.tailLines - 1).join('\n')
    : entry.text;
  return {
    pod: entry.pod,
    container: entry.container,
    text,
    savedAt: saved.savedAt,
  };
}
