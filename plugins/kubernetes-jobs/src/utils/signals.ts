import {
  DefinitionLocation,
  JobRun,
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
    (m.type === 'definition' || m.type === 'run') &&
    isString(m.cluster) &&
    isString(m.namespace) &&
    (m.definitionKind === 'Job' || m.definitionKind === 'CronJob') &&
    isString(m.definitionName) &&
    (m.run === undefined || isString(m.run))
  );
}

/** Whether a hint names this definition: the definition itself, or one of its runs. */
export function concernsDefinition(
  signal: KubernetesJobsSignal,
  definition: DefinitionLocation,
): boolean {
  return (
    signal.cluster === definition.cluster &&
    signal.namespace === definition.namespace &&
    signal.definitionKind === definition.kind &&
    signal.definitionName === definition.name
  );
}

/** Whether a hint concerns this run: its definition changed, or the run itself did. */
export function concernsRun(
  signal: KubernetesJobsSignal,
  run: JobRun,
): boolean {
  const definition: DefinitionLocation = {
    cluster: run.cluster,
    namespace: run.namespace,
    kind: run.definition.kind,
    name: run.definition.name,
  };
  return (
    concernsDefinition(signal, definition) &&
    (signal.type === 'definition' || signal.run === run.name)
  );
}
