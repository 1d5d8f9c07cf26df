/*
 * The time from a change made directly on the cluster to the backend's signal about it.
 */
import { performance } from 'node:perf_hooks';
import { summarize, waitFor } from './measure';
import {
  definitionName,
  namespaceOf,
  ORGANISATION,
  runOf,
} from './organisation';
import { Figure } from './report';
import { BenchContext, finishedRun, JOBS, raw } from './context';

export const SIGNAL_TIMEOUT_MS = 5_000;
const { entities, definitionsPerEntity } = ORGANISATION;

/** The first signal about run `name` published at or after `since` (signals from `mark` on). */
export function signalFor(
  ctx: BenchContext,
  name: string,
  since: number,
  mark: number,
) {
  return waitFor(
    () =>
      ctx.backend.signals
        .slice(mark)
        .find(s => s.at >= since && s.message?.run === name),
    SIGNAL_TIMEOUT_MS,
    5,
  );
}

/**
 * A change made directly on the cluster (kubectl annotate / kubectl create) until the
 * backend publishes its signal. Stops at the first change without a signal.
 */
export async function signalFigures(ctx: BenchContext): Promise<Figure[]> {
  const { n, warmup } = ctx;
  const measure = async (
    change: (i: number) => Promise<{ name: string; at: number }>,
  ) => {
    const latencies: number[] = [];
    for (let i = 0; i < warmup + n; i++) {
      const mark = ctx.backend.signals.length;
      const { name, at } = await change(i);
      const signal = await signalFor(ctx, name, at, mark);
      if (!signal) return { missed: true, latencies };
      if (i >= warmup) latencies.push(signal.at - at);
    }
    return { missed: false, latencies };
  };
  const patched = await measure(async i => {
    const run = finishedRun(ctx, i % entities, i + 1);
    const at = performance.now();
    await raw(
      ctx,
      'PATCH',
      `${JOBS}/namespaces/${run.namespace}/jobs/${run.name}`,
      { metadata: { annotations: { 'job-assistant/bench-touch': String(i) } } },
      'application/merge-patch+json',
    );
    return { name: run.name, at };
  });
  const created = await measure(async i => {
    const e = i % entities;
    const definition = ctx.org.definitions.get(
      `${namespaceOf(e)}/${definitionName(e, definitionsPerEntity - 1)}`,
    )!;
    const name = `${definition.metadata.name}-sig${i}`;
    const body = runOf(definition, name, {
      triggeredBy: 'user:default/kubectl',
      triggeredAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      script: 'echo bench',
    });
    delete body.metadata.creationTimestamp;
    const at = performance.now();
    await raw(ctx, 'POST', `${JOBS}/namespaces/${namespaceOf(e)}/jobs`, body);
    return { name, at };
  });
  const figure = (name: string, result: typeof patched): Figure => {
    if (result.missed) {
      return {
        name,
        value: 'none',
        target: 'p95 <= 1 s',
        note: `no signal received within ${SIGNAL_TIMEOUT_MS / 1000} s`,
      };
    }
    const s = summarize(result.latencies);
    return { name, sample: s, target: 'p95 <= 1 s', met: s.p95 <= 1000 };
  };
  return [
    figure('change -> signal (raw merge patch of a run)', patched),
    figure('change -> signal (raw create of a run)', created),
  ];
}
