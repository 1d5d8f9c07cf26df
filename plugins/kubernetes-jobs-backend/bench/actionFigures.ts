/*
 * Run and Kill through the plugin, and the apiserver requests each costs.
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
import { api, BenchContext } from './context';
import { RawBaselines, ratio } from './rawBaselines';

const { entities, definitionsPerEntity } = ORGANISATION;

/**
 * Run, then Kill that run, on definitions without an active run (the entities after those
 * with active runs), each pair on its own definition.
 */
export async function actionFigures(
  ctx: BenchContext,
  baselines: RawBaselines,
): Promise<Figure[]> {
  const { n, warmup } = ctx;
  const firstIdle = Math.max(-1, ...ctx.org.entitiesWithActiveRuns) + 1;
  const idle = entities - firstIdle;
  const runs: number[] = [];
  const kills: number[] = [];
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
      add(runRequests, runCounted.byVerb);
      add(killRequests, killCounted.byVerb);
      add(afterKillRequests, afterCounted.byVerb);
    }
  }
  const run = summarize(runs);
  const kill = summarize(kills);
  return [
    {
      name: 'Run API (POST .../runs)',
      sample: run,
      ratio: ratio('raw create', run, baselines.create),
      target: '<= 3x raw',
      met: run.p50 / baselines.create.p50 <= 3,
      note: `apiserver requests per Run: ${formatVerbs(
        perView(runRequests, n),
      )}`,
      details: { apiserverRequestsPerRun: perView(runRequests, n) },
    },
    {
      name: 'Kill API (POST /runs/.../kill)',
      sample: kill,
      ratio: ratio('raw merge patch', kill, baselines.mergePatch),
      target: '<= 3x raw',
      met: kill.p50 / baselines.mergePatch.p50 <= 3,
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
