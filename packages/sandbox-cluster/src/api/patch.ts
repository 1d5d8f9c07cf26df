/*
 * The three PATCH flavours of the apiserver:
 *
 *  - JSON merge patch (RFC 7386): objects merge, `null` deletes, arrays replace.
 *  - Strategic merge patch: like merge patch, but the lists Kubernetes
 *    declares with a patch-merge key are merged element by element.
 *  - JSON patch (RFC 6902), with the quirks of evanphx/json-patch v4 that the
 *    apiserver uses (recording 05): `replace` of a missing object key adds it.
 */
import { clone, deepEqual, isPlainObject, JsonObject } from './types';

/** RFC 7386 JSON merge patch. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) {
    return clone(patch);
  }
  const result: JsonObject = isPlainObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = applyMergePatch(result[key], value);
    }
  }
  return result;
}

/**
 * How a list is merged by a strategic merge patch: by a key field of its
 * elements, as a set of primitives, or replaced (the default).
 */
type ListStrategy = { mergeKey: string } | 'primitiveMerge';

/**
 * The `patchMergeKey`s of the lists this project's objects contain, matched
 * on the end of the field path (`[]` stands for a list element). Lists not
 * listed here are atomic and replaced, as in Kubernetes (e.g. `command`,
 * `args`, `tolerations`, `envFrom`).
 */
const LIST_STRATEGIES: Array<[string, ListStrategy]> = [
  ['metadata.ownerReferences', { mergeKey: 'uid' }],
  ['metadata.finalizers', 'primitiveMerge'],
  ['spec.containers', { mergeKey: 'name' }],
  ['spec.initContainers', { mergeKey: 'name' }],
  ['spec.ephemeralContainers', { mergeKey: 'name' }],
  ['spec.volumes', { mergeKey: 'name' }],
  ['spec.imagePullSecrets', { mergeKey: 'name' }],
  ['spec.hostAliases', { mergeKey: 'ip' }],
  ['spec.readinessGates', { mergeKey: 'conditionType' }],
  ['spec.schedulingGates', { mergeKey: 'name' }],
  ['spec.resourceClaims', { mergeKey: 'name' }],
  ['containers[].env', { mergeKey: 'name' }],
  ['containers[].ports', { mergeKey: 'containerPort' }],
  ['containers[].volumeMounts', { mergeKey: 'mountPath' }],
  ['containers[].volumeDevices', { mergeKey: 'devicePath' }],
  ['containers[].resizePolicy', { mergeKey: 'resourceName' }],
  ['status.conditions', { mergeKey: 'type' }],
  ['status.containerStatuses', { mergeKey: 'name' }],
  ['status.active', { mergeKey: 'uid' }],
];

function listStrategy(path: string): ListStrategy | undefined {
  const normalized = path.replace(
    /(Containers|containers)\[\]/g,
    'containers[]',
  );
  const found = LIST_STRATEGIES.find(
    ([suffix]) => normalized === suffix || normalized.endsWith(`.${suffix}`),
  );
  return found?.[1];
}

const DIRECTIVE = '$patch';
const DELETE_PRIMITIVE_PREFIX = '$deleteFromPrimitiveList/';
const SET_ORDER_PREFIX = '$setElementOrder/';
const RETAIN_KEYS = '$retainKeys';

/**
 * Strategic merge patch for the objects this sandbox serves.
 *
 * Supported: merge by patch-merge key, `$patch: replace|delete` on maps and
 * list elements, `$deleteFromPrimitiveList/<list>`, `null` deletes. Ordering
 * directives (`$setElementOrder/...`) and `$retainKeys` are accepted and
 * ignored: merged lists keep the live order, new elements are appended.
 */
