import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DefinitionLocation,
  RunRequest,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { V1Job } from '@kubernetes/client-node';
import { Knex } from 'knex';
import { WatchCaches } from '../cache/WatchCaches';
import { ApprovalRule } from '../config';
import { DatabaseRunRequestStore } from '../database/DatabaseRunRequestStore';
import { DatabaseRunStore } from '../database/DatabaseRunStore';
import { EntityGuard } from '../router/guard';
import { RequestOperations } from '../router/RequestOperations';
import { entitySelectorOf } from '../service/entitySelector';
import { EvidenceCollector } from '../service/evidence';
import { RequestChange, RequestStarter } from '../service/RequestStarter';
import { RunActions } from '../service/RunActions';
import { RunRequests } from '../service/RunRequests';
import { FakeClusterClient } from './FakeClusterClient';
import { component } from './sandbox';

/**
 * Run requests over SQLite (or a given database) and an in-memory cluster, with a clock the test
 * moves: the services as the plugin wires them, behind the operations that authorize and audit,
 * with a permission decision, group memberships and an auditor the test controls.
 */

export const ANNOTATION = 'job-assistant';
export const SHOP = 'component:default/shop';
export const JANE = 'user:default/jane';
export const SAM = 'user:default/sam';
export const ALEX = 'user:default/alex';
export const MARCO = 'user:default/marco';

/** Who belongs to which groups. */
const MEMBERSHIPS: Record<string, string[]> = {
  [SAM]: [SAM, 'group:default/sre'],
  [ALEX]: [ALEX, 'group:default/sre'],
  [MARCO]: [MARCO, 'group:default/team-marketing'],
  [JANE]: [JANE, 'group:default/team-shop', 'group:default/sre'],
};

export const shopSelector = entitySelectorOf(
  component('shop', { 'backstage.io/kubernetes-id': 'shop' }),
)!;

/** A suspended definition Job of the shop, with these annotations. */
export function definitionJob(
  name: string,
  annotations: Record<string, string> = {},
  image = 'busybox:1.36',
): V1Job {
  return {
    metadata: {
      name,
      namespace: 'shop',
      labels: { 'backstage.io/kubernetes-id': 'shop' },
      annotations: { [ANNOTATION]: 'enable', ...annotations },
    },
    spec: {
      suspend: true,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'main', image }],
        },
      },
    },
  };
}

export const at = (name: string): DefinitionLocation => ({
  cluster: 'prod',
  namespace: 'shop',
  kind: 'Job',
  name,
});

export interface AuditRecord {
  eventId: string;
  meta: Record<string, unknown>;
  outcome?: 'success' | 'fail';
  error?: string;
  result?: Record<string, unknown>;
}

export async function requestsFixture(
  options: {
    /** The database: a given one, or SQLite from `databases` (created at a test file's top). */
    knex?: Knex;
    databases?: TestDatabases;
    approvals?: ApprovalRule[];
    now?: Date;
    /** Another replica over the same database and cluster. */
    cluster?: FakeClusterClient;
  } = {},
) {
  const knex = options.knex ?? (await options.databases!.init('SQLITE_3'));
  const database = mockServices.database({ knex });
  const runs = await DatabaseRunStore.create({ database });
  const store = await DatabaseRunRequestStore.create({ database });
  const cluster = options.cluster ?? new FakeClusterClient('prod');
  const client = FakeClusterClient.factory(cluster);
  const logger = mockServices.logger.mock();
  const clock = { now: options.now ?? new Date('2026-12-01T10:00:00.000Z') };
  const now = () => new Date(clock.now);
  const approvals = options.approvals ?? [];
  const caches = new WatchCaches(['prod'], {
    client,
    annotationKey: ANNOTATION,
    logger,
  });
  const actions = new RunActions({
    client,
    caches,
    store: runs,
    logger,
    annotationKey: ANNOTATION,
    allowParallelRunsByDefault: false,
    evidence: new EvidenceCollector({
      client,
      store: runs,
      logger,
      maxLogBytesPerRun: 10_000,
    }),
    approvals,
    now,
  });
  const changes: Array<{ id: string; change: RequestChange; state: string }> =
    [];
  const listener = {
    requestChanged: (request: RunRequest, change: RequestChange) =>
      changes.push({ id: request.id, change, state: request.state }),
  };
  const audits: AuditRecord[] = [];
  const auditor = mockServices.auditor.mock({
    createEvent: async ({ eventId, meta }) => {
      const record: AuditRecord = { eventId, meta: meta ?? {} };
      audits.push(record);
      return {
        success: async ({ meta: result } = {}) => {
          record.outcome = 'success';
          record.result = result;
        },
        fail: async ({ error }) => {
          record.outcome = 'fail';
          record.error = error.message;
        },
      };
    },
  });
  const starter = new RequestStarter({
    store,
    runs,
    actions,
    entities: async ref => (ref === SHOP ? shopSelector : undefined),
    approvals,
    listener,
    auditor,
    logger,
    now,
  });
  const dueAt: Date[] = [];
  const requests = new RunRequests({
    client,
    caches,
    store,
    starter,
    annotationKey: ANNOTATION,
    approvals,
    config: { horizonDays: 30, approvalExpiryHours: 24, sweepSeconds: 10 },
    listener,
    dueAt: when => dueAt.push(when),
    now,
  });
  // The policy: decide(permission, user) answers; ALLOW by default.
  const policy: {
    decide: (permission: string, user: string) => AuthorizeResult;
  } = { decide: () => AuthorizeResult.ALLOW };
  const permissions = mockServices.permissions.mock({
    authorize: async (queries, { credentials }) =>
      queries.map(q => ({
        result: policy.decide(
          q.permission.name,
          (credentials.principal as { userEntityRef?: string }).userEntityRef ??
            'service',
        ),
      })) as any,
  });
  const guard = new EntityGuard({
    permissions,
    auditor,
    catalog: catalogServiceMock({
      entities: [component('shop', { 'backstage.io/kubernetes-id': 'shop' })],
    }),
  });
  const operations = new RequestOperations({
    guard,
    clusters: { assertKnown: () => {} },
    requests,
    userInfo: mockServices.userInfo.mock({
      getUserInfo: async credentials => {
        const ref = (credentials.principal as { userEntityRef: string })
          .userEntityRef;
        return {
          userEntityRef: ref,
          ownershipEntityRefs: MEMBERSHIPS[ref] ?? [ref],
        };
      },
    }),
  });
  /** The caller `ref`, as an action would name it in the audit. */
  const as = (ref: string) => ({
    credentials: mockCredentials.user(ref),
    actionId: 'kubernetes-jobs:test',
  });
  return {
    knex,
    runs,
    store,
    cluster,
    clock,
    actions,
    starter,
    requests,
    operations,
    policy,
    audits,
    changes,
    dueAt,
    as,
    /** Moves the clock on. */
    advance: (ms: number) => {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
}
