import { definitionStats, runProgress, USUAL_MIN_RUNS } from './runs';

const stats = (durations: number[], counts = { Succeeded: durations.length }) =>
  definitionStats({
    countsByState: counts,
    succeededDurationsNewestFirst: durations,
  });

describe('the usual duration of a definition', () => {
  it('says nothing without history, with only failures or stopped runs, or with too few successes', () => {
    expect(stats([]).slowAfterSeconds).toBeUndefined();
    expect(stats([], { Failed: 7, Killed: 3 } as any)).toMatchObject({
      typicalDurationSeconds: undefined,
      successRate: 0,
    });
    expect(
      stats([], { Failed: 7, Killed: 3 } as any).slowAfterSeconds,
    ).toBeUndefined();
    const few = stats(Array(USUAL_MIN_RUNS - 1).fill(60));
    expect(few.typicalDurationSeconds).toBe(60);
    expect(few.slowAfterSeconds).toBeUndefined();
  });

  it('puts "longer than usual" at the 90th percentile, which a few outliers do not move', () => {
    // 18 runs of about 4 minutes and 2 that hung for an hour.
    const durations = [
      ...Array.from({ length: 18 }, (_, i) => 230 + i),
      3600,
      3700,
    ];
    const s = stats(durations);
    expect(s.typicalDurationSeconds).toBe(239.5);
    expect(s.slowAfterSeconds).toBe(247);
  });

  it('counts only the newest 20 successes, so an old slow era ages out', () => {
    const newest = Array(20).fill(100);
    const oldSlow = Array(30).fill(1000);
    expect(stats([...newest, ...oldSlow]).slowAfterSeconds).toBe(100);
  });

  it('is never below the median', () => {
    const s = stats([10, 50, 50]);
    expect(s.slowAfterSeconds).toBeGreaterThanOrEqual(
      s.typicalDurationSeconds!,
    );
  });
});

describe('runProgress', () => {
  const usual = { typicalDurationSeconds: 240, slowAfterSeconds: 300 };
  const started = '2026-12-06T02:00:00Z';
  const at = (seconds: number) => Date.parse(started) + seconds * 1000;

  it('says how far a running run is against the usual, never "done" while it runs', () => {
    expect(
      runProgress({ state: 'Running', startedAt: started }, usual, at(180)),
    ).toEqual({
      elapsedSeconds: 180,
      typicalSeconds: 240,
      fraction: 0.75,
      slow: false,
    });
    expect(
      runProgress({ state: 'Running', startedAt: started }, usual, at(290))
        ?.fraction,
    ).toBe(0.95);
  });

  it('is slower than usual only past the threshold', () => {
    const p = (s: number) =>
      runProgress({ state: 'Running', startedAt: started }, usual, at(s))!.slow;
    expect(p(300)).toBe(false);
    expect(p(301)).toBe(true);
  });

  it('says nothing for a run that is not running, has not started, or a definition with too little history', () => {
    expect(
      runProgress({ state: 'Pending', startedAt: started }, usual, at(10)),
    ).toBeUndefined();
    expect(
      runProgress({ state: 'Succeeded', startedAt: started }, usual, at(10)),
    ).toBeUndefined();
    expect(runProgress({ state: 'Running' }, usual, at(10))).toBeUndefined();
    expect(
      runProgress(
        { state: 'Running', startedAt: started },
        { typicalDurationSeconds: 240 },
        at(10),
      ),
    ).toBeUndefined();
  });

  it('treats parallel runs of one definition each on its own clock', () => {
    const a = runProgress(
      { state: 'Running', startedAt: started },
      usual,
      at(400),
    );
    const b = runProgress(
      { state: 'Running', startedAt: new Date(at(350)).toISOString() },
      usual,
      at(400),
    );
    expect(a?.slow).toBe(true);
    expect(b?.slow).toBe(false);
    expect(b?.elapsedSeconds).toBe(50);
  });
});
