import { actionsRegistryServiceFactory } from '@backstage/backend-defaults/alpha';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { kubernetesJobsPlugin } from '../plugin';
import { SandboxAdmin, component, eventually } from '../__testUtils__/sandbox';

/**
 * The registered actions through the actions registry's own HTTP surface, as the MCP backend and
 * the scaffolder call them (`/.backstage/actions/v1/actions/<id>/invoke` on the plugin's router),
 * with Backstage's real registry instead of the test backend's in-memory mock: credentials come
 * from the request, the registry checks the input's shape, and each action authorizes, audits
 * and changes the sandbox cluster exactly as its route does.
 */
jest.setTimeout(60000);

const SHOP = 'component:default/shop';
const jane = mockCredentials.user.header('user:default/jane');
const actionsPath = '/api/kubernetes-jobs/.backstage/actions/v1/actions';

type AuditEvent = {
  eventId: string;
  meta?: Record<string, unknown>;
  outcome?: 'success' | 'fail';
  error?: string;
};
const auditEvents: AuditEvent[] = [];

let admin: SandboxAdmin;
let backend: Awaited<ReturnType<typeof startTestBackend>>;

function decided(
  permission: string,
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
): AuthorizeResult.ALLOW | AuthorizeResult.DENY {
  return permission.startsWith('kubernetes-jobs.')
    ? result
    : AuthorizeResult.ALLOW;
}

function backendFeatures(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
  return [
    kubernetesJobsPlugin,
    actionsRegistryServiceFactory,
    mockServices.rootConfig.factory({
      data: {
        ...admin.config(),
        backend: { actions: { pluginSources: ['kubernetes-jobs'] } },
      },
    }),
    catalogServiceMock.factory({
      entities: [component('shop', { 'backstage.io/kubernetes-id': 'shop' })],
    }),
    // A request without a token is anonymous, not the mock's default user.
    mockServices.httpAuth.factory({
      defaultCredentials: mockCredentials.none(),
    }),
    // The policy decides the plugin's permissions; reading the catalog stays allowed.
    mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => ({ result: decided(r.permission.name, result) })),
      authorizeConditional: async requests =>
        requests.map(r => ({
          result: decided(r.permission.name, result),
        })) as any,
    }).factory,
    mockServices.auditor.mock({
      createEvent: async ({ eventId, meta }) => {
        const event: AuditEvent = { eventId, meta };
        auditEvents.push(event);
        return {
          success: async () => {
            event.outcome = 'success';
          },
          fail: async ({ error }) => {
            event.outcome = 'fail';
            event.error = error.message;
          },
        };
      },
    }).factory,
  ];
}

beforeAll(async () => {
  admin = await SandboxAdmin.start();
  await admin.createNamespace('shop');
  await admin.createDefinitionJob({ namespace: 'shop', name: 'migrate' });
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'reindex',
    // 600 simulated seconds: still running when it is stopped.
    script: 'echo reindexing; sleep 600',
  });
  await admin.request('POST', '/apis/batch/v1/namespaces/shop/jobs', {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: 'report',
      labels: { 'backstage.io/kubernetes-id': 'shop' },
      annotations: {
        'job-assistant': 'enable',
        'job-assistant/parameters': JSON.stringify([
          { name: 'EXPORT_DATE', type: 'date', required: true },
        ]),
      },
    },
    spec: {
      suspend: true,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'export',
              image: 'busybox',
              command: ['sh', '-c', 'echo "day $EXPORT_DATE"'],
            },
          ],
        },
      },
    },
  });
  // Its author did not set job-assistant/allow-schedule-control.
  await admin.createDefinitionCronJob({ namespace: 'shop', name: 'locked' });
  await admin.createDefinitionCronJob({ namespace: 'shop', name: 'nightly' });
  await admin.request(
    'PATCH',
    '/apis/batch/v1/namespaces/shop/cronjobs/nightly',
    {
      metadata: {
        annotations: { 'job-assistant/allow-schedule-control': 'true' },
      },
    },
    'application/merge-patch+json',
  );

  backend = await startTestBackend({
    features: backendFeatures(AuthorizeResult.ALLOW),
  });
}, 30000);

afterAll(async () => {
  await backend?.stop();
  await admin?.close();
});

