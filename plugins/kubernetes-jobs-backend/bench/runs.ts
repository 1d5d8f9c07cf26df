/*
 * The stream of Runs: LOAD_RUNS_PER_SECOND, each stopped 2 to 10 s later (at the latest at the
 * deadline); every tenth asks for a definition that already has a run going, which the guard
 * refuses with 409. Not waiting for one Run before sending the next keeps the rate, whatever
 * the latency.
 */
import { performance } from 'node:perf_hooks';
import { sleep } from './measure';
import {
  definitionName,
  entityRefOf,
  namespaceOf,
  ORGANISATION,
  SeededOrganisation,
} from './organisation';
import { StartedRun } from './probes';
import { REPLICA_HEADER } from './proxy';
import { Recorder, Route } from './recorder';
import { REQUEST_TIMEOUT_MS } from './browsers';

const BUSY_EVERY = 10;

export interface RunStreamOptions {
  /** The backend's (or the proxy's) origin. */
  origin: string;
  authorization: string;
  runsPerSecond: number;
  /** The replica's name when the answer does not say (one backend, no proxy). */
  replica: string;
}

/** Runs started so far, across phases, so no definition is asked twice in a row. */
export interface RunCursor {
  busy: number;
  idle: number;
}

/** The i-th Run's definition: one with a run going, or the next of those without. */
function nextDefinition(
  org: SeededOrganisation,
  cursor: RunCursor,
  busy: boolean,
) {
  const { entitiesWithActiveRuns } = org;
  if (busy) {
    const e =
      entitiesWithActiveRuns[cursor.busy++ % entitiesWithActiveRuns.length];
    return { e, d: 0 };
  }
  const firstIdle = Math.max(-1, ...entitiesWithActiveRuns) + 1;
  const idle = ORGANISATION.entities - firstIdle;
  const j = cursor.idle++;
  return {
    e: firstIdle + (j % idle),
    d: Math.floor(j / idle) % ORGANISATION.definitionsPerEntity,
  };
}

async function post(
  options: RunStreamOptions,
  recorder: Recorder,
  route: Route,
  path: string,
  body: unknown,
  expect409 = false,
) {
  const start = performance.now();
  try {
    const response = await fetch(
      `${options.origin}/api/kubernetes-jobs${path}`,
      {
        method: 'POST',
        headers: {
          authorization: options.authorization,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      },
    );
    const text = await response.text();
    if (!response.ok) {
      const status = String(response.status);
      recorder.fail(route, status, expect409 && status === '409');
      return undefined;
    }
    recorder.ok(route, performance.now() - start);
    return {
      body: JSON.parse(text),
      replica: response.headers.get(REPLICA_HEADER) ?? options.replica,
      sentAt: start,
    };
  } catch (error) {
    const timeout = (error as Error)?.name === 'TimeoutError';
    recorder.fail(route, timeout ? 'timeout' : 'network');
    return undefined;
  }
}

/** Sends the Runs and their Stops until `deadline`; returns the Runs answered 201. */
export async function runStream(
  org: SeededOrganisation,
  cursor: RunCursor,
  recorder: Recorder,
  options: RunStreamOptions,
  deadline: number,
): Promise<StartedRun[]> {
  const started: StartedRun[] = [];
  const pending: Promise<unknown>[] = [];
  const intervalMs = 1000 / options.runsPerSecond;
  let due = Date.now();
  for (let i = 0; Date.now() < deadline; i++) {
    const busy = i % BUSY_EVERY === BUSY_EVERY - 1;
    const { e, d } = nextDefinition(org, cursor, busy);
    const entityRef = entityRefOf(e);
    const stopAfterMs = 2_000 + ((i * 7919) % 8_000);
    const path = `/definitions/sandbox/${namespaceOf(e)}/job/${definitionName(
      e,
      d,
    )}/runs`;
    pending.push(
      post(options, recorder, 'Run', path, { entityRef }, busy).then(
        async run => {
          if (!run) return;
          const name: string = run.body.name;
          started.push({ name, replica: run.replica, sentAt: run.sentAt });
          await sleep(Math.min(stopAfterMs, deadline - Date.now()));
          await post(
            options,
            recorder,
            'Stop',
            `/runs/sandbox/${namespaceOf(e)}/${name}/kill`,
            { entityRef },
          );
        },
      ),
    );
    due += intervalMs;
    await sleep(Math.max(0, due - Date.now()));
  }
  await Promise.all(pending);
  return started;
}
