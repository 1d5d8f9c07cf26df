/*
 * The resources the sandbox serves, with what the router and the registry need to know about
 * each, and the small strategies of Namespaces (recording 01) and Events (recording 03).
 */
import { GroupResource } from '../api/errors';
import { eventSchema, namespaceSchema } from '../api/schema';
import { validateObjectMeta } from '../api/validation';
import { cronJobStrategy } from './cronjobs';
import { jobStrategy } from './jobs';
import { podStrategy } from './pods';
import { Strategy } from './strategy';

/** Description of one served resource. */
export interface ResourceInfo extends GroupResource {
  version: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  /** Storage bucket. */
  storage: string;
  strategy: Strategy;
  /** Verbs the sandbox serves (others answer 405). */
  verbs: string[];
  /** batch/v1 Jobs still orphan their pods when a DELETE names no policy (recording 10). */
  orphansByDefault?: boolean;
}

/** Label the apiserver keeps equal to the namespace name. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

const namespaceStrategy: Strategy = {
  schema: namespaceSchema,
  hasGeneration: false,
  applyDefaults(namespace) {
    namespace.metadata.labels = {
      ...namespace.metadata.labels,
      [NAMESPACE_NAME_LABEL]: namespace.metadata.name ?? '',
    };
  },
  prepareForCreate(namespace) {
    namespace.spec = { finalizers: ['kubernetes'] };
    namespace.status = { phase: 'Active' };
  },
  validate: namespace => validateObjectMeta(namespace.metadata, false, true),
};

const eventStrategy: Strategy = {
  schema: eventSchema,
  hasGeneration: false,
  applyDefaults() {},
  prepareForCreate() {},
  validate: event => validateObjectMeta(event.metadata, true),
  fields(event) {
    const involved = event.involvedObject ?? {};
    return Object.fromEntries(
      ['kind', 'namespace', 'name', 'uid'].map(key => [
        `involvedObject.${key}`,
        involved[key] ?? '',
      ]),
    );
  },
};

const READ = ['get', 'list', 'watch'];
const WRITE = [...READ, 'create', 'patch', 'delete'];

/** Every resource the sandbox serves. */
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
    verbs: [...READ, 'create'],
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
    verbs: READ,
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
    verbs: READ,
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
    verbs: WRITE,
    orphansByDefault: true,
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
    verbs: WRITE,
  },
];

/** The resource of a storage bucket, or of a kind. */
export function resourceFor(storageOrKind: string): ResourceInfo {
  const info = RESOURCES.find(
    r => r.storage === storageOrKind || r.kind === storageOrKind,
  );
  if (!info) {
    throw new Error(`the sandbox does not serve ${storageOrKind}`);
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
