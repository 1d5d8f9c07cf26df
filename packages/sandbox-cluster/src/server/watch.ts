/*
 * Watch streams (recording 07): newline-delimited JSON events, synthetic ADDED events when
 * starting from "now" (resourceVersion unset or "0"), replay of the history from a given
 * resourceVersion, BOOKMARKs, and a 410 ERROR event when that resourceVersion is older than the
 * kept history. Injected faults (faults.ts) cut, silence or expire a stream.
 */
import { ServerResponse } from 'node:http';
import { badRequest, expired } from '../api/errors';
import { KubeObject } from '../api/types';
import { Clock } from '../controllers/clock';
import { ObjectFilter } from '../registry/listing';
import { apiVersionOf, ResourceInfo } from '../registry/resources';
import { ResourceVersionTooOld, Store, StoreEvent } from '../store/store';
import { WatchFaults } from './faults';

/** Interval between periodic bookmarks, in real seconds (like the apiserver). */
const BOOKMARK_INTERVAL_SECONDS = 60;

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** Serves one watch request; the caller has authorized it. */
export class WatchStream {
  private readonly cancels: Array<() => void> = [];
  private closed = false;
  private sent = 0;
  private readonly resourceVersion?: string;
  private readonly timeoutSeconds: number;

  /** Validates the query before any byte is sent (errors become normal HTTP errors). */
  constructor(
    private readonly res: ServerResponse,
    private readonly info: ResourceInfo,
    private readonly namespace: string | undefined,
    private readonly filter: ObjectFilter,
    private readonly query: Record<string, string>,
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly onClose: () => void,
    private readonly faults: WatchFaults,
  ) {
    for (const key of ['resourceVersion', 'timeoutSeconds']) {
      if (query[key] && !/^\d+$/.test(query[key])) {
        throw badRequest(
          `${key}: Invalid value: "${query[key]}": must be a non-negative integer`,
        );
      }
    }
    this.resourceVersion =
      query.resourceVersion === '0'
        ? undefined
        : query.resourceVersion || undefined;
    // Without timeoutSeconds the apiserver picks 30-60 minutes.
    this.timeoutSeconds = query.timeoutSeconds
      ? Number(query.timeoutSeconds)
      : 1800 + Math.floor(Math.random() * 1800);
  }

  private inScope(object: KubeObject | undefined): boolean {
    return (
      !!object &&
      (!this.namespace || object.metadata.namespace === this.namespace) &&
      this.filter.matches(object)
    );
  }

  /** What this watcher sees of a store change, if anything. */
  private translate(event: StoreEvent): EventType | undefined {
    if (event.storage !== this.info.storage) {
      return undefined;
    }
    const now = this.inScope(event.object);
    const before = this.inScope(event.previous);
    if (event.type === 'DELETED') {
      return now || before ? 'DELETED' : undefined;
    }
    // An object entering or leaving the selection is ADDED / DELETED.
    if (now) return before ? event.type : 'ADDED';
    return before ? 'DELETED' : undefined;
  }

  private send(type: EventType, object: unknown) {
    if (this.closed) {
      return;
    }
    this.res.write(`${JSON.stringify({ type, object })}\n`);
    if (++this.sent === this.faults.dropAfterEvents) {
      this.close(true);
    }
  }

  private follow(change: StoreEvent) {
    const type = this.translate(change);
    if (type) {
      this.send(type, change.object);
    }
  }

  private bookmark() {
    this.send('BOOKMARK', {
      kind: this.info.kind,
      apiVersion: apiVersionOf(this.info),
      metadata: { resourceVersion: String(this.store.currentRv) },
    });
  }

  /** Sends the head and the initial events, then follows the store. */
  start() {
    const { res, resourceVersion: rv } = this;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    res.on('close', () => this.close());
    if (this.faults.dropAfterEvents === 0) {
      this.close(true);
      return;
    }
    if (this.faults.stall) {
      // Open and silent until the client gives up: no events, no bookmarks, no timeout.
      return;
    }
    try {
      if (this.faults.gone && rv) {
        throw new ResourceVersionTooOld(Number(rv), this.store.currentRv + 1);
      }
      if (rv) {
        this.store.changesSince(Number(rv)).forEach(c => this.follow(c));
      } else {
        // "Start now": the current state as synthetic ADDED events.
        for (const [, object] of this.store.scan(
          this.info.storage,
          this.namespace,
        )) {
          if (this.filter.matches(object)) this.send('ADDED', object);
        }
      }
    } catch (e) {
      if (!(e instanceof ResourceVersionTooOld)) throw e;
      // HTTP 200, then a single ERROR event (recording 07).
      this.send('ERROR', expired(e.message).status);
      this.close();
      return;
    }
    if (this.closed) {
      return; // dropped by a fault during the initial events
    }
    this.cancels.push(this.store.subscribe(change => this.follow(change)));
    const timeout = this.timeoutSeconds;
    this.cancels.push(
      this.clock.afterRealMs(timeout * 1000, () => this.close()),
    );
    if (this.query.allowWatchBookmarks === 'true') {
      // A bookmark shortly before the stream ends, and periodic ones.
      const last = Math.max(timeout - 1, timeout * 0.9);
      this.cancels.push(
        this.clock.afterRealMs(last * 1000, () => this.bookmark()),
      );
      for (
        let at = BOOKMARK_INTERVAL_SECONDS;
        at < timeout;
        at += BOOKMARK_INTERVAL_SECONDS
      ) {
        this.cancels.push(
          this.clock.afterRealMs(at * 1000, () => this.bookmark()),
        );
      }
    }
  }

  /**
   * Ends the stream (timeout, client gone or sandbox shutdown); `cut` drops the connection
   * instead, without the chunked body's end.
   */
  close(cut = false) {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.cancels.forEach(cancel => cancel());
    if (cut) {
      // After what was written is flushed: the chunked body never ends.
      this.res.socket?.end();
    } else if (!this.res.writableEnded) {
      this.res.end();
    }
    this.onClose();
  }
}