beforeEach(() => {
  auditEvents.length = 0;
});

function invoke(
  name: string,
  input: Record<string, unknown>,
  options: { server?: typeof backend.server; auth?: string | null } = {},
) {
  const req = request(options.server ?? backend.server)
    .post(`${actionsPath}/kubernetes-jobs:${name}/invoke`)
    .send(input);
  return options.auth === null
    ? req
    : req.set('authorization', options.auth ?? jane);
}

const definition = (kind: 'Job' | 'CronJob', name: string) => ({
  entityRef: SHOP,
  cluster: 'sandbox',
  namespace: 'shop',
  kind,
  name,
});

describe('the registry', () => {
  it('lists the twelve actions with attributes that say what they change', async () => {
    const res = await request(backend.server)
      .get(actionsPath)
      .set('authorization', jane);
    expect(res.status).toBe(200);
    const attributes = Object.fromEntries(
      res.body.actions.map((a: any) => [a.id, a.attributes]),
    );
    const read = { readOnly: true, destructive: false, idempotent: true };
    const change = { readOnly: false, destructive: false, idempotent: false };
    expect(attributes).toEqual({
      'kubernetes-jobs:list-definitions': read,
      'kubernetes-jobs:get-definition': read,
      'kubernetes-jobs:get-run': read,
      'kubernetes-jobs:get-run-logs': read,
      // Every call starts another run.
      'kubernetes-jobs:run-definition': {
        readOnly: false,
        destructive: false,
        idempotent: false,
      },
      // Stops pods; a second call changes nothing more.
      'kubernetes-jobs:kill-run': {
        readOnly: false,
        destructive: true,
        idempotent: true,
      },
      'kubernetes-jobs:set-schedule': {
        readOnly: false,
        destructive: false,
        idempotent: true,
      },
      'kubernetes-jobs:list-run-requests': read,
      // Each call asks for another run; a decision is made once (a second is refused).
      'kubernetes-jobs:request-run': change,
      'kubernetes-jobs:approve-run-request': change,
      'kubernetes-jobs:reject-run-request': change,
      'kubernetes-jobs:cancel-run-request': change,
    });
    // What an MCP client shows the model: JSON Schema with the fields described.
    const run = res.body.actions.find((a: any) => a.name === 'run-definition');
    expect(run.schema.input.required).toEqual(
      expect.arrayContaining(['entityRef', 'cluster', 'namespace', 'kind']),
    );
    expect(run.schema.input.properties.kind.enum).toEqual(['Job', 'CronJob']);
  });

  it('refuses an anonymous caller before any action runs', async () => {
    const since = admin.sandbox.requests.length;
    const res = await invoke('run-definition', definition('Job', 'migrate'), {
      auth: null,
    });
    expect(res.status).toBe(401);
    expect(admin.mutatingRequestsSince(since)).toEqual([]);
  });
});

describe('list-definitions', () => {
  it("answers the entity's definitions", async () => {
    const res = await invoke('list-definitions', { entityRef: SHOP });
    expect(res.status).toBe(200);
    const { output } = res.body;
    expect(output.errors).toEqual([]);
    expect(
      output.items.map((i: any) => `${i.definition.kind}/${i.definition.name}`),
    ).toEqual(
      expect.arrayContaining([
        'Job/migrate',
        'Job/reindex',
        'Job/report',
        'CronJob/locked',
        'CronJob/nightly',
      ]),
    );
    expect(output.items).toHaveLength(5);
    const report = output.items.find(
      (i: any) => i.definition.name === 'report',
    );
    // Passed through, not stripped by the output schema: what get-definition needs.
    expect(report.definition).toMatchObject({
      cluster: 'sandbox',
      namespace: 'shop',
      entityRef: SHOP,
      uid: expect.any(String),
      parameters: [{ name: 'EXPORT_DATE', type: 'date', required: true }],
    });
  });
});

