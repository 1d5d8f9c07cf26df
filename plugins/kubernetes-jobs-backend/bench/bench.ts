/*
 * The read path at organisation scale: `yarn bench` from the repository root.
 *
 * Seeds the sandbox cluster with 10,000 Jobs in 50 namespaces (BENCH_ENTITIES=500: 100,000 in
 * 500), starts the kubernetes-jobs backend plugin in-process against it (alone, then as in a
 * portal: with the catalog and the permission backend with the sample policy), and prints latencies
 * (p50 / p95, and as a ratio to the same kind of raw request on the same sandbox) of the
 * entity tab and the Jobs page (a page, an unchanged refetch, the whole list), apiserver
 * requests per page view, change-to-signal latency, heap per cached Job (the fixed cost of a
 * backend with no Jobs measured apart, on an empty sandbox), the time until every run is
 * shown, and the figures under 100 concurrent viewers.
 * It prints figures; it does not pass or fail. See README.md beside this file.
 */
import { startSandboxCluster } from '@job-assistant/sandbox-cluster';
import { performance } from 'node:perf_hooks';
import { benchPortal, startBenchBackend } from './backend';
import { positiveInt, requestWindow } from './measure';
import {
  compiledCodeBytes,
  heapFigures,
  measureFixedBackendCost,
  settledHeap,
  warmReadPaths,
} from './heapFigures';
import {
  catalogEntities,
  JOBS_PER_ENTITY,
  ORGANISATION,
  seedOrganisation,
} from './organisation';
import {
  Figure,
  formatVerbs,
  machine,
  printTable,
  writeResults,
} from './report';
import { actionFigures } from './actionFigures';
import { BenchContext, RAW_NAMESPACE, warmUp } from './context';
import { rawBaselines } from './rawBaselines';
import { readFigures } from './readFigures';
import { signalFigures } from './signalFigures';
import { viewerFigures } from './viewers';

const log = (message: string) => console.log(`bench: ${message}`);

