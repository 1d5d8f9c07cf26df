/*
 * core/v1 Event, and its events.k8s.io/v1 view (recording 03). Both API
 * versions read the same stored objects, as in Kubernetes.
 */
import { eventSchema } from '../api/schema';
import { KubeObject } from '../api/types';
import {
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../api/validation';
import { metadataFields, Strategy } from './strategy';

/** The core/v1 Event strategy. */
export const eventStrategy: Strategy = {
  schema: eventSchema,
  nameRule: 'subdomain',
  hasGeneration: false,
  applyDefaults() {},
  prepareForCreate() {},
  validate(event) {
    return validateObjectMeta(event.metadata, {
      namespaced: true,
      nameRule: 'subdomain',
    });
  },
  prepareForUpdate() {},
  validateUpdate(event, old) {
    return validateObjectMetaUpdate(event.metadata, old.metadata, {
      namespaced: true,
      nameRule: 'subdomain',
    });
  },
  emptyObject() {
    return {
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { creationTimestamp: null },
      involvedObject: {},
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      eventTime: null,
      reportingComponent: '',
      reportingInstance: '',
    };
  },
  fieldSet(event) {
    const involved = event.involvedObject ?? {};
    return {
      ...metadataFields(event),
      'involvedObject.kind': involved.kind ?? '',
      'involvedObject.namespace': involved.namespace ?? '',
      'involvedObject.name': involved.name ?? '',
      'involvedObject.uid': involved.uid ?? '',
      'involvedObject.apiVersion': involved.apiVersion ?? '',
      'involvedObject.resourceVersion': involved.resourceVersion ?? '',
      'involvedObject.fieldPath': involved.fieldPath ?? '',
      reason: event.reason ?? '',
      reportingComponent: event.reportingComponent ?? '',
      source: event.source?.component ?? '',
      type: event.type ?? '',
    };
  },
};

/** events.k8s.io/v1 field selector names mapped to the stored (core) ones. */
export function eventsV1FieldAlias(field: string): string {
  if (field.startsWith('regarding.')) {
    return `involvedObject.${field.slice('regarding.'.length)}`;
  }
  if (field === 'reportingController') {
    return 'reportingComponent';
  }
  if (field === 'deprecatedSource') {
    return 'source';
  }
  return field;
}

/** Converts a stored core/v1 Event to its events.k8s.io/v1 form. */
export function toEventsV1(event: KubeObject): KubeObject {
  const out: KubeObject = {
    kind: 'Event',
    apiVersion: 'events.k8s.io/v1',
    metadata: event.metadata,
    eventTime: event.eventTime ?? null,
  };
  if (event.series) {
    out.series = event.series;
  }
  if (event.reportingComponent) {
    out.reportingController = event.reportingComponent;
  }
  if (event.reportingInstance) {
    out.reportingInstance = event.reportingInstance;
  }
  if (event.action) {
    out.action = event.action;
  }
  if (event.reason) {
    out.reason = event.reason;
  }
  out.regarding = event.involvedObject ?? {};
  if (event.related) {
    out.related = event.related;
  }
  if (event.message) {
    out.note = event.message;
  }
  if (event.type) {
    out.type = event.type;
  }
  out.deprecatedSource = event.source ?? {};
  out.deprecatedFirstTimestamp = event.firstTimestamp ?? null;
  out.deprecatedLastTimestamp = event.lastTimestamp ?? null;
  if (event.count) {
    out.deprecatedCount = event.count;
  }
  return out;
}