export function applyStrategicMergePatch(
  target: unknown,
  patch: unknown,
  path = '',
): unknown {
  if (!isPlainObject(patch)) {
    return clone(patch);
  }
  if (patch[DIRECTIVE] === 'replace') {
    const { [DIRECTIVE]: _ignored, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (patch[DIRECTIVE] === 'delete') {
    return undefined;
  }
  const result: JsonObject = isPlainObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (
      key === DIRECTIVE ||
      key === RETAIN_KEYS ||
      key.startsWith(SET_ORDER_PREFIX)
    ) {
      continue;
    }
    if (key.startsWith(DELETE_PRIMITIVE_PREFIX)) {
      const listKey = key.slice(DELETE_PRIMITIVE_PREFIX.length);
      if (Array.isArray(result[listKey]) && Array.isArray(value)) {
        result[listKey] = result[listKey].filter(
          (item: unknown) => !value.some(v => deepEqual(v, item)),
        );
      }
      continue;
    }
    const childPath = path ? `${path}.${key}` : key;
    if (value === null) {
      delete result[key];
      continue;
    }
    if (Array.isArray(value)) {
      const merged = mergeList(result[key], value, childPath);
      result[key] = merged;
      continue;
    }
    const merged = applyStrategicMergePatch(result[key], value, childPath);
    if (merged === undefined) {
      delete result[key];
    } else {
      result[key] = merged;
    }
  }
  return result;
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(stripDirectives);
  }
  if (!isPlainObject(value)) {
    return value;
  }
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (!key.startsWith('$')) {
      out[key] = stripDirectives(item);
    }
  }
  return out;
}

function mergeList(live: unknown, patch: unknown[], path: string): unknown[] {
  const strategy = listStrategy(path);
  if (!strategy || !Array.isArray(live)) {
    return stripDirectives(
      patch.filter(
        item => !(isPlainObject(item) && item[DIRECTIVE] === 'delete'),
      ),
    ) as unknown[];
  }
  if (strategy === 'primitiveMerge') {
    const result = [...live];
    for (const item of patch) {
      if (!result.some(existing => deepEqual(existing, item))) {
        result.push(item);
      }
    }
    return result;
  }
  const { mergeKey } = strategy;
  const result = clone(live) as unknown[];
  for (const item of patch) {
    if (!isPlainObject(item)) {
      continue;
    }
    if (item[DIRECTIVE] === 'replace') {
      // `$patch: replace` as a list element replaces the whole list.
      return stripDirectives(
        patch.filter(p => !(isPlainObject(p) && p[DIRECTIVE] === 'replace')),
      ) as unknown[];
    }
    const index = result.findIndex(
      existing =>
        isPlainObject(existing) &&
        deepEqual(existing[mergeKey], item[mergeKey]),
    );
    if (item[DIRECTIVE] === 'delete') {
      if (index >= 0) {
        result.splice(index, 1);
      }
      continue;
    }
    if (index >= 0) {
      result[index] = applyStrategicMergePatch(
        result[index],
        item,
        `${path}[]`,
      );
    } else {
      result.push(stripDirectives(item));
    }
  }
  return result;
}

/** A JSON patch that is not a list of operations (400 in the apiserver). */
export class JsonPatchDecodeError extends Error {}

/** A JSON patch operation that cannot be applied (422 in the apiserver). */
export class JsonPatchApplyError extends Error {}

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

