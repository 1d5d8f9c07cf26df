import {
  DefinitionLocation,
  JobRun,
  KubernetesJobsHint,
  KubernetesJobsSignal,
} from '@job-assistant/plugin-kubernetes-jobs-common';

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/**
 * Whether a message from the signals channel is a hint this plugin understands. The channel
 * is a broadcast anyone on the backend may publish to, so anything else is ignored.
 */
export function isKubernetesJobsSignal(
  message: unknown,
): message is KubernetesJobsSignal {
  if (typeof message !== 'object' || message === null) {
    return false;
  }
  const m = message as Record<string, unknown>;
  return (
    (m.type === 'definition' || m.type === 'run' || m.type === 'request') &&
    isString(m.cluster) &&
    isString(m.namespace) &&
    (m.definitionKind === 'Job' || m.definitionKind === 'CronJob') &&
    isString(m.definitionName) &&
    (m.run === undefined || isString(m.run))
  );
}

/**
 * Whether a message from the signals channel is a hint this plugin understands: about a
 * definition or a run ({@link isKubernetesJobsSignal}), or about a cluster's health.
 */
export function isKubernetesJobsHint(
  message: unknown,
): message is KubernetesJobsHint {
  if (isKubernetesJobsSignal(message)) return true;
  const m = message as Record<string, unknown> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    m.type === 'cluster' &&
    isString(m.cluster)
  );
}

/** Whether a hint says the health of one of these clusters changed. */
export function concernsCluster(
  signal: KubernetesJobsHint,
  clusters: string[],
): boolean {
  return signal.type === 'cluster' && clusters.includes(signal.cluster);
}

function namesDefinition(
  signal: KubernetesJobsHint,
  definition: DefinitionLocation,
): boolean {
  return (
    signal.type !== 'cluster' &&
    signal.cluster === definition.cluster &&
    signal.namespace === definition.namespace &&
    signal.definitionKind === definition.kind &&
    signal.definitionName === definition.name
  );
}

/**
 * Whether a hint is about this definition: the definition itself, or one of its runs. A hint
 * about its run requests is not: they change neither the definition nor its runs (a request
 * that starts a run is followed by a hint about that run).
 */
export function concernsDefinition(
  signal: KubernetesJobsHint,
  definition: DefinitionLocation,
): boolean {
  return signal.type !== 'request' && namesDefinition(signal, definition);
}

/** Whether a hint says that a run request of this definition was asked for or changed. */
export function concernsRequests(
  signal: KubernetesJobsHint,
  definition: DefinitionLocation,
): boolean {
  return signal.type === 'request' && namesDefinition(signal, definition);
}

/** Whether a hint concerns this run: its definition changed, or the run itself did. */
export function concernsRun(signal: KubernetesJobsHint, run: JobRun): boolean {
  const definition: DefinitionLocation = {
    cluster: run.cluster,
    namespace: run.namespace,
    kind: run.definition.kind,
    name: run.definition.name,
  };
  return (
    signal.type !== 'cluster' &&
    concernsDefinition(signal, definition) &&
    (signal.type === 'definition' || signal.run === run.name)
  );
}
