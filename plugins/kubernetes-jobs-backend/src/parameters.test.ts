import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import request from 'supertest';
import { kubernetesJobsPlugin } from './plugin';
import { SandboxAdmin, component, eventually } from './__testUtils__/sandbox';

/**
 * Parameters and schedule control through the sandbox, with @kubernetes/client-node: values
 * reach the run as env vars (and Kubernetes' own `$(NAME)` expansion), the definition is never
 * changed by a Run, bad values are refused naming the parameter, and a CronJob's schedule is
 * paused only where its author allows it and the policy says so.
 */
jest.setTimeout(60000);

const SHOP = 'component:default/shop';
const jane = mockCredentials.user.header('user:default/jane');
const mallory = mockCredentials.user.header('user:default/mallory');
const api = '/api/kubernetes-jobs';

const PARAMETERS = JSON.stringify([
  { name: 'EXPORT_DATE', type: 'date', required: true },
  { name: 'FORMAT', type: 'enum', options: ['csv', 'json'], default: 'csv' },
  { name: 'LIMIT', type: 'integer', minimum: 1, containers: ['export'] },
]);

let admin: SandboxAdmin;
let backend: Awaited<ReturnType<typeof startTestBackend>>;

beforeAll(async () => {
  admin = await SandboxAdmin.start();
  await admin.createNamespace('shop');
  await admin.createDefinitionJob({ namespace: 'shop', name: 'export' });
  // Its args use Kubernetes' expansion; its env has a FORMAT the run replaces.
  await admin.request('POST', '/apis/batch/v1/namespaces/shop/jobs', {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: 'report',
      labels: { 'backstage.io/kubernetes-id': 'shop' },
      annotations: {
        'job-assistant': 'enable',
        'job-assistant/parameters': PARAMETERS,
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
              // OUT_FILE refers to a parameter the template does not define and to one it
              // does; PRICE has an escaped reference and one to nothing.
              env: [
                { name: 'FORMAT', value: 'xml' },
                { name: 'OUT_FILE', value: '/out/$(EXPORT_DATE).$(FORMAT)' },
                { name: 'PRICE', value: '$$(FORMAT) is $(NOWHERE)' },
              ],
              command: ['sh', '-c'],
              args: [
                'echo "day $(EXPORT_DATE) as $(FORMAT) up to $LIMIT"; echo "to $OUT_FILE"; echo "price $PRICE"',
              ],
            },
            {
              name: 'sidecar',
              image: 'busybox',
              command: ['sh', '-c', 'echo "limit=[$LIMIT]"'],
            },
          ],
        },
      },
    },
  });
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'broken',
    annotations: {
      'job-assistant': 'enable',
      'job-assistant/parameters': '- name: [',
    },
  });
  // Patterns a backtracking engine takes hours over on a hostile value, and one it needs.
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'lookup',
    annotations: {
      'job-assistant': 'enable',
      'job-assistant/parameters': JSON.stringify([
        { name: 'CODE', type: 'string', pattern: '(a+)+$' },
        { name: 'TAG', type: 'string', pattern: '(.*a){20}' },
      ]),
    },
  });
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'echo',
    annotations: {
      'job-assistant': 'enable',
      'job-assistant/parameters': JSON.stringify([
        { name: 'TWICE', type: 'string', pattern: '(a)\\1' },
      ]),
    },
  });
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
  await admin.createDefinitionCronJob({ namespace: 'shop', name: 'locked' });

  backend = await startTestBackend({
    features: [
      kubernetesJobsPlugin,
      mockServices.rootConfig.factory({ data: admin.config() }),
      catalogServiceMock.factory({
        entities: [component('shop', { 'backstage.io/kubernetes-id': 'shop' })],
      }),
      // Mallory may read and run, but not pause schedules.
      mockServices.permissions.factory({
        result: AuthorizeResult.ALLOW,
      }),
    ],
  });
}, 30000);

afterAll(async () => {
  await backend?.stop();
  await admin?.close();
});

function run(name: string, parameters?: unknown) {
  return request(backend.server)
    .post(`${api}/definitions/sandbox/shop/job/${name}/runs`)
    .set('authorization', jane)
    .send({ entityRef: SHOP, ...(parameters ? { parameters } : {}) });
}