async function main() {
  const n = positiveInt('BENCH_N', 50);
  const warmup = positiveInt('BENCH_WARMUP', 5);
  const viewers = positiveInt('BENCH_VIEWERS', 100);
  const viewerSeconds = positiveInt('BENCH_VIEWER_SECONDS', 20);
  const host = machine();
  log(
    `${host.cpu}, ${host.cores} cores, ${host.totalMemoryGiB} GiB, Node ${host.node}; N=${n} after ${warmup} warm-up`,
  );

  const started = performance.now();
  // Before seeding: load every module once, then the fixed cost of a backend with no Jobs.
  const fixed = await measureFixedBackendCost(log);
  const sandbox = await startSandboxCluster();
  const figures: Figure[] = [];
  let stopBackend: (() => Promise<void>) | undefined;
  try {
    const org = await seedOrganisation(sandbox);
    sandbox.restore([
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: RAW_NAMESPACE },
      },
    ]);
    log(
      `seeded ${org.jobs} Jobs in ${ORGANISATION.entities} namespaces in ${(
        org.restoreMs / 1000
      ).toFixed(1)} s (${ORGANISATION.activeRuns} active runs running after ${(
        org.activeRunningMs / 1000
      ).toFixed(1)} s)`,
    );
    figures.push({
      name: `seeding ${org.jobs} Jobs (restore with status)`,
      value: `${(org.restoreMs / 1000).toFixed(2)} s`,
      note: `${((org.restoreMs * 1000) / org.jobs).toFixed(
        0,
      )} us per Job; the ${
        ORGANISATION.activeRuns
      } active runs had running pods ${(org.activeRunningMs / 1000).toFixed(
        1,
      )} s after the start of seeding`,
      details: {
        restoreMs: org.restoreMs,
        activeRunningMs: org.activeRunningMs,
      },
    });

    const heapBefore = await settledHeap();
    const codeBefore = compiledCodeBytes();
    const startWindow = requestWindow(sandbox.requests);
    const backendStart = performance.now();
    // Heap and start: the plugin alone (an in-memory catalog, permissions that allow everything).
    const backend = await startBenchBackend({
      sandbox,
      entities: catalogEntities(),
      portal: 'mock',
    });
    stopBackend = backend.stop;
    const startedMs = performance.now() - backendStart;
    const base = { sandbox, backend, org };
    const expectedRuns = org.jobs - org.definitions.size;
    const warm = await warmUp(base, org.definitions.size, expectedRuns);
    const warmMs = performance.now() - backendStart;
    const startRequests = startWindow.end();
    const seconds = (value: number, digits = 1) =>
      `${(value / 1000).toFixed(digits)} s`;
    const shown = warm
      ? `answering with all ${warm.runs} runs after ${seconds(warmMs)}`
      : `NOT showing all ${expectedRuns} runs after ${seconds(
          warmMs,
          0,
        )}; measuring anyway`;
    log(
      `backend (${backend.database}) started in ${seconds(
        startedMs,
      )}, ${shown}; ` +
        `start-up cost the apiserver ${
          startRequests.total
        } requests (${formatVerbs(startRequests.byVerb, 0)})`,
    );
    figures.push({
      name: 'backend start until every run is shown',
      value: `${(warmMs / 1000).toFixed(2)} s`,
      note: `apiserver requests during start-up: ${formatVerbs(
        startRequests.byVerb,
        0,
      )}`,
      details: { startedMs, warmMs, requests: startRequests },
    });

    await warmReadPaths(base);
    const heapWarm = await settledHeap();
    const codeWarm = compiledCodeBytes();
    figures.push(
      ...heapFigures(fixed, {
        heapBefore,
        heapWarm,
        codeBefore,
        codeWarm,
        jobs: org.jobs,
      }),
    );

    let ctx: BenchContext = { ...base, n, warmup };
    log('raw requests to the sandbox');
    const baselines = await rawBaselines(ctx);
    figures.push(
      { name: 'raw GET one Job', sample: baselines.get },
      {
        name: `raw list by label, all namespaces (${JOBS_PER_ENTITY} Jobs)`,
        sample: baselines.listByLabel,
      },
      { name: `raw list of all Jobs (${org.jobs})`, sample: baselines.listAll },
      {
        name: 'raw create (suspended Job), back to back',
        sample: baselines.create,
      },
      {
        name: 'raw merge patch (annotation), back to back',
        sample: baselines.mergePatch,
      },
    );
    // Views and actions of the plugin alone, then as in a portal: the catalog backend and the
    // permission backend with the sample policy in the same backend, every call between plugins
    // over HTTP, as Backstage makes them.
    log('entity tab and Jobs page');
    figures.push(...(await readFigures(ctx, baselines)));
    log('Run and Kill');
    figures.push(...(await actionFigures(ctx)));
    const portal = benchPortal();
    if (portal === 'portal') {
      await backend.stop();
      stopBackend = undefined;
      const portalStart = performance.now();
      const served = await startBenchBackend({
        sandbox,
        entities: catalogEntities(),
        portal,
      });
      stopBackend = served.stop;
      const catalogMs = performance.now() - portalStart;
      await warmUp({ backend: served }, org.definitions.size, expectedRuns);
      log(
        `in a portal (catalog of ${
          ORGANISATION.entities
        } entities, permission backend, sample policy): catalog ready after ${seconds(
          catalogMs,
        )}, every run shown after ${seconds(performance.now() - portalStart)}`,
      );
      ctx = { ...ctx, backend: served };
      await warmReadPaths(ctx);
      log('in a portal: entity tab and Jobs page, Run and Kill');
      const inPortal = [
        ...(await readFigures(ctx, baselines)),
        ...(await actionFigures(ctx)),
      ];
      figures.push(
        ...inPortal.map(f => ({ ...f, name: `in a portal: ${f.name}` })),
      );
    }
    log('change -> signal');
    figures.push(...(await signalFigures(ctx)));
    log(`${viewers} viewers for ${viewerSeconds} s`);
    figures.push(
      ...(await viewerFigures(ctx, {
        viewers,
        seconds: viewerSeconds,
        intervalMs: 1000,
      })),
    );

    console.log('');
    console.log(
      `Kubernetes Job Assistant read path: ${org.jobs} Jobs (${org.definitions.size} definitions, ${expectedRuns} runs) in ${ORGANISATION.entities} namespaces, ${backend.database}`,
    );
    console.log(
      `Machine: ${host.cpu}, ${host.cores} cores, ${host.totalMemoryGiB} GiB; Node ${host.node} (${host.platform}); sandbox, backend and clients share one process`,
    );
    console.log(
      `The plugin alone: an in-memory catalog, permissions that allow everything. ${
        portal === 'portal'
          ? '"in a portal": the catalog backend and the permission backend with the sample policy in the same backend, every call between plugins over HTTP; signals and viewers too (BENCH_CATALOG=mock: the plugin alone only).'
          : 'BENCH_CATALOG=mock: no figures in a portal.'
      }`,
    );
    console.log(
      `Latencies over N=${n} sequential requests after ${warmup} warm-up.`,
    );
    console.log('');
    printTable(figures);
    const file = writeResults({
      at: new Date().toISOString(),
      machine: host,
      database: backend.database,
      portal,
      organisation: ORGANISATION,
      n,
      warmup,
      totalSeconds: (performance.now() - started) / 1000,
      figures,
    });
    console.log('');
    console.log(
      `Results: ${file} (BENCH_RESULTS=<file> to choose); total ${(
        (performance.now() - started) /
        1000
      ).toFixed(0)} s`,
    );
  } finally {
    await stopBackend?.();
    await sandbox.close();
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
