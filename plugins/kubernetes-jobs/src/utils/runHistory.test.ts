import { DefinitionStats } from '@job-assistant/plugin-kubernetes-jobs-common';
import { makeRun } from '../__fixtures__/fixtures';
import {
  describeChartRun,
  describeRecentRuns,
  describeWeeklySuccess,
  hasHistoryToDraw,
  recentRuns,
  weeklySuccessRates,
} from './runHistory';

function stats(overrides: Partial<DefinitionStats> = {}): DefinitionStats {
  return {
    counts: { total: 40, active: 0, succeeded: 36, failed: 2, killed: 2 },
    typicalDurationSeconds: 240,
    slowAfterSeconds: 300,
    ...overrides,
  };
}

/** A run of `seconds`, `index` minutes after a fixed time: runs[i] follows runs[i - 1]. */
function run(
  index: number,
  state: 'Succeeded' | 'Failed' | 'Killed' | 'Running',
  seconds = 240,
) {
  const start = Date.parse('2026-12-01T08:00:00Z') + index * 60_000;
  return makeRun({
    name: `run-${index}`,
    state,
    startedAt: new Date(start).toISOString(),
    finishedAt:
      state === 'Running'
        ? undefined
        : new Date(start + seconds * 1000).toISOString(),
    durationSeconds: state === 'Running' ? undefined : seconds,
  });
}

describe('recentRuns', () => {
  it('keeps the newest runs, oldest first', () => {
    const newestFirst = [
      run(3, 'Succeeded'),
      run(2, 'Failed'),
      run(1, 'Killed'),
    ];
    expect(recentRuns(newestFirst, 2).map(r => r.name)).toEqual([
      'run-2',
      'run-3',
    ]);
  });
});

describe('hasHistoryToDraw', () => {
  it('draws nothing until one of the last runs has finished', () => {
    expect(hasHistoryToDraw([])).toBe(false);
    expect(hasHistoryToDraw([run(1, 'Running')])).toBe(false);
    expect(hasHistoryToDraw([run(2, 'Running'), run(1, 'Killed')])).toBe(true);
  });
});

describe('describeRecentRuns', () => {
  it('counts outcomes, says the usual duration and a slow streak', () => {
    const runs = [
      run(0, 'Failed', 200),
      run(1, 'Killed', 20),
      ...Array.from({ length: 15 }, (_, i) => run(2 + i, 'Succeeded')),
      run(17, 'Succeeded', 400),
      run(18, 'Succeeded', 500),
      run(19, 'Succeeded', 310),
    ];
    expect(describeRecentRuns(runs, stats())).toBe(
      'Last 20 runs: 18 succeeded, 1 failed, 1 stopped; usually 4 min; the last 3 were slower than usual.',
    );
  });

  it('passes over stopped and active runs when judging the last runs', () => {
    const runs = [
      run(0, 'Succeeded', 400),
      run(1, 'Killed', 500),
      run(2, 'Running'),
    ];
    expect(
      describeRecentRuns(
        runs,
        stats({
          counts: { total: 3, active: 1, succeeded: 1, failed: 0, killed: 1 },
        }),
      ),
    ).toBe(
      '3 runs: 1 succeeded, 1 stopped, 1 still running; usually 4 min; the last one was slower than usual.',
    );
  });

  it('says how many were slow when the last was not', () => {
    const runs = [run(0, 'Succeeded', 400), run(1, 'Succeeded', 100)];
    expect(
      describeRecentRuns(
        runs,
        stats({
          counts: { total: 2, active: 0, succeeded: 2, failed: 0, killed: 0 },
        }),
      ),
    ).toBe(
      '2 runs: 2 succeeded; usually 4 min; 1 of them was slower than usual.',
    );
  });

  it('says nothing of speed without enough history', () => {
    expect(
      describeRecentRuns(
        [run(0, 'Failed', 999)],
        stats({
          counts: { total: 1, active: 0, succeeded: 0, failed: 1, killed: 0 },
          typicalDurationSeconds: undefined,
          slowAfterSeconds: undefined,
        }),
      ),
    ).toBe('1 run: 1 failed.');
  });
});

describe('describeChartRun', () => {
  const now = Date.parse('2026-12-06T10:00:00Z');

  it('says outcome, when, who and how long in plain words', () => {
    const lines = describeChartRun(
      makeRun({
        state: 'Failed',
        trigger: 'schedule',
        startedAt: '2026-12-02T10:04:00Z',
        durationSeconds: 400,
      }),
      { slowAfterSeconds: 300, now },
    );
    expect(lines[0]).toBe('Failed.');
    expect(lines[1]).toMatch(/^Started 2 Dec \d\d:\d\d by the schedule\.$/);
    expect(lines[2]).toBe('Took 6 min 40 s, slower than usual.');
  });

  it('names the person who started it, and a run still going', () => {
    const lines = describeChartRun(
      makeRun({
        state: 'Running',
        startedAt: '2026-12-06T09:58:00Z',
        finishedAt: undefined,
        durationSeconds: undefined,
      }),
      { personName: 'Jane Doe', now },
    );
    expect(lines[0]).toBe('Still running.');
    expect(lines[1]).toMatch(/by Jane Doe\.$/);
    expect(lines[2]).toBe('Running for 2 min so far.');
  });
});

describe('describeChartRun without history', () => {
  it('does not guess who started a run when history cannot say', () => {
    const lines = describeChartRun(
      makeRun({
        trigger: undefined,
        triggeredBy: undefined,
        startedAt: '2026-12-02T10:04:00Z',
      }),
    );
    expect(lines[1]).toMatch(/^Started 2 Dec \d\d:\d\d\.$/);
  });
});

describe('weeklySuccessRates', () => {
  // Local time, so the weeks are the same whatever the machine's time zone.
  const now = new Date(2026, 11, 6, 12).getTime(); // Sunday 6 Dec 2026
  const at = (month: number, day: number) =>
    new Date(2026, month, day, 9).toISOString();
  const runs = [
    makeRun({ state: 'Succeeded', startedAt: at(11, 1) }), // this week (from Mon 30 Nov)
    makeRun({ state: 'Failed', startedAt: at(11, 6) }),
    makeRun({ state: 'Killed', startedAt: at(11, 2) }),
    makeRun({ state: 'Killed', startedAt: at(10, 24) }), // week of 23 Nov: only stopped
    makeRun({ state: 'Succeeded', startedAt: at(10, 10) }), // week of 9 Nov
    makeRun({ state: 'Succeeded', startedAt: at(8, 1) }), // long before
  ];

  it('gives each week its rate, oldest first, and a gap where no run finished', () => {
    const weeks = weeklySuccessRates(runs, { now });
    expect(weeks.map(w => w.label)).toEqual([
      '12 Oct',
      '19 Oct',
      '26 Oct',
      '2 Nov',
      '9 Nov',
      '16 Nov',
      '23 Nov',
      '30 Nov',
    ]);
    expect(weeks.map(w => w.rate)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      1,
      undefined,
      undefined,
      0.5,
    ]);
    expect(describeWeeklySuccess(weeks.slice(4))).toBe(
      'Success rate per week: week of 9 Nov 100\u00a0%, week of 16 Nov no finished runs, week of 23 Nov no finished runs, this week 50\u00a0%.',
    );
  });

  it('leaves out the weeks older runs that were not loaded fall in', () => {
    const weeks = weeklySuccessRates(runs, {
      now,
      loadedSince: Date.parse(at(10, 18)),
    });
    expect(weeks.map(w => w.label)).toEqual(['23 Nov', '30 Nov']);
  });
});
