import { mockCredentials } from '@backstage/backend-test-utils';
import {
  SandboxCluster,
  startSandboxCluster,
} from '@job-assistant/sandbox-cluster';
import path from 'path';
import request from 'supertest';
import {
  sandboxAdmin,
  startSampleBackend,
} from './__testUtils__/sampleBackend';

/**
 * The permission matrix: every route of the kubernetes-jobs API and every action it registers,
 * called by each kind of caller, through the real catalog, permission backend and sample policy
 * on the sandbox cluster. Each cell is the answer the policy promises; a refused call must not
 * send the cluster a single mutating request, and an allowed change must reach it. The routes
 * are read from the router's source and the actions from the registry, so a new route or action
 * without its row here fails this test.
 */
jest.setTimeout(120000);

const API = '/api/kubernetes-jobs';
const ACTIONS = `${API}/.backstage/actions/v1/actions`;
const SHOP = 'component:default/shop';
const NEWSLETTER = 'component:default/newsletter';

type Actor =
  | 'owner'
  | 'other'
  | 'sre'
  | 'anonymous'
  | 'service'
  | 'template'
  | 'forged';

/** Who calls, and with which entity: `forged` owns the newsletter and names it for the shop's Jobs. */
const ACTORS: Record<Actor, { header: string; entityRef: string }> = {
  owner: {
    header: mockCredentials.user.header('user:default/guest'),
    entityRef: SHOP,
  },
  other: {
    header: mockCredentials.user.header('user:default/marco'),
    entityRef: SHOP,
  },
  sre: {
    header: mockCredentials.user.header('user:default/sam'),
    entityRef: SHOP,
  },
  anonymous: { header: mockCredentials.none.header(), entityRef: SHOP },
  // A backend's own token (another plugin, or an external caller given access in
  // backend.auth.externalAccess). Backstage's permissions service allows service principals
  // without asking the policy; external tokens are limited with `accessRestrictions`.
  service: { header: mockCredentials.service.header(), entityRef: SHOP },
  // What the scaffolder sends for a template step: a plugin token on behalf of the user who
  // runs the template, here a non-owner. The policy decides as for the user.
  template: {
    header: mockCredentials.service.header({
      onBehalfOf: mockCredentials.user('user:default/marco'),
      targetPluginId: 'kubernetes-jobs',
    }),
    entityRef: SHOP,
  },
  forged: {
    header: mockCredentials.user.header('user:default/marco'),
    entityRef: NEWSLETTER,
  },
};
const ALL_ACTORS = Object.keys(ACTORS) as Actor[];
/** The callers allowed to change the shop's Jobs: its team, the SRE group, and services. */
const MAY_CHANGE: Actor[] = ['owner', 'sre', 'service'];

let sandbox: SandboxCluster;
let backend: Awaited<ReturnType<typeof startSampleBackend>>;
let server: any;
let admin: ReturnType<typeof sandboxAdmin>;

/** A run of the shop that stays running: refused kills and every read target it. */
let standingRun: string;
/** Per actor allowed to kill: a run of its own to stop (route and action). */
const killTargets: Record<string, string> = {};

/** Who may approve runs of the shop's Jobs: its team and the SRE group, never a service. */
const MAY_APPROVE: Actor[] = ['owner', 'sre'];
/** Who may cancel a request someone else asked for: whoever may stop the shop's runs. */
const MAY_CANCEL: Actor[] = ['owner', 'sre', 'service'];
/** Run requests by target name (`approve-route-owner`, `refused`, `read`, ...). */
const requestTargets: Record<string, string> = {};
/** Definitions that need an approval: one per approver and door (approving starts a run). */
const approvalDefinitions = [
  'four-eyes',
  ...MAY_APPROVE.flatMap(a => [`approve-route-${a}`, `approve-action-${a}`]),
];

