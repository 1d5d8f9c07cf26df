/*
 * REST semantics on top of the store: the sandbox's equivalent of the
 * apiserver's generic registry. It decodes and defaults bodies, validates,
 * enforces optimistic concurrency, implements the three patch types, list
 * paging and the deletion protocol (grace periods, finalizers, propagation).
 *
 * HTTP concerns (routing, authentication, RBAC) live in ../server; the
 * controllers use the registry directly, so their writes follow the same
 * rules as API writes.
 */
import {
  alreadyExists,
  ApiError,
  badRequest,
  conflict,
  deleteSuccess,
  expired,
  fieldErrors,
  forbidden,
  GroupResource,
  invalid,
  notFound,
  Status,
  tooLargeResourceVersion,
  unprocessablePatch,
  unsupportedMediaType,
  untranslated,
} from '../api/errors';
import { parseJson } from '../api/json';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  decodeJsonPatch,
  JsonPatchApplyError,
  JsonPatchDecodeError,
} from '../api/patch';
import {
  canonicalize,
  decodeObject,
  DecodeTypeError,
  deleteOptionsSchema,
} from '../api/schema';
import {
  FieldRequirement,
  LabelSelector,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../api/selectors';
import {
  clone,
  deepEqual,
  formatTime,
  isPlainObject,
  JsonObject,
  KubeObject,
} from '../api/types';
import { ResourceVersionTooOld, Store } from '../store/store';
import {
  decodeContinue,
  encodeContinue,
  encodeContinueAt,
} from './continueToken';
import { generateName, newUid } from './names';
import {
  apiVersionOf,
  ResourceInfo,
  resourceForStorage,
  STORAGE,
} from './resources';

/** `fieldValidation` query parameter. */
export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

/** Options common to writes. */
export interface WriteOptions {
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  fieldManager?: string;
  /**
   * Who writes, recorded in `metadata.managedFields`: the `fieldManager`, else the
   * User-Agent's first token (server.ts). Controller writes name none and record nothing.
   */
  manager?: string;
}

/** A successful write: the object (or Status) plus Warning headers. */
export interface WriteResult<T = KubeObject> {
  object: T;
  warnings: string[];
}

/** List query parameters. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

/** A list response body. */
export interface ListBody {
  kind: string;
  apiVersion: string;
  metadata: {
    resourceVersion: string;
    continue?: string;
    remainingItemCount?: number;
  };
  items: KubeObject[];
}

/** meta/v1 DeleteOptions (query parameters and body merged). */
export interface DeleteOptions {
  propagationPolicy?: string;
  gracePeriodSeconds?: number;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** Deletion propagation policies. */
export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

/** A compiled label + field selector. */
export interface ObjectFilter {
  labels: LabelSelector;
  fields: FieldRequirement[];
  matches(object: KubeObject): boolean;
}

const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
  applyCbor: 'application/apply-patch+cbor',
};

const PROPAGATION_POLICIES = ['Foreground', 'Background', 'Orphan'];

const EXPIRED_CONTINUE_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

function groupResource(info: ResourceInfo): GroupResource {
  return { group: info.group, resource: info.resource };
}

function kindRef(info: ResourceInfo) {
  return { kind: info.kind, group: info.group };
}

/** Removes `metadata.resourceVersion` etc. for equality checks. */
function withoutVersion(object: KubeObject): KubeObject {
  const copy = clone(object);
  delete copy.metadata.resourceVersion;
  return copy;
}

/** The sandbox's REST storage. */
export class Registry {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds kind/apiVersion for the API version being served. */
  toWire(info: ResourceInfo, object: KubeObject): KubeObject {
    if (info.toWire) {
      return info.toWire(object);
    }
    return object;
  }

  // ---------------------------------------------------------------- reads

  /** GET one object. */
  get(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    const object = this.store.get(info.storage, namespace, name);
    if (!object) {
      throw notFound(groupResource(info), name);
    }
    return this.toWire(info, object);
  }

  /**
   * Compiles labelSelector/fieldSelector for a resource.
   *
   * @throws ApiError 400 on a malformed or unsupported selector
   */
  compileFilter(
    info: ResourceInfo,
    labelSelector: string | undefined,
    fieldSelector: string | undefined,
  ): ObjectFilter {
    const labels = parseLabelSelector(labelSelector);
    const known = new Set(
      Object.keys(
        info.strategy.fieldSet({ metadata: {}, spec: {}, status: {} }),
      ),
    );
    const alias = info.fieldAlias ?? ((f: string) => f);
    const fields = parseFieldSelector(
      fieldSelector,
      field => known.has(alias(field)),
      info.kind,
    ).map(r => ({ ...r, field: alias(r.field) }));
    return {
      labels,
      fields,
      matches: (object: KubeObject) =>
        matchesLabels(labels, object.metadata.labels) &&
        matchesFields(fields, info.strategy.fieldSet(object)),
    };
  }

  /** LIST with selectors, paging and resourceVersion semantics. */
  list(
    info: ResourceInfo,
    namespace: string | undefined,
    options: ListOptions,
  ): ListBody {
    const filter = this.compileFilter(
      info,
      options.labelSelector,
      options.fieldSelector,
    );
    let limit = options.limit && options.limit > 0 ? options.limit : undefined;
    let rv = this.store.currentRv;
    let start = '';
    let entries: Array<[string, KubeObject]>;

    if (options.continue) {
      if (options.resourceVersion) {
        throw badRequest(
          'specifying resource version is not allowed when using continue',
        );
      }
      const token = decodeContinue(options.continue);
      start = token.start;
      if (token.rv === -1) {
        entries = this.store.scan(info.storage, namespace);
      } else {
        try {
          entries = this.store.scanAt(info.storage, token.rv, namespace);
          rv = token.rv;
        } catch (e) {
          if (e instanceof ResourceVersionTooOld) {
            throw expired(EXPIRED_CONTINUE_MESSAGE, {
              continue: encodeContinueAt(-1, token.start),
            });
          }
          throw e;
        }
      }
    } else {
      const requested = options.resourceVersion;
      if (
        requested !== undefined &&
        requested !== '' &&
        !/^\d+$/.test(requested)
      ) {
        throw badRequest(
          `resourceVersion: Invalid value: "${requested}": must be a non-negative integer`,
        );
      }
      if (requested === '0' && !options.resourceVersionMatch) {
        // Served from the watch cache: `limit` is ignored (recording 02).
        limit = undefined;
      }
      if (requested && requested !== '0' && Number(requested) > rv) {
        throw tooLargeResourceVersion(Number(requested), rv);
      }
      if (options.resourceVersionMatch === 'Exact' && requested) {
        try {
          entries = this.store.scanAt(
            info.storage,
            Number(requested),
            namespace,
          );
          rv = Number(requested);
        } catch (e) {
          if (e instanceof ResourceVersionTooOld) {
            throw expired(
              'The resourceVersion for the provided list is too old.',
            );
          }
          throw e;
        }
      } else {
        entries = this.store.scan(info.storage, namespace);
      }
    }

    // Keys are relative to the listed prefix, like etcd keys: `name` inside
    // a namespace, `namespace/name` across namespaces.
    const relative = (key: string) =>
      namespace && info.namespaced ? key.slice(namespace.length + 1) : key;
    const items: KubeObject[] = [];
    let lastKey = '';
    let more = false;
    let remaining = 0;
    for (let i = 0; i < entries.length; i++) {
      const [key, object] = entries[i];
      const rel = relative(key);
      if (rel < start) {
        continue;
      }
      if (limit !== undefined && items.length >= limit) {
        more = true;
        remaining = entries.length - i;
        break;
      }
      if (filter.matches(object)) {
        const item = clone(this.toWire(info, object));
        delete item.kind;
        delete item.apiVersion;
        items.push(item);
        lastKey = rel;
      }
    }
    const metadata: ListBody['metadata'] = { resourceVersion: String(rv) };
    if (more) {
      metadata.continue = encodeContinue(rv, lastKey);
      if (!filter.labels.length && !filter.fields.length) {
        metadata.remainingItemCount = remaining;
      }
    }
    return {
      kind: info.listKind,
      apiVersion: apiVersionOf(info),
      metadata,
      items,
    };
  }

  // ---------------------------------------------------------------- decoding

  /**
   * Turns a request body into a typed object: JSON syntax, kind/apiVersion,
   * Go types, unknown fields.
   */
  private decode(
    info: ResourceInfo,
    body: unknown,
    fieldValidation: FieldValidation = 'Warn',
  ): { object: KubeObject; warnings: string[] } {
    let value = body;
    if (typeof body === 'string') {
      const parsed = parseJson(body);
      if (!parsed.ok) {
        const snippet = body.length > 30 ? `${body.slice(0, 30)} ...` : body;
        throw badRequest(
          `the object provided is unrecognized (must be of type ${info.kind}): couldn't get version/kind; json parse error: ${parsed.error} (${snippet})`,
        );
      }
      value = parsed.value;
    }
    if (!isPlainObject(value)) {
      const type = Array.isArray(value)
        ? 'array'
        : String(value === null ? null : typeof value);
      throw badRequest(
        `the object provided is unrecognized (must be of type ${info.kind}): couldn't get version/kind; json parse error: json: cannot unmarshal ${type} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
      );
    }
    const expectedApiVersion = apiVersionOf(info);
    const kind = typeof value.kind === 'string' ? value.kind : '';
    const apiVersion =
      typeof value.apiVersion === 'string' ? value.apiVersion : '';
    const version = apiVersion.split('/').pop() || info.version;
    if (kind && kind !== info.kind) {
      throw badRequest(
        `${kind} in version "${version}" cannot be handled as a ${
          info.kind
        }: converting (${version}.${kind}) to (${info.group || 'core'}.${
          info.kind
        }): unknown conversion`,
      );
    }
    if (apiVersion && apiVersion !== expectedApiVersion) {
      throw badRequest(
        `no kind "${
          kind || info.kind
        }" is registered for version "${apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`,
      );
    }
    let decoded;
    try {
      decoded = decodeObject(info.strategy.schema, value);
    } catch (e) {
      if (e instanceof DecodeTypeError) {
        throw badRequest(
          `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: ${e.message}`,
        );
      }
      throw e;
    }
    const unknown = decoded.unknownFields;
    if (unknown.length && fieldValidation === 'Strict') {
      throw badRequest(
        `${info.kind} in version "${info.version}" cannot be handled as a ${
          info.kind
        }: strict decoding error: ${unknown.join(', ')}`,
      );
    }
    const object = decoded.object as KubeObject;
    object.metadata = isPlainObject(object.metadata) ? object.metadata : {};
    // managedFields are the registry's to write (a client's are not taken as a reset).
    delete object.metadata.managedFields;
    delete object.metadata.selfLink;
    object.kind = info.kind;
    object.apiVersion = expectedApiVersion;
    return { object, warnings: fieldValidation === 'Warn' ? unknown : [] };
  }

  private canonical(info: ResourceInfo, object: KubeObject): KubeObject {
    return canonicalize(info.strategy.schema, object);
  }

  /** NamespaceLifecycle admission: the namespace must exist and be active. */
  private admitNamespace(
    info: ResourceInfo,
    namespace: string,
    name: string | undefined,
  ) {
    const ns = this.store.peek(STORAGE.namespaces, undefined, namespace);
    if (!ns) {
      throw notFound({ group: '', resource: 'namespaces' }, namespace);
    }
    if (ns.metadata.deletionTimestamp) {
      throw forbidden(
        groupResource(info),
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  // ---------------------------------------------------------------- writes

  /** POST: create an object. */
  create(
    info: ResourceInfo,
    namespace: string | undefined,
    body: unknown,
    options: WriteOptions = {},
  ): WriteResult {
    const { object, warnings } = this.decode(
      info,
      body,
      options.fieldValidation,
    );
    const meta = object.metadata;
    if (info.namespaced) {
      if (meta.namespace && meta.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = namespace;
    }
    const strategy = info.strategy;
    strategy.applyDefaults(object);
    if (info.namespaced) {
      this.admitNamespace(info, namespace!, meta.name);
    }
    const requestedRv = meta.resourceVersion;
    const generated = !meta.name && !!meta.generateName;
    for (let attempt = 0; ; attempt++) {
      const candidate = clone(object);
      const m = candidate.metadata;
      if (generated) {
        m.name = generateName(meta.generateName!);
      }
      m.uid = newUid();
      m.creationTimestamp = formatTime(this.now());
      delete m.deletionTimestamp;
      delete m.deletionGracePeriodSeconds;
      delete m.resourceVersion;
      if (strategy.hasGeneration) {
        m.generation = 1;
      } else {
        delete m.generation;
      }
      strategy.prepareForCreate(candidate, { now: this.now() });
      const errors = strategy.validate(candidate);
      if (errors.length) {
        throw invalid(kindRef(info), m.name ?? '', errors);
      }
      if (requestedRv) {
        // What etcd3 storage returns; the apiserver passes it on untranslated.
        throw untranslated(
          'resourceVersion should not be set on objects to be created',
        );
      }
      strategy.defaultStored?.(candidate);
      if (options.manager) {
        m.managedFields = [this.managedBy(info, options.manager)];
      }
      if (this.store.peek(info.storage, m.namespace, m.name!)) {
        if (generated && attempt < 8) {
          continue;
        }
        throw alreadyExists(groupResource(info), m.name!);
      }
      const ready = this.canonical(info, candidate);
      if (options.dryRun) {
        return { object: this.toWire(info, ready), warnings };
      }
      const stored = this.store.create(info.storage, ready);
      return { object: this.toWire(info, stored), warnings };
    }
  }

  private checkNames(
    info: ResourceInfo,
    object: KubeObject,
    namespace: string | undefined,
    name: string,
  ) {
    const objectName = object.metadata.name ?? '';
    if (objectName !== name) {
      throw badRequest(
        `the name of the object (${objectName}) does not match the name on the URL (${name})`,
      );
    }
    if (
      info.namespaced &&
      object.metadata.namespace &&
      object.metadata.namespace !== namespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
  }

  private existing(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    const existing = this.store.get(info.storage, namespace, name);
    if (!existing) {
      throw notFound(groupResource(info), name);
    }
    return existing;
  }

  /** PUT: replace an object (or its status). */
  update(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions & { subresource?: string } = {},
  ): WriteResult {
    const { object, warnings } = this.decode(
      info,
      body,
      options.fieldValidation,
    );
    this.checkNames(info, object, namespace, name);
    const existing = this.existing(info, namespace, name);
    return this.applyUpdate(info, existing, object, options, warnings);
  }

  /** PATCH with one of the supported patch content types. */
  patch(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    contentType: string,
    body: string,
    options: WriteOptions & { subresource?: string } = {},
  ): WriteResult {
    const type = contentType.split(';')[0].trim().toLowerCase();
    if (type === PATCH_TYPES.apply || type === PATCH_TYPES.applyCbor) {
      if (!options.fieldManager) {
        throw invalid({ kind: 'PatchOptions', group: 'meta.k8s.io' }, '', [
          fieldErrors.required('fieldManager', 'is required for apply patch'),
        ]);
      }
      throw unsupportedMediaType(
        'server-side apply (application/apply-patch+yaml) is not supported by the sandbox cluster',
      );
    }
    if (
      ![PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.strategic].includes(
        type,
      )
    ) {
      throw unsupportedMediaType();
    }
    const existing = this.existing(info, namespace, name);
    const parsed = parseJson(body);
    if (!parsed.ok) {
      throw badRequest(`error decoding patch: ${parsed.error}`);
    }
    const current = this.toWire(info, existing);
    let patched: unknown;
    if (type === PATCH_TYPES.json) {
      let operations;
      try {
        operations = decodeJsonPatch(parsed.value);
      } catch (e) {
        if (e instanceof JsonPatchDecodeError) {
          throw badRequest(e.message);
        }
        throw e;
      }
      try {
        patched = applyJsonPatch(current, operations);
      } catch (e) {
        if (e instanceof JsonPatchApplyError) {
          throw unprocessablePatch();
        }
        throw e;
      }
    } else {
      if (!isPlainObject(parsed.value)) {
        const kind = Array.isArray(parsed.value)
          ? 'array'
          : typeof parsed.value;
        throw badRequest(
          `error decoding patch: json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`,
        );
      }
      patched =
        type === PATCH_TYPES.merge
          ? applyMergePatch(current, parsed.value)
          : applyStrategicMergePatch(current, parsed.value);
    }
    const { object, warnings } = this.decode(
      info,
      patched,
      options.fieldValidation,
    );
    this.checkNames(info, object, namespace, name);
    return this.applyUpdate(info, existing, object, options, warnings);
  }

  /**
   * The update path shared by PUT and PATCH: preconditions, defaults,
   * system fields, generation, validation, deletion on last finalizer.
   */
  private applyUpdate(
    info: ResourceInfo,
    existing: KubeObject,
    incoming: KubeObject,
    options: WriteOptions & { subresource?: string },
    warnings: string[],
  ): WriteResult {
    const gr = groupResource(info);
    const name = existing.metadata.name!;
    const meta = incoming.metadata;
    if (meta.uid && meta.uid !== existing.metadata.uid) {
      throw conflict(
        gr,
        name,
        `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${existing.metadata.uid}`,
      );
    }
    if (
      meta.resourceVersion &&
      meta.resourceVersion !== existing.metadata.resourceVersion
    ) {
      throw conflict(gr, name);
    }
    const strategy = info.strategy;
    let object: KubeObject;
    if (options.subresource === 'status') {
      object = clone(existing);
      object.status = incoming.status ?? {};
    } else {
      object = incoming;
      object.metadata.namespace = existing.metadata.namespace;
      strategy.applyDefaults(object);
      strategy.prepareForUpdate(object, existing);
    }
    const m = object.metadata;
    m.uid = existing.metadata.uid;
    m.creationTimestamp = existing.metadata.creationTimestamp;
    m.deletionTimestamp = existing.metadata.deletionTimestamp;
    m.deletionGracePeriodSeconds = existing.metadata.deletionGracePeriodSeconds;
    m.resourceVersion = existing.metadata.resourceVersion;
    if (existing.metadata.managedFields) {
      m.managedFields = existing.metadata.managedFields;
    }
    if (strategy.hasGeneration) {
      const specChanged = !deepEqual(object.spec, existing.spec);
      m.generation =
        (existing.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    }
    if (options.subresource !== 'status') {
      const errors = strategy.validateUpdate(object, existing);
      if (errors.length) {
        throw invalid(kindRef(info), name, errors);
      }
    }
    const ready = this.canonical(info, object);
    if (deepEqual(withoutVersion(ready), withoutVersion(existing))) {
      // A no-op update does not write (and does not bump resourceVersion).
      return { object: this.toWire(info, existing), warnings };
    }
    if (options.manager) {
      const entry = this.managedBy(info, options.manager, options.subresource);
      ready.metadata.managedFields = [
        ...(existing.metadata.managedFields ?? []).filter(
          (e: JsonObject) =>
            e.manager !== entry.manager || e.subresource !== entry.subresource,
        ),
        entry,
      ];
    }
    if (options.dryRun) {
      return { object: this.toWire(info, ready), warnings };
    }
    return {
      object: this.toWire(info, this.persist(info.storage, ready)),
      warnings,
    };
  }

  /**
   * The managedFields entry of a create or update by `manager` (recordings 01, 05, 08), newest
   * last. Which fields each manager owns (`fieldsV1`) is not tracked.
   */
  private managedBy(
    info: ResourceInfo,
    manager: string,
    subresource?: string,
  ): JsonObject {
    return {
      manager,
      operation: 'Update',
      apiVersion: apiVersionOf(info),
      time: formatTime(this.now()),
      fieldsType: 'FieldsV1',
      ...(subresource ? { subresource } : {}),
    };
  }

  /**
   * Writes an updated object; an object being deleted whose last finalizer
   * is gone (and whose grace period is over) is removed instead.
   */
  private persist(storage: string, object: KubeObject): KubeObject {
    const m = object.metadata;
    const pendingGrace = (m.deletionGracePeriodSeconds ?? 0) > 0;
    const nsFinalizers =
      storage === STORAGE.namespaces ? object.spec?.finalizers ?? [] : [];
    if (
      m.deletionTimestamp &&
      !m.finalizers?.length &&
      !pendingGrace &&
      !nsFinalizers.length
    ) {
      return this.store.remove(storage, m.namespace, m.name!, object) ?? object;
    }
    return this.store.update(storage, object);
  }

  // ---------------------------------------------------------------- delete

  /** DELETE with DeleteOptions (query parameters and/or body). */
  delete(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions,
  ): WriteResult<KubeObject | Status> {
    const warnings: string[] = [];
    const policy = options.propagationPolicy;
    if (policy !== undefined && !PROPAGATION_POLICIES.includes(policy)) {
      throw invalid({ kind: 'DeleteOptions', group: 'meta.k8s.io' }, '', [
        fieldErrors.notSupported('propagationPolicy', JSON.stringify(policy), [
          ...PROPAGATION_POLICIES,
          'nil',
        ]),
      ]);
    }
    if (policy !== undefined && options.orphanDependents !== undefined) {
      throw invalid({ kind: 'DeleteOptions', group: 'meta.k8s.io' }, '', [
        fieldErrors.invalid(
          'propagationPolicy',
          JSON.stringify(policy),
          'orphanDependents and deletionPropagation cannot be both set',
        ),
      ]);
    }
    if (
      policy === undefined &&
      options.orphanDependents === undefined &&
      info.defaultPropagationWarning
    ) {
      warnings.push(info.defaultPropagationWarning);
    }
    const existing = this.store.get(info.storage, namespace, name);
    if (!existing) {
      const error = notFound(groupResource(info), name);
      throw new ApiError(error.status, warnings);
    }
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== existing.metadata.uid) {
      throw conflict(
        groupResource(info),
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`,
      );
    }
    if (
      pre?.resourceVersion &&
      pre.resourceVersion !== existing.metadata.resourceVersion
    ) {
      throw conflict(
        groupResource(info),
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`,
      );
    }
    let effective: PropagationPolicy;
    if (policy) {
      effective = policy as PropagationPolicy;
    } else if (options.orphanDependents !== undefined) {
      effective = options.orphanDependents ? 'Orphan' : 'Background';
    } else {
      effective = info.defaultPropagation;
    }
    const object = this.deleteObject(
      info,
      existing,
      effective,
      options.gracePeriodSeconds,
      !!options.dryRun,
    );
    return { object, warnings };
  }

  /**
   * The deletion protocol: graceful deletion for pods, propagation
   * finalizers, immediate removal otherwise. Also used by the garbage
   * collector and the controllers.
   */
  deleteObject(
    info: ResourceInfo,
    existing: KubeObject,
    policy: PropagationPolicy,
    gracePeriodSeconds: number | undefined,
    dryRun = false,
  ): KubeObject | Status {
    const meta = existing.metadata;
    let grace = 0;
    if (info.gracefulDelete) {
      grace =
        gracePeriodSeconds ??
        existing.spec?.terminationGracePeriodSeconds ??
        30;
      const phase = existing.status?.phase;
      // Unscheduled or finished pods have nothing to stop.
      if (
        !existing.spec?.nodeName ||
        phase === 'Succeeded' ||
        phase === 'Failed'
      ) {
        grace = 0;
      }
      grace = Math.max(0, grace);
    }
    const finalizers = (meta.finalizers ?? []).filter(
      f => f !== 'orphan' && f !== 'foregroundDeletion',
    );
    if (policy === 'Orphan') {
      finalizers.push('orphan');
    } else if (policy === 'Foreground') {
      finalizers.push('foregroundDeletion');
    }
    const nsFinalizers: string[] =
      info.storage === STORAGE.namespaces
        ? existing.spec?.finalizers ?? []
        : [];

    const updated = clone(existing);
    const um = updated.metadata;
    if (finalizers.length) {
      um.finalizers = finalizers;
    } else {
      delete um.finalizers;
    }
    if (meta.deletionTimestamp) {
      // Already being deleted: a shorter grace period wins.
      const remaining = meta.deletionGracePeriodSeconds ?? 0;
      if (grace < remaining) {
        um.deletionTimestamp = formatTime(this.now() + grace * 1000);
        um.deletionGracePeriodSeconds = grace;
      }
    } else {
      um.deletionTimestamp = formatTime(this.now() + grace * 1000);
      um.deletionGracePeriodSeconds = grace;
      if (info.strategy.hasGeneration && um.generation) {
        um.generation += 1;
      }
      if (info.storage === STORAGE.namespaces) {
        updated.status = { ...(updated.status ?? {}), phase: 'Terminating' };
      }
    }
    const pending =
      finalizers.length > 0 ||
      (um.deletionGracePeriodSeconds ?? 0) > 0 ||
      nsFinalizers.length > 0;
    if (!pending) {
      if (dryRun) {
        return info.returnDeletedObject
          ? this.toWire(info, existing)
          : deleteSuccess(groupResource(info), meta.name!, meta.uid!);
      }
      if (meta.deletionTimestamp) {
        // Record the final deletion state first, like the apiserver does when
        // the kubelet confirms a graceful deletion.
        this.store.update(info.storage, updated);
      }
      const last =
        this.store.remove(info.storage, meta.namespace, meta.name!) ?? existing;
      return info.returnDeletedObject
        ? this.toWire(info, last)
        : deleteSuccess(groupResource(info), meta.name!, meta.uid!);
    }
    const ready = this.canonical(info, updated);
    if (dryRun) {
      return this.toWire(info, ready);
    }
    if (deepEqual(withoutVersion(ready), withoutVersion(existing))) {
      return this.toWire(info, existing);
    }
    return this.toWire(info, this.store.update(info.storage, ready));
  }

  // ---------------------------------------------------------------- controllers

  /**
   * Controller write of a whole object (status, finalizers, ...), without
   * validation. Returns the stored object, or undefined if it is gone.
   */
  writeObject(storage: string, object: KubeObject): KubeObject | undefined {
    const info = resourceForStorage(storage);
    const existing = this.store.peek(
      storage,
      object.metadata.namespace,
      object.metadata.name!,
    );
    if (!existing || existing.metadata.uid !== object.metadata.uid) {
      return undefined;
    }
    const ready = this.canonical(info, clone(object));
    ready.metadata.resourceVersion = existing.metadata.resourceVersion;
    if (deepEqual(withoutVersion(ready), withoutVersion(existing))) {
      return clone(existing);
    }
    return this.persist(storage, ready);
  }

  /** Controller create (same defaults and validation as the API). */
  createObject(storage: string, body: JsonObject): KubeObject {
    const info = resourceForStorage(storage);
    return this.create(info, body.metadata?.namespace, body).object;
  }

  /** Controller delete with a propagation policy. */
  deleteStored(
    storage: string,
    object: KubeObject,
    policy: PropagationPolicy = 'Background',
    gracePeriodSeconds?: number,
  ) {
    const info = resourceForStorage(storage);
    const current = this.store.get(
      storage,
      object.metadata.namespace,
      object.metadata.name!,
    );
    if (!current || current.metadata.uid !== object.metadata.uid) {
      return;
    }
    this.deleteObject(info, current, policy, gracePeriodSeconds);
  }

  /** Decodes a DeleteOptions body. */
  static decodeDeleteOptions(body: string): DeleteOptions {
    if (!body.trim()) {
      return {};
    }
    const parsed = parseJson(body);
    if (!parsed.ok) {
      throw badRequest(
        `the object provided is unrecognized (must be of type DeleteOptions): couldn't get version/kind; json parse error: ${parsed.error}`,
      );
    }
    if (!isPlainObject(parsed.value)) {
      throw badRequest('DeleteOptions must be a JSON object');
    }
    let decoded;
    try {
      decoded = decodeObject(deleteOptionsSchema, parsed.value).object;
    } catch (e) {
      if (e instanceof DecodeTypeError) {
        throw badRequest(e.message);
      }
      throw e;
    }
    return {
      propagationPolicy: decoded.propagationPolicy,
      gracePeriodSeconds: decoded.gracePeriodSeconds,
      orphanDependents: decoded.orphanDependents,
      preconditions: decoded.preconditions,
      dryRun: Array.isArray(decoded.dryRun) && decoded.dryRun.includes('All'),
    };
  }
}
