/*
 * Heap per cached Job, with the backend's fixed cost measured apart.
 *
 * Before the organisation is seeded, a backend is started on an empty sandbox (no Jobs, the
 * same catalog) and warmed, so every module the backend loads lazily (framework services,
 * knex and its driver, express, the plugin) is loaded once and its code is not counted later.
 * Then, on another empty sandbox, the heap after gc before a backend starts and once it is
 * warm: the fixed cost of one backend instance with no Jobs. The main run's growth, minus that
 * fixed cost, divided by the Jobs is the cost per cached Job.
 */
import { startSandboxCluster } from '@job-assistant/sandbox-cluster';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { startBenchBackend } from './backend';
import {
  api,
  BenchContext,
  entityTabPath,
  jobsPagePath,
  warmUp,
} from './context';
import { heapAfterGc } from './measure';
import { catalogEntities } from './organisation';
import { Figure, formatBytes } from './report';

/** Readings closer than this are taken as settled. */
const SETTLED_BYTES = 64 * 1024;
const MAX_PASSES = 6;

/**
 * Heap in use after full collections, repeated until two readings in a row are within 64 KiB
 * (at most 6): one `heapAfterGc` (two gc() a turn of the event loop apart) can still leave
 * garbage that weak callbacks and finalizers free only on the next.
 */
export async function settledHeap(): Promise<number> {
  let previous = await heapAfterGc();
  for (let pass = 1; pass < MAX_PASSES; pass++) {
    const current = await heapAfterGc();
    if (Math.abs(current - previous) <= SETTLED_BYTES) return current;
    previous = current;
  }
  return previous;
}

/**
 * Compiled code and bytecode on the heap (V8's code and trusted spaces), in bytes: functions
 * are compiled on their first call, so code paths that only Jobs exercise grow it in the main
 * run even after every module is loaded. Read after `settledHeap`.
 */
export function compiledCodeBytes(): number {
  return v8
    .getHeapSpaceStatistics()
    .filter(space =>
      /^(code|trusted)_(large_object_)?space$/.test(space.space_name),
    )
    .reduce((sum, space) => sum + space.space_used_size, 0);
}

/**
 * Every read path a few times (entity tab, a Jobs page in both sorts, the whole list), so lazy
 * work (first queries, JIT) is not counted as cache. The main run and the empty runs warm alike.
 */
export async function warmReadPaths(
  ctx: Pick<BenchContext, 'backend'>,
  rounds = 5,
): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await api(ctx, 'GET', entityTabPath(i));
    await api(ctx, 'GET', jobsPagePath());
    await api(ctx, 'GET', jobsPagePath({ sort: 'lastRun' }));
    await api(ctx, 'GET', '/definitions');
  }
}

/** The empty runs' heap readings, in bytes after gc. */
export interface FixedBackendCost {
  /** Before the module-loading start (the bench's own modules already imported). */
  heapBeforeFirstStart: number;
  /** After it: that backend stopped, its sandbox closed. */
  heapAfterFirstStart: number;
  /** The second empty sandbox up, before its backend starts. */
  heapBefore: number;
  /** Its backend started and warm. */
  heapWarm: number;
  /** `compiledCodeBytes()` at `heapBefore` and at `heapWarm`. */
  codeBefore: number;
  codeWarm: number;
  /** Its backend stopped, sandbox still up. */
  heapStopped: number;
  /** `heapWarm - heapBefore`: one backend instance with no Jobs. */
  fixedInstance: number;
  /** `heapStopped - heapBefore`: what a stopped backend keeps. */
  retainedAfterStop: number;
  firstStartMs: number;
  startMs: number;
}

/** Starts a backend on an empty sandbox, warms it as the main run does; the caller stops it. */
async function startEmptyBackend(
  sandbox: Awaited<ReturnType<typeof startSandboxCluster>>,
) {
  const backend = await startBenchBackend({
    sandbox,
    entities: catalogEntities(),
    portal: 'mock',
  });
  try {
    if (!(await warmUp({ backend }, 0, 0))) {
      throw new Error('the backend on the empty sandbox never answered synced');
    }
    await warmReadPaths({ backend });
    return backend;
  } catch (error) {
    await backend.stop();
    throw error;
  }
}