const definitionJob = (name: string) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: {
    name,
    labels: { 'backstage.io/kubernetes-id': 'shop' },
    annotations: { 'job-assistant': 'enable' },
  },
  spec: {
    suspend: true,
    backoffLimit: 0,
    template: {
      spec: {
        restartPolicy: 'Never',
        containers: [
          {
            name: 'main',
            image: 'busybox',
            command: ['sh', '-c', 'echo started; sleep 60000'],
          },
        ],
      },
    },
  },
});

/** Asks for a run of a definition needing approval as `who`: waits for someone else. */
async function askForRun(definition: string, who: Actor): Promise<string> {
  const res = await request(server)
    .post(`${API}/definitions/sandbox/shop/job/${definition}/requests`)
    .set('authorization', ACTORS[who].header)
    .send({ entityRef: SHOP });
  if (res.status !== 201 || res.body.state !== 'WaitingForApproval') {
    throw new Error(
      `setup request of ${definition}: ${res.status} ${res.text}`,
    );
  }
  return res.body.id;
}

/** Definitions a Run may start: one per allowed actor and door, so no 409 gets in the way. */
const runTarget = (door: 'route' | 'action', actor: Actor) =>
  MAY_CHANGE.includes(actor) ? `run-${door}-${actor}` : 'run-refused';

async function startRun(definition: string): Promise<string> {
  const res = await request(server)
    .post(`${API}/definitions/sandbox/shop/job/${definition}/runs`)
    .set('authorization', ACTORS.sre.header)
    .send({ entityRef: SHOP });
  if (res.status !== 201) {
    throw new Error(`setup run of ${definition}: ${res.status} ${res.text}`);
  }
  return res.body.name;
}

beforeAll(async () => {
  sandbox = await startSandboxCluster({ timeScale: 0.05 });
  admin = sandboxAdmin(sandbox);
  for (const ns of ['shop', 'marketing']) {
    await admin('POST', '/api/v1/namespaces', { metadata: { name: ns } });
  }
  const names = [
    'standing',
    'run-refused',
    ...MAY_CHANGE.flatMap(a => [
      `run-route-${a}`,
      `run-action-${a}`,
      `kill-route-${a}`,
      `kill-action-${a}`,
    ]),
  ];
  for (const name of names) {
    await admin('POST', '/apis/batch/v1/namespaces/shop/jobs', {
      ...definitionJob(name),
    });
  }
  for (const name of approvalDefinitions) {
    const job = definitionJob(name);
    await admin('POST', '/apis/batch/v1/namespaces/shop/jobs', {
      ...job,
      metadata: {
        ...job.metadata,
        annotations: {
          ...job.metadata.annotations,
          'job-assistant/approval': 'required',
        },
      },
    });
  }
  names.push(...approvalDefinitions);
  await admin('POST', '/apis/batch/v1/namespaces/shop/cronjobs', {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: {
      name: 'nightly',
      labels: { 'backstage.io/kubernetes-id': 'shop' },
      annotations: {
        'job-assistant': 'enable',
        'job-assistant/allow-schedule-control': 'true',
      },
    },
    spec: {
      schedule: '0 2 * * *',
      suspend: false,
      jobTemplate: { spec: definitionJob('x').spec },
    },
  });

  backend = await startSampleBackend({ sandbox });
  server = backend.server;

  // The watch cache lists the definitions in the background.
  const deadline = Date.now() + 30000;
  for (;;) {
    const res = await request(server)
      .get(`${API}/definitions`)
      .query({ entityRef: SHOP })
      .set('authorization', ACTORS.owner.header);
    if (res.status === 200 && res.body.items.length === names.length + 1) {
      break;
    }
    if (Date.now() > deadline) {
      throw new Error(`definitions never listed: ${res.status} ${res.text}`);
    }
    await new Promise(r => setTimeout(r, 250));
  }

  standingRun = await startRun('standing');
  // Requests waiting for approval: each approver's asked for by the other one.
  for (const door of ['route', 'action']) {
    requestTargets[`approve-${door}-owner`] = await askForRun(
      `approve-${door}-owner`,
      'sre',
    );
    requestTargets[`approve-${door}-sre`] = await askForRun(
      `approve-${door}-sre`,
      'owner',
    );
    for (const a of MAY_APPROVE) {
      requestTargets[`reject-${door}-${a}`] = await askForRun(
        'four-eyes',
        a === 'owner' ? 'sre' : 'owner',
      );
    }
    for (const a of MAY_CANCEL) {
      requestTargets[`cancel-${door}-${a}`] = await askForRun(
        'four-eyes',
        'sre',
      );
    }
  }
  // What refused callers aim at, and what reads read: it stays waiting.
  requestTargets.refused = await askForRun('four-eyes', 'sre');
  for (const a of MAY_CHANGE) {
    killTargets[`route-${a}`] = await startRun(`kill-route-${a}`);
    killTargets[`action-${a}`] = await startRun(`kill-action-${a}`);
  }
}, 120000);

