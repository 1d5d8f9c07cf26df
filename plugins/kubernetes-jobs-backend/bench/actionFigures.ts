/*
 * Run and Kill through the plugin, the apiserver requests each costs, and the raw requests
 * that do the same work on the cluster, made in the same conditions.
 */
import { performance } from 'node:perf_hooks';
import {
  answerWindow,
  perView,
  requestWindow,
  summarize,
  VerbCounts,
} from './measure';
import {
  definitionName,
  entityRefOf,
  namespaceOf,
  ORGANISATION,
} from './organisation';
import { Figure, formatVerbs } from './report';
import {
  apiRequest,
  BenchContext,
  JOBS,
  raw,
  RAW_NAMESPACE,
  rawRequest,
} from './context';
import {
  ClientProcess,
  PlainRequest,
  startClientProcess,
} from './clientProcess';
import { ratio } from './rawBaselines';

const { entities, definitionsPerEntity } = ORGANISATION;

let rawRuns = 0;

/** The path a request is sent to, as the backend's HTTP server first sees it. */
const pathOf = (request: PlainRequest) => new URL(request.url).pathname;

/**
 * What a Run and its Stop ask of the apiserver, asked directly with the admin token: create a
 * running Job (like the run, from the definition's pod template), then merge-patch it suspended
 * with an annotation (like the Stop). Each request's latency.
 */
async function rawPair(
  ctx: BenchContext,
  client: ClientProcess,
  definition: any,
) {
  const name = `raw-run-${rawRuns++}`;
  const body = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      backoffLimit: definition.spec.backoffLimit,
      template: {
        spec: definition.spec.template.spec,
      },
    },
  };
  const create = await client.fetch(
    rawRequest(ctx, 'POST', `${JOBS}/namespaces/${RAW_NAMESPACE}/jobs`, body),
  );
  await settle(ctx);
  const patch = await client.fetch(
    rawRequest(
      ctx,
      'PATCH',
      `${JOBS}/namespaces/${RAW_NAMESPACE}/jobs/${name}`,
      {
        metadata: {
          annotations: { 'bench.example.com/stopped-by': 'bench' },
        },
        spec: { suspend: true },
      },
      'application/merge-patch+json',
    ),
  );
  return { create: create.ms, patch: patch.ms };
}

/**
 * Run, then Kill that run, on definitions without an active run (the entities after those
 * with active runs), each pair on its own definition. Compared with the raw requests doing the
 * same cluster work in the same conditions: each request is made after the sandbox has been
 * quiet, so the work the one before set off is over (the raw create, the raw patch, the Run,
 * the Kill, in that order). A first request after a quiet spell is slower than one among many
 * (about 1 ms more on this machine, on the raw requests as on the plugin's). A Kill made right
 * after its Run would share the one thread with the sandbox's Job controller, which reacts to
 * a new Job 10 ms after its create (pods, events, status): that lands in a Kill made 7 ms
 * after the Run's create, never in a raw patch made 2 ms after the raw create, and a real
 * controller runs in a process of its own. Quiet before each, neither pays for it.
 *
 * All four are sent and timed by a client in a process of its own (see `clientProcess.ts`),
 * as a browser and kubectl are: the work the backend does after answering a write (the
 * tracker recording the Job its watch brings back, a Stop's logs) is not the write's latency.
 */
export async function actionFigures(ctx: BenchContext): Promise<Figure[]> {
  const client = await startClientProcess();
  try {
    return await measureActions(ctx, client);
  } finally {
    await client.stop();
  }
}

