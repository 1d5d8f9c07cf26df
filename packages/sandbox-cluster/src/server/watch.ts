/*
 * Watch streams (recording 07): newline-delimited JSON events, synthetic
 * ADDED events when starting from "now" (resourceVersion unset or "0"),
 * replay of the history from a given resourceVersion, BOOKMARKs, and a 410
 * ERROR event when that resourceVersion is older than the kept history.
 * Injected faults (faults.ts) cut, silence or expire a stream.
 */
import { ServerResponse } from 'node:http';
import {
  badRequest,
  expiredStatus,
  tooLargeResourceVersion,
} from '../api/errors';
import { clone, KubeObject } from '../api/types';
import { ObjectFilter, Registry } from '../registry/registry';
import { ResourceInfo } from '../registry/resources';
import { ResourceVersionTooOld, Store, StoreEvent } from '../store/store';
import { Clock } from '../controllers/clock';
import { WatchFaults } from './faults';

/** Query parameters that shape a watch. */
export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  timeoutSeconds?: string;
  allowWatchBookmarks?: string;
  sendInitialEvents?: string;
}

/** Interval between periodic bookmarks, in real seconds (like the apiserver). */
const BOOKMARK_INTERVAL_SECONDS = 60;

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: unknown;
}

function truthy(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}