afterAll(async () => {
  await backend?.stop();
  await sandbox?.close();
});

interface Call {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
}

interface Operation {
  /** The route (`GET /definitions/...`) or the action id it stands for. */
  name: string;
  /** Whether it changes the cluster when allowed. */
  mutates: boolean;
  call: (actor: Actor) => Call;
  /** The status each caller gets. */
  expected: (actor: Actor) => number;
}

const readStatus =
  (ok: number) =>
  (actor: Actor): number => {
    if (actor === 'anonymous') return 401;
    // Naming its own entity does not reach the shop's Jobs.
    if (actor === 'forged') return 403;
    return ok;
  };
const changeStatus =
  (ok: number) =>
  (actor: Actor): number => {
    if (actor === 'anonymous') return 401;
    return MAY_CHANGE.includes(actor) ? ok : 403;
  };

const decisionStatus =
  (allowed: Actor[]) =>
  (actor: Actor): number => {
    if (actor === 'anonymous') return 401;
    return allowed.includes(actor) ? 200 : 403;
  };

/** The request an actor's call aims at: its own target when allowed, else the refused one. */
const requestTarget = (
  verb: 'approve' | 'reject' | 'cancel',
  door: 'route' | 'action',
  actor: Actor,
) => requestTargets[`${verb}-${door}-${actor}`] ?? requestTargets.refused;

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

const definition = (kind: 'job' | 'cronjob', name: string) =>
  `${API}/definitions/sandbox/shop/${kind}/${name}`;
const run = (name: string) => `${API}/runs/sandbox/shop/${name}`;

