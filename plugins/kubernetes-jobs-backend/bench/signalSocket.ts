/*
 * A browser's signals subscription, as @backstage/plugin-signals's SignalClient holds it: a
 * WebSocket to `/api/signals` with the user's token as its protocol, a `subscribe` message for
 * the channel, and a new socket 5 s after one closes unexpectedly.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { KUBERNETES_JOBS_SIGNAL_CHANNEL } from '@job-assistant/plugin-kubernetes-jobs-common';
import { sleep } from './measure';

/** SignalClient.DEFAULT_RECONNECT_TIMEOUT_MS */
const RECONNECT_MS = 5_000;
/** SignalClient.DEFAULT_CONNECT_TIMEOUT_MS: a socket not open by then is given up. */
const CONNECT_TIMEOUT_MS = 1_000;
/** What the browser sends: a user's token (a mock one; the signals backend authenticates it). */
const TOKEN = mockCredentials.user.token();

const signalsUrl = (origin: string) =>
  `${origin.replace(/^http/, 'ws')}/api/signals`;

/** Opens a socket; rejects when it closes or errors first, or after the timeout. */
function open(origin: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(signalsUrl(origin), TOKEN);
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error('signals: connect timeout'));
    }, CONNECT_TIMEOUT_MS);
    ws.onopen = () => {
      clearTimeout(timer);
      resolve(ws);
    };
    ws.onerror = () => {
      clearTimeout(timer);
      reject(new Error('signals: could not connect'));
    };
  });
}

/**
 * The signals backend listens for upgrades only once a first upgrade request went through its
 * router (which answers that one 404), as after any backend start; a browser's SignalClient
 * gets over it by reconnecting 5 s later. Arming each backend once before the browsers connect
 * keeps that out of the figures.
 */
export async function armSignals(origin: string): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      (await open(origin)).close(1000);
      return;
    } catch {
      await sleep(250);
    }
  }
  throw new Error(`signals: no WebSocket at ${signalsUrl(origin)}`);
}

export class SignalSocket {
  private ws?: WebSocket;
  private closed = false;
  private reconnectTimer?: NodeJS.Timeout;
  /** Sockets that closed or failed to open while wanted. */
  failures = 0;

  constructor(
    private readonly origin: string,
    private readonly onMessage: (message: unknown) => void,
  ) {}

  /** Resolves once subscribed, or once the first attempt failed (a retry is then scheduled). */
  async connect(): Promise<void> {
    try {
      const ws = await open(this.origin);
      if (this.closed) {
        ws.close(1000);
        return;
      }
      this.ws = ws;
      ws.onmessage = event => {
        try {
          const json = JSON.parse(String(event.data));
          if (json?.channel === KUBERNETES_JOBS_SIGNAL_CHANNEL) {
            this.onMessage(json.message);
          }
        } catch {
          // Not ours to read, as in SignalClient.
        }
      };
      ws.onclose = event => {
        if (!this.closed && event.code !== 1000 && event.code !== 1001) {
          this.failures++;
          this.reconnect();
        }
      };
      ws.send(
        JSON.stringify({
          action: 'subscribe',
          channel: KUBERNETES_JOBS_SIGNAL_CHANNEL,
        }),
      );
    } catch {
      this.failures++;
      this.reconnect();
    }
  }

  close() {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.ws?.close(1000);
  }

  private reconnect() {
    if (this.closed) return;
    this.reconnectTimer = setTimeout(() => this.connect(), RECONNECT_MS);
  }
}
