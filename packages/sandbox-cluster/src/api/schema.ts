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
 * `decodeObject` reproduces these effects for the fields listed here.
 * Sub-trees typed `any` (volumes, probes, affinity, ...) are kept verbatim.
 */
import { compareKeys, isPlainObject, JsonObject } from './types';

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

/** Result of decoding a body against a schema. */
export interface DecodeResult {
  object: JsonObject;
  /** `unknown field "spec.foo"` messages (Warning headers / strict errors). */
  unknownFields: string[];
}

/** A JSON type mismatch, rendered like Go's json.UnmarshalTypeError. */
export class DecodeTypeError extends Error {}

function jsonTypeName(value: unknown): string {
  if (Array.isArray(value)) {
    return 'array';
  }
  if (typeof value === 'boolean') {
    return 'bool';
  }
  return typeof value;
}

function goLeafType(leaf: Leaf): string {
  switch (leaf) {
    case 'bool':
    case 'reqBool':
    case 'ptrBool':
      return 'bool';
    case 'int':
    case 'reqInt':
    case 'ptrInt':
      return 'int32';
    case 'stringMap':
      return 'map[string]string';
    case 'stringList':
      return '[]string';
    case 'time':
    case 'timeStruct':
      return 'v1.Time';
    default:
      return 'string';
  }
}

function typeError(
  value: unknown,
  parentGo: string,
  path: string,
  goType: string,
): DecodeTypeError {
  const structName = parentGo.split('.').pop();
  // Go names a number that does not fit an integer field by its value.
  let valueText = jsonTypeName(value);
  if (
    typeof value === 'number' &&
    goType === 'int32' &&
    !Number.isInteger(value)
  ) {
    valueText = `number ${value}`;
  }
  return new DecodeTypeError(
    `json: cannot unmarshal ${valueText} into Go struct field ${structName}.${path} of type ${goType}`,
  );
}

/** Returns undefined when the (omitempty) value must be dropped. */
function decodeLeaf(
  leaf: Leaf,
  value: unknown,
  parentGo: string,
  path: string,
): unknown {
  if (leaf === 'any') {
    return value;
  }
  if (value === null) {
    return leaf === 'timeStruct' ? null : undefined;
  }
  const fail = () => typeError(value, parentGo, path, goLeafType(leaf));
  switch (leaf) {
    case 'str':
    case 'reqStr':
    case 'ptrStr':
    case 'time':
    case 'timeStruct':
      if (typeof value !== 'string') {
        throw fail();
      }
      return leaf === 'str' && value === '' ? undefined : value;
    case 'bool':
    case 'reqBool':
    case 'ptrBool':
      if (typeof value !== 'boolean') {
        throw fail();
      }
      return leaf === 'bool' && !value ? undefined : value;
    case 'int':
    case 'reqInt':
    case 'ptrInt':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw fail();
      }
      return leaf === 'int' && value === 0 ? undefined : value;
    case 'stringMap': {
      if (!isPlainObject(value)) {
        throw fail();
      }
      for (const item of Object.values(value)) {
        if (typeof item !== 'string' && item !== null) {
          throw typeError(item, parentGo, path, 'string');
        }
      }
      // encoding/json writes map keys sorted.
      const entries = Object.entries(value)
        .filter(([, v]) => v !== null)
        .sort(([a], [b]) => compareKeys(a, b));
      return entries.length ? Object.fromEntries(entries) : undefined;
    }
    case 'stringList': {
      if (!Array.isArray(value)) {
        throw fail();
      }
      for (const item of value) {
        if (typeof item !== 'string') {
          throw typeError(item, parentGo, path, 'string');
        }
      }
      return value.length ? [...value] : undefined;
    }
    default:
      return value;
  }
}

function decodeNode(
  schema: Schema,
  value: unknown,
  parentGo: string,
  path: string,
  unknown: string[],
): unknown {
  if (typeof schema === 'string') {
    return decodeLeaf(schema, value, parentGo, path);
  }
  if (value === null) {
    return undefined;
  }
  if (schema.type === 'list') {
    if (!Array.isArray(value)) {
      throw typeError(value, parentGo, path, '[]');
    }
    const items = value.map((item, i) =>
      decodeNode(schema.items, item, parentGo, `${path}[${i}]`, unknown),
    );
    if (!items.length && schema.omitEmpty) {
      return undefined;
    }
    return items.map(item => (item === undefined ? {} : item));
  }
  if (!isPlainObject(value)) {
    throw typeError(value, parentGo, path, schema.go);
  }
  // Decode in document order (so unknown fields are reported in the order
  // a Go decoder meets them), then emit in struct order.
  const fields = new Map(schema.fields);
  const decoded = new Map<string, unknown>();
  for (const [name, item] of Object.entries(value)) {
    if (item === undefined) {
      continue;
    }
    const fieldSchema = fields.get(name);
    const fieldPath = path ? `${path}.${name}` : name;
    if (!fieldSchema) {
      unknown.push(`unknown field "${fieldPath}"`);
      continue;
    }
    decoded.set(
      name,
      decodeNode(fieldSchema, item, schema.go, fieldPath, unknown),
    );
  }
  const out: JsonObject = {};
  for (const [name] of schema.fields) {
    const item = decoded.get(name);
    if (item !== undefined) {
      out[name] = item;
    }
  }
  return out;
}

/**
 * Decodes a request body the way the apiserver's typed decoder would: drops
 * unknown fields (reporting them), rejects JSON type mismatches, removes
 * omitempty zero values and returns the fields in struct order.
 *
 * @throws DecodeTypeError for a JSON type mismatch
 */
export function decodeObject(
  schema: StructSchema,
  body: JsonObject,
): DecodeResult {
  const unknownFields: string[] = [];
  const object = decodeNode(schema, body, schema.go, '', unknownFields) as
    | JsonObject
    | undefined;
  return { object: object ?? {}, unknownFields };
}

/**
 * Re-encodes a stored object: struct field order and omitempty handling,
 * without reporting anything. Used on objects the sandbox itself built.
 */
export function canonicalize<T extends JsonObject>(
  schema: StructSchema,
  object: T,
): T {
  try {
    return decodeObject(schema, object).object as T;
  } catch {
    // Objects built by the sandbox are well-typed; keep them as they are
    // rather than failing a controller on a formatting problem.
    return object;
  }
}
