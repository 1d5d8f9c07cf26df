import { mockCredentials } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { JsonObject } from '@backstage/types';
import { AuthorizedOperations } from '../../router/AuthorizedOperations';
import { RequestOperations } from '../../router/RequestOperations';
import { ActionOptions } from '../actionHelpers';

/** What an action hands to the operations, recorded; each answers `answer`. */
export type FakeOperations = {
  [K in Exclude<keyof AuthorizedOperations, 'requests'>]: jest.Mock;
} & { requests: { [K in keyof RequestOperations]: jest.Mock } };

/**
 * One action registered with the test registry over fake operations: a unit test of what the
 * action itself does (parse, call the operation as the caller, answer) without a backend.
 */
export function actionUnderTest(
  create: (options: ActionOptions) => void,
  answer: unknown = { ok: true },
) {
  const registry = actionsRegistryServiceMock();
  const requests: Record<string, jest.Mock> = {};
  for (const name of [
    'request',
    'listForDefinition',
    'get',
    'listPending',
    'approve',
    'reject',
    'cancel',
  ] as const) {
    requests[name] = jest.fn(async () => answer);
  }
  const operations: Record<string, unknown> = { requests };
  for (const name of [
    'listDefinitions',
    'getDefinition',
    'getRun',
    'logs',
    'run',
    'kill',
    'setSchedule',
  ] as const) {
    operations[name] = jest.fn(async () => answer);
  }
  create({
    registry,
    operations: operations as unknown as AuthorizedOperations,
  });
  const [id] = [...registry.actions.keys()];
  const credentials = mockCredentials.user('user:default/jane');
  return {
    id,
    operations: operations as unknown as FakeOperations,
    credentials,
    invoke: (input: JsonObject) => registry.invoke({ id, input, credentials }),
  };
}

/** A definition's address as every definition action takes it. */
export const DEFINITION = {
  entityRef: 'component:default/shop',
  cluster: 'prod',
  namespace: 'shop',
  kind: 'CronJob',
  name: 'nightly-export',
};

/** A run's address as every run action takes it. */
export const RUN = {
  entityRef: 'component:default/shop',
  cluster: 'prod',
  namespace: 'shop',
  name: 'nightly-export-x7k2p',
};

/** A run as the operations answer it (the output schema's required fields). */
export const A_RUN = {
  cluster: 'prod',
  namespace: 'shop',
  name: 'nightly-export-x7k2p',
  uid: 'b9a1f3c2-0000-4000-8000-000000000001',
  definition: { kind: 'CronJob', name: 'nightly-export' },
  state: 'Running',
};

/** A run request as the operations answer it (the output schema's required fields). */
export const A_REQUEST = {
  id: '6f1c2b9e-0d4a-4c8e-9b7a-2f3e4d5c6b7a',
  cluster: 'prod',
  namespace: 'shop',
  definition: { kind: 'CronJob', name: 'nightly-export' },
  entityRef: 'component:default/shop',
  requestedBy: 'user:default/marco',
  requestedAt: '2026-12-01T10:00:00.000Z',
  decisions: [],
  state: 'WaitingForApproval',
  approval: {
    required: 1,
    approverGroups: ['group:default/sre'],
    reason: 'every run on cluster prod needs approval',
  },
  expiresAt: '2026-12-02T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
};

/** A run request's address as the request actions take it. */
export const REQUEST = {
  entityRef: 'component:default/shop',
  id: A_REQUEST.id,
};

/** A definition as the operations answer it. */
export const A_DEFINITION = {
  cluster: 'prod',
  namespace: 'shop',
  kind: 'CronJob',
  name: 'nightly-export',
  suspended: true,
  allowParallelRuns: false,
};

/** Stats as the operations answer them. */
export const SOME_STATS = {
  counts: { total: 1, active: 1, succeeded: 0, failed: 0, killed: 0 },
};