async function measureActions(
  ctx: BenchContext,
  client: ClientProcess,
): Promise<Figure[]> {
  const { n, warmup } = ctx;
  const firstIdle = Math.max(-1, ...ctx.org.entitiesWithActiveRuns) + 1;
  const idle = entities - firstIdle;
  const runs: number[] = [];
  const kills: number[] = [];
  const rawCreates: number[] = [];
  const rawPatches: number[] = [];
  const runRequests: VerbCounts = {};
  const killRequests: VerbCounts = {};
  const afterKillRequests: VerbCounts = {};
  const add = (into: VerbCounts, from: VerbCounts) => {
    for (const [verb, count] of Object.entries(from)) {
      into[verb as keyof VerbCounts] =
        (into[verb as keyof VerbCounts] ?? 0) + (count ?? 0);
    }
  };
  for (let i = 0; i < warmup + n; i++) {
    const e = firstIdle + (i % idle);
    const d = Math.floor(i / idle) % definitionsPerEntity;
    const entityRef = entityRefOf(e);
    const definitionPath = `${JOBS}/namespaces/${namespaceOf(
      e,
    )}/jobs/${definitionName(e, d)}`;
    const definition = JSON.parse((await raw(ctx, 'GET', definitionPath)).text);
    await settle(ctx);
    const rawRound = await rawPair(ctx, client, definition);
    await settle(ctx);
    const runRequest = apiRequest(
      ctx,
      'POST',
      `/definitions/sandbox/${namespaceOf(e)}/job/${definitionName(e, d)}/runs`,
      { entityRef },
    );
    const runWindow = answerWindow(ctx.sandbox.requests, pathOf(runRequest));
    const run = await client.fetch(runRequest);
    const runCounted = runWindow.end();
    const { name } = JSON.parse(run.text);
    await settle(ctx);
    const killRequest = apiRequest(
      ctx,
      'POST',
      `/runs/sandbox/${namespaceOf(e)}/${name}/kill`,
      { entityRef },
    );
    const killWindow = answerWindow(ctx.sandbox.requests, pathOf(killRequest));
    const kill = await client.fetch(killRequest);
    const killCounted = killWindow.end();
    // What the Kill does after its answer (the stopped run's logs and events), counted apart
    // rather than in the next Run.
    await settle(ctx);
    const afterCounted = requestWindow(
      ctx.sandbox.requests,
      killCounted.to,
    ).end();
    if (i >= warmup) {
      runs.push(run.ms);
      kills.push(kill.ms);
      rawCreates.push(rawRound.create);
      rawPatches.push(rawRound.patch);
      add(runRequests, runCounted.byVerb);
      add(killRequests, killCounted.byVerb);
      add(afterKillRequests, afterCounted.byVerb);
    }
  }
  const run = summarize(runs);
  const kill = summarize(kills);
  const rawCreate = summarize(rawCreates);
  const rawPatch = summarize(rawPatches);
  return [
    {
      name: "raw create of a running Job, in the Runs' conditions",
      sample: rawCreate,
    },
    {
      name: "raw merge patch stopping it, in the Kills' conditions",
      sample: rawPatch,
    },
    {
      name: 'Run API (POST .../runs)',
      sample: run,
      ratio: ratio('raw create', run, rawCreate),
      target: '<= 3x raw',
      met: run.p50 / rawCreate.p50 <= 3,
      note: `apiserver requests per Run: ${formatVerbs(
        perView(runRequests, n),
      )}`,
      details: { apiserverRequestsPerRun: perView(runRequests, n) },
    },
    {
      name: 'Kill API (POST /runs/.../kill)',
      sample: kill,
      ratio: ratio('raw merge patch', kill, rawPatch),
      target: '<= 3x raw',
      met: kill.p50 / rawPatch.p50 <= 3,
      note: `apiserver requests per Kill: ${formatVerbs(
        perView(killRequests, n),
      )}; after its answer: ${formatVerbs(perView(afterKillRequests, n))}`,
      details: {
        apiserverRequestsPerKill: perView(killRequests, n),
        apiserverRequestsAfterKill: perView(afterKillRequests, n),
      },
    },
  ];
}

/** Until the sandbox has had no request for `quietMs`: work done after an answer is over. */
async function settle(ctx: BenchContext, quietMs = 200, maxMs = 3_000) {
  const started = performance.now();
  let seen = ctx.sandbox.requests.length;
  let quietSince = performance.now();
  while (performance.now() - started < maxMs) {
    await new Promise(resolve => setTimeout(resolve, 25));
    if (ctx.sandbox.requests.length !== seen) {
      seen = ctx.sandbox.requests.length;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= quietMs) {
      return;
    }
  }
}
