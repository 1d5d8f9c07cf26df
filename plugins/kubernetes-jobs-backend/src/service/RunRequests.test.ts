import { TestDatabases, mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { RUN_ANNOTATIONS } from '@job-assistant/plugin-kubernetes-jobs-common';
import {
  ALEX,
  JANE,
  MARCO,
  SAM,
  SHOP,
  at,
  definitionJob,
  requestsFixture,
  shopSelector,
} from '../__testUtils__/runRequests';

/**
 * Run requests through the operations that authorize and audit them, over SQLite, an in-memory
 * cluster and a clock the test moves: each state change, each refusal and its audit event.
 */

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});
const HOUR = 3600 * 1000;
const APPROVAL = { 'job-assistant/approval': 'required' };
const SRE_ONLY = {
  'job-assistant/approval': 'required',
  'job-assistant/approvers': 'group:default/sre',
};

async function setup(options: Parameters<typeof requestsFixture>[0] = {}) {
  const f = await requestsFixture({ databases, ...options });
  const ask = (
    name: string,
    input: { at?: string; parameters?: Record<string, string> } = {},
    who = JANE,
  ) => f.operations.request(f.as(who), at(name), { entityRef: SHOP, ...input });
  const approve = (id: string, who: string, comment?: string) =>
    f.operations.approve(f.as(who), id, { entityRef: SHOP, comment });
  const lastAudit = () => f.audits[f.audits.length - 1];
  return { ...f, ask, approve, lastAudit };
}

describe('asking for a run', () => {
  it('schedules a run for later when the Job needs no approval', async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate'));
    const later = new Date(f.clock.now.getTime() + 6 * HOUR).toISOString();

    const request = await f.ask('migrate', { at: later });

    expect(request).toMatchObject({
      cluster: 'prod',
      namespace: 'shop',
      definition: { kind: 'Job', name: 'migrate' },
      entityRef: SHOP,
      requestedBy: JANE,
      requestedAt: f.clock.now.toISOString(),
      notBefore: later,
      decisions: [],
      state: 'Scheduled',
    });
    expect(request.approval).toBeUndefined();
    expect(request).not.toHaveProperty('specFingerprint');
    expect(f.cluster.calls.createJob).toBe(0);
    expect(f.lastAudit()).toMatchObject({
      eventId: 'job-run-request',
      meta: { action: 'request', entityRef: SHOP, name: 'migrate', at: later },
      outcome: 'success',
      result: { requestId: request.id, state: 'Scheduled' },
    });
    expect(f.changes).toEqual([
      { id: request.id, change: 'requested', state: 'Scheduled' },
    ]);
  });

  it('starts at once when it needs neither a time nor an approval', async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate'));
    const request = await f.ask('migrate');
    expect(request.state).toBe('Started');
    const job = f.cluster.get('Job', 'shop', request.run!.name)!;
    expect(job.metadata?.annotations).toMatchObject({
      [RUN_ANNOTATIONS.triggeredBy]: JANE,
      [RUN_ANNOTATIONS.requestId]: request.id,
    });
    expect(job.metadata?.annotations).not.toHaveProperty(
      RUN_ANNOTATIONS.approvedBy,
    );
  });

  it.each([
    ['a time in the past', -60_000, /^at: .* is in the past/],
    ['a time beyond the horizon', 31 * 24 * HOUR, /more than 30 days ahead/],
  ])('refuses %s naming at, audited', async (_what, offset, message) => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate'));
    const when = new Date(f.clock.now.getTime() + offset).toISOString();
    await expect(f.ask('migrate', { at: when })).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(message),
    });
    expect(f.lastAudit()).toMatchObject({
      eventId: 'job-run-request',
      outcome: 'fail',
    });
    expect(await f.knex('kubernetes_jobs_run_requests')).toEqual([]);
  });

  it('checks parameters when asked, naming the one that is wrong', async () => {
    const f = await setup();
    f.cluster.put(
      'Job',
      definitionJob('report', {
        'job-assistant/parameters': JSON.stringify([
          { name: 'FORMAT', type: 'enum', options: ['csv', 'json'] },
        ]),
      }),
    );
    await expect(
      f.ask('report', { parameters: { FORMAT: 'xml' } }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('parameters.FORMAT'),
    });
  });

  it('needs the run permission', async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate'));
    f.policy.decide = permission =>
      permission === 'kubernetes-jobs.run'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW;
    await expect(f.ask('migrate')).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: `You are not allowed to run the Jobs of ${SHOP}`,
    });
    expect(f.lastAudit()).toMatchObject({ outcome: 'fail' });
  });

  it('waits for approval where the Job or the cluster asks for it; the stricter wins', async () => {
    const f = await setup({
      approvals: [
        { cluster: 'prod', count: 2, approverGroups: ['group:default/dba'] },
      ],
    });
    f.cluster.put('Job', definitionJob('migrate', SRE_ONLY));
    const request = await f.ask('migrate');
    expect(request).toMatchObject({
      state: 'WaitingForApproval',
      approval: {
        required: 2,
        approverGroups: ['group:default/dba', 'group:default/sre'],
        reason:
          'the Job asks for one approval and every run on cluster prod needs 2 approvals',
      },
      expiresAt: new Date(f.clock.now.getTime() + 24 * HOUR).toISOString(),
    });
    expect(f.changes).toMatchObject([{ change: 'requested' }]);
  });

  it('expires at its time at the latest: an approval after it would start it late', async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate', APPROVAL));
    const soon = new Date(f.clock.now.getTime() + 2 * HOUR).toISOString();
    const request = await f.ask('migrate', { at: soon });
    expect(request.expiresAt).toBe(soon);
  });
});