describe('run-definition and kill-run', () => {
  it('creates a run in the cluster as the caller, stops it, and the run stays as Killed', async () => {
    const started = await invoke(
      'run-definition',
      definition('Job', 'reindex'),
    );
    expect(started.status).toBe(200);
    const run = started.body.output;
    expect(run).toMatchObject({
      cluster: 'sandbox',
      namespace: 'shop',
      definition: { kind: 'Job', name: 'reindex' },
      triggeredBy: 'user:default/jane',
    });

    // In the cluster: a new Job, not suspended, recording who started it.
    const job = await admin.getJob('shop', run.name);
    expect(job.spec.suspend).toBe(false);
    expect(job.metadata.annotations['job-assistant/triggered-by']).toBe(
      'user:default/jane',
    );
    expect(auditEvents).toContainEqual({
      eventId: 'job-run',
      meta: expect.objectContaining({
        action: 'run',
        entityRef: SHOP,
        actionId: 'kubernetes-jobs:run-definition',
        onBehalfOf: 'user:default/jane',
      }),
      outcome: 'success',
    });

    const runAddress = {
      entityRef: SHOP,
      cluster: 'sandbox',
      namespace: 'shop',
      name: run.name,
    };
    await eventually(async () => {
      const res = await invoke('get-run', runAddress);
      return res.body.output?.state === 'Running' ? true : undefined;
    }, 20000);

    const killed = await invoke('kill-run', runAddress);
    expect(killed.status).toBe(200);
    expect(killed.body.output).toMatchObject({
      name: run.name,
      state: 'Killed',
      killedBy: 'user:default/jane',
    });

    // The run is stopped, not deleted: its Job is still there, suspended.
    const after = await admin.getJob('shop', run.name);
    expect(after.spec.suspend).toBe(true);
    const reread = await invoke('get-run', runAddress);
    expect(reread.body.output).toMatchObject({
      state: 'Killed',
      triggeredBy: 'user:default/jane',
      killedBy: 'user:default/jane',
    });

    // A second kill changes nothing: the run has finished.
    const again = await invoke('kill-run', runAddress);
    expect(again.status).toBe(409);
    expect(again.body.error.name).toBe('ConflictError');
  });

  it('passes parameters on, checked against the declaration', async () => {
    const res = await invoke('run-definition', {
      ...definition('Job', 'report'),
      parameters: { EXPORT_DATE: '2026-11-30' },
    });
    expect(res.status).toBe(200);
    expect(res.body.output.parameters).toEqual({ EXPORT_DATE: '2026-11-30' });
    const job = await admin.getJob('shop', res.body.output.name);
    expect(job.spec.template.spec.containers[0].env).toEqual([
      { name: 'EXPORT_DATE', value: '2026-11-30' },
    ]);
  });
});

