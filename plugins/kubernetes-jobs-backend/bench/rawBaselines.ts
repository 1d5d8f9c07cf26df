/*
 * The same requests asked of the sandbox directly: what the plugin's figures compare to.
 */
import { Sample, sample } from './measure';
import {
  definitionName,
  entityName,
  namespaceOf,
  ORGANISATION,
} from './organisation';
import {
  BenchContext,
  finishedRun,
  JOBS,
  raw,
  RAW_NAMESPACE,
  wholeListSamples,
} from './context';

const { entities, definitionsPerEntity } = ORGANISATION;
let rawCreates = 0;

export interface RawBaselines {
  get: Sample;
  listByLabel: Sample;
  listAll: Sample;
  create: Sample;
  mergePatch: Sample;
}

/** The same sandbox, asked directly with its admin token: what the plugin's figures compare to. */
export async function rawBaselines(ctx: BenchContext): Promise<RawBaselines> {
  const { n, warmup } = ctx;
  const get = await sample(n, warmup, async i => {
    const e = i % entities;
    return (
      await raw(
        ctx,
        'GET',
        `${JOBS}/namespaces/${namespaceOf(e)}/jobs/${definitionName(
          e,
          i % definitionsPerEntity,
        )}`,
      )
    ).ms;
  });
  const listByLabel = await sample(n, warmup, async i => {
    const selector = encodeURIComponent(
      `backstage.io/kubernetes-id=${entityName(i % entities)}`,
    );
    return (await raw(ctx, 'GET', `${JOBS}/jobs?labelSelector=${selector}`)).ms;
  });
  const heavy = wholeListSamples(ctx);
  const listAll = await sample(heavy.n, heavy.warmup, async () => {
    return (await raw(ctx, 'GET', `${JOBS}/jobs`)).ms;
  });
  const create = await sample(n, warmup, async () => {
    const body = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: `raw-create-${rawCreates++}` },
      spec: {
        suspend: true,
        template: {
          spec: {
            restartPolicy: 'Never',
            containers: [{ name: 'main', image: 'busybox:1.36' }],
          },
        },
      },
    };
    return (
      await raw(ctx, 'POST', `${JOBS}/namespaces/${RAW_NAMESPACE}/jobs`, body)
    ).ms;
  });
  const mergePatch = await sample(n, warmup, async i => {
    const e = i % entities;
    const run = finishedRun(ctx, e, i);
    // An annotation the plugin does not keep: the backend's cache sees it and drops it.
    const patch = {
      metadata: { annotations: { 'bench.example.com/touch': String(i) } },
    };
    return (
      await raw(
        ctx,
        'PATCH',
        `${JOBS}/namespaces/${run.namespace}/jobs/${run.name}`,
        patch,
        'application/merge-patch+json',
      )
    ).ms;
  });
  return { get, listByLabel, listAll, create, mergePatch };
}

export const ratio = (to: string, of: Sample, base: Sample) => ({
  to,
  value: of.p50 / base.p50,
});