describe('Run on a Job that needs approval', () => {
  it('is refused with a conflict saying to ask for a run: no door around an approval', async () => {
    const f = await setup({
      approvals: [{ cluster: 'prod', count: 1, approverGroups: [] }],
    });
    f.cluster.put('Job', definitionJob('migrate'));
    await expect(
      f.actions.run(shopSelector, at('migrate'), { triggeredBy: JANE }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        'This Job needs approval (every run on cluster prod needs approval): ask for a run (POST /definitions/prod/shop/job/migrate/requests)',
      ),
    });
    expect(f.cluster.calls.createJob).toBe(0);
  });
});

describe('approving', () => {
  it('starts the run on the last approval: triggered by the requester, approvers recorded on the run and its Job', async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate', SRE_ONLY));
    const request = await f.ask('migrate');

    const approved = await f.approve(request.id, SAM, 'checked the migration');

    expect(approved).toMatchObject({
      state: 'Started',
      run: { name: expect.stringMatching(/^migrate-/) },
      decisions: [
        { by: SAM, decision: 'approve', comment: 'checked the migration' },
      ],
    });
    const job = f.cluster.get('Job', 'shop', approved.run!.name)!;
    expect(job.metadata?.annotations).toMatchObject({
      [RUN_ANNOTATIONS.triggeredBy]: JANE,
      [RUN_ANNOTATIONS.approvedBy]: SAM,
      [RUN_ANNOTATIONS.requestId]: request.id,
    });
    // The approval annotations are the definition's, not the run's.
    expect(job.metadata?.annotations).not.toHaveProperty(
      'job-assistant/approval',
    );
    expect(
      await f.runs.findRun({
        cluster: 'prod',
        namespace: 'shop',
        name: approved.run!.name,
      }),
    ).toMatchObject({
      triggeredBy: JANE,
      approvedBy: [SAM],
      requestId: request.id,
    });
    expect(f.audits.map(a => [a.eventId, a.outcome])).toEqual([
      ['job-run-request', 'success'],
      // The start is audited as the backend's, inside the approval that caused it.
      ['job-run-request-approve', 'success'],
      ['job-run-request-start', 'success'],
    ]);
    expect(f.audits[1]).toMatchObject({
      meta: { requestId: request.id, comment: 'checked the migration' },
      result: { state: 'Started', run: approved.run!.name },
    });
    expect(f.changes.map(c => c.change)).toEqual([
      'requested',
      'approved',
      'started',
    ]);
  });

  it('refuses self-approval always, whatever the policy says (an admin of everything too)', async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate', SRE_ONLY));
    // Jane is in the approver group and the policy allows her everything.
    const request = await f.ask('migrate');
    await expect(f.approve(request.id, JANE)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        'Nobody approves their own request: someone else must approve it',
    });
    expect(f.lastAudit()).toMatchObject({
      eventId: 'job-run-request-approve',
      outcome: 'fail',
      error: 'Nobody approves their own request: someone else must approve it',
    });
    expect((await f.requests.get(request.id, SHOP)).decisions).toEqual([]);
  });

  it('refuses an approver the policy does not allow', async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate', APPROVAL));
    const request = await f.ask('migrate');
    f.policy.decide = (permission, user) =>
      permission === 'kubernetes-jobs.approve' && user === MARCO
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW;
    await expect(f.approve(request.id, MARCO)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: `You are not allowed to approve runs of the Jobs of ${SHOP}`,
    });
    expect(f.lastAudit()).toMatchObject({
      eventId: 'job-run-request-approve',
      outcome: 'fail',
    });
  });

  it('refuses an approver outside the approver groups the Job names, though the policy allows', async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate', SRE_ONLY));
    const request = await f.ask('migrate');
    await expect(f.approve(request.id, MARCO)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: 'Only members of group:default/sre may approve this run',
    });
    expect(f.lastAudit()).toMatchObject({ outcome: 'fail' });
  });

  it('refuses a service: an approval is a person’s', async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate', APPROVAL));
    const request = await f.ask('migrate');
    await expect(
      f.operations.approve(
        { credentials: mockCredentials.service(), actionId: 'x' },
        request.id,
        { entityRef: SHOP },
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        "You are not allowed to approve a run without signing in: an approval is a person's decision",
    });
  });

  it('counts each person once: two approvals from two people, a second from the same one refused', async () => {
    const f = await setup();
    f.cluster.put(
      'Job',
      definitionJob('migrate', { 'job-assistant/approval': '2' }),
    );
    const request = await f.ask('migrate');

    const first = await f.approve(request.id, SAM);
    expect(first).toMatchObject({ state: 'WaitingForApproval' });
    await expect(f.approve(request.id, SAM)).rejects.toMatchObject({
      name: 'ConflictError',
      message: `${SAM} already decided on this run request; one decision per person`,
    });
    const second = await f.approve(request.id, ALEX);
    expect(second).toMatchObject({ state: 'Started' });
    const job = f.cluster.get('Job', 'shop', second.run!.name)!;
    expect(job.metadata?.annotations?.[RUN_ANNOTATIONS.approvedBy]).toBe(
      `${SAM},${ALEX}`,
    );
    expect(
      f.audits
        .filter(a => a.eventId === 'job-run-request-approve')
        .map(a => a.outcome),
    ).toEqual(['success', 'fail', 'success']);
    expect(f.changes.map(c => c.change)).toEqual([
      'requested',
      'approved-once',
      'approved',
      'started',
    ]);
  });

  it('refuses an approval after expiry; the sweep expires it, tells the requester, audits as the backend', async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate', APPROVAL));
    const request = await f.ask('migrate');
    f.advance(24 * HOUR);

    await expect(f.approve(request.id, SAM)).rejects.toMatchObject({
      name: 'ConflictError',
      message: `This run request expired at ${request.expiresAt}: ask for the run again`,
    });
    await f.starter.sweep();
    expect(await f.requests.get(request.id, SHOP)).toMatchObject({
      state: 'Expired',
      stateReason: 'nobody approved it in time',
    });
    expect(f.lastAudit()).toMatchObject({
      eventId: 'job-run-request-expire',
      meta: { requestId: request.id, requestedBy: JANE },
      outcome: 'success',
    });
    expect(f.changes.map(c => c.change)).toEqual(['requested', 'expired']);
    // Expired is final: a second sweep changes nothing.
    await f.starter.sweep();
    expect(f.changes).toHaveLength(2);
  });

  it('waits for its time once approved, then the sweep starts it', async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate', APPROVAL));
    const later = new Date(f.clock.now.getTime() + 6 * HOUR).toISOString();
    const request = await f.ask('migrate', { at: later });
    const approved = await f.approve(request.id, SAM);
    expect(approved).toMatchObject({ state: 'Scheduled', notBefore: later });

    f.advance(6 * HOUR - 1000);
    await f.starter.sweep();
    expect(f.cluster.calls.createJob).toBe(0);
    f.advance(1000);
    await f.starter.sweep();
    expect(await f.requests.get(request.id, SHOP)).toMatchObject({
      state: 'Started',
      run: { name: expect.any(String) },
    });
    expect(f.cluster.calls.createJob).toBe(1);
    expect(f.lastAudit()).toMatchObject({
      eventId: 'job-run-request-start',
      outcome: 'success',
    });
  });
});