it('runs with the values as env vars, records them, and leaves the definition unchanged', async () => {
  const before = await admin.getJob('shop', 'report');
  const res = await run('report', { EXPORT_DATE: '2026-11-30', LIMIT: 10 });
  expect(res.status).toBe(201);
  expect(res.body.parameters).toEqual({
    EXPORT_DATE: '2026-11-30',
    FORMAT: 'csv',
    LIMIT: 10,
  });

  const created = await admin.getJob('shop', res.body.name);
  const [main, sidecar] = created.spec.template.spec.containers;
  // New variables first, then the template's in their places (FORMAT replaced where it was),
  // so the template's references to them still expand.
  expect(main.env).toEqual([
    { name: 'EXPORT_DATE', value: '2026-11-30' },
    { name: 'LIMIT', value: '10' },
    { name: 'FORMAT', value: 'csv' }, // replaces the template's xml
    { name: 'OUT_FILE', value: '/out/$(EXPORT_DATE).$(FORMAT)' },
    { name: 'PRICE', value: '$$(FORMAT) is $(NOWHERE)' },
  ]);
  expect(sidecar.env).toEqual([
    { name: 'EXPORT_DATE', value: '2026-11-30' },
    { name: 'FORMAT', value: 'csv' },
  ]); // LIMIT is for the export container only
  // No templating: the args still say $(NAME); Kubernetes expands them when it runs.
  expect(main.args).toEqual(before.spec.template.spec.containers[0].args);
  expect(
    JSON.parse(created.metadata.annotations['job-assistant/parameters']),
  ).toEqual({ EXPORT_DATE: '2026-11-30', FORMAT: 'csv', LIMIT: 10 });

  const logs = await eventually(async () => {
    const r = await request(backend.server)
      .get(`${api}/runs/sandbox/shop/${res.body.name}/logs`)
      .query({ entityRef: SHOP, container: 'export' })
      .set('authorization', jane);
    return r.body.text ? r.body.text : undefined;
  }, 20000);
  expect(logs).toContain('day 2026-11-30 as csv up to 10');
  expect(logs).toContain('to /out/2026-11-30.csv');
  expect(logs).toContain('price $(FORMAT) is $(NOWHERE)');

  // The definition, byte for byte.
  const after = await admin.getJob('shop', 'report');
  expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  expect(JSON.stringify(after.spec)).toBe(JSON.stringify(before.spec));

  // History keeps the values the backend validated.
  const history = await eventually(async () => {
    const r = await request(backend.server)
      .get(`${api}/definitions/sandbox/shop/job/report/runs`)
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    return r.body.items?.find((x: any) => x.name === res.body.name);
  });
  expect(history.parameters).toEqual({
    EXPORT_DATE: '2026-11-30',
    FORMAT: 'csv',
    LIMIT: 10,
  });
});

it.each([
  [{}, 'parameters.EXPORT_DATE: required'],
  [
    { EXPORT_DATE: 'tomorrow' },
    'parameters.EXPORT_DATE: must be a date as YYYY-MM-DD',
  ],
  [
    { EXPORT_DATE: '2026-11-30', LIMIT: 0 },
    'parameters.LIMIT: must be at least 1',
  ],
  [
    { EXPORT_DATE: '2026-11-30', SHELL: 'rm -rf /' },
    'parameters.SHELL: unknown parameter',
  ],
  [{ EXPORT_DATE: ['2026-11-30'] }, 'Invalid body: parameters.EXPORT_DATE'],
])(
  'refuses %j with a 400 naming the parameter, creating nothing',
  async (parameters, message) => {
    const since = admin.sandbox.requests.length;
    const res = await run('report', parameters);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
    expect(admin.mutatingRequestsSince(since)).toEqual([]);
  },
);

it('refuses parameters for a definition that takes none', async () => {
  const res = await run('export', { A: 'x' });
  expect(res.status).toBe(400);
  expect(res.body.error.message).toContain('this Job takes no parameters');
});

it('lists a definition with a broken declaration as not runnable, and answers its Run with 422', async () => {
  const list = await request(backend.server)
    .get(`${api}/definitions`)
    .query({ entityRef: SHOP })
    .set('authorization', jane);
  const broken = list.body.items.find(
    (i: any) => i.definition.name === 'broken',
  );
  expect(broken.definition.parametersError).toMatch(
    /^parameters annotation invalid: not YAML or JSON/,
  );
  const report = list.body.items.find(
    (i: any) => i.definition.name === 'report',
  );
  expect(report.definition.parameters).toHaveLength(3);

  const res = await run('broken');
  expect(res.status).toBe(422);
  expect(res.body.error.message).toMatch(
    /^cannot run: parameters annotation invalid/,
  );
});

