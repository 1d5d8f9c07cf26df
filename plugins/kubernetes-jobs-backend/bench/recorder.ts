/*
 * What the load run's clients saw: answers by view and action, failures by status, and the
 * hints the browsers received. Whole phase, and the current sampling window.
 */
import { ResponseStatusError } from './measure';

/**
 * Per view: the first load (`open`), a refetch that got a new body, a refetch answered 304 (the
 * browser's cache revalidated); and the two actions.
 */
export const ROUTES = [
  'tab open',
  'tab',
  'tab 304',
  'page open',
  'page',
  'page 304',
  'Run',
  'Stop',
] as const;
export type Route = (typeof ROUTES)[number];

const byRoute = () =>
  Object.fromEntries(ROUTES.map(r => [r, [] as number[]])) as Record<
    Route,
    number[]
  >;

export interface ErrorCount {
  route: Route;
  status: string;
  /** A Run refused with 409 because its definition already runs: asked for on purpose. */
  expected: boolean;
  count: number;
}

export class Recorder {
  readonly latencies = byRoute();
  readonly errors = new Map<string, ErrorCount>();
  /** Hint messages received by the browsers (not the probes). */
  hintsReceived = 0;
  /** Refetches that hints caused (after the 300 ms gathering). */
  refetches = 0;
  private window = byRoute();
  private windowErrors = 0;
  private windowHints = 0;

  ok(route: Route, ms: number) {
    this.latencies[route].push(ms);
    this.window[route].push(ms);
  }

  fail(route: Route, status: string, expected = false) {
    const key = `${route} ${status} ${expected}`;
    const entry = this.errors.get(key) ?? { route, status, expected, count: 0 };
    entry.count++;
    this.errors.set(key, entry);
    if (!expected) this.windowErrors++;
  }

  hint() {
    this.hintsReceived++;
    this.windowHints++;
  }

  unexpectedErrors(): number {
    return [...this.errors.values()]
      .filter(e => !e.expected)
      .reduce((sum, e) => sum + e.count, 0);
  }

  /** The window's answers, unexpected errors and hints received, and a new window. */
  takeWindow() {
    const taken = {
      latencies: this.window,
      errors: this.windowErrors,
      hints: this.windowHints,
    };
    this.window = byRoute();
    this.windowErrors = 0;
    this.windowHints = 0;
    return taken;
  }
}

export function statusOf(error: unknown): string {
  if (error instanceof ResponseStatusError) return String(error.status);
  if ((error as Error)?.name === 'TimeoutError') return 'timeout';
  return 'network';
}
