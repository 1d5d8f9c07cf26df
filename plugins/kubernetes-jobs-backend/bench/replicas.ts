/*
 * What the load run puts under load: one backend, or LOAD_REPLICAS replicas on one PostgreSQL
 * behind the round-robin proxy, each in its own process. With push, each serves the signals
 * backend; replicas also run the events backend, whose bus carries a signal published on one
 * to the sockets of the others.
 */
import { BackendProcess, startBackendProcess } from './backendProcess';
import { ReplicaProxy, startReplicaProxy } from './proxy';
import { armSignals } from './signalSocket';

export interface Replica {
  /** A, B, ... */
  name: string;
  proc: BackendProcess;
  /** `http://127.0.0.1:port`, for this replica alone. */
  origin: string;
}

export interface Deployment {
  replicas: Replica[];
  /** Where browsers and Runs go: the proxy, or the one backend. */
  origin: string;
  authorization: string;
  database: string;
  proxy?: ReplicaProxy;
  stop(): Promise<void>;
}

export async function startDeployment(
  sandboxUrl: string,
  options: { replicas: number; push: boolean },
): Promise<Deployment> {
  if (options.replicas > 1 && process.env.BENCH_DATABASE !== 'postgres') {
    throw new Error(
      'LOAD_REPLICAS > 1 needs one database for all: LOAD_DATABASE=postgres',
    );
  }
  const replicas: Replica[] = [];
  let proxy: ReplicaProxy | undefined;
  const stop = async () => {
    await proxy?.close();
    await Promise.all(replicas.map(r => r.proc.backend.stop()));
  };
  try {
    // One after the other: the first applies the migrations, as a rolling start would.
    for (let i = 0; i < options.replicas; i++) {
      const name = String.fromCharCode(65 + i);
      const proc = await startBackendProcess(sandboxUrl, {
        push: options.push
          ? { events: options.replicas > 1 ? 'bus' : 'local', name }
          : undefined,
      });
      replicas.push({
        name,
        proc,
        origin: new URL(proc.backend.baseUrl).origin,
      });
    }
    if (options.push) {
      await Promise.all(replicas.map(r => armSignals(r.origin)));
    }
    if (replicas.length > 1) {
      proxy = await startReplicaProxy(
        replicas.map(r => ({ name: r.name, origin: r.origin })),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const first = replicas[0].proc.backend;
  return {
    replicas,
    origin: proxy?.origin ?? replicas[0].origin,
    authorization: first.authorization,
    database: first.database,
    proxy,
    stop,
  };
}
