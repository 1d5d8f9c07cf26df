/*
 * A small model of the Go structs behind the resources the sandbox serves.
 *
 * The apiserver decodes every body into typed Go structs and encodes them
 * back. That round trip has observable effects that a client can get wrong:
 *
 *  - unknown fields are dropped (with a `Warning` header, or a 400 under
 *    `fieldValidation=Strict`);
 *  - a value of the wrong JSON type is a 400 ("json: cannot unmarshal ...");
 *  - `null` and empty `omitempty` values disappear;
 *  - fields come back in struct order.
 *
 * The structs are listed here; `decode.ts` reproduces those effects for them.
 * Sub-trees typed `any` (volumes, probes, affinity, ...) are kept verbatim.
 */

/**
 * Leaf field kinds. Go encodes `omitempty` zero values as absent, pointer
 * fields keep their zero value, and structs are always present.
 */
export type Leaf =
  | 'str' // string, omitempty
  | 'reqStr' // string without omitempty
  | 'ptrStr' // *string
  | 'bool' // bool, omitempty
  | 'reqBool' // bool without omitempty
  | 'ptrBool' // *bool
  | 'int' // int32/int64, omitempty
  | 'reqInt' // int32 without omitempty
  | 'ptrInt' // *int32 / *int64
  | 'time' // *metav1.Time (omitempty)
  | 'timeStruct' // metav1.Time (always present, `null` when zero)
  | 'stringMap' // map[string]string, omitempty
  | 'stringList' // []string, omitempty
  | 'any'; // kept verbatim

/** A Go struct: fields in declaration order. */
export interface StructSchema {
  type: 'struct';
  /** Go type name for decode errors, e.g. `v1.JobSpec`. */
  go: string;
  fields: Array<[string, Schema]>;
}

/** A Go slice of structs. */
export interface ListSchema {
  type: 'list';
  items: Schema;
  /** false for slices without omitempty (pod containers). */
  omitEmpty: boolean;
}

/** Any schema node. */
export type Schema = Leaf | StructSchema | ListSchema;

function struct(go: string, fields: Array<[string, Schema]>): StructSchema {
  return { type: 'struct', go, fields };
}

function list(items: Schema, omitEmpty = true): ListSchema {
  return { type: 'list', items, omitEmpty };
}

const ownerReference = struct('v1.OwnerReference', [
  ['apiVersion', 'reqStr'],
  ['kind', 'reqStr'],
  ['name', 'reqStr'],
  ['uid', 'reqStr'],
  ['controller', 'ptrBool'],
  ['blockOwnerDeletion', 'ptrBool'],
]);

/** metav1.ObjectMeta (managedFields are written by the registry, without fieldsV1). */
export const objectMetaSchema = struct('v1.ObjectMeta', [
  ['name', 'str'],
  ['generateName', 'str'],
  ['namespace', 'str'],
  ['selfLink', 'str'],
  ['uid', 'str'],
  ['resourceVersion', 'str'],
  ['generation', 'int'],
  ['creationTimestamp', 'timeStruct'],
  ['deletionTimestamp', 'time'],
  ['deletionGracePeriodSeconds', 'ptrInt'],
  ['labels', 'stringMap'],
  ['annotations', 'stringMap'],
  ['ownerReferences', list(ownerReference)],
  ['finalizers', 'stringList'],
  ['managedFields', 'any'],
]);

const labelSelector = struct('v1.LabelSelector', [
  ['matchLabels', 'stringMap'],
  [
    'matchExpressions',
    list(
      struct('v1.LabelSelectorRequirement', [
        ['key', 'reqStr'],
        ['operator', 'reqStr'],
        ['values', 'stringList'],
      ]),
    ),
  ],
]);

const envVar = struct('v1.EnvVar', [
  ['name', 'reqStr'],
  ['value', 'str'],
  ['valueFrom', 'any'],
]);

const container = struct('v1.Container', [
  ['name', 'reqStr'],
  ['image', 'str'],
  ['command', 'stringList'],
  ['args', 'stringList'],
  ['workingDir', 'str'],
  ['ports', 'any'],
  ['envFrom', 'any'],
  ['env', list(envVar)],
  ['resources', 'any'],
  ['resizePolicy', 'any'],
  ['restartPolicy', 'ptrStr'],
  ['volumeMounts', 'any'],
  ['volumeDevices', 'any'],
  ['livenessProbe', 'any'],
  ['readinessProbe', 'any'],
  ['startupProbe', 'any'],
  ['lifecycle', 'any'],
  ['terminationMessagePath', 'str'],
  ['terminationMessagePolicy', 'str'],
  ['imagePullPolicy', 'str'],
  ['securityContext', 'any'],
  ['stdin', 'bool'],
  ['stdinOnce', 'bool'],
  ['tty', 'bool'],
]);

