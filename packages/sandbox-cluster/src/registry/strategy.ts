/*
 * Per-resource behaviour plugged into the generic registry, like the
 * apiserver's RESTCreateStrategy / RESTUpdateStrategy.
 */
import { FieldError } from '../api/errors';
import { StructSchema } from '../api/schema';
import { KubeObject } from '../api/types';
import { NameRule } from '../api/validation';

/** Facts the strategies need about the moment of the request. */
export interface StrategyContext {
  /** Wall-clock time in ms (timestamps are never scaled). */
  now: number;
}

/** What a resource does on create, update and delete. */
export interface Strategy {
  /** Go-struct model used to decode bodies. */
  schema: StructSchema;
  /** DNS subdomain (most) or DNS label (Namespaces) names. */
  nameRule: NameRule;
  /** Decode-time defaulting (SetDefaults_*), applied on create and update. */
  applyDefaults(object: KubeObject): void;
  /** PrepareForCreate: reset status, generate selectors, ... */
  prepareForCreate(object: KubeObject, ctx: StrategyContext): void;
  /**
   * Defaulting the apiserver applies when it decodes the stored object,
   * i.e. after validation (optional).
   */
  defaultStored?(object: KubeObject): void;
  /** Validate a new object. */
  validate(object: KubeObject): FieldError[];
  /** PrepareForUpdate of the main resource (e.g. keep the old status). */
  prepareForUpdate(object: KubeObject, old: KubeObject): void;
  /** ValidateUpdate (immutable fields, ...). */
  validateUpdate(object: KubeObject, old: KubeObject): FieldError[];
  /** Whether metadata.generation tracks spec changes. */
  hasGeneration: boolean;
  /** An empty object of this kind, as sent in BOOKMARK events. */
  emptyObject(): KubeObject;
  /** The selectable fields of an object (fieldSelector). */
  fieldSet(object: KubeObject): Record<string, string>;
}

/** Fields every resource can be selected by. */
export function metadataFields(object: KubeObject): Record<string, string> {
  return {
    'metadata.name': object.metadata.name ?? '',
    'metadata.namespace': object.metadata.namespace ?? '',
  };
}
