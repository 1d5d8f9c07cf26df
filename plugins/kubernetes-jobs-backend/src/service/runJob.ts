import { V1CronJob, V1Job } from '@kubernetes/client-node';
import {
  ALLOW_PARALLEL_RUNS_ANNOTATION,
  ALLOW_SCHEDULE_CONTROL_ANNOTATION,
  APPROVAL_ANNOTATION,
  APPROVERS_ANNOTATION,
  DEFINITION_KIND_LABEL,
  DEFINITION_LABEL,
  PARAMETERS_ANNOTATION,
  ParameterDeclaration,
  ParameterValue,
  RUN_ANNOTATIONS,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { DefinitionObject, jobSpecOf, kindOf } from './model';
import { envValue } from './parameters';

/** Labels the Job controller puts on a Job's pod template and selector; never copied to a run. */
const CONTROLLER_LABELS = [
  'controller-uid',
  'job-name',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-name',
];

/** GitOps and client bookkeeping that must not make a run look like a managed resource. */
const DROPPED_ANNOTATIONS = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'argocd.argoproj.io/tracking-id',
  'argocd.argoproj.io/sync-options',
  'argocd.argoproj.io/sync-wave',
  'argocd.argoproj.io/hook',
  'argocd.argoproj.io/hook-delete-policy',
  'argocd.argoproj.io/compare-options',
  'cronjob.kubernetes.io/instantiate',
];
const DROPPED_LABEL_PREFIXES = [
  'kustomize.toolkit.fluxcd.io/',
  'helm.toolkit.fluxcd.io/',
];
const DROPPED_LABELS = ['argocd.argoproj.io/instance'];

function without(
  record: Record<string, string> | undefined,
  drop: (key: string) => boolean,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record ?? {}).filter(([key]) => !drop(key)),
  );
}

/**
 * The Job that a Run of `definition` creates. The definition object is only read: everything
 * here is a deep copy.
 *
 * Kept: the Job spec (or the CronJob's jobTemplate spec), the definition's labels (so the
 * entity's selector finds the run) and annotations. Dropped: identity and status, the
 * controller's selector and labels (the apiserver rejects them with 422 on a new Job), the
 * definition annotation (a run is not a definition), and GitOps tracking.
 */
export function buildRunJob(
  definition: DefinitionObject,
  options: {
    annotationKey: string;
    triggeredBy: string;
    now: Date;
    /** The run request it comes from, and who approved it. */
    request?: { id: string; approvedBy: string[] };
    /** Validated values, and the declaration that says which containers get each. */
    parameters?: {
      declarations: ParameterDeclaration[];
      values: Record<string, ParameterValue>;
    };
  },
): V1Job {
  const kind = kindOf(definition);
  const source = structuredClone(definition) as DefinitionObject;
  const name = source.metadata?.name ?? '';
  const templateMetadata =
    kind === 'CronJob'
      ? (source as V1CronJob).spec?.jobTemplate?.metadata
      : undefined;
  const spec = structuredClone(jobSpecOf(source) ?? {}) as NonNullable<
    V1Job['spec']
  >;

  const dropLabel = (key: string) =>
    CONTROLLER_LABELS.includes(key) ||
    DROPPED_LABELS.includes(key) ||
    DROPPED_LABEL_PREFIXES.some(prefix => key.startsWith(prefix));
  const dropAnnotation = (key: string) =>
    key === options.annotationKey ||
    key === ALLOW_PARALLEL_RUNS_ANNOTATION ||
    key === PARAMETERS_ANNOTATION ||
    key === ALLOW_SCHEDULE_CONTROL_ANNOTATION ||
    key === APPROVAL_ANNOTATION ||
    key === APPROVERS_ANNOTATION ||
    Object.values(RUN_ANNOTATIONS).includes(key as any) ||
    DROPPED_ANNOTATIONS.includes(key);

  delete spec.selector;
  delete spec.manualSelector;
  spec.suspend = false;
  if (options.parameters) {
    injectParameters(spec, options.parameters);
  }
  if (spec.template?.metadata?.labels) {
    spec.template.metadata.labels = without(
      spec.template.metadata.labels,
      key => CONTROLLER_LABELS.includes(key),
    );
  }

  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      // The apiserver appends 5 characters; 57 + '-' + 5 keeps the name within the 63
      // characters of the job-name label the Job controller sets on pods.
      generateName: `${name.slice(0, 57)}-`,
      namespace: source.metadata?.namespace,
      labels: {
        ...without(source.metadata?.labels, dropLabel),
        ...without(templateMetadata?.labels, dropLabel),
        [DEFINITION_LABEL]: name,
        [DEFINITION_KIND_LABEL]: kind,
      },
      annotations: {
        ...without(source.metadata?.annotations, dropAnnotation),
        ...without(templateMetadata?.annotations, dropAnnotation),
        [RUN_ANNOTATIONS.triggeredBy]: options.triggeredBy,
        [RUN_ANNOTATIONS.triggeredAt]: options.now.toISOString(),
        ...(options.request
          ? {
              [RUN_ANNOTATIONS.requestId]: options.request.id,
              ...(options.request.approvedBy.length
                ? {
                    [RUN_ANNOTATIONS.approvedBy]:
                      options.request.approvedBy.join(','),
                  }
                : {}),
            }
          : {}),
        ...(options.parameters && Object.keys(options.parameters.values).length
          ? {
              [PARAMETERS_ANNOTATION]: JSON.stringify(
                options.parameters.values,
              ),
            }
          : {}),
      },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind,
          name,
          uid: source.metadata?.uid ?? '',
          // Not the controller: a run is not managed by its definition (and a CronJob would
          // report a controlled Job it did not create as unexpected); only garbage collection.
          controller: false,
          blockOwnerDeletion: false,
        },
      ],
    },
    spec,
  };
}

/**
 * Puts each value into the env of the containers its declaration names (all by default).
 * Values only ever become env values: command and args may refer to them with Kubernetes' own
 * `$(NAME)` expansion.
 *
 * Order matters: Kubernetes expands `$(NAME)` in an env value only from variables defined
 * earlier in the list. So a value replaces the template's variable of the same name in place,
 * and a parameter the template does not define goes before the template's variables, so that
 * `OUT_FILE=/out/$(FORMAT).txt` in the template still sees the `FORMAT` of the run.
 */
function injectParameters(
  spec: NonNullable<V1Job['spec']>,
  parameters: {
    declarations: ParameterDeclaration[];
    values: Record<string, ParameterValue>;
  },
): void {
  for (const container of spec.template?.spec?.containers ?? []) {
    const given = new Map(
      parameters.declarations
        .filter(
          p =>
            p.name in parameters.values &&
            (!p.containers || p.containers.includes(container.name)),
        )
        .map(p => [p.name, envValue(parameters.values[p.name])]),
    );
    if (!given.size) continue;
    const template = container.env ?? [];
    const defined = new Set(template.map(e => e.name));
    container.env = [
      ...[...given]
        .filter(([name]) => !defined.has(name))
        .map(([name, value]) => ({ name, value })),
      ...template.map(e =>
        given.has(e.name) ? { name: e.name, value: given.get(e.name)! } : e,
      ),
    ];
  }
}
