/*
 * The load run: `yarn load` from the repository root.
 *
 * The benchmark's organisation (10,000 Jobs in the sandbox cluster) and one backend in a
 * process of its own, or LOAD_REPLICAS replicas on PostgreSQL behind a round-robin proxy. For
 * LOAD_SECONDS, LOAD_VIEWERS simulated browsers keep an entity tab or a page of the Jobs page
 * open and refetch when a signal concerns it (browsers.ts), while a stream of Runs, each
 * stopped a few seconds later, goes to the same backend. Then the same again with
 * LOAD_FEW_VIEWERS, to show what the apiserver's load depends on. It prints figures; it does
 * not pass or fail. See README.md.
 */
import { startSandboxCluster } from '@job-assistant/sandbox-cluster';
import { performance } from 'node:perf_hooks';
import { benchPortal } from './backend';
import { printPhase } from './loadReport';
import { positiveInt, sleep } from './measure';
import { ORGANISATION, seedOrganisation } from './organisation';
import { LoadContext, LoadOptions, phase, PhaseResult } from './phase';
import { Deployment, startDeployment } from './replicas';
import { machine, writeResults } from './report';
import { api, warmUp } from './context';

/** Between phases: the run tracker saves the logs and events of the runs just stopped. */
const SETTLE_MS = 10_000;

const log = (message: string) => console.log(`load: ${message}`);

function modeOf(): LoadOptions['mode'] {
  const mode = process.env.LOAD_MODE ?? 'push';
  if (mode !== 'push' && mode !== 'poll') {
    throw new Error(`LOAD_MODE: 'push' or 'poll', not '${mode}'`);
  }
  return mode;
}

function describe(options: LoadOptions, replicas: number) {
  const refetch =
    options.mode === 'push'
      ? 'refetching on the hints that concern them'
      : `refetching every ${options.intervalMs / 1000} s`;
  return `${options.viewers} browsers (${options.jobsPagePercent} % on the Jobs page, the others on entity tabs; opened over ${options.rampSeconds} s), ${refetch}, and ${options.runsPerSecond} Run/s, each stopped 2-10 s later, for ${options.seconds} s, on ${replicas} backend(s)`;
}

async function main() {
  const base = {
    seconds: positiveInt('LOAD_SECONDS', 60),
    mode: modeOf(),
    intervalMs: positiveInt('LOAD_INTERVAL_MS', 3000),
    rampSeconds: positiveInt('LOAD_RAMP_SECONDS', 10),
    jobsPagePercent: positiveInt('LOAD_JOBS_PAGE_PERCENT', 10),
    runsPerSecond: positiveInt('LOAD_RUNS_PER_SECOND', 1),
    sampleSeconds: positiveInt('LOAD_SAMPLE_SECONDS', 5),
  };
  if (base.jobsPagePercent > 100) {
    throw new Error('LOAD_JOBS_PAGE_PERCENT: at most 100');
  }
  const many = positiveInt('LOAD_VIEWERS', 1000);
  const few = positiveInt('LOAD_FEW_VIEWERS', 20);
  const replicaCount = positiveInt('LOAD_REPLICAS', 1);
  const host = machine();
  log(
    `${host.cpu}, ${host.cores} cores, ${host.totalMemoryGiB} GiB, Node ${host.node}`,
  );
  const started = performance.now();
  const sandbox = await startSandboxCluster();
  let deployment: Deployment | undefined;
  try {
    const org = await seedOrganisation(sandbox);
    log(`seeded ${org.jobs} Jobs in ${ORGANISATION.entities} namespaces`);
    deployment = await startDeployment(sandbox.url, {
      replicas: replicaCount,
      push: base.mode === 'push',
    });
    const expectedRuns = org.jobs - org.definitions.size;
    for (const r of deployment.replicas) {
      const warm = await warmUp(r.proc, org.definitions.size, expectedRuns);
      log(
        `backend ${r.name} (${deployment.database}, pid ${r.proc.pid}) ${
          warm ? 'shows every run' : `does NOT show all ${expectedRuns} runs`
        } after ${((performance.now() - started) / 1000).toFixed(0)} s`,
      );
    }
    const firstPage = JSON.parse(
      (await api(deployment.replicas[0].proc, 'GET', '/definitions?limit=50'))
        .text,
    );
    const ctx: LoadContext = {
      sandbox,
      org,
      deployment,
      runs: { busy: 0, idle: 0 },
      secondPageCursor: firstPage.nextCursor,
    };
    const phases: PhaseResult[] = [];
    for (const [i, viewers] of [many, few].entries()) {
      if (i > 0) await sleep(SETTLE_MS);
      const options = { ...base, viewers };
      log(describe(options, replicaCount));
      phases.push(await phase(ctx, options));
    }

    console.log('');
    console.log(
      `Kubernetes Job Assistant load run: ${org.jobs} Jobs (${
        org.definitions.size
      } definitions) in ${
        ORGANISATION.entities
      } namespaces, ${replicaCount} backend(s) (${
        deployment.database
      }) each in its own process${
        replicaCount > 1 ? ', behind a round-robin proxy' : ''
      }; ${
        benchPortal() === 'portal'
          ? 'each as in a portal: the catalog backend and the permission backend with the sample policy beside the plugin (BENCH_CATALOG=mock: the plugin alone)'
          : 'the plugin alone: an in-memory catalog, permissions that allow everything'
      }`,
    );
    console.log(
      `Machine: ${host.cpu}, ${host.cores} cores, ${host.totalMemoryGiB} GiB; Node ${host.node} (${host.platform}); sandbox, proxy and browsers share the parent process`,
    );
    phases.forEach(printPhase);
    console.log('');
    const [a, b] = phases;
    console.log(
      `apiserver requests/s: ${a.apiserver.perSecond.toFixed(2)} with ${
        a.options.viewers
      } viewers, ${b.apiserver.perSecond.toFixed(2)} with ${
        b.options.viewers
      } (the same Run and Stop stream in both)`,
    );
    const file = writeResults(
      {
        at: new Date().toISOString(),
        machine: host,
        database: deployment.database,
        replicas: replicaCount,
        portal: benchPortal(),
        organisation: ORGANISATION,
        jobs: org.jobs,
        phases,
      },
      { env: 'LOAD_RESULTS', name: 'load.json' },
    );
    console.log(
      `Results: ${file} (LOAD_RESULTS=<file> to choose); total ${(
        (performance.now() - started) /
        1000
      ).toFixed(0)} s`,
    );
  } finally {
    await deployment?.stop();
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