describe('bad input', () => {
  it.each([
    [
      'a malformed entityRef',
      { ...definition('Job', 'migrate'), entityRef: 'shop' },
      400,
      'Invalid input: entityRef is not an entity reference like component:default/shop',
    ],
    [
      'a malformed cluster name',
      { ...definition('Job', 'migrate'), cluster: 'no such/cluster' },
      400,
      'Invalid input: cluster is not a valid cluster name',
    ],
    [
      'a malformed Job name',
      { ...definition('Job', 'migrate'), name: 'Migrate!' },
      400,
      'Invalid input: name must be an RFC 1123 subdomain',
    ],
    [
      'a parameter the definition does not declare',
      {
        ...definition('Job', 'report'),
        parameters: { EXPORT_DATE: '2026-11-30', SHELL: 'rm -rf /' },
      },
      400,
      'parameters.SHELL: unknown parameter',
    ],
    [
      'a parameter value of the wrong type',
      { ...definition('Job', 'report'), parameters: { EXPORT_DATE: 'soon' } },
      400,
      'parameters.EXPORT_DATE: must be a date as YYYY-MM-DD',
    ],
    // As the routes answer: a well-formed name of a cluster Backstage does not know is a 404.
    [
      'an unknown cluster',
      { ...definition('Job', 'migrate'), cluster: 'elsewhere' },
      404,
      "Cluster 'elsewhere' is not configured",
    ],
  ])(
    'refuses %s naming it, creating nothing',
    async (_what, input, status, message) => {
      const since = admin.sandbox.requests.length;
      const res = await invoke('run-definition', input);
      expect(res.status).toBe(status);
      expect(res.body.error.message).toContain(message);
      expect(admin.mutatingRequestsSince(since)).toEqual([]);
    },
  );

  it('refuses input of the wrong shape in the registry, naming the field', async () => {
    const since = admin.sandbox.requests.length;
    const res = await invoke('run-definition', {
      ...definition('Job', 'migrate'),
      kind: 'Deployment',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(
      /^Invalid input to action "kubernetes-jobs:run-definition"; caused by/,
    );
    expect(res.body.error.message).toContain('"path": [\n      "kind"\n    ]');
    expect(res.body.error.message).toContain(
      "Expected 'Job' | 'CronJob', received 'Deployment'",
    );
    expect(admin.mutatingRequestsSince(since)).toEqual([]);
  });
});

describe('set-schedule', () => {
  it('pauses and resumes a CronJob that allows it', async () => {
    const resumed = await invoke('set-schedule', {
      ...definition('CronJob', 'nightly'),
      suspend: false,
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body.output).toMatchObject({
      name: 'nightly',
      suspended: false,
      scheduleControl: true,
      nextScheduleTime: expect.any(String),
    });
    expect(
      (
        await admin.request(
          'GET',
          '/apis/batch/v1/namespaces/shop/cronjobs/nightly',
        )
      ).spec.suspend,
    ).toBe(false);

    const paused = await invoke('set-schedule', {
      ...definition('CronJob', 'nightly'),
      suspend: true,
    });
    expect(paused.body.output.suspended).toBe(true);
    expect(
      auditEvents.map(e => [e.eventId, e.meta?.action, e.outcome]),
    ).toEqual([
      ['job-schedule', 'resume-schedule', 'success'],
      ['job-schedule', 'suspend-schedule', 'success'],
    ]);
  });

  it('refuses a CronJob whose author did not opt in with a conflict, changing nothing', async () => {
    const since = admin.sandbox.requests.length;
    const res = await invoke('set-schedule', {
      ...definition('CronJob', 'locked'),
      suspend: false,
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        "CronJob 'locked' does not allow its schedule to be paused",
      ),
    });
    expect(admin.mutatingRequestsSince(since)).toEqual([]);
  });

  it('refuses a Job, which has no schedule', async () => {
    const res = await invoke('set-schedule', {
      ...definition('Job', 'migrate'),
      suspend: true,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("Job 'migrate' has no schedule");
  });
});

describe('when the policy denies', () => {
  let denying: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    denying = await startTestBackend({
      features: backendFeatures(AuthorizeResult.DENY),
    });
  });

  afterAll(async () => {
    await denying?.stop();
  });

  it('refuses run-definition with NotAllowed and creates nothing', async () => {
    const since = admin.sandbox.requests.length;
    const jobsBefore = await admin.listJobs(
      'shop',
      'backstage.io/kubernetes-id=shop',
    );
    const res = await invoke('run-definition', definition('Job', 'migrate'), {
      server: denying.server,
    });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: `You are not allowed to run the Jobs of ${SHOP}`,
    });
    expect(admin.mutatingRequestsSince(since)).toEqual([]);
    expect(
      await admin.listJobs('shop', 'backstage.io/kubernetes-id=shop'),
    ).toHaveLength(jobsBefore.length);
    // The refusal is audited too, naming who asked.
    expect(auditEvents).toContainEqual({
      eventId: 'job-run',
      meta: expect.objectContaining({
        onBehalfOf: 'user:default/jane',
        actionId: 'kubernetes-jobs:run-definition',
      }),
      outcome: 'fail',
      error: `You are not allowed to run the Jobs of ${SHOP}`,
    });
  });

  it('refuses set-schedule and the reads the same way', async () => {
    const schedule = await invoke(
      'set-schedule',
      { ...definition('CronJob', 'nightly'), suspend: false },
      { server: denying.server },
    );
    expect(schedule.status).toBe(403);
    expect(schedule.body.error.message).toBe(
      `You are not allowed to pause or resume the Jobs of ${SHOP}`,
    );
    const read = await invoke('get-definition', definition('Job', 'migrate'), {
      server: denying.server,
    });
    expect(read.status).toBe(403);
    const list = await invoke(
      'list-definitions',
      {},
      { server: denying.server },
    );
    expect(list.status).toBe(200);
    expect(list.body.output.items).toEqual([]);
  });
});
