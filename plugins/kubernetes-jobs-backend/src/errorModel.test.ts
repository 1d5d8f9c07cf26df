import { actionsRegistryServiceFactory } from '@backstage/backend-defaults/alpha';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { kubernetesJobsPlugin } from './plugin';
import { SandboxAdmin, component } from './__testUtils__/sandbox';

/**
 * One error model through every door: the same failure, asked for over HTTP and through the
 * actions registry (the door of MCP clients and templates), answers with the same status, kind
 * and message. The kind is always one that MCP clients are shown (`name: message`), never an
 * opaque internal error.
 */
jest.setTimeout(60_000);

const SHOP = 'component:default/shop';
const jane = mockCredentials.user.header('user:default/jane');
const api = '/api/kubernetes-jobs';

// The error names @backstage/plugin-mcp-actions-backend relays to an assistant as `name: message`
// (its handleErrors.ts); any other name becomes an internal error without a message.
const MCP_RELAYED = [
  'InputError',
  'AuthenticationError',
  'NotAllowedError',
  'NotFoundError',
  'ConflictError',
  'NotModifiedError',
  'NotImplementedError',
  'ResponseError',
  'ServiceUnavailableError',
];

let admin: SandboxAdmin;
let backend: Awaited<ReturnType<typeof startTestBackend>>;

beforeAll(async () => {
  admin = await SandboxAdmin.start();
  await admin.createNamespace('shop');
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'reindex',
    script: 'echo reindexing; sleep 6000',
  });
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'broken',
    annotations: {
      'job-assistant': 'enable',
      'job-assistant/parameters': '- name: [',
    },
  });
  await admin.createDefinitionCronJob({ namespace: 'shop', name: 'locked' });
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'four-eyes',
    annotations: {
      'job-assistant': 'enable',
      'job-assistant/approval': 'required',
    },
  });
  const config = admin.config();
  backend = await startTestBackend({
    features: [
      kubernetesJobsPlugin,
      actionsRegistryServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          ...config,
          kubernetesJobs: { requestTimeoutSeconds: 1 },
          backend: { actions: { pluginSources: ['kubernetes-jobs'] } },
        },
      }),
      catalogServiceMock.factory({
        entities: [
          component('shop', { 'backstage.io/kubernetes-id': 'shop' }),
          component('elsewhere', { 'backstage.io/kubernetes-id': 'other' }),
        ],
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
    ],
  });
  // One run holds reindex's active slot.
  const first = await request(backend.server)
    .post(`${api}/definitions/sandbox/shop/job/reindex/runs`)
    .set('authorization', jane)
    .send({ entityRef: SHOP });
  if (first.status !== 201) {
    throw new Error(`the first run did not start: ${first.status}`);
  }
}, 60_000);

afterAll(async () => {
  await backend?.stop();
  await admin?.close();
});

const location = (kind: 'Job' | 'CronJob', name: string, entityRef = SHOP) => ({
  entityRef,
  cluster: 'sandbox',
  namespace: 'shop',
  kind,
  name,
});

function viaRoute(kind: 'Job' | 'CronJob', name: string, entityRef = SHOP) {
  return request(backend.server)
    .post(`${api}/definitions/sandbox/shop/${kind.toLowerCase()}/${name}/runs`)
    .set('authorization', jane)
    .send({ entityRef });
}

function viaAction(kind: 'Job' | 'CronJob', name: string, entityRef = SHOP) {
  return request(backend.server)
    .post(
      `${api}/.backstage/actions/v1/actions/kubernetes-jobs:run-definition/invoke`,
    )
    .set('authorization', jane)
    .send(location(kind, name, entityRef));
}

async function sameThroughBothDoors(
  kind: 'Job' | 'CronJob',
  name: string,
  entityRef = SHOP,
) {
  const route = await viaRoute(kind, name, entityRef);
  const action = await viaAction(kind, name, entityRef);
  expect(action.status).toBe(route.status);
  expect(action.body.error.name).toBe(route.body.error.name);
  expect(action.body.error.message).toBe(route.body.error.message);
  expect(MCP_RELAYED).toContain(action.body.error.name);
  return { status: route.status, ...route.body.error };
}

it.each([
  [
    'a definition that does not exist',
    'Job',
    'nothing-here',
    SHOP,
    404,
    'NotFoundError',
  ],
  [
    'another entity’s definition',
    'Job',
    'reindex',
    'component:default/elsewhere',
    403,
    'NotAllowedError',
  ],
  [
    'a second run while one is active',
    'Job',
    'reindex',
    SHOP,
    409,
    'ConflictError',
  ],
  [
    'a definition whose declaration is broken',
    'Job',
    'broken',
    SHOP,
    422,
    'ConflictError',
  ],
  // No door around an approval: Run on such a Job is refused the same way through both.
  ['a Job that needs approval', 'Job', 'four-eyes', SHOP, 409, 'ConflictError'],
] as const)(
  'answers %s the same way over HTTP and as an action',
  async (_title, kind, name, entityRef, status, errorName) => {
    const error = await sameThroughBothDoors(kind, name, entityRef);
    expect(error).toMatchObject({ status, name: errorName });
  },
);

it('answers a cluster that cannot answer (503) the same way through both doors', async () => {
  const fault = await admin.sandbox.faults.inject({
    type: 'error',
    code: 503,
    verb: 'get',
    resource: 'jobs',
  });
  try {
    const error = await sameThroughBothDoors('Job', 'reindex');
    expect(error).toMatchObject({
      status: 503,
      name: 'ServiceUnavailableError',
    });
    expect(error.message).toContain("'sandbox'");
  } finally {
    await admin.sandbox.faults.remove(fault);
  }
});

it('answers a cluster that does not answer in time (504) the same way through both doors', async () => {
  const fault = await admin.sandbox.faults.inject({
    type: 'latency',
    ms: 5_000,
    verb: 'get',
    resource: 'jobs',
  });
  try {
    const error = await sameThroughBothDoors('Job', 'reindex');
    expect(error).toMatchObject({
      status: 504,
      name: 'ServiceUnavailableError',
      message:
        "Cluster 'sandbox' did not answer within 1 s to read Job 'reindex' in namespace 'shop'",
    });
  } finally {
    await admin.sandbox.faults.remove(fault);
  }
});