const ROUTES: Operation[] = [
  {
    name: 'GET /health',
    mutates: false,
    call: () => ({ method: 'GET', path: `${API}/health` }),
    expected: () => 200,
  },
  {
    name: 'GET /definitions',
    mutates: false,
    call: actor => ({
      method: 'GET',
      path: `${API}/definitions`,
      query: { entityRef: ACTORS[actor].entityRef },
    }),
    // `forged` gets the newsletter's Jobs (none here), never the shop's: checked below.
    expected: actor => (actor === 'anonymous' ? 401 : 200),
  },
  {
    name: 'GET /definitions/:cluster/:namespace/:kind/:name',
    mutates: false,
    call: actor => ({
      method: 'GET',
      path: definition('job', 'standing'),
      query: { entityRef: ACTORS[actor].entityRef },
    }),
    expected: readStatus(200),
  },
  {
    name: 'GET /definitions/:cluster/:namespace/:kind/:name/runs',
    mutates: false,
    call: actor => ({
      method: 'GET',
      path: `${definition('job', 'standing')}/runs`,
      query: { entityRef: ACTORS[actor].entityRef },
    }),
    expected: readStatus(200),
  },
  {
    name: 'POST /definitions/:cluster/:namespace/:kind/:name/runs',
    mutates: true,
    call: actor => ({
      method: 'POST',
      path: `${definition('job', runTarget('route', actor))}/runs`,
      body: { entityRef: ACTORS[actor].entityRef },
    }),
    expected: changeStatus(201),
  },
  {
    name: 'POST /definitions/:cluster/:namespace/:kind/:name/schedule',
    mutates: true,
    call: actor => ({
      method: 'POST',
      path: `${definition('cronjob', 'nightly')}/schedule`,
      body: {
        entityRef: ACTORS[actor].entityRef,
        // Each allowed call changes it: the owner pauses, the SRE resumes, the service pauses.
        suspend: actor !== 'sre',
      },
    }),
    expected: changeStatus(200),
  },
  {
    name: 'GET /runs/:cluster/:namespace/:name',
    mutates: false,
    call: actor => ({
      method: 'GET',
      path: run(standingRun),
      query: { entityRef: ACTORS[actor].entityRef },
    }),
    expected: readStatus(200),
  },
  {
    name: 'POST /runs/:cluster/:namespace/:name/kill',
    mutates: true,
    call: actor => ({
      method: 'POST',
      path: `${run(
        MAY_CHANGE.includes(actor)
          ? killTargets[`route-${actor}`]
          : standingRun,
      )}/kill`,
      body: { entityRef: ACTORS[actor].entityRef },
    }),
    expected: changeStatus(200),
  },
  {
    name: 'POST /definitions/:cluster/:namespace/:kind/:name/requests',
    // A run an hour from now: nothing reaches the cluster until then.
    mutates: false,
    call: actor => ({
      method: 'POST',
      path: `${definition('job', 'standing')}/requests`,
      body: { entityRef: ACTORS[actor].entityRef, at: inAnHour() },
    }),
    expected: changeStatus(201),
  },
  {
    name: 'GET /definitions/:cluster/:namespace/:kind/:name/requests',
    mutates: false,
    call: actor => ({
      method: 'GET',
      path: `${definition('job', 'four-eyes')}/requests`,
      query: { entityRef: ACTORS[actor].entityRef },
    }),
    expected: readStatus(200),
  },
  {
    name: 'GET /requests',
    mutates: false,
    call: () => ({
      method: 'GET',
      path: `${API}/requests`,
      query: { waitingForMe: 'true' },
    }),
    // Filtered per caller: checked below.
    expected: actor => (actor === 'anonymous' ? 401 : 200),
  },
  {
    name: 'GET /requests/:id',
    mutates: false,
    call: actor => ({
      method: 'GET',
      path: `${API}/requests/${requestTargets.refused}`,
      query: { entityRef: ACTORS[actor].entityRef },
    }),
    expected: readStatus(200),
  },
  {
    name: 'POST /requests/:id/approve',
    // The last approval starts the run.
    mutates: true,
    call: actor => ({
      method: 'POST',
      path: `${API}/requests/${requestTarget(
        'approve',
        'route',
        actor,
      )}/approve`,
      body: { entityRef: ACTORS[actor].entityRef },
    }),
    expected: decisionStatus(MAY_APPROVE),
  },
  {
    name: 'POST /requests/:id/reject',
    mutates: false,
    call: actor => ({
      method: 'POST',
      path: `${API}/requests/${requestTarget('reject', 'route', actor)}/reject`,
      body: { entityRef: ACTORS[actor].entityRef },
    }),
    expected: decisionStatus(MAY_APPROVE),
  },
  {
    name: 'POST /requests/:id/cancel',
    mutates: false,
    call: actor => ({
      method: 'POST',
      path: `${API}/requests/${requestTarget('cancel', 'route', actor)}/cancel`,
      body: { entityRef: ACTORS[actor].entityRef },
    }),
    expected: decisionStatus(MAY_CANCEL),
  },
  ...['events', 'pods', 'logs'].map(
    (view): Operation => ({
      name: `GET /runs/:cluster/:namespace/:name/${view}`,
      mutates: false,
      call: actor => ({
        method: 'GET',
        path: `${run(standingRun)}/${view}`,
        query: { entityRef: ACTORS[actor].entityRef },
      }),
      expected: readStatus(200),
    }),
  ),
];

