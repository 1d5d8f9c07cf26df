/*
 * REST semantics on top of the store: the sandbox's equivalent of the apiserver's generic
 * registry. It decodes and defaults bodies, validates, enforces optimistic concurrency, applies
 * merge patches, pages lists and runs the deletion protocol (a pod's grace period, finalizers;
 * dependents are left to the garbage collector, i.e. Background propagation).
 *
 * HTTP concerns (routing, authentication, RBAC) live in ../server; the controllers use the
 * registry directly, so their writes follow the same rules as API writes.
 */
import { randomUUID } from 'node:crypto';
import {
  alreadyExists,
  badRequest,
  conflict,
  deleteSuccess,
  invalid,
  notFound,
  Status,
  unsupportedMediaType,
  untranslated,
} from '../api/errors';
import { applyMergePatch } from '../api/patch';
import { canonicalize, decodeObject, DecodeTypeError } from '../api/decode';
import {
  clone,
  deepEqual,
  formatTime,
  isPlainObject,
  JsonObject,
  KubeObject,
} from '../api/types';
import { Store } from '../store/store';
import {
  compileFilter,
  ListBody,
  listObjects,
  ListOptions,
  ObjectFilter,
} from './listing';
import { generateName } from './names';
import { apiVersionOf, ResourceInfo, resourceFor, STORAGE } from './resources';

/** A successful write: the object (or Status) plus Warning headers. */
export interface WriteResult<T = KubeObject> {
  object: T;
  warnings: string[];
}

/**
 * Options of a write: the `fieldValidation` query parameter (Warn by default), and who writes,
 * recorded in `metadata.managedFields` (the fieldManager, else the User-Agent's first token;
 * controllers name none).
 */