/** Steps 1 and 2: the module-loading start, then the fixed cost of an empty backend. */
export async function measureFixedBackendCost(
  log: (message: string) => void,
): Promise<FixedBackendCost> {
  const heapBeforeFirstStart = await settledHeap();
  let started = performance.now();
  const first = await startSandboxCluster();
  try {
    const backend = await startEmptyBackend(first);
    await backend.stop();
  } finally {
    await first.close();
  }
  const firstStartMs = performance.now() - started;
  const heapAfterFirstStart = await settledHeap();

  const sandbox = await startSandboxCluster();
  try {
    const heapBefore = await settledHeap();
    const codeBefore = compiledCodeBytes();
    started = performance.now();
    const backend = await startEmptyBackend(sandbox);
    const startMs = performance.now() - started;
    let heapWarm: number;
    let codeWarm: number;
    try {
      heapWarm = await settledHeap();
      codeWarm = compiledCodeBytes();
    } finally {
      await backend.stop();
    }
    const heapStopped = await settledHeap();
    const cost: FixedBackendCost = {
      heapBeforeFirstStart,
      heapAfterFirstStart,
      heapBefore,
      heapWarm,
      heapStopped,
      codeBefore,
      codeWarm,
      fixedInstance: heapWarm - heapBefore,
      retainedAfterStop: heapStopped - heapBefore,
      firstStartMs,
      startMs,
    };
    log(
      `empty backend (0 Jobs): modules loaded by a first start (${formatBytes(
        heapAfterFirstStart - heapBeforeFirstStart,
      )} kept), then ${formatBytes(
        cost.fixedInstance,
      )} for one instance, ${formatBytes(
        cost.retainedAfterStop,
      )} of it kept after stop()`,
    );
    return cost;
  } finally {
    await sandbox.close();
  }
}

/**
 * The heap rows: the fixed cost of an empty backend, the cost per cached Job (the main run's
 * growth minus that fixed cost), and the growth per Job with everything included.
 */
export function heapFigures(
  fixed: FixedBackendCost,
  main: {
    heapBefore: number;
    heapWarm: number;
    /** `compiledCodeBytes()` at `heapBefore` and at `heapWarm`. */
    codeBefore: number;
    codeWarm: number;
    jobs: number;
  },
): Figure[] {
  const { heapBefore, heapWarm, jobs } = main;
  const codeGrowth = main.codeWarm - main.codeBefore;
  const growth = heapWarm - heapBefore;
  const perCachedJob = (growth - fixed.fixedInstance) / jobs;
  const perJobAll = growth / jobs;
  const kept = fixed.retainedAfterStop;
  const retention =
    kept > fixed.fixedInstance / 10
      ? `a stopped backend is NOT released: ${formatBytes(
          kept,
        )} stayed after stop() (startTestBackend keeps every backend it started in a list only Jest's afterAll empties), so the fixed cost is the heap with the empty backend running minus before it started, both after the module-loading start`
      : `a stopped backend is released (${formatBytes(
          kept,
        )} stayed after stop())`;
  const details = {
    heapBefore,
    heapWarm,
    growth,
    codeBefore: main.codeBefore,
    codeWarm: main.codeWarm,
    codeGrowth,
    jobs,
    fixed,
  };
  return [
    {
      name: 'backend heap, fixed (empty backend, 0 Jobs)',
      value: formatBytes(fixed.fixedInstance),
      note: `heap after gc on an empty sandbox (same catalog, 0 Jobs) before a backend started, ${formatBytes(
        fixed.heapBefore,
      )}, and once it was warm, ${formatBytes(
        fixed.heapWarm,
      )}; measured after a first backend had started, been warmed and stopped on another empty sandbox, which loaded the modules (heap ${formatBytes(
        fixed.heapBeforeFirstStart,
      )} before it, ${formatBytes(
        fixed.heapAfterFirstStart,
      )} after); ${retention}`,
      details: { ...fixed },
    },
    {
      name: 'backend heap per cached Job',
      value: formatBytes(perCachedJob),
      target: '<= 1 KiB',
      met: perCachedJob <= 1024,
      note: `(warm ${formatBytes(heapWarm)} - before ${formatBytes(
        heapBefore,
      )} - fixed ${formatBytes(
        fixed.fixedInstance,
      )}) / ${jobs} Jobs: ${formatBytes(
        growth - fixed.fixedInstance,
      )} for the cached Jobs; module code was loaded before measuring, but ${formatBytes(
        codeGrowth,
      )} of the growth is code and bytecode compiled on the first use of paths only Jobs take (${formatBytes(
        fixed.codeWarm - fixed.codeBefore,
      )} in the empty backend's fixed cost)`,
      details: { ...details, perCachedJob },
    },
    {
      name: 'backend heap per Job, everything included',
      value: formatBytes(perJobAll),
      note: `(warm ${formatBytes(heapWarm)} - before ${formatBytes(
        heapBefore,
      )}) / ${jobs} Jobs: the backend's fixed cost counted in`,
      details: { ...details, perJob: perJobAll },
    },
  ];
}