describe('a pattern that would backtrack', () => {
  // 4,000 characters: (a+)+$ has 2^4000 ways to fail on them, (.*a){20} about 4000^20. A
  // backtracking engine would block the event loop for longer than anyone waits, and with it
  // every other request to the backend; a linear-time one answers in milliseconds.
  const hostile = 'a'.repeat(4000);

  it('answers a hostile value at once, 400 or 201 as the value decides', async () => {
    const started = Date.now();
    const since = admin.sandbox.requests.length;
    for (const parameters of [
      { CODE: `${hostile}!` },
      { TAG: `${hostile}!` },
    ]) {
      const res = await run('lookup', parameters);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /^parameters\.(CODE|TAG): must match /,
      );
    }
    expect(admin.mutatingRequestsSince(since)).toEqual([]);
    const ran = await run('lookup', { CODE: hostile, TAG: hostile });
    expect(ran.status).toBe(201);
    expect(ran.body.parameters).toEqual({ CODE: hostile, TAG: hostile });
    // Generous for a loaded machine; backtracking would not answer within hours.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('lists a definition whose pattern needs backtracking as not runnable (422)', async () => {
    const list = await request(backend.server)
      .get(`${api}/definitions`)
      .query({ entityRef: SHOP })
      .set('authorization', jane);
    const echo = list.body.items.find((i: any) => i.definition.name === 'echo');
    const why =
      'parameters annotation invalid: parameter TWICE: pattern uses a backreference (`\\1`), which RE2 syntax does not have: patterns are matched in linear time';
    expect(echo.definition.parametersError).toBe(why);
    const res = await run('echo', { TWICE: 'aa' });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toBe(`cannot run: ${why}`);
  });
});

describe('schedule control', () => {
  function schedule(name: string, kind: string, suspend: unknown, who = jane) {
    return request(backend.server)
      .post(`${api}/definitions/sandbox/shop/${kind}/${name}/schedule`)
      .set('authorization', who)
      .send({ entityRef: SHOP, suspend });
  }

  it('pauses and resumes a CronJob that allows it, changing only spec.suspend', async () => {
    const before = await admin.request(
      'GET',
      '/apis/batch/v1/namespaces/shop/cronjobs/nightly',
    );
    const resumed = await schedule('nightly', 'cronjob', false);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({
      suspended: false,
      scheduleControl: true,
    });
    expect(resumed.body.nextScheduleTime).toEqual(expect.any(String));
    const paused = await schedule('nightly', 'cronjob', true);
    expect(paused.body.suspended).toBe(true);
    expect(paused.body.nextScheduleTime).toBeUndefined();

    const after = await admin.request(
      'GET',
      '/apis/batch/v1/namespaces/shop/cronjobs/nightly',
    );
    const strip = (c: any) => ({ ...c.spec, suspend: undefined });
    expect(strip(after)).toEqual(strip(before));
    expect(after.metadata.annotations).toEqual(before.metadata.annotations);
  });

  it('refuses a CronJob whose author did not opt in (409), a Job (400) and a bad body (400)', async () => {
    expect((await schedule('locked', 'cronjob', true)).status).toBe(409);
    expect((await schedule('report', 'job', true)).status).toBe(400);
    const bad = await schedule('nightly', 'cronjob', 'yes');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('suspend');
  });
});

/** A policy that allows everything but pausing and resuming schedules. */
const noSchedule = (r: { permission: { name: string } }): PolicyDecision => ({
  result:
    r.permission.name === 'kubernetes-jobs.schedule'
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW,
});

describe('schedule control without the permission', () => {
  it('is refused with 403 before the cluster is touched', async () => {
    const denying = await startTestBackend({
      features: [
        kubernetesJobsPlugin,
        mockServices.rootConfig.factory({ data: admin.config() }),
        catalogServiceMock.factory({
          entities: [
            component('shop', { 'backstage.io/kubernetes-id': 'shop' }),
          ],
        }),
        mockServices.permissions.mock({
          authorize: async requests => requests.map(noSchedule) as any,
          authorizeConditional: async requests =>
            requests.map(noSchedule) as any,
        }).factory,
      ],
    });
    const since = admin.sandbox.requests.length;
    const res = await request(denying.server)
      .post(`${api}/definitions/sandbox/shop/cronjob/nightly/schedule`)
      .set('authorization', mallory)
      .send({ entityRef: SHOP, suspend: false });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'You are not allowed to pause or resume the Jobs of component:default/shop',
    );
    expect(admin.mutatingRequestsSince(since)).toEqual([]);
    await denying.stop();
  });
});
