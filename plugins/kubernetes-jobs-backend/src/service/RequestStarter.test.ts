import { TestDatabases } from '@backstage/backend-test-utils';
import { ServiceUnavailableError } from '@backstage/errors';
import { ClusterTimeoutError } from '../errors';
import {
  JANE,
  SAM,
  SHOP,
  at,
  definitionJob,
  requestsFixture,
  shopSelector,
} from '../__testUtils__/runRequests';

/**
 * What happens at a request's time: it starts exactly once, as Run does, or ends NotStarted with
 * the reason in words, the requester told and the backend's audit event saying so.
 */

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});
const HOUR = 3600 * 1000;
const PARAMETERS = (options: string[]) => ({
  'job-assistant/parameters': JSON.stringify([
    { name: 'FORMAT', type: 'enum', options },
  ]),
});

/** A request for `name` in an hour (approved by Sam when the Job needs it), and the clock at its time. */
async function scheduled(
  annotations: Record<string, string> = {},
  input: { parameters?: Record<string, string> } = {},
) {
  const f = await requestsFixture({ databases });
  f.cluster.put('Job', definitionJob('migrate', annotations));
  const time = new Date(f.clock.now.getTime() + HOUR).toISOString();
  let request = await f.operations.request(f.as(JANE), at('migrate'), {
    entityRef: SHOP,
    at: time,
    ...input,
  });
  if (request.state === 'WaitingForApproval') {
    request = await f.operations.approve(f.as(SAM), request.id, {
      entityRef: SHOP,
    });
  }
  expect(request.state).toBe('Scheduled');
  f.advance(HOUR);
  const outcome = async () => {
    await f.starter.sweep();
    return f.requests.get(request.id, SHOP);
  };
  return { ...f, request, time, outcome };
}

const lastStart = (audits: Array<{ eventId: string }>) =>
  audits.filter(a => a.eventId === 'job-run-request-start').pop();