describe('rejecting', () => {
  it('ends the request with the comment; it can no longer be approved', async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate', APPROVAL));
    const request = await f.ask('migrate');
    const rejected = await f.operations.reject(f.as(SAM), request.id, {
      entityRef: SHOP,
      comment: 'not during the sale',
    });
    expect(rejected).toMatchObject({
      state: 'Rejected',
      stateReason: `rejected by ${SAM}: not during the sale`,
      decisions: [
        { by: SAM, decision: 'reject', comment: 'not during the sale' },
      ],
    });
    expect(f.lastAudit()).toMatchObject({
      eventId: 'job-run-request-reject',
      outcome: 'success',
      result: { state: 'Rejected' },
    });
    await expect(f.approve(request.id, ALEX)).rejects.toMatchObject({
      name: 'ConflictError',
      message: 'This run request is not waiting for approval: it was rejected',
    });
  });

  it('refuses the requester: they cancel instead', async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate', APPROVAL));
    const request = await f.ask('migrate');
    await expect(
      f.operations.reject(f.as(JANE), request.id, { entityRef: SHOP }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
  });
});

describe('cancelling', () => {
  it('lets the requester cancel', async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate', APPROVAL));
    const request = await f.ask('migrate');
    const cancelled = await f.operations.cancel(f.as(JANE), request.id, {
      entityRef: SHOP,
    });
    expect(cancelled).toMatchObject({
      state: 'Cancelled',
      stateReason: `cancelled by ${JANE}`,
    });
    expect(f.lastAudit()).toMatchObject({
      eventId: 'job-run-request-cancel',
      outcome: 'success',
    });
  });

  it('refuses someone else without the kill permission; lets one with it cancel', async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate'));
    const later = new Date(f.clock.now.getTime() + HOUR).toISOString();
    const request = await f.ask('migrate', { at: later });
    f.policy.decide = permission =>
      permission === 'kubernetes-jobs.kill'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW;
    await expect(
      f.operations.cancel(f.as(MARCO), request.id, { entityRef: SHOP }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: `You are not allowed to cancel this run request: only ${JANE}, who asked for it, or someone who may stop the runs of ${SHOP}'s Jobs may`,
    });
    expect(f.lastAudit()).toMatchObject({
      eventId: 'job-run-request-cancel',
      outcome: 'fail',
    });
    f.policy.decide = () => AuthorizeResult.ALLOW;
    expect(
      await f.operations.cancel(f.as(SAM), request.id, { entityRef: SHOP }),
    ).toMatchObject({ state: 'Cancelled', stateReason: `cancelled by ${SAM}` });
    // Cancelled: the sweep at its time starts nothing.
    f.advance(HOUR);
    await f.starter.sweep();
    expect(f.cluster.calls.createJob).toBe(0);
  });

  it('refuses once it started', async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate'));
    const request = await f.ask('migrate');
    await expect(
      f.operations.cancel(f.as(JANE), request.id, { entityRef: SHOP }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: `This run request can no longer be cancelled: it started run ${
        request.run!.name
      }`,
    });
  });
});