/** Serves one watch request; the caller has authorized it. */
export class WatchStream {
  private readonly cancels: Array<() => void> = [];
  private closed = false;
  private sent = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly info: ResourceInfo,
    private readonly filter: ObjectFilter,
    private readonly options: WatchOptions,
    private readonly store: Store,
    private readonly registry: Registry,
    private readonly clock: Clock,
    private readonly onClose: () => void,
    private readonly faults: WatchFaults = {},
  ) {}

  /**
   * Validates the request before any byte is sent (errors become normal
   * HTTP errors), then returns a function that starts streaming.
   */
  static prepare(
    res: ServerResponse,
    info: ResourceInfo,
    options: WatchOptions,
    store: Store,
    registry: Registry,
    clock: Clock,
    onClose: () => void,
    faults?: WatchFaults,
  ): WatchStream {
    const filter = registry.compileFilter(
      info,
      options.labelSelector,
      options.fieldSelector,
    );
    const rv = options.resourceVersion;
    if (rv && !/^\d+$/.test(rv)) {
      throw badRequest(
        `resourceVersion: Invalid value: "${rv}": must be a non-negative integer`,
      );
    }
    if (rv && Number(rv) > store.currentRv) {
      throw tooLargeResourceVersion(Number(rv), store.currentRv);
    }
    const timeout = options.timeoutSeconds;
    if (timeout !== undefined && !/^\d+$/.test(timeout)) {
      throw badRequest(
        `timeoutSeconds: Invalid value: "${timeout}": must be a non-negative integer`,
      );
    }
    return new WatchStream(
      res,
      info,
      filter,
      options,
      store,
      registry,
      clock,
      onClose,
      faults,
    );
  }

  private inScope(object: KubeObject | undefined): boolean {
    if (!object) {
      return false;
    }
    const ns = this.options.namespace;
    return (
      (!ns || object.metadata.namespace === ns) && this.filter.matches(object)
    );
  }

  private wire(object: KubeObject): KubeObject {
    return this.registry.toWire(this.info, clone(object));
  }

  /** Maps a store change to what this watcher sees, if anything. */
  private translate(event: StoreEvent): WatchEvent | undefined {
    if (event.storage !== this.info.storage) {
      return undefined;
    }
    const now = this.inScope(event.object);
    const before = this.inScope(event.previous);
    switch (event.type) {
      case 'ADDED':
        return now
          ? { type: 'ADDED', object: this.wire(event.object) }
          : undefined;
      case 'DELETED':
        return now || before
          ? { type: 'DELETED', object: this.wire(event.object) }
          : undefined;
      default:
        // An object entering or leaving the selection is ADDED / DELETED.
        if (now && before)
          return { type: 'MODIFIED', object: this.wire(event.object) };
        if (now) return { type: 'ADDED', object: this.wire(event.object) };
        if (before) return { type: 'DELETED', object: this.wire(event.object) };
        return undefined;
    }
  }

  private send(event: WatchEvent) {
    if (this.closed) {
      return;
    }
    this.res.write(`${JSON.stringify(event)}\n`);
    this.sent++;
    if (this.sent === this.faults.dropAfterEvents) {
      this.close(true);
    }
  }

  private bookmark(extra?: Record<string, string>) {
    const object = this.info.strategy.emptyObject();
    object.metadata.resourceVersion = String(this.store.currentRv);
    if (extra) {
      object.metadata.annotations = extra;
    }
    this.send({
      type: 'BOOKMARK',
      object: this.info.toWire ? this.info.toWire(object) : object,
    });
  }

  /** Sends the head and the initial events, then follows the store. */
  start() {
    const { res, options } = this;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    res.on('close', () => this.close());
    const rv = options.resourceVersion;
    const bookmarks = truthy(options.allowWatchBookmarks);
    if (this.faults.dropAfterEvents === 0) {
      this.close(true);
      return;
    }
    if (this.faults.stall) {
      // Open and silent until the client gives up: no events, no bookmarks, no timeout.
      return;
    }
    if (this.faults.gone && rv && rv !== '0') {
      const tooOld = new ResourceVersionTooOld(
        Number(rv),
        this.store.currentRv + 1,
      );
      this.send({ type: 'ERROR', object: expiredStatus(tooOld.message) });
      this.close();
      return;
    }

    if (!rv || rv === '0') {
      // "Start now": the current state as synthetic ADDED events.
      for (const [, object] of this.store.scan(
        this.info.storage,
        options.namespace,
      )) {
        if (this.filter.matches(object)) {
          this.send({ type: 'ADDED', object: this.wire(object) });
        }
      }
      if (bookmarks && truthy(options.sendInitialEvents)) {
        this.bookmark({ 'k8s.io/initial-events-end': 'true' });
      }
    } else {
      let changes: StoreEvent[];
      try {
        changes = this.store.changesSince(Number(rv));
      } catch (e) {
        if (e instanceof ResourceVersionTooOld) {
          // HTTP 200, then a single ERROR event (recording 07).
          this.send({ type: 'ERROR', object: expiredStatus(e.message) });
          this.close();
          return;
        }
        throw e;
      }
      for (const change of changes) {
        const event = this.translate(change);
        if (event) {
          this.send(event);
        }
      }
    }
    if (this.closed) {
      return; // dropped by a fault during the initial events
    }

    this.cancels.push(
      this.store.subscribe(change => {
        const event = this.translate(change);
        if (event) {
          this.send(event);
        }
      }),
    );
    // Without timeoutSeconds the apiserver picks 30-60 minutes.
    const timeoutSeconds =
      options.timeoutSeconds !== undefined
        ? Number(options.timeoutSeconds)
        : 1800 + Math.floor(Math.random() * 1800);
    this.cancels.push(
      this.clock.afterRealMs(timeoutSeconds * 1000, () => this.close()),
    );
    if (bookmarks) {
      // A bookmark shortly before the stream ends, and periodic ones.
      const lastBookmark = Math.max(timeoutSeconds - 1, timeoutSeconds * 0.9);
      this.cancels.push(
        this.clock.afterRealMs(lastBookmark * 1000, () => this.bookmark()),
      );
      const periodic = () => {
        this.bookmark();
        this.cancels.push(
          this.clock.afterRealMs(BOOKMARK_INTERVAL_SECONDS * 1000, periodic),
        );
      };
      if (timeoutSeconds > BOOKMARK_INTERVAL_SECONDS) {
        this.cancels.push(
          this.clock.afterRealMs(BOOKMARK_INTERVAL_SECONDS * 1000, periodic),
        );
      }
    }
  }

  /**
   * Ends the stream (timeout, client gone or sandbox shutdown); `cut` drops
   * the connection instead, without the chunked body's end.
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
