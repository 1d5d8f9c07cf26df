/*
 * The organisation-scale data set: 50 entities (BENCH_ENTITIES), one namespace each, 20
 * definitions per entity and 9 runs per definition (10,000 Jobs), restored into the sandbox
 * with their status.
 */
import { Entity } from '@backstage/catalog-model';
import {
  SANDBOX_ADMIN_TOKEN,
  SandboxCluster,
} from '@job-assistant/sandbox-cluster';
import {
  DEFINITION_KIND_LABEL,
  DEFINITION_LABEL,
  RUN_ANNOTATIONS,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { performance } from 'node:perf_hooks';

type JsonObject = Record<string, any>;

export interface OrganisationShape {
  entities: number;
  definitionsPerEntity: number;
  runsPerDefinition: number;
  /** Runs left unfinished, which the sandbox's controller really runs (one per entity). */
  activeRuns: number;
}

// BENCH_ENTITIES scales the organisation, 200 Jobs per entity: 500 is the 100,000-Job run.
const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 50);
if (!Number.isInteger(ENTITIES) || ENTITIES < 2) {
  throw new Error(
    `BENCH_ENTITIES: a whole number of at least 2, got ${ENTITIES}`,
  );
}

export const ORGANISATION: OrganisationShape = {
  entities: ENTITIES,
  definitionsPerEntity: 20,
  runsPerDefinition: 9,
  activeRuns: Math.max(1, Math.floor(ENTITIES / 5)),
};

/** Jobs an entity's label selects: its definitions and their runs. */
export const JOBS_PER_ENTITY =
  ORGANISATION.definitionsPerEntity * (1 + ORGANISATION.runsPerDefinition);

const ENTITY_LABEL = 'backstage.io/kubernetes-id';
const DAY_MS = 24 * 60 * 60 * 1000;

const pad = (i: number) => String(i).padStart(2, '0');
export const entityName = (e: number) => `svc-${pad(e)}`;
export const namespaceOf = (e: number) => `team-${pad(e)}`;
export const definitionName = (e: number, d: number) =>
  `${entityName(e)}-job-${pad(d)}`;
export const entityRefOf = (e: number) => `component:default/${entityName(e)}`;

/** A small deterministic PRNG (mulberry32): the same data set on every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The alphabet of the apiserver's generateName suffixes.
const SUFFIX_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const iso = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** The catalog: one Component per namespace, annotated like Backstage's Kubernetes plugin. */
export function catalogEntities(shape = ORGANISATION): Entity[] {
  return Array.from({ length: shape.entities }, (_, e) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: entityName(e),
      namespace: 'default',
      annotations: { [ENTITY_LABEL]: entityName(e) },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: `group:default/team-${pad(e % 10)}`,
    },
  }));
}

function definitionJob(e: number, d: number, script: string): JsonObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: definitionName(e, d),
      namespace: namespaceOf(e),
      labels: { [ENTITY_LABEL]: entityName(e) },
      annotations: {
        'job-assistant': 'enable',
        'job-assistant/description': `Task ${d} of ${entityName(e)}`,
      },
    },
    spec: {
      suspend: true,
      backoffLimit: 0,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'main',
              image: 'busybox:1.36',
              command: ['sh', '-c', script],
            },
          ],
        },
      },
    },
  };
}

/** A run as the backend creates it: the definition's labels and spec, owned by it. */
export function runOf(
  definition: JsonObject,
  name: string,
  options: { triggeredBy: string; triggeredAt: string; script?: string },
): JsonObject {
  const spec = structuredClone(definition.spec);
  delete spec.selector;
  delete spec.manualSelector;
  spec.suspend = false;
  const labels = { ...spec.template.metadata?.labels };
  for (const key of Object.keys(labels)) {
    if (/(^|\/)(controller-uid|job-name)$/.test(key)) delete labels[key];
  }
  spec.template.metadata = { labels };
  if (options.script) {
    spec.template.spec.containers[0].command = ['sh', '-c', options.script];
  }
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: definition.metadata.namespace,
      creationTimestamp: options.triggeredAt,
      labels: {
        ...definition.metadata.labels,
        [DEFINITION_LABEL]: definition.metadata.name,
        [DEFINITION_KIND_LABEL]: 'Job',
      },
      annotations: {
        'job-assistant/description':
          definition.metadata.annotations['job-assistant/description'],
        [RUN_ANNOTATIONS.triggeredBy]: options.triggeredBy,
        [RUN_ANNOTATIONS.triggeredAt]: options.triggeredAt,
      },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          name: definition.metadata.name,
          uid: definition.metadata.uid,
          controller: false,
          blockOwnerDeletion: false,
        },
      ],
    },
    spec,
  };
}

