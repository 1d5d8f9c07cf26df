/*
 * Decoding a body as the apiserver's Go structs do (see schema.ts): unknown fields dropped and
 * reported, JSON type mismatches as Go's UnmarshalTypeError, `omitempty` zero values removed,
 * fields in struct order.
 */
import { compareKeys, isPlainObject, JsonObject } from './types';
import { Leaf, Schema, StructSchema } from './schema';

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