export interface WriteOptions {
  fieldValidation?: string;
  manager?: string;
}

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

  /** GET one object. */
  get(info: ResourceInfo, namespace: string | undefined, name: string) {
    const object = this.store.get(info.storage, namespace, name);
    if (!object) {
      throw notFound(info, name);
    }
    return object;
  }

  /** Compiles labelSelector/fieldSelector for a resource. @throws ApiError 400 */
  compileFilter(
    info: ResourceInfo,
    labelSelector: string | undefined,
    fieldSelector: string | undefined,
  ): ObjectFilter {
    return compileFilter(info, labelSelector, fieldSelector);
  }

  /** LIST with selectors and paging (consistent snapshots across pages). */
  list(
    info: ResourceInfo,
    namespace: string | undefined,
    options: ListOptions,
  ): ListBody {
    return listObjects(this.store, info, namespace, options);
  }

  /**
   * Turns a request body into a typed object like the apiserver's decoder: JSON syntax,
   * kind/apiVersion, Go types; unknown fields are dropped and reported as warnings.
   */
  private decode(info: ResourceInfo, body: unknown, fieldValidation?: string) {
    const unrecognized = (error: string) =>
      badRequest(
        `the object provided is unrecognized (must be of type ${info.kind}): couldn't get version/kind; json parse error: ${error}`,
      );
    let value = body;
    if (typeof body === 'string') {
      try {
        value = JSON.parse(body);
      } catch (e) {
        throw unrecognized((e as Error).message);
      }
    }
    if (!isPlainObject(value)) {
      throw unrecognized(`cannot unmarshal ${typeof value} into an object`);
    }
    const apiVersion = apiVersionOf(info);
    if (value.kind && value.kind !== info.kind) {
      throw badRequest(
        `${value.kind} in version "${info.version}" cannot be handled as a ${info.kind}: converting (${info.version}.${value.kind}) to (${info.group}.${info.kind}): unknown conversion`,
      );
    }
    if (value.apiVersion && value.apiVersion !== apiVersion) {
      throw badRequest(
        `no kind "${info.kind}" is registered for version "${value.apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`,
      );
    }
    let decoded;
    try {
      decoded = decodeObject(info.strategy.schema, value);
    } catch (e) {
      if (!(e instanceof DecodeTypeError)) throw e;
      throw badRequest(
        `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: ${e.message}`,
      );
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
    object.apiVersion = apiVersion;
    return { object, warnings: fieldValidation === 'Ignore' ? [] : unknown };
  }

  private canonical(info: ResourceInfo, object: KubeObject): KubeObject {
    return canonicalize(info.strategy.schema, object);
  }

  /** POST: creates an object. */
  create(
    info: ResourceInfo,
    namespace: string | undefined,
    body: unknown,
    { fieldValidation, manager }: WriteOptions = {},
  ): WriteResult {
    const { object, warnings } = this.decode(info, body, fieldValidation);
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
    if (
      info.namespaced &&
      !this.store.peek(STORAGE.namespaces, undefined, namespace!)
    ) {
      throw notFound({ group: '', resource: 'namespaces' }, namespace!);
    }
    const generated = !meta.name && !!meta.generateName;
    for (let attempt = 0; ; attempt++) {
      const candidate = clone(object);
      const m = candidate.metadata;
      if (generated) {
        m.name = generateName(meta.generateName!);
      }
      m.uid = randomUUID();
      m.creationTimestamp = formatTime(this.now());
      delete m.deletionTimestamp;
      delete m.deletionGracePeriodSeconds;
      delete m.resourceVersion;
      delete m.generation;
      if (strategy.hasGeneration) {
        m.generation = 1;
      }
      strategy.prepareForCreate(candidate);
      const errors = strategy.validate(candidate);
      if (errors.length) {
        throw invalid(info, m.name ?? '', errors);
      }
      if (meta.resourceVersion) {
        // What etcd3 storage returns; the apiserver passes it on untranslated.
        throw untranslated(
          'resourceVersion should not be set on objects to be created',
        );
      }
      strategy.defaultStored?.(candidate);
      if (manager) {
        m.managedFields = [this.managedBy(info, manager)];
      }
      if (this.store.peek(info.storage, m.namespace, m.name!)) {
        if (generated && attempt < 8) {
          continue;
        }
        throw alreadyExists(info, m.name!);
      }
      const stored = this.store.create(
        info.storage,
        this.canonical(info, candidate),
      );
      return { object: stored, warnings };
    }
  }

  /**
   * PATCH with a JSON merge patch, the only type the sandbox applies (others are 415): the
   * update path of the apiserver, with preconditions, defaults, generation and validation.
   */
  patch(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    contentType: string,
    body: string,
    { fieldValidation, manager }: WriteOptions = {},
  ): WriteResult {
    const type = contentType.split(';')[0].trim().toLowerCase();
    if (type !== 'application/merge-patch+json') {
      throw unsupportedMediaType();
    }
    const existing = this.get(info, namespace, name);
    let patch: unknown;
    try {
      patch = JSON.parse(body);
    } catch (e) {
      throw badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    if (!isPlainObject(patch)) {
      throw badRequest(
        `error decoding patch: json: cannot unmarshal ${
          Array.isArray(patch) ? 'array' : typeof patch
        } into Go value of type map[string]interface {}`,
      );
    }
    const { object, warnings } = this.decode(
      info,
      applyMergePatch(existing, patch),
      fieldValidation,
    );
    const meta = object.metadata;
    const old = existing.metadata;
    if (meta.name !== name) {
      throw badRequest(
        `the name of the object (${meta.name}) does not match the name on the URL (${name})`,
      );
    }
    if (meta.uid && meta.uid !== old.uid) {
      throw conflict(
        info,
        name,
        `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${old.uid}`,
      );
    }
    if (meta.resourceVersion && meta.resourceVersion !== old.resourceVersion) {
      throw conflict(info, name);
    }
    const strategy = info.strategy;
    strategy.applyDefaults(object);
    // The main resource cannot change the status, nor the system fields.
    object.status = existing.status;
    for (const key of [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'managedFields',
    ]) {
      meta[key] = old[key];
    }
    if (strategy.hasGeneration) {
      meta.generation =
        (old.generation ?? 1) + (deepEqual(object.spec, existing.spec) ? 0 : 1);
    }
    const errors = strategy.validateUpdate?.(object, existing) ?? [];
    if (errors.length) {
      throw invalid(info, name, errors);
    }
    const ready = this.canonical(info, object);
    if (deepEqual(withoutVersion(ready), withoutVersion(existing))) {
      // A no-op update does not write (and does not bump resourceVersion).
      return { object: existing, warnings };
    }
    if (manager) {
      ready.metadata.managedFields = [
        ...(old.managedFields ?? []).filter(
          (e: JsonObject) => e.manager !== manager || e.subresource,
        ),
        this.managedBy(info, manager),
      ];
    }
    return { object: this.persist(info.storage, ready), warnings };
  }

  /**
   * The managedFields entry of a create or update by `manager` (recordings 01, 05, 08), newest
   * last. Which fields each manager owns (`fieldsV1`) is not tracked.
   */
  private managedBy(info: ResourceInfo, manager: string): JsonObject {
    return {
      manager,
      operation: 'Update',
      apiVersion: apiVersionOf(info),
      time: formatTime(this.now()),
      fieldsType: 'FieldsV1',
    };
  }

  /**
   * Writes an updated object; an object being deleted whose last finalizer is gone (and whose
   * grace period is over) is removed instead.
   */
  private persist(storage: string, object: KubeObject): KubeObject {
    const m = object.metadata;
    if (
      m.deletionTimestamp &&
      !m.finalizers?.length &&
      !m.deletionGracePeriodSeconds
    ) {
      return this.store.remove(storage, m.namespace, m.name!, object) ?? object;
    }
    return this.store.update(storage, object);
  }

  /**
   * DELETE. Dependents are collected in the background (the garbage collector): the sandbox
   * supports `propagationPolicy=Background` only, so a Job (whose default is Orphan) must name it.
   */
  delete(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    propagationPolicy: string | undefined,
  ): KubeObject | Status {
    const policy =
      propagationPolicy ?? (info.orphansByDefault ? 'Orphan' : 'Background');
    if (policy !== 'Background') {
      throw badRequest(
        `propagationPolicy ${policy}${
          propagationPolicy ? '' : ' (the default of batch/v1 Jobs)'
        } is not supported by the sandbox cluster: use Background`,
      );
    }
    return this.deleteObject(info, this.get(info, namespace, name));
  }

  /**
   * The deletion protocol: pods are deleted gracefully (the kubelet confirms with grace period
   * 0), objects with finalizers wait for them, the rest goes at once.
   */
  private deleteObject(
    info: ResourceInfo,
    existing: KubeObject,
    gracePeriodSeconds?: number,
  ): KubeObject | Status {
    const meta = existing.metadata;
    let grace = 0;
    if (info.storage === STORAGE.pods) {
      const phase = existing.status?.phase;
      // Unscheduled or finished pods have nothing to stop.
      const running =
        existing.spec?.nodeName && phase !== 'Succeeded' && phase !== 'Failed';
      grace = running
        ? gracePeriodSeconds ??
          existing.spec?.terminationGracePeriodSeconds ??
          30
        : 0;
    }
    const updated = clone(existing);
    const um = updated.metadata;
    if (!meta.deletionTimestamp) {
      um.deletionTimestamp = formatTime(this.now() + grace * 1000);
      um.deletionGracePeriodSeconds = grace;
      if (info.strategy.hasGeneration) {
        um.generation = (um.generation ?? 0) + 1;
      }
    } else if (grace < (meta.deletionGracePeriodSeconds ?? 0)) {
      // Already being deleted: a shorter grace period wins.
      um.deletionTimestamp = formatTime(this.now() + grace * 1000);
      um.deletionGracePeriodSeconds = grace;
    }
    if (meta.finalizers?.length || um.deletionGracePeriodSeconds) {
      if (deepEqual(withoutVersion(updated), withoutVersion(existing))) {
        return existing;
      }
      return this.store.update(info.storage, this.canonical(info, updated));
    }
    if (meta.deletionTimestamp) {
      // Record the final deletion state first, like the apiserver does when
      // the kubelet confirms a graceful deletion.
      this.store.update(info.storage, updated);
    }
    const last =
      this.store.remove(info.storage, meta.namespace, meta.name!) ?? existing;
    return info.storage === STORAGE.pods
      ? last
      : deleteSuccess(info, meta.name!, meta.uid!);
  }

  // ---------------------------------------------------------------- controllers

  /**
   * Controller write of a whole object (status, finalizers, ...), without validation. Returns
   * the stored object, or undefined if it is gone.
   */
  writeObject(storage: string, object: KubeObject): KubeObject | undefined {
    const { namespace, name, uid } = object.metadata;
    const existing = this.store.peek(storage, namespace, name!);
    if (!existing || existing.metadata.uid !== uid) {
      return undefined;
    }
    const ready = this.canonical(resourceFor(storage), clone(object));
    ready.metadata.resourceVersion = existing.metadata.resourceVersion;
    if (deepEqual(withoutVersion(ready), withoutVersion(existing))) {
      return clone(existing);
    }
    return this.persist(storage, ready);
  }

  /** Controller create (same defaults and validation as the API). */
  createObject(storage: string, body: JsonObject): KubeObject {
    const info = resourceFor(storage);
    return this.create(info, body.metadata?.namespace, body).object;
  }

  /** Controller delete of the object it saw (nothing if that one is gone). */
  deleteStored(
    storage: string,
    object: KubeObject,
    gracePeriodSeconds?: number,
  ) {
    const { namespace, name, uid } = object.metadata;
    const current = this.store.get(storage, namespace, name!);
    if (current && current.metadata.uid === uid) {
      this.deleteObject(resourceFor(storage), current, gracePeriodSeconds);
    }
  }
}
