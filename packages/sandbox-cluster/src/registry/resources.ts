/*
 * The resources the sandbox serves, with what the router, the registry and
 * discovery need to know about each.
 */
import { GroupResource } from '../api/errors';
import { KubeObject } from '../api/types';
import { cronJobStrategy } from './cronjobs';
import { eventStrategy, eventsV1FieldAlias, toEventsV1 } from './events';
import { jobStrategy } from './jobs';
import { namespaceStrategy } from './namespaces';
import { podStrategy } from './pods';
import { Strategy } from './strategy';

/** The Warning the apiserver sends when a Job is deleted without a policy. */
export const JOB_ORPHAN_WARNING =
  'child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning';

/** Description of one served resource. */
export interface ResourceInfo extends GroupResource {
  version: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  /** Storage bucket; both Event API versions share `events`. */
  storage: string;
  strategy: Strategy;
  /** Verbs advertised in discovery and accepted by the router. */
  verbs: string[];
  shortNames?: string[];
  subresources: string[];
  /** Propagation policy when a DELETE does not name one. */
  defaultPropagation: 'Orphan' | 'Background';
  /** Warning sent when a DELETE relies on the default policy. */
  defaultPropagationWarning?: string;
  /** Pods: deletion waits for the kubelet (grace period). */
  gracefulDelete: boolean;
  /** Pods: DELETE returns the object instead of a Status. */
  returnDeletedObject: boolean;
  /** Conversion of a stored object to this API version. */
  toWire?: (object: KubeObject) => KubeObject;
  /** Translates a fieldSelector name of this version to the stored one. */
  fieldAlias?: (field: string) => string;
}

const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

/** Every resource, in discovery order. */
export const RESOURCES: ResourceInfo[] = [
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    kind: 'Namespace',
    listKind: 'NamespaceList',
    namespaced: false,
    storage: 'namespaces',
    strategy: namespaceStrategy,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['ns'],
    subresources: ['status'],
    defaultPropagation: 'Background',
    gracefulDelete: false,
    returnDeletedObject: true,
  },
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    kind: 'Pod',
    listKind: 'PodList',
    namespaced: true,
    storage: 'pods',
    strategy: podStrategy,
    verbs: ALL_VERBS,
    shortNames: ['po'],
    subresources: ['status', 'log'],
    defaultPropagation: 'Background',
    gracefulDelete: true,
    returnDeletedObject: true,
  },
  {
    group: '',
    version: 'v1',
    resource: 'events',
    kind: 'Event',
    listKind: 'EventList',
    namespaced: true,
    storage: 'events',
    strategy: eventStrategy,
    verbs: ALL_VERBS,
    shortNames: ['ev'],
    subresources: [],
    defaultPropagation: 'Background',
    gracefulDelete: false,
    returnDeletedObject: false,
  },
  {
    group: 'events.k8s.io',
    version: 'v1',
    resource: 'events',
    kind: 'Event',
    listKind: 'EventList',
    namespaced: true,
    storage: 'events',
    strategy: eventStrategy,
    verbs: ['get', 'list', 'watch'],
    shortNames: ['ev'],
    subresources: [],
    defaultPropagation: 'Background',
    gracefulDelete: false,
    returnDeletedObject: false,
    toWire: toEventsV1,
    fieldAlias: eventsV1FieldAlias,
  },
  {
    group: 'batch',
    version: 'v1',
    resource: 'jobs',
    kind: 'Job',
    listKind: 'JobList',
    namespaced: true,
    storage: 'jobs.batch',
    strategy: jobStrategy,
    verbs: ALL_VERBS,
    subresources: ['status'],
    // batch/v1 Jobs still default to orphaning their pods (recording 10).
    defaultPropagation: 'Orphan',
    defaultPropagationWarning: JOB_ORPHAN_WARNING,
    gracefulDelete: false,
    returnDeletedObject: false,
  },
  {
    group: 'batch',
    version: 'v1',
    resource: 'cronjobs',
    kind: 'CronJob',
    listKind: 'CronJobList',
    namespaced: true,
    storage: 'cronjobs.batch',
    strategy: cronJobStrategy,
    verbs: ALL_VERBS,
    shortNames: ['cj'],
    subresources: ['status'],
    defaultPropagation: 'Background',
    gracefulDelete: false,
    returnDeletedObject: false,
  },
];

/** Looks a resource up by API group, version and plural name. */
export function findResource(
  group: string,
  version: string,
  resource: string,
): ResourceInfo | undefined {
  return RESOURCES.find(
    r => r.group === group && r.version === version && r.resource === resource,
  );
}

/** The resource of a storage bucket (its canonical API version). */
export function resourceForStorage(storage: string): ResourceInfo {
  const info = RESOURCES.find(r => r.storage === storage && !r.toWire);
  if (!info) {
    throw new Error(`unknown storage ${storage}`);
  }
  return info;
}

/** `batch/v1` or `v1`. */
export function apiVersionOf(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** Well-known storage names, for controllers. */
export const STORAGE = {
  namespaces: 'namespaces',
  pods: 'pods',
  events: 'events',
  jobs: 'jobs.batch',
  cronJobs: 'cronjobs.batch',
} as const;
