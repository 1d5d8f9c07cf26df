/*
 * core/v1 Namespace (recording 01): the `kubernetes.io/metadata.name` label,
 * the `kubernetes` finalizer and the Active/Terminating phase.
 */
import { namespaceSchema } from '../api/schema';
import { isPlainObject } from '../api/types';
import {
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../api/validation';
import { Strategy } from './strategy';

/** Label the apiserver keeps equal to the namespace name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The Namespace strategy. */
export const namespaceStrategy: Strategy = {
  schema: namespaceSchema,
  nameRule: 'label',
  hasGeneration: false,

  applyDefaults(namespace) {
    if (namespace.metadata.name) {
      namespace.metadata.labels = {
        ...(namespace.metadata.labels ?? {}),
        [NAMESPACE_NAME_LABEL]: namespace.metadata.name,
      };
    }
    namespace.spec = isPlainObject(namespace.spec) ? namespace.spec : {};
  },

  prepareForCreate(namespace) {
    namespace.spec = { finalizers: ['kubernetes'] };
    namespace.status = { phase: 'Active' };
  },

  validate(namespace) {
    return validateObjectMeta(namespace.metadata, {
      namespaced: false,
      nameRule: 'label',
    });
  },

  prepareForUpdate(namespace, old) {
    namespace.spec = old.spec;
    namespace.status = old.status;
  },

  validateUpdate(namespace, old) {
    return validateObjectMetaUpdate(namespace.metadata, old.metadata, {
      namespaced: false,
      nameRule: 'label',
    });
  },

  emptyObject() {
    return {
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: { creationTimestamp: null },
      spec: {},
      status: {},
    };
  },

  fieldSet(namespace) {
    return {
      'metadata.name': namespace.metadata.name ?? '',
      'status.phase': namespace.status?.phase ?? '',
    };
  },
};
