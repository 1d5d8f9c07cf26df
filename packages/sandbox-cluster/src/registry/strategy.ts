/*
 * Per-resource behaviour plugged into the generic registry, like the apiserver's
 * RESTCreateStrategy / RESTUpdateStrategy.
 */
import { FieldError } from '../api/errors';
import { StructSchema } from '../api/schema';
import { KubeObject } from '../api/types';

/** What a resource does on create and update. */
export interface Strategy {
  /** Go-struct model used to decode bodies. */
  schema: StructSchema;
  /** Decode-time defaulting (SetDefaults_*), applied on create and patch. */
  applyDefaults(object: KubeObject): void;
  /** PrepareForCreate: reset status, generate selectors, ... */
  prepareForCreate(object: KubeObject): void;
  /** Defaulting the apiserver applies when it decodes the stored object, after validation. */
  defaultStored?(object: KubeObject): void;
  /** Validate a new object. */
  validate(object: KubeObject): FieldError[];
  /** ValidateUpdate, for the resources clients may patch. */
  validateUpdate?(object: KubeObject, old: KubeObject): FieldError[];
  /** Whether metadata.generation tracks spec changes. */
  hasGeneration: boolean;
  /** Selectable fields besides metadata.name and metadata.namespace (fieldSelector). */
  fields?(object: KubeObject): Record<string, string>;
}
