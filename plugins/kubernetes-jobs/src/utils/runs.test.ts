import { makeRun } from '../__fixtures__/fixtures';
import { runDurationSeconds } from './runs';

describe('runDurationSeconds', () => {
  const now = Date.parse('2025-01-10T10:02:01Z');

  it('counts an active run from its start', () => {
    const run = makeRun({
      state: 'Running',
      startedAt: '2025-01-10T10:00:01Z',
      finishedAt: undefined,
      durationSeconds: 0,
    });
    expect(runDurationSeconds(run, now)).toBe(120);
  });

  it('uses the duration of a finished run, or its start and end', () => {
    expect(runDurationSeconds(makeRun({ durationSeconds: 15 }), now)).toBe(15);
    expect(
      runDurationSeconds(
        makeRun({
          state: 'Killed',
          durationSeconds: undefined,
          finishedAt: undefined,
          startedAt: '2025-01-10T10:00:00Z',
          killedAt: '2025-01-10T10:00:30Z',
        }),
        now,
      ),
    ).toBe(30);
  });

  it('knows nothing about a run that never started', () => {
    expect(runDurationSeconds(undefined, now)).toBeUndefined();
    expect(
      runDurationSeconds(
        makeRun({
          state: 'Pending',
          startedAt: undefined,
          durationSeconds: undefined,
        }),
        now,
      ),
    ).toBeUndefined();
  });
});
