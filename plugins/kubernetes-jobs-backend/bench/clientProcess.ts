/*
 * A client in a process of its own, as a browser or kubectl is: it times a request from the
 * moment it sends it until it has read the answer, on its own thread. The parent forks this
 * file and sends it requests over IPC; the IPC is not timed.
 *
 * What for: after answering a write, the backend has work to do (the tracker meets the Job it
 * just wrote again in its watch and records it; a Stop collects the run's logs). In one thread
 * with the client, that work runs before the client's read of the answer and is counted as
 * the write's latency, which a remote client never waits for.
 */
import { ChildProcess, fork } from 'node:child_process';
import { ResponseStatusError, timedFetch, TimedResponse } from './measure';

/** A request as `fetch` takes it, with a body of text only (it crosses IPC). */
export interface PlainRequest {
  url: string;
  init: { method: string; headers: Record<string, string>; body?: string };
}

type ToChild = { type: 'fetch'; id: number; request: PlainRequest };
type FromChild =
  | { type: 'ready' }
  | { type: 'answer'; id: number; answer: TimedResponse }
  | { type: 'failed'; id: number; message: string };

export interface ClientProcess {
  /** The request, timed in the client process; statuses other than 2xx throw. */
  fetch(request: PlainRequest): Promise<TimedResponse>;
  stop(): Promise<void>;
}

/** Forks this file with the parent's node options (the TypeScript transform). */
export async function startClientProcess(): Promise<ClientProcess> {
  const child: ChildProcess = fork(__filename, [], { env: process.env });
  const waiting = new Map<
    number,
    { resolve: (a: TimedResponse) => void; reject: (e: Error) => void }
  >();
  let nextId = 0;
  let ready: () => void;
  const started = new Promise<void>((resolve, reject) => {
    ready = resolve;
    child.once('exit', code =>
      reject(new Error(`client process exited (${code})`)),
    );
  });
  // The TypeScript transform sends messages of its own (the files to watch): skip those.
  child.on('message', (message: FromChild) => {
    if (message?.type === 'ready') ready();
    if (message?.type !== 'answer' && message?.type !== 'failed') return;
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.type === 'failed') {
      pending?.reject(new Error(message.message));
      return;
    }
    const { answer } = message;
    if (answer.status < 200 || answer.status >= 300) {
      pending?.reject(
        new ResponseStatusError(
          `client process: ${answer.status}: ${answer.text.slice(0, 500)}`,
          answer.status,
        ),
      );
      return;
    }
    pending?.resolve(answer);
  });
  await started;
  return {
    fetch: request =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        child.send({ type: 'fetch', id, request } satisfies ToChild);
      }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}

function serve() {
  const send = (message: FromChild) => process.send!(message);
  process.on('message', async (message: ToChild) => {
    if (message?.type !== 'fetch') return;
    const { id, request } = message;
    try {
      // Every status comes back; the parent decides what fails.
      const answer = await timedFetch(request.url, request.init, () => true);
      send({ type: 'answer', id, answer });
    } catch (error) {
      send({ type: 'failed', id, message: String(error) });
    }
  });
  // The parent went away: nothing is left to ask.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

if (require.main === module) {
  serve();
}
