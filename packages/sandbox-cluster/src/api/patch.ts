/*
 * JSON merge patch (RFC 7386), the only PATCH flavour the plugin sends: objects merge, `null`
 * deletes, arrays and other values replace.
 */
import { clone, isPlainObject, JsonObject } from './types';

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