/** Status of a finished run, shaped like recordings 03 (Complete) and 04 (Failed). */
function finishedStatus(startMs: number, endMs: number, failed: boolean) {
  const end = iso(endMs);
  const condition = (type: string) => ({
    type,
    status: 'True',
    lastProbeTime: end,
    lastTransitionTime: end,
    reason: failed ? 'BackoffLimitExceeded' : 'CompletionsReached',
    message: failed
      ? 'Job has reached the specified backoff limit'
      : 'Reached expected number of succeeded pods',
  });
  return failed
    ? {
        conditions: [condition('FailureTarget'), condition('Failed')],
        startTime: iso(startMs),
        failed: 1,
        terminating: 0,
        uncountedTerminatedPods: {},
        ready: 0,
      }
    : {
        conditions: [condition('SuccessCriteriaMet'), condition('Complete')],
        startTime: iso(startMs),
        completionTime: end,
        succeeded: 1,
        terminating: 0,
        uncountedTerminatedPods: {},
        ready: 0,
      };
}

export interface SeededOrganisation {
  /** Every definition, by `namespace/name`, as stored (uid included). */
  definitions: Map<string, JsonObject>;
  /** Finished runs (and the name of their definition), per entity index. */
  finishedRuns: Array<
    Array<{ namespace: string; name: string; definition: string }>
  >;
  /** Entity indexes that have an active run (on their first definition). */
  entitiesWithActiveRuns: number[];
  jobs: number;
  /** Wall-clock ms to restore every object (namespaces, definitions, finished runs). */
  restoreMs: number;
  /** Wall-clock ms until the active runs' pods are Running. */
  activeRunningMs: number;
}

/**
 * Restores the organisation into the sandbox: finished runs are stored finished (the sandbox's
 * controller never runs them), the active runs are left to the controller, with a long sleep
 * so they stay active for the whole benchmark.
 */
export async function seedOrganisation(
  sandbox: SandboxCluster,
  shape = ORGANISATION,
): Promise<SeededOrganisation> {
  const rand = random(42);
  const now = Date.now();
  const started = performance.now();
  const definitions = new Map<string, JsonObject>();
  const finishedRuns: SeededOrganisation['finishedRuns'] = [];
  const active: JsonObject[] = [];
  const entitiesWithActiveRuns: number[] = [];
  let jobs = 0;
  for (let e = 0; e < shape.entities; e++) {
    const objects: JsonObject[] = [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespaceOf(e) },
      },
    ];
    for (let d = 0; d < shape.definitionsPerEntity; d++) {
      objects.push(definitionJob(e, d, 'echo working; sleep 20; echo done'));
    }
    const stored = sandbox.restore(objects).slice(1);
    jobs += stored.length;
    const runs: JsonObject[] = [];
    const names: SeededOrganisation['finishedRuns'][number] = [];
    for (const definition of stored) {
      definitions.set(
        `${definition.metadata.namespace}/${definition.metadata.name}`,
        definition,
      );
      const hasActive = e < shape.activeRuns && definition === stored[0];
      for (let r = 0; r < shape.runsPerDefinition; r++) {
        const suffix = Array.from(
          { length: 5 },
          () => SUFFIX_CHARS[Math.floor(rand() * SUFFIX_CHARS.length)],
        ).join('');
        const name = `${definition.metadata.name}-${suffix}`;
        const triggeredBy = `user:default/user-${Math.floor(rand() * 200)}`;
        if (hasActive && r === shape.runsPerDefinition - 1) {
          entitiesWithActiveRuns.push(e);
          active.push(
            runOf(definition, name, {
              triggeredBy,
              triggeredAt: iso(now),
              script: 'echo working; sleep 3600',
            }),
          );
          continue;
        }
        // Spread over the last 30 days, 5 s to 10 min long, 15 % failing.
        const startMs = now - rand() * 30 * DAY_MS;
        const endMs = startMs + 5_000 + rand() * 595_000;
        const run = runOf(definition, name, {
          triggeredBy,
          triggeredAt: iso(startMs - 1_000),
        });
        run.status = finishedStatus(startMs, endMs, rand() < 0.15);
        runs.push(run);
        names.push({
          namespace: namespaceOf(e),
          name,
          definition: definition.metadata.name,
        });
      }
    }
    sandbox.restore(runs);
    jobs += runs.length;
    finishedRuns.push(names);
  }
  const restoreMs = performance.now() - started;

  sandbox.restore(active);
  jobs += active.length;
  await waitUntilRunning(sandbox, active, 60_000);
  return {
    definitions,
    finishedRuns,
    entitiesWithActiveRuns,
    jobs,
    restoreMs,
    activeRunningMs: performance.now() - started,
  };
}

async function waitUntilRunning(
  sandbox: SandboxCluster,
  runs: JsonObject[],
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (const run of runs) {
    const { namespace, name } = run.metadata;
    for (;;) {
      const job = await adminFetch(
        sandbox,
        'GET',
        `/apis/batch/v1/namespaces/${namespace}/jobs/${name}`,
      );
      if ((job.status?.ready ?? 0) > 0 || job.status?.active > 0) break;
      if (Date.now() > deadline) {
        throw new Error(`active run ${namespace}/${name} did not start`);
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }
}

/** A raw request to the sandbox with its admin token, as kubectl would send it. */
export async function adminFetch(
  sandbox: SandboxCluster,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<any> {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': contentType }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${path} -> ${response.status}: ${text}`);
  }
  return JSON.parse(text);
}
