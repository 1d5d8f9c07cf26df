import { RunEvent, RunPod } from '@job-assistant/plugin-kubernetes-jobs-common';
import { CoreV1Event, V1Job, V1Pod } from '@kubernetes/client-node';
import { ClusterClient } from '../cluster/ClusterClient';
import { timeOf, toIso } from '../util/dates';

/** A run's pods, oldest first. */
export async function podsOf(
  client: ClusterClient,
  job: V1Job,
): Promise<V1Pod[]> {
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

export function toRunPod(pod: V1Pod): RunPod {
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

export function toRunEvent(event: CoreV1Event): RunEvent {
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

/** Kubernetes events about a run and its pods, oldest first. */
export async function eventsOf(
  client: ClusterClient,
  namespace: string,
  jobName: string,
  pods: V1Pod[],
): Promise<RunEvent[]> {
  const lists = await Promise.all([
    client.listEvents(
      namespace,
      `involvedObject.kind=Job,involvedObject.name=${jobName}`,
    ),
    ...pods.map(pod =>
      client.listEvents(
        namespace,
        `involvedObject.kind=Pod,involvedObject.name=${pod.metadata?.name}`,
      ),
    ),
  ]);
  return lists
    .flat()
    .map(toRunEvent)
    .sort((a, b) => timeOf(a.lastTimestamp) - timeOf(b.lastTimestamp));
}
