import { makeRun } from '../__fixtures__/fixtures';
import {
  describeAttemptPhase,
  describeAttempts,
  describeFailure,
  describeKind,
  describeWaiting,
  runTitle,
} from './words';

describe('describeFailure', () => {
  const failed = makeRun({
    state: 'Failed',
    failure: {
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    },
  });

  it("prefers the backend's plain-words summary to Kubernetes' reason", () => {
    const summary =
      'Failed after 2 attempts. Last message: Cache check failed: 1 of 3 nodes unreachable (exit code 1)';
    expect(describeFailure({ ...failed, failureSummary: summary })).toBe(
      summary,
    );
  });

  it("falls back to Kubernetes' message, said as such, never to its reason", () => {
    expect(describeFailure(failed)).toBe(
      'Kubernetes says: Job has reached the specified backoff limit',
    );
    expect(
      describeFailure({ ...failed, failure: { reason: 'DeadlineExceeded' } }),
    ).toBeUndefined();
  });

  it('says nothing for a run that did not fail', () => {
    expect(
      describeFailure({ ...failed, state: 'Killed', failureSummary: 'x' }),
    ).toBeUndefined();
  });
});

describe('describeAttempts', () => {
  it('explains retries in words', () => {
    expect(describeAttempts(makeRun({ attempts: 1 }))).toBe('1 attempt');
    expect(describeAttempts(makeRun({ attempts: 3 }))).toBe(
      '3 attempts (retried 2 times after failing)',
    );
    expect(describeAttempts(makeRun({ attempts: 2 }))).toBe(
      '2 attempts (retried 1 time after failing)',
    );
  });

  it('counts the pods when the backend does not say', () => {
    expect(
      describeAttempts(
        makeRun({
          attempts: undefined,
          pods: {
            active: 0,
            ready: 0,
            succeeded: 0,
            failed: 2,
            terminating: 0,
          },
        }),
      ),
    ).toBe('2 attempts (retried 1 time after failing)');
    expect(
      describeAttempts(
        makeRun({
          attempts: undefined,
          pods: {
            active: 0,
            ready: 0,
            succeeded: 0,
            failed: 0,
            terminating: 0,
          },
        }),
      ),
    ).toBeUndefined();
  });
});

describe('runTitle', () => {
  it('names the Job and when the run started, not its generated name', () => {
    const title = runTitle(
      makeRun({
        name: 'shop-db-migrate-hz6vl',
        startedAt: '2025-12-02T10:04:00Z',
      }),
    );
    expect(title).toMatch(
      /^shop-db-migrate, run of \d{1,2} Dec( 2025)? \d\d:\d\d$/,
    );
    expect(title).not.toContain('hz6vl');
  });
});

describe('plain words for Kubernetes terms', () => {
  it('says one-off or scheduled task', () => {
    expect(describeKind('Job')).toBe('one-off task');
    expect(describeKind('CronJob')).toBe('scheduled task');
  });

  it('does not show a stopped run’s pod as still running', () => {
    expect(describeAttemptPhase('Running', true)).toBe('running');
    expect(describeAttemptPhase('Running', false)).toBe('stopped');
    expect(describeAttemptPhase('Failed', false)).toBe('failed');
  });

  it('explains why a container has not started', () => {
    expect(describeWaiting('ContainerCreating')).toBe('it is being prepared');
    expect(describeWaiting('Unschedulable')).toBe(
      'Kubernetes says Unschedulable',
    );
  });
});