/** Validates the shape of a JSON patch document. */
export function decodeJsonPatch(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) {
    const type = isPlainObject(patch) ? 'object' : typeof patch;
    throw new JsonPatchDecodeError(
      `json: cannot unmarshal ${type} into Go value of type jsonpatch.Patch`,
    );
  }
  for (const op of patch) {
    if (!isPlainObject(op)) {
      throw new JsonPatchDecodeError(
        `json: cannot unmarshal ${
          Array.isArray(op) ? 'array' : typeof op
        } into Go value of type jsonpatch.Operation`,
      );
    }
  }
  return patch as Operation[];
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') {
    return [];
  }
  if (!pointer.startsWith('/')) {
    throw new JsonPatchApplyError(`invalid JSON pointer: ${pointer}`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

interface Location {
  parent: JsonObject | unknown[];
  key: string;
}

function locate(doc: unknown, pointer: string): Location {
  const parts = parsePointer(pointer);
  if (!parts.length) {
    throw new JsonPatchApplyError('cannot operate on the document root');
  }
  let current: unknown = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(current)) {
      const index = Number(part);
      if (!/^\d+$/.test(part) || index >= current.length) {
        throw new JsonPatchApplyError(`doc is missing path: ${pointer}`);
      }
      current = current[index];
    } else if (isPlainObject(current) && part in current) {
      current = current[part];
    } else {
      throw new JsonPatchApplyError(`doc is missing path: ${pointer}`);
    }
  }
  if (!Array.isArray(current) && !isPlainObject(current)) {
    throw new JsonPatchApplyError(`doc is missing path: ${pointer}`);
  }
  return { parent: current, key: parts[parts.length - 1] };
}

function arrayIndex(list: unknown[], key: string, allowEnd: boolean): number {
  if (key === '-' && allowEnd) {
    return list.length;
  }
  if (!/^\d+$/.test(key)) {
    throw new JsonPatchApplyError(`invalid array index: ${key}`);
  }
  const index = Number(key);
  if (index > list.length || (!allowEnd && index === list.length)) {
    throw new JsonPatchApplyError(`index out of range: ${key}`);
  }
  return index;
}

function getValue(doc: unknown, pointer: string): unknown {
  const parts = parsePointer(pointer);
  let current = doc;
  for (const part of parts) {
    if (
      Array.isArray(current) &&
      /^\d+$/.test(part) &&
      Number(part) < current.length
    ) {
      current = current[Number(part)];
    } else if (isPlainObject(current) && part in current) {
      current = current[part];
    } else {
      throw new JsonPatchApplyError(`doc is missing path: ${pointer}`);
    }
  }
  return current;
}

function addValue(doc: unknown, pointer: string, value: unknown) {
  const { parent, key } = locate(doc, pointer);
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(parent, key, true), 0, clone(value));
  } else {
    parent[key] = clone(value);
  }
}

function removeValue(doc: unknown, pointer: string): unknown {
  const { parent, key } = locate(doc, pointer);
  if (Array.isArray(parent)) {
    const index = arrayIndex(parent, key, false);
    return parent.splice(index, 1)[0];
  }
  if (!(key in parent)) {
    throw new JsonPatchApplyError(`unable to remove nonexistent key: ${key}`);
  }
  const value = parent[key];
  delete parent[key];
  return value;
}

/** RFC 6902 JSON patch. */
export function applyJsonPatch(
  target: unknown,
  operations: Operation[],
): unknown {
  const doc = clone(target);
  for (const operation of operations) {
    const { op, path } = operation;
    if (typeof path !== 'string') {
      throw new JsonPatchApplyError(`operation missing path: ${op}`);
    }
    switch (op) {
      case 'add':
        addValue(doc, path, operation.value);
        break;
      case 'remove':
        removeValue(doc, path);
        break;
      case 'replace': {
        const { parent, key } = locate(doc, path);
        if (Array.isArray(parent)) {
          parent[arrayIndex(parent, key, false)] = clone(operation.value);
        } else {
          // evanphx/json-patch v4 does not require the key to exist.
          parent[key] = clone(operation.value);
        }
        break;
      }
      case 'move': {
        const value = removeValue(doc, String(operation.from ?? ''));
        addValue(doc, path, value);
        break;
      }
      case 'copy':
        addValue(doc, path, getValue(doc, String(operation.from ?? '')));
        break;
      case 'test': {
        let actual: unknown;
        try {
          actual = getValue(doc, path);
        } catch {
          actual = undefined;
        }
        if (!deepEqual(actual, operation.value)) {
          throw new JsonPatchApplyError(`testing value ${path} failed`);
        }
        break;
      }
      default:
        throw new JsonPatchApplyError(`Unexpected kind: ${op}`);
    }
  }
  return doc;
}