describe('at its time', () => {
  it('asks for a sweep at its time when it is due before the next tick would come', async () => {
    const f = await scheduled();
    expect(f.dueAt).toEqual([new Date(f.time)]);
  });

  it('starts once, however many sweeps overlap', async () => {
    const f = await scheduled();
    await Promise.all([
      f.starter.sweep(),
      f.starter.sweep(),
      f.starter.sweep(),
    ]);
    await f.starter.sweep();
    expect(f.cluster.calls.createJob).toBe(1);
    expect(f.changes.filter(c => c.change === 'started')).toHaveLength(1);
    expect(await f.requests.get(f.request.id, SHOP)).toMatchObject({
      state: 'Started',
    });
  });

  it('does not start when its parameters are no longer valid for the Job as it is then', async () => {
    const f = await scheduled(PARAMETERS(['csv', 'xml']), {
      parameters: { FORMAT: 'xml' },
    });
    // The author dropped xml; the spec is the same.
    f.cluster.put('Job', definitionJob('migrate', PARAMETERS(['csv'])));
    expect(await f.outcome()).toMatchObject({
      state: 'NotStarted',
      stateReason: expect.stringMatching(
        /^its parameters are no longer valid for the Job: parameters\.FORMAT: /,
      ),
    });
    expect(f.cluster.calls.createJob).toBe(0);
    expect(lastStart(f.audits)).toMatchObject({
      outcome: 'fail',
      meta: { requestId: f.request.id, requestedBy: JANE },
    });
    expect(f.changes.pop()).toMatchObject({ change: 'not-started' });
  });

  it('does not start what changed after it was approved', async () => {
    const f = await scheduled({ 'job-assistant/approval': 'required' });
    f.cluster.put(
      'Job',
      definitionJob(
        'migrate',
        { 'job-assistant/approval': 'required' },
        'busybox:evil',
      ),
    );
    expect(await f.outcome()).toMatchObject({
      state: 'NotStarted',
      stateReason: 'the Job changed after it was approved',
    });
    expect(f.cluster.calls.createJob).toBe(0);
  });

  it('does not start a definition deleted and made again, however alike', async () => {
    const f = await scheduled();
    f.cluster.remove('Job', 'shop', 'migrate');
    f.cluster.put('Job', definitionJob('migrate'));
    expect(await f.outcome()).toMatchObject({
      state: 'NotStarted',
      stateReason: 'the Job changed after it was asked for',
    });
  });

  it('does not start while another run is still going, naming it', async () => {
    const f = await scheduled();
    const other = await f.actions.run(shopSelector, at('migrate'), {
      triggeredBy: SAM,
    });
    expect(await f.outcome()).toMatchObject({
      state: 'NotStarted',
      stateReason: `another run was still going: ${other.name}`,
    });
    expect(f.cluster.calls.createJob).toBe(1);
  });

  it('does not start when the Job now needs more approvals than it got', async () => {
    const f = await scheduled();
    f.cluster.put(
      'Job',
      definitionJob('migrate', { 'job-assistant/approval': '2' }),
    );
    expect(await f.outcome()).toMatchObject({
      state: 'NotStarted',
      stateReason:
        'the Job now needs 2 approvals (the Job asks for 2 approvals); this request has 0',
    });
  });

  it('does not start more than an hour late (the backend was down at its time)', async () => {
    const f = await scheduled();
    f.advance(HOUR + 1000);
    expect(await f.outcome()).toMatchObject({
      state: 'NotStarted',
      stateReason: expect.stringContaining(
        'passed more than an hour before the backend could start it',
      ),
    });
  });

  it('does not start when the entity left the catalog', async () => {
    const f = await scheduled();
    await f.knex('kubernetes_jobs_run_requests').update({
      entity_ref: 'component:default/gone',
    });
    expect(
      await f.requests
        .get(f.request.id, 'component:default/gone')
        .then(async () => {
          await f.starter.sweep();
          return f.requests.get(f.request.id, 'component:default/gone');
        }),
    ).toMatchObject({
      state: 'NotStarted',
      stateReason:
        'the catalog no longer has component:default/gone, the entity it was asked through',
    });
  });

  it('tries again when the cluster could not be reached, and starts once it can', async () => {
    const f = await scheduled();
    f.cluster.failNext(
      'readJob',
      new ServiceUnavailableError("Cluster 'prod' is unreachable"),
    );
    expect(await f.outcome()).toMatchObject({ state: 'Scheduled' });
    expect(lastStart(f.audits)).toMatchObject({ outcome: 'fail' });
    expect(await f.outcome()).toMatchObject({ state: 'Started' });
    expect(f.cluster.calls.createJob).toBe(1);
  });

  it('does not try again when creating the Job timed out (it may exist): NotStarted, saying so', async () => {
    const f = await scheduled();
    f.cluster.failNext(
      'createJob',
      new ClusterTimeoutError("Cluster 'prod' did not answer within 10 s"),
    );
    expect(await f.outcome()).toMatchObject({
      state: 'NotStarted',
      stateReason: expect.stringContaining('did not answer within 10 s'),
    });
    await f.starter.sweep();
    expect(f.cluster.calls.createJob).toBe(1);
  });
});

describe('a replica that stopped while starting a request', () => {
  it('is settled by the next sweep: NotStarted when no run was created, Started with the run when one was', async () => {
    const f = await scheduled();
    // A replica claimed it and died before creating anything.
    await f.knex('kubernetes_jobs_run_requests').update({
      claimed_at: new Date(f.clock.now.getTime() - 10 * 60 * 1000),
    });
    expect(await f.outcome()).toMatchObject({
      state: 'NotStarted',
      stateReason: 'the backend starting it stopped before the run was created',
    });
    expect(f.cluster.calls.createJob).toBe(0);

    const g = await scheduled();
    const run = await g.actions.run(shopSelector, at('migrate'), {
      triggeredBy: JANE,
      request: { id: g.request.id, approvedBy: [], check: () => {} },
    });
    await g.knex('kubernetes_jobs_run_requests').update({
      claimed_at: new Date(g.clock.now.getTime() - 10 * 60 * 1000),
    });
    expect(await g.outcome()).toMatchObject({
      state: 'Started',
      run: { name: run.name },
    });
  });
});