describe('reading', () => {
  it('refuses a request named through another entity', async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate', APPROVAL));
    const request = await f.ask('migrate');
    await expect(
      f.operations.get(
        f.as(MARCO).credentials,
        request.id,
        'component:default/shop2',
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' }); // not in the catalog
    await expect(
      f.requests.get(request.id, 'component:default/newsletter'),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: `Run request '${request.id}' does not belong to component:default/newsletter`,
    });
  });

  it('lists what waits for me: not my own, not decided by me, in my groups, allowed by the policy', async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('sre-only', SRE_ONLY));
    f.cluster.put(
      'Job',
      definitionJob('anyone', { 'job-assistant/approval': '2' }),
    );
    f.cluster.put('Job', definitionJob('later'));
    const sreOnly = await f.ask('sre-only');
    f.advance(1000);
    const anyone = await f.ask('anyone');
    f.advance(1000);
    const mine = await f.ask('anyone', {}, MARCO);
    f.advance(1000);
    await f.ask('later', {
      at: new Date(f.clock.now.getTime() + HOUR).toISOString(),
    });
    await f.approve(anyone.id, SAM);

    const ids = async (who: string) =>
      (
        await f.operations.listPending(f.as(who).credentials, {
          waitingForMe: true,
        })
      ).items.map(r => r.id);
    expect(await ids(SAM)).toEqual([mine.id, sreOnly.id]);
    expect(await ids(MARCO)).toEqual([anyone.id]);
    expect(await ids(ALEX)).toEqual([mine.id, anyone.id, sreOnly.id]);
    f.policy.decide = permission =>
      permission === 'kubernetes-jobs.approve'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW;
    expect(await ids(ALEX)).toEqual([]);
    // Without the filter: every request still waiting, the scheduled one too.
    const all = await f.operations.listPending(f.as(ALEX).credentials, {});
    expect(all.items).toHaveLength(4);
    // Nothing the caller may not read.
    f.policy.decide = () => AuthorizeResult.DENY;
    expect(
      (await f.operations.listPending(f.as(ALEX).credentials, {})).items,
    ).toEqual([]);
  });

  it("lists a definition's requests, those still waiting first", async () => {
    const f = await setup();
    f.cluster.put('Job', definitionJob('migrate', APPROVAL));
    const first = await f.ask('migrate');
    f.advance(1000);
    const second = await f.ask('migrate');
    f.advance(1000);
    await f.operations.cancel(f.as(JANE), second.id, { entityRef: SHOP });
    const third = await f.ask('migrate');
    const list = await f.operations.listForDefinition(
      f.as(SAM).credentials,
      at('migrate'),
      SHOP,
    );
    expect(list.items.map(r => [r.id, r.state])).toEqual([
      [third.id, 'WaitingForApproval'],
      [first.id, 'WaitingForApproval'],
      [second.id, 'Cancelled'],
    ]);
  });
});
