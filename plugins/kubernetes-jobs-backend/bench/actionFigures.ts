/*
 * Run and Kill through the plugin, the apiserver requests each costs, and the raw requests
 * that do the same work on the cluster, made in the same conditions.
 */
import { performance } from 'node:perf_hooks';
import { perView, requestWindow, summarize, VerbCounts } from './measure';
import {
  definitionName,
  entityRefOf,
  namespaceOf,
  ORGANISATION,
} from './organisation';
import { Figure, formatVerbs } from './report';
import { api, BenchContext, JOBS, raw, RAW_NAMESPACE } from './context';
import { ratio } from './rawBaselines';

const { entities, definitionsPerEntity } = ORGANISATION;

let rawRuns = 0;

/**
 * What a Run and its Stop ask of the apiserver, asked directly with the admin token: create a
 * running Job (like the run, from the definition's pod template), then merge-patch it suspended
 * with an annotation (like the Stop). Each request's latency.
 */
async function rawPair(ctx: BenchContext, definition: any) {
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
  const create = await raw(
    ctx,
    'POST',
    `${JOBS}/namespaces/${RAW_NAMESPACE}/jobs`,
    body,
  );
  const patch = await raw(
    ctx,
    'PATCH',
    `${JOBS}/namespaces/${RAW_NAMESPACE}/jobs/${name}`,
    {
      metadata: { annotations: { 'bench.example.com/stopped-by': 'bench' } },
      spec: { suspend: true },
    },
    'application/merge-patch+json',
  );
  return { create: create.ms, patch: patch.ms };
}

/**
 * Run, then Kill that run, on definitions without an active run (the entities after those
 * with active runs), each pair on its own definition. Compared with the raw requests doing the
 * same cluster work in the same conditions: each round begins after the sandbox has been quiet
 * (so the work of the round before is over), then the raw create and patch, quiet again, then
 * the Run and the Kill. A first request after a quiet spell is slower than one among many
 * (about 1 ms more on this machine, on the raw requests as on the plugin's), and a patch right
 * after a create shares the loop with the work the create set off, so comparing them with raw
 * requests made back to back would charge that to the plugin.
 */
export async function actionFigures(ctx: BenchContext): Promise<Figure[]> {
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
    const rawRound = await rawPair(ctx, definition);
    await settle(ctx);
    const runWindow = requestWindow(ctx.sandbox.requests);
    const run = await api(
      ctx,
      'POST',
      `/definitions/sandbox/${namespaceOf(e)}/job/${definitionName(e, d)}/runs`,
      { entityRef },
    );
    const runCounted = runWindow.end();
    const { name } = JSON.parse(run.text);
    const killWindow = requestWindow(ctx.sandbox.requests);
    const kill = await api(
      ctx,
      'POST',
      `/runs/sandbox/${namespaceOf(e)}/${name}/kill`,
      { entityRef },
    );
    const killCounted = killWindow.end();
    // What the Kill does after its answer (the stopped run's logs and events), counted apart
    // rather than in the next Run.
    const afterWindow = requestWindow(ctx.sandbox.requests);
    await settle(ctx);
    const afterCounted = afterWindow.end();
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
