/*
 * Timers of the simulated cluster. Every simulated delay (pod start-up,
 * `sleep`, backoff, grace periods) goes through here so that `timeScale`
 * speeds the whole cluster up for tests, and `close()` stops everything.
 *
 * Timestamps written into objects stay wall-clock: only durations scale.
 */

/** Cancels a scheduled callback. */
export type Cancel = () => void;

/** Scaled, cancellable timers. */
export class Clock {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(readonly timeScale: number) {}

  /** Wall-clock time in milliseconds. */
  now(): number {
    return Date.now();
  }

  /** Real milliseconds for a simulated duration in seconds. */
  toRealMs(simulatedSeconds: number): number {
    return simulatedSeconds * 1000 * this.timeScale;
  }

  /** Runs `fn` after `simulatedSeconds` (scaled). */
  after(simulatedSeconds: number, fn: () => void): Cancel {
    return this.afterRealMs(this.toRealMs(simulatedSeconds), fn);
  }

  /** Runs `fn` after a real (unscaled) delay, e.g. for watch timeouts. */
  afterRealMs(ms: number, fn: () => void): Cancel {
    if (this.closed || !Number.isFinite(ms)) {
      return () => {};
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) {
        fn();
      }
    }, Math.max(0, ms));
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** Whether close() was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Cancels every pending timer; later calls to after() do nothing. */
  close() {
    this.closed = true;
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
  }
}