/** v1.PodSpec */
export const podSpecSchema = struct('v1.PodSpec', [
  ['volumes', 'any'],
  ['initContainers', list(container)],
  ['containers', list(container, false)],
  ['ephemeralContainers', 'any'],
  ['restartPolicy', 'str'],
  ['terminationGracePeriodSeconds', 'ptrInt'],
  ['activeDeadlineSeconds', 'ptrInt'],
  ['dnsPolicy', 'str'],
  ['nodeSelector', 'stringMap'],
  ['serviceAccountName', 'str'],
  ['serviceAccount', 'str'],
  ['automountServiceAccountToken', 'ptrBool'],
  ['nodeName', 'str'],
  ['hostNetwork', 'bool'],
  ['hostPID', 'bool'],
  ['hostIPC', 'bool'],
  ['shareProcessNamespace', 'ptrBool'],
  ['securityContext', 'any'],
  ['imagePullSecrets', 'any'],
  ['hostname', 'str'],
  ['subdomain', 'str'],
  ['affinity', 'any'],
  ['schedulerName', 'str'],
  ['tolerations', 'any'],
  ['hostAliases', 'any'],
  ['priorityClassName', 'str'],
  ['priority', 'ptrInt'],
  ['dnsConfig', 'any'],
  ['readinessGates', 'any'],
  ['runtimeClassName', 'ptrStr'],
  ['enableServiceLinks', 'ptrBool'],
  ['preemptionPolicy', 'ptrStr'],
  ['overhead', 'any'],
  ['topologySpreadConstraints', 'any'],
  ['setHostnameAsFQDN', 'ptrBool'],
  ['os', 'any'],
  ['hostUsers', 'ptrBool'],
  ['schedulingGates', 'any'],
  ['resourceClaims', 'any'],
  ['resources', 'any'],
]);

const podTemplateSpec = struct('v1.PodTemplateSpec', [
  ['metadata', objectMetaSchema],
  ['spec', podSpecSchema],
]);

const jobSpec = struct('v1.JobSpec', [
  ['parallelism', 'ptrInt'],
  ['completions', 'ptrInt'],
  ['activeDeadlineSeconds', 'ptrInt'],
  ['podFailurePolicy', 'any'],
  ['successPolicy', 'any'],
  ['backoffLimit', 'ptrInt'],
  ['backoffLimitPerIndex', 'ptrInt'],
  ['maxFailedIndexes', 'ptrInt'],
  ['selector', labelSelector],
  ['manualSelector', 'ptrBool'],
  ['template', podTemplateSpec],
  ['ttlSecondsAfterFinished', 'ptrInt'],
  ['completionMode', 'ptrStr'],
  ['suspend', 'ptrBool'],
  ['podReplacementPolicy', 'ptrStr'],
  ['managedBy', 'ptrStr'],
]);

const jobStatus = struct('v1.JobStatus', [
  [
    'conditions',
    list(
      struct('v1.JobCondition', [
        ['type', 'reqStr'],
        ['status', 'reqStr'],
        ['lastProbeTime', 'time'],
        ['lastTransitionTime', 'time'],
        ['reason', 'str'],
        ['message', 'str'],
      ]),
    ),
  ],
  ['startTime', 'time'],
  ['completionTime', 'time'],
  ['active', 'int'],
  ['succeeded', 'int'],
  ['failed', 'int'],
  ['terminating', 'ptrInt'],
  ['completedIndexes', 'str'],
  ['failedIndexes', 'ptrStr'],
  [
    'uncountedTerminatedPods',
    struct('v1.UncountedTerminatedPods', [
      ['succeeded', 'stringList'],
      ['failed', 'stringList'],
    ]),
  ],
  ['ready', 'ptrInt'],
]);

/** batch/v1 Job */
export const jobSchema = struct('v1.Job', [
  ['kind', 'str'],
  ['apiVersion', 'str'],
  ['metadata', objectMetaSchema],
  ['spec', jobSpec],
  ['status', jobStatus],
]);

/** batch/v1 CronJob */
export const cronJobSchema = struct('v1.CronJob', [
  ['kind', 'str'],
  ['apiVersion', 'str'],
  ['metadata', objectMetaSchema],
  [
    'spec',
    struct('v1.CronJobSpec', [
      ['schedule', 'reqStr'],
      ['timeZone', 'ptrStr'],
      ['startingDeadlineSeconds', 'ptrInt'],
      ['concurrencyPolicy', 'str'],
      ['suspend', 'ptrBool'],
      [
        'jobTemplate',
        struct('v1.JobTemplateSpec', [
          ['metadata', objectMetaSchema],
          ['spec', jobSpec],
        ]),
      ],
      ['successfulJobsHistoryLimit', 'ptrInt'],
      ['failedJobsHistoryLimit', 'ptrInt'],
    ]),
  ],
  [
    'status',
    struct('v1.CronJobStatus', [
      ['active', 'any'],
      ['lastScheduleTime', 'time'],
      ['lastSuccessfulTime', 'time'],
    ]),
  ],
]);

/** core/v1 Pod (status is controller-owned and kept verbatim). */
export const podSchema = struct('v1.Pod', [
  ['kind', 'str'],
  ['apiVersion', 'str'],
  ['metadata', objectMetaSchema],
  ['spec', podSpecSchema],
  ['status', 'any'],
]);

/** core/v1 Namespace */
export const namespaceSchema = struct('v1.Namespace', [
  ['kind', 'str'],
  ['apiVersion', 'str'],
  ['metadata', objectMetaSchema],
  ['spec', struct('v1.NamespaceSpec', [['finalizers', 'stringList']])],
  [
    'status',
    struct('v1.NamespaceStatus', [
      ['phase', 'str'],
      ['conditions', 'any'],
    ]),
  ],
]);

/** core/v1 Event (only metadata is typed; the rest is kept verbatim). */
export const eventSchema = struct('v1.Event', [
  ['kind', 'str'],
  ['apiVersion', 'str'],
  ['metadata', objectMetaSchema],
  ['involvedObject', 'any'],
  ['reason', 'str'],
  ['message', 'str'],
  ['source', 'any'],
  ['firstTimestamp', 'timeStruct'],
  ['lastTimestamp', 'timeStruct'],
  ['count', 'int'],
  ['type', 'str'],
  ['eventTime', 'any'],
  ['series', 'any'],
  ['action', 'str'],
  ['related', 'any'],
  ['reportingComponent', 'reqStr'],
  ['reportingInstance', 'reqStr'],
]);
