import { mockCredentials } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { JsonObject } from '@backstage/types';
import { AuthorizedOperations } from '../../router/AuthorizedOperations';
import { ActionOptions } from '../actionHelpers';

/** What an action hands to the operations, recorded; each answers `answer`. */
export type FakeOperations = {
  [K in keyof AuthorizedOperations]: jest.Mock;
};

/**
 * One action registered with the test registry over fake operations: a unit test of what the
 * action itself does (parse, call the operation as the caller, answer) without a backend.
 */
export function actionUnderTest(
  create: (options: ActionOptions) => void,
  answer: unknown = { ok: true },
) {
  const registry = actionsRegistryServiceMock();
  const operations: Partial<FakeOperations> = {};
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
    operations: operations as FakeOperations,
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
