/*
 * Shared shapes of the Kubernetes objects the sandbox stores.
 *
 * The sandbox works on plain JSON (exactly what travels on the wire), so these
 * types stay deliberately loose: `spec` and `status` are whatever the resource
 * defines, and the per-resource modules know their shape.
 */

/** A JSON object as decoded from a request body. */
export type JsonObject = { [key: string]: any };

/** metadata.ownerReferences[] */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** metadata of every stored object. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [key: string]: any;
}

/** Any object the sandbox stores (Namespace, Job, CronJob, Pod, Event). */
export interface KubeObject {
  kind?: string;
  apiVersion?: string;
  metadata: ObjectMeta;
  spec?: any;
  status?: any;
  [key: string]: any;
}

/** Deep copy of a JSON value. Objects in the store are never shared. */
export function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

/** Structural equality of two JSON values (key order does not matter). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (typeof a !== typeof b || a === null || b === null) {
    return false;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) {
      return false;
    }
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (typeof a === 'object') {
    if (Array.isArray(b)) {
      return false;
    }
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const aKeys = Object.keys(ao).filter(k => ao[k] !== undefined);
    const bKeys = Object.keys(bo).filter(k => bo[k] !== undefined);
    if (aKeys.length !== bKeys.length) {
      return false;
    }
    return aKeys.every(k => deepEqual(ao[k], bo[k]));
  }
  return false;
}

/** Byte-order comparison of keys, like etcd sorts them. */
export function compareKeys(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

/** True for a non-null, non-array object. */
export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Kubernetes timestamps have second precision (RFC 3339, UTC). */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