const action = (
  id: string,
  mutates: boolean,
  input: (actor: Actor) => Record<string, unknown>,
  expected: (actor: Actor) => number,
): Operation => ({
  name: `kubernetes-jobs:${id}`,
  mutates,
  call: actor => ({
    method: 'POST',
    path: `${ACTIONS}/kubernetes-jobs:${id}/invoke`,
    body: input(actor),
  }),
  expected,
});
const at = (actor: Actor) => ({
  entityRef: ACTORS[actor].entityRef,
  cluster: 'sandbox',
  namespace: 'shop',
});

const ACTION_OPERATIONS: Operation[] = [
  action(
    'list-definitions',
    false,
    actor => ({ entityRef: ACTORS[actor].entityRef }),
    actor => (actor === 'anonymous' ? 401 : 200),
  ),
  action(
    'get-definition',
    false,
    actor => ({ ...at(actor), kind: 'Job', name: 'standing' }),
    readStatus(200),
  ),
  action(
    'get-run',
    false,
    actor => ({ ...at(actor), name: standingRun }),
    readStatus(200),
  ),
  action(
    'get-run-logs',
    false,
    actor => ({ ...at(actor), name: standingRun }),
    readStatus(200),
  ),
  action(
    'run-definition',
    true,
    actor => ({ ...at(actor), kind: 'Job', name: runTarget('action', actor) }),
    changeStatus(200),
  ),
  action(
    'kill-run',
    true,
    actor => ({
      ...at(actor),
      name: MAY_CHANGE.includes(actor)
        ? killTargets[`action-${actor}`]
        : standingRun,
    }),
    changeStatus(200),
  ),
  action(
    'set-schedule',
    true,
    actor => ({
      ...at(actor),
      kind: 'CronJob',
      name: 'nightly',
      // After the routes it is paused: the owner resumes, the SRE pauses, the service resumes.
      suspend: actor === 'sre',
    }),
    changeStatus(200),
  ),
  action(
    'request-run',
    false,
    actor => ({ ...at(actor), kind: 'Job', name: 'standing', at: inAnHour() }),
    changeStatus(200),
  ),
  action(
    'list-run-requests',
    false,
    () => ({ waitingForMe: true }),
    actor => (actor === 'anonymous' ? 401 : 200),
  ),
  action(
    'approve-run-request',
    true,
    actor => ({
      entityRef: ACTORS[actor].entityRef,
      id: requestTarget('approve', 'action', actor),
    }),
    decisionStatus(MAY_APPROVE),
  ),
  action(
    'reject-run-request',
    false,
    actor => ({
      entityRef: ACTORS[actor].entityRef,
      id: requestTarget('reject', 'action', actor),
    }),
    decisionStatus(MAY_APPROVE),
  ),
  action(
    'cancel-run-request',
    false,
    actor => ({
      entityRef: ACTORS[actor].entityRef,
      id: requestTarget('cancel', 'action', actor),
    }),
    decisionStatus(MAY_CANCEL),
  ),
];

/**
 * `METHOD /path` of every route the router declares: the plugin's router itself, built with
 * nothing behind it, lists them in its stack (routes registered in a loop included).
 */
async function declaredRoutes(): Promise<string[]> {
  // The router is not part of the plugin's public API: loaded from its source.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createRouter } = require(path.resolve(
    __dirname,
    '../../../plugins/kubernetes-jobs-backend/src/router/createRouter',
  ));
  const router = await createRouter({ httpAuth: {}, operations: {} });
  const routes: Array<{ path: string; methods: Record<string, boolean> }> =
    router.stack.flatMap((layer: { route?: any }) =>
      layer.route ? [layer.route] : [],
    );
  return routes
    .flatMap(route =>
      Object.keys(route.methods).map(
        method => `${method.toUpperCase()} ${route.path}`,
      ),
    )
    .sort();
}

async function send(actor: Actor, call: Call) {
  const req =
    call.method === 'GET'
      ? request(server)
          .get(call.path)
          .query(call.query ?? {})
      : request(server)
          .post(call.path)
          .send(call.body ?? {});
  return req.set('authorization', ACTORS[actor].header);
}

const mutatingSince = (mark: number) =>
  sandbox.requests
    .slice(mark)
    .filter(r => !['GET', 'HEAD'].includes(r.method))
    .map(r => `${r.method} ${r.path} -> ${r.status}`);

