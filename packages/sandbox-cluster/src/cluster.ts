/*
 * Wires store, registry, controllers and HTTP server into a running sandbox.
 */
import { clone, JsonObject, KubeObject } from './api/types';
import { Clock } from './controllers/clock';
import { EventRecorder } from './controllers/eventRecorder';
import { GarbageCollector } from './controllers/garbageCollector';
import { JobController } from './controllers/jobController';
import { Kubelet } from './controllers/kubelet';
import { Registry } from './registry/registry';
import { resourceFor, STORAGE } from './registry/resources';
import { DEMO_PRE_RUN_JOBS, demoObjects, SANDBOX_ADMIN_TOKEN } from './seed';
import { SandboxUser } from './server/auth';
import { FaultController, SandboxFaults } from './server/faults';
import { ApiServer, SandboxRequestRecord } from './server/server';
import { Store } from './store/store';

/**
 * Options of {@link startSandboxCluster}.
 *
 * @public
 */
export interface SandboxClusterOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /**
   * Bearer token -> user. Default: `{ 'sandbox-admin-token': { name: 'sandbox-admin' } }`.
   * Users without `rules` are cluster admins.
   */
  tokens?: Record<string, SandboxUser>;
  /**
   * Multiplies every simulated delay (pod start, `sleep`, backoff, grace
   * periods). Default 1; tests use e.g. 0.05. Timestamps stay wall-clock.
   */
  timeScale?: number;
  /** 'demo' creates the demo namespaces, Jobs and CronJob. Default 'none'. */
  seed?: 'demo' | 'none';
  /**
   * How many changes the watch history keeps (older resourceVersions get
   * 410 Expired). Default 1000.
   */
  historySize?: number;
}

/**
 * A running sandbox cluster.
 *
 * @public
 */
export interface SandboxCluster {
  /** Base URL, e.g. http://127.0.0.1:6443 */
  url: string;
  /** Every request received, in order of response (seeding is not included). */
  requests: SandboxRequestRecord[];
  /**
   * Stores objects the way an etcd restore brings them back: with a create's defaults and
   * validation, but keeping the given `creationTimestamp` and `status`, so a finished Job is
   * stored finished and never run again (an unfinished one runs as if just created). For data
   * sets too large to seed through the API and the controllers (benchmarks); not recorded as
   * requests. Returns the stored objects, whose new uids later objects' ownerReferences can name.
   */
  restore(objects: JsonObject[]): JsonObject[];
  /** Injects faults: latency, error answers, broken watches and lists, an apiserver away. */
  faults: SandboxFaults;
  /** Stops the server, the controllers, their timers and open watches. */
  close(): Promise<void>;
}

const DEFAULT_TOKENS: Record<string, SandboxUser> = {
  [SANDBOX_ADMIN_TOKEN]: { name: 'sandbox-admin' },
};

/** Namespaces every cluster starts with. */
const SYSTEM_NAMESPACES = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
];

function restoreObject(registry: Registry, object: JsonObject): KubeObject {
  const info = resourceFor(object.kind);
  // A create resets status and creationTimestamp; a controller write puts them back before
  // any controller has looked (they only react after the current task).
  const created = registry.create(
    info,
    object.metadata?.namespace,
    object,
  ).object;
  const { creationTimestamp } = object.metadata ?? {};
  if (object.status === undefined && creationTimestamp === undefined) {
    return created;
  }
  const restored = clone(created);
  restored.metadata.creationTimestamp =
    creationTimestamp ?? created.metadata.creationTimestamp;
  restored.status = object.status ?? created.status;
  return registry.writeObject(info.storage, restored) ?? created;
}

async function waitForJobs(
  store: Store,
  clock: Clock,
  jobs: Array<{ namespace: string; name: string }>,
) {
  // Generous: the pre-run demo Jobs take a few simulated seconds.
  const deadline = Date.now() + Math.max(10_000, clock.toRealMs(120));
  for (const { namespace, name } of jobs) {
    for (;;) {
      const job = store.peek(STORAGE.jobs, namespace, name);
      const done = (job?.status?.conditions ?? []).some(
        (c: any) =>
          (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
      );
      if (done || clock.isClosed) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(`demo Job ${namespace}/${name} did not finish`);
      }
      await new Promise(resolve => setTimeout(resolve, 20));
    }
  }
}

/**
 * Starts a sandbox cluster: a local HTTP server speaking the Kubernetes API
 * for Namespaces, Jobs, CronJobs, Pods (with logs) and Events, with a
 * simulated Job controller, kubelet and garbage collector.
 *
 * For development and tests only.
 *
 * @public
 */
export async function startSandboxCluster(
  options: SandboxClusterOptions = {},
): Promise<SandboxCluster> {
  const clock = new Clock(options.timeScale ?? 1);
  const store = new Store(options.historySize ?? 1000);
  const registry = new Registry(store, () => clock.now());
  const events = new EventRecorder(store, registry);
  const kubelet = new Kubelet(store, registry, clock, events);
  const jobController = new JobController(store, registry, clock, events);
  const collector = new GarbageCollector(store, registry, clock);

  const namespaces = resourceFor(STORAGE.namespaces);
  for (const name of SYSTEM_NAMESPACES) {
    registry.create(namespaces, undefined, { metadata: { name } });
  }
  kubelet.start();
  jobController.start();
  collector.start();

  const requests: SandboxRequestRecord[] = [];
  const faults = new FaultController();
  const server = new ApiServer({
    store,
    registry,
    kubelet,
    clock,
    tokens: options.tokens ?? DEFAULT_TOKENS,
    requests,
    faults,
  });

  const stop = async () => {
    clock.close();
    faults.dispose();
    jobController.stop();
    collector.stop();
    kubelet.stop();
    await server.close();
  };

  let url: string;
  try {
    url = await server.listen(options.host ?? '127.0.0.1', options.port ?? 0);
    if (options.seed === 'demo') {
      // Same code path as API creates (defaults, validation, controllers),
      // without authentication, and not recorded as requests.
      for (const object of demoObjects()) {
        registry.create(
          resourceFor(object.kind),
          object.metadata.namespace,
          object,
        );
      }
      await waitForJobs(store, clock, DEMO_PRE_RUN_JOBS);
    }
  } catch (e) {
    await stop();
    throw e;
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    requests,
    restore: objects => objects.map(object => restoreObject(registry, object)),
    faults,
    close() {
      closing ??= stop();
      return closing;
    },
  };
}
