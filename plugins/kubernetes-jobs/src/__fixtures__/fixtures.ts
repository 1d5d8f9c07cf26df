import {
  DefinitionDetails,
  DefinitionSummary,
  isActiveState,
  JobDefinition,
  JobRun,
  RunRequest,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { Entity } from '@backstage/catalog-model';

export const shopEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'shop',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'shop' },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/team-shop',
  },
};

export const SHOP_REF = 'component:default/shop';

export function makeDefinition(
  overrides: Partial<JobDefinition> = {},
): JobDefinition {
  const name = overrides.name ?? 'shop-db-migrate';
  return {
    cluster: 'sandbox',
    namespace: 'shop',
    name,
    kind: 'Job',
    uid: `uid-${name}`,
    entityRef: SHOP_REF,
    entityOwnerRef: 'group:default/team-shop',
    description: 'Migrates the shop database to the latest schema',
    suspended: true,
    allowParallelRuns: false,
    containers: [
      { name: 'migrate', image: 'registry.example.com/shop-migrate:1.4' },
    ],
    ...overrides,
  };
}

export function makeRun(overrides: Partial<JobRun> = {}): JobRun {
  const name = overrides.name ?? 'shop-db-migrate-x7k2p';
  return {
    cluster: 'sandbox',
    namespace: 'shop',
    name,
    uid: `uid-${name}`,
    definition: { kind: 'Job', name: 'shop-db-migrate' },
    isDefinition: false,
    state: 'Succeeded',
    createdAt: '2025-01-10T10:00:00Z',
    startedAt: '2025-01-10T10:00:01Z',
    finishedAt: '2025-01-10T10:00:16Z',
    durationSeconds: 15,
    triggeredBy: 'user:default/jane',
    triggeredAt: '2025-01-10T10:00:00Z',
    trigger: 'portal',
    pods: { active: 0, ready: 0, succeeded: 1, failed: 0, terminating: 0 },
    ...overrides,
  };
}

export function makeSummary(
  definition: Partial<JobDefinition> = {},
  lastRun?: JobRun,
  counts: Partial<DefinitionSummary['stats']['counts']> = {},
): DefinitionSummary {
  const active = isActiveState(lastRun?.state) ? 1 : 0;
  const finished = lastRun && !active ? 1 : 0;
  return {
    definition: makeDefinition(definition),
    stats: {
      lastRun,
      counts: {
        total: lastRun ? 1 : 0,
        active,
        succeeded: lastRun?.state === 'Succeeded' ? 1 : 0,
        failed: lastRun?.state === 'Failed' ? 1 : 0,
        killed: lastRun?.state === 'Killed' ? 1 : 0,
        ...counts,
      },
      successRate: finished
        ? Number(lastRun?.state === 'Succeeded')
        : undefined,
    },
  };
}

export const migrateSucceeded = makeSummary({}, makeRun());

export const cacheCheckFailed = makeSummary(
  { name: 'shop-cache-check', description: undefined },
  makeRun({
    name: 'shop-cache-check-9f8d7',
    definition: { kind: 'Job', name: 'shop-cache-check' },
    state: 'Failed',
    attempts: 2,
    failureSummary:
      'Failed after 2 attempts. Last message: Cache check failed: 1 of 3 nodes unreachable (exit code 1)',
    failure: {
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    },
  }),
);

export const reindexRunning = makeSummary(
  { name: 'shop-reindex' },
  makeRun({
    name: 'shop-reindex-abc12',
    definition: { kind: 'Job', name: 'shop-reindex' },
    state: 'Running',
    finishedAt: undefined,
    durationSeconds: 42,
    pods: { active: 1, ready: 1, succeeded: 0, failed: 0, terminating: 0 },
  }),
);

export const nightlyExport = makeSummary({
  name: 'shop-nightly-export',
  kind: 'CronJob',
  schedule: '0 2 * * *',
  suspended: false,
  description: undefined,
});

export function makeDetails(
  summary: DefinitionSummary,
  runs: JobRun[],
): DefinitionDetails {
  return { ...summary, runs };
}

/** A run request of shop-db-migrate, asked by Jane, waiting for one approval from team-sre. */
export function makeRequest(overrides: Partial<RunRequest> = {}): RunRequest {
  return {
    id: 'req-1',
    cluster: 'sandbox',
    namespace: 'shop',
    definition: { kind: 'Job', name: 'shop-db-migrate' },
    entityRef: SHOP_REF,
    requestedBy: 'user:default/jane',
    requestedAt: '2026-12-06T18:55:00Z',
    approval: {
      required: 1,
      approverGroups: ['group:default/team-sre'],
      reason: 'the Job asks for one approval',
    },
    decisions: [],
    expiresAt: '2026-12-07T18:55:00Z',
    state: 'WaitingForApproval',
    updatedAt: '2026-12-06T18:55:00Z',
    ...overrides,
  };
}