describe('the matrix covers', () => {
  it('every route the router declares', async () => {
    const routes = await declaredRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(18);
    expect(ROUTES.map(r => r.name).sort()).toEqual(routes);
  });

  it('every action the plugin registers', async () => {
    const res = await request(server)
      .get(ACTIONS)
      .set('authorization', ACTORS.owner.header);
    expect(res.status).toBe(200);
    expect(ACTION_OPERATIONS.map(a => a.name).sort()).toEqual(
      res.body.actions.map((a: { id: string }) => a.id).sort(),
    );
  });
});

const cells = [...ROUTES, ...ACTION_OPERATIONS].flatMap(operation =>
  ALL_ACTORS.map(actor => ({
    operation,
    actor,
    status: operation.expected(actor),
  })),
);

describe.each(cells)(
  '$operation.name as $actor',
  ({ operation, actor, status }) => {
    it(`answers ${status}`, async () => {
      const mark = sandbox.requests.length;
      const res = await send(actor, operation.call(actor));
      expect({ status: res.status, body: res.body }).toEqual(
        expect.objectContaining({ status }),
      );

      // Refused, or a read: nothing that changes the cluster was sent; allowed changes were.
      const changesCluster = status < 400 && operation.mutates;
      expect(mutatingSince(mark).length > 0).toBe(changesCluster);
      // Whoever asks, no token, certificate or Kubernetes Status body comes back.
      expect(res.text).not.toMatch(/sandbox-admin-token|BEGIN CERTIFICATE/);
      expect(res.text).not.toContain('"kind":"Status"');
      // A refusal says why.
      expect(
        status !== 403 || /not allowed|does not belong to/.test(res.text),
      ).toBe(true);
    });
  },
);

describe('what the answers hold', () => {
  it('lists to each caller only the requests waiting for them', async () => {
    const waiting = async (actor: Actor) =>
      (
        await request(server)
          .get(`${API}/requests`)
          .query({ waitingForMe: 'true' })
          .set('authorization', ACTORS[actor].header)
      ).body.items.map((r: { id: string }) => r.id);
    // The SRE asked for it: it waits for the shop's team, never for the one who asked.
    expect(await waiting('owner')).toContain(requestTargets.refused);
    expect(await waiting('sre')).not.toContain(requestTargets.refused);
    expect(await waiting('other')).toEqual([]);
    expect(await waiting('template')).toEqual([]);
  });

  it('left the request refused callers aimed at waiting, undecided', async () => {
    const res = await request(server)
      .get(`${API}/requests/${requestTargets.refused}`)
      .query({ entityRef: SHOP })
      .set('authorization', ACTORS.owner.header);
    expect(res.body).toMatchObject({
      state: 'WaitingForApproval',
      decisions: [],
    });
  });

  it("lists none of the shop's Jobs to a caller naming another entity", async () => {
    const res = await request(server)
      .get(`${API}/definitions`)
      .query({ entityRef: NEWSLETTER })
      .set('authorization', ACTORS.forged.header);
    expect(res.status).toBe(200);
    expect(
      res.body.items.map(
        (i: { definition: { namespace: string } }) => i.definition.namespace,
      ),
    ).not.toContain('shop');
  });

  it('leaves the run refused kills aimed at still running', async () => {
    const res = await request(server)
      .get(run(standingRun))
      .query({ entityRef: SHOP })
      .set('authorization', ACTORS.owner.header);
    expect(res.status).toBe(200);
    expect(res.body.state).toMatch(/^(Pending|Running)$/);
    const job = await admin(
      'GET',
      `/apis/batch/v1/namespaces/shop/jobs/${standingRun}`,
    );
    expect(job.spec.suspend).not.toBe(true);
  });

  it('started no run of the definition only refused callers asked for', async () => {
    const res = await request(server)
      .get(`${definition('job', 'run-refused')}/runs`)
      .query({ entityRef: SHOP })
      .set('authorization', ACTORS.owner.header);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });
});
