/*
 * The bench backend in a process of its own, so its heap and CPU can be read apart from the
 * sandbox's and the clients'. The parent forks this file; the child starts the backend against
 * the sandbox's URL and answers samples over IPC.
 */
import { ChildProcess, fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { BenchBackend, PushOptions, startBenchBackend } from './backend';
import { heapAfterGc } from './measure';
import { catalogEntities } from './organisation';

/** What the backend process reports about itself. */
export interface ProcessSample {
  heapUsed: number;
  rss: number;
  /** CPU time used since the process started, in microseconds (user + system). */
  cpuMicros: number;
  /** Event-loop delay since the previous sample, in ms. */
  loopDelayP99: number;
  loopDelayMax: number;
  /** Signals the backend published since it started. */
  signalsPublished: number;
}

type ToChild = { type: 'sample'; gc?: boolean } | { type: 'stop' };
type FromChild =
  | {
      type: 'ready';
      baseUrl: string;
      authorization: string;
      database: string;
    }
  | { type: 'sample'; sample: ProcessSample }
  | { type: 'failed'; message: string };

export interface BackendProcess {
  /** Signals are published in the other process, so `signals` stays empty. */
  backend: BenchBackend;
  pid: number;
  sample(options?: { gc?: boolean }): Promise<ProcessSample>;
}

const STOP_TIMEOUT_MS = 15_000;

/**
 * Forks this file with the parent's node options (the TypeScript transform, --expose-gc).
 * With `push`, browsers can subscribe to its signals (see {@link PushOptions}).
 */
export async function startBackendProcess(
  sandboxUrl: string,
  options: { push?: PushOptions } = {},
): Promise<BackendProcess> {
  const child: ChildProcess = fork(__filename, [], {
    env: {
      ...process.env,
      LOAD_SANDBOX_URL: sandboxUrl,
      LOAD_BACKEND_PUSH: JSON.stringify(options.push ?? null),
    },
  });
  // The TypeScript transform sends messages of its own (the files to watch): skip those.
  const ours = (message: any): message is FromChild =>
    ['ready', 'sample', 'failed'].includes(message?.type);
  const next = () =>
    new Promise<FromChild>((resolve, reject) => {
      const listeners = {
        exit: (code: number | null) => {
          child.off('message', listeners.message);
          reject(new Error(`backend process exited (${code})`));
        },
        message: (message: unknown) => {
          if (!ours(message)) return;
          child.off('message', listeners.message);
          child.off('exit', listeners.exit);
          resolve(message);
        },
      };
      child.once('exit', listeners.exit);
      child.on('message', listeners.message);
    });
  const send = (message: ToChild) => child.send(message);

  const ready = await next();
  if (ready.type !== 'ready') {
    child.kill();
    throw new Error(
      `backend process: ${
        ready.type === 'failed' ? ready.message : ready.type
      }`,
    );
  }
  // One request at a time, so each answer belongs to its question.
  let queue: Promise<unknown> = Promise.resolve();
  const ask = <T>(message: ToChild, read: (answer: FromChild) => T) => {
    const answer = queue.then(async () => {
      const reply = next();
      send(message);
      return read(await reply);
    });
    queue = answer.catch(() => undefined);
    return answer;
  };
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>(resolve => child.once('exit', resolve));
    send({ type: 'stop' });
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  return {
    pid: child.pid!,
    backend: {
      baseUrl: ready.baseUrl,
      authorization: ready.authorization,
      database: ready.database,
      signals: [],
      stop,
    },
    sample: request =>
      ask({ type: 'sample', gc: request?.gc }, answer => {
        if (answer.type !== 'sample') {
          throw new Error(`backend process answered ${answer.type}`);
        }
        return answer.sample;
      }),
  };
}

async function serve() {
  const send = (message: FromChild) => process.send!(message);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let backend: BenchBackend;
  try {
    backend = await startBenchBackend({
      sandbox: { url: process.env.LOAD_SANDBOX_URL! },
      entities: catalogEntities(),
      push: JSON.parse(process.env.LOAD_BACKEND_PUSH ?? 'null') ?? undefined,
    });
  } catch (error) {
    send({ type: 'failed', message: String(error) });
    process.exit(1);
  }
  // The parent went away without saying stop: nothing is left to serve.
  process.on('disconnect', () => process.exit(1));
  process.on('message', async (message: ToChild) => {
    if (message.type === 'stop') {
      await backend.stop();
      process.exit(0);
    }
    const heapUsed = message.gc
      ? await heapAfterGc()
      : process.memoryUsage().heapUsed;
    const cpu = process.cpuUsage();
    send({
      type: 'sample',
      sample: {
        heapUsed,
        rss: process.memoryUsage().rss,
        cpuMicros: cpu.user + cpu.system,
        loopDelayP99: loop.percentile(99) / 1e6,
        loopDelayMax: loop.max / 1e6,
        signalsPublished: backend.signals.length,
      },
    });
    loop.reset();
  });
  send({
    type: 'ready',
    baseUrl: backend.baseUrl,
    authorization: backend.authorization,
    database: backend.database,
  });
}

if (require.main === module) {
  serve();
}
