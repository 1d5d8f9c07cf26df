/*
 * Fault injection, for tests of a client against a misbehaving cluster: slow answers, error
 * Status bodies, watches that drop, stall or expire, lists cut short, and the whole apiserver
 * going away and coming back with its data kept. The server asks this controller at each
 * request; `SandboxCluster.faults` drives it.
 */
import {
  alreadyExists,
  serviceUnavailable,
  tooManyRequests,
  untranslated,
} from '../api/errors';
import { generateName } from '../registry/names';
import { forbiddenRequest, ResourceAttributes, SandboxUser } from './auth';

/**
 * Which requests a fault applies to; an absent field matches everything.
 * `resource` is the plural (`jobs`), or with its subresource (`pods/log`).
 *
 * @public
 */
export interface SandboxFaultMatch {
  /** get, list, watch, create, update, patch, delete, deletecollection. */
  verb?: string | string[];
  resource?: string | string[];
  /** Cluster-wide requests have no namespace: a fault naming one skips them. */
  namespace?: string | string[];
  /** The fault ends by itself after this many requests hit it. */
  times?: number;
  /** The fault ends by itself after this many milliseconds. */
  forMs?: number;
}

/**
 * A fault to inject.
 *
 * - `latency`: the answer waits `ms` milliseconds first.
 * - `error`: the request fails with the apiserver's Status body for `code`: 500 (an
 *   untranslated etcd error), 503 ServiceUnavailable, 429 TooManyRequests with `Retry-After`,
 *   403 Forbidden with the RBAC wording, 409 AlreadyExists (meant for creates).
 * - `watchDrop`: a watch's connection is cut after `afterEvents` event lines (default 0: at once).
 * - `watchStall`: a watch is answered 200 and then says nothing, not even bookmarks, until the
 *   client goes away (also after the fault has ended: that connection is dead).
 * - `watchGone`: a watch from a resourceVersion other than 0 gets the 410 Expired ERROR event,
 *   as after an etcd compaction.
 * - `listReset`: a list's connection is reset after `afterBytes` bytes of its body (default half).
 * - `away`: the apiserver is gone: connections are cut and refused until the fault ends, then
 *   it listens on the same port again with every object kept and the watch history compacted
 *   (every older resourceVersion is too old, as after a real restart).
 *
 * @public
 */
export type SandboxFault = SandboxFaultMatch &
  (
    | { type: 'latency'; ms: number }
    | {
        type: 'error';
        code: 403 | 409 | 429 | 500 | 503;
        message?: string;
        /** For 429; default 1. */
        retryAfterSeconds?: number;
      }
    | { type: 'watchDrop'; afterEvents?: number }
    | { type: 'watchStall' }
    | { type: 'watchGone' }
    | { type: 'listReset'; afterBytes?: number }
    | { type: 'away' }
  );

/**
 * A fault in effect, and how many requests it has hit.
 *
 * @public
 */
export interface SandboxActiveFault {
  id: string;
  fault: SandboxFault;
  hits: number;
}

/**
 * Fault injection into a running sandbox.
 *
 * @public
 */
export interface SandboxFaults {
  /** Starts a fault; resolves with its id once it is in effect. */
  inject(fault: SandboxFault): Promise<string>;
  /** Ends one fault (for `away`: resolves once the apiserver listens again). */
  remove(id: string): Promise<void>;
  /** Ends every fault. */
  clear(): Promise<void>;
  /** The faults in effect. */
  list(): SandboxActiveFault[];
}

/** What the controller needs from the HTTP server for `away`. */
export interface Listener {
  goAway(): Promise<void>;
  comeBack(): Promise<void>;
}

/** What a watch does differently, decided when it starts. */
export interface WatchFaults {
  dropAfterEvents?: number;
  stall?: boolean;
  gone?: boolean;
}

type FaultType = SandboxFault['type'];

interface Entry extends SandboxActiveFault {
  timer?: NodeJS.Timeout;
}

function matches(
  expected: string | string[] | undefined,
  ...values: Array<string | undefined>
): boolean {
  if (expected === undefined) return true;
  const list = Array.isArray(expected) ? expected : [expected];
  return values.some(v => v !== undefined && list.includes(v));
}

/** The faults in effect, consulted by the server at every request. */
export class FaultController implements SandboxFaults {
  private readonly entries = new Map<string, Entry>();
  private nextId = 1;
  private listener?: Listener;
  /** `away` faults in effect; the apiserver is back when none is left. */
  private away = 0;

  /** Set once by the server. */
  attach(listener: Listener) {
    this.listener = listener;
  }

  async inject(fault: SandboxFault): Promise<string> {
    const entry: Entry = { id: `fault-${this.nextId++}`, fault, hits: 0 };
    this.entries.set(entry.id, entry);
    if (fault.forMs !== undefined) {
      entry.timer = setTimeout(() => void this.remove(entry.id), fault.forMs);
      entry.timer.unref?.();
    }
    if (fault.type === 'away' && this.away++ === 0) {
      await this.listener?.goAway();
    }
    return entry.id;
  }

  async remove(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    clearTimeout(entry.timer);
    if (entry.fault.type === 'away' && --this.away === 0) {
      await this.listener?.comeBack();
    }
  }

  async clear(): Promise<void> {
    await Promise.all([...this.entries.keys()].map(id => this.remove(id)));
  }

  list(): SandboxActiveFault[] {
    return [...this.entries.values()].map(({ id, fault, hits }) => ({
      id,
      fault,
      hits,
    }));
  }

  /** Stops the timers (sandbox shutdown); the faults are dropped. */
  dispose() {
    this.entries.forEach(entry => clearTimeout(entry.timer));
    this.entries.clear();
    this.away = 0;
  }

  /** The first fault of `type` matching the request, counted as a hit. */
  private take<T extends FaultType>(
    type: T,
    attrs: ResourceAttributes,
  ): Extract<SandboxFault, { type: T }> | undefined {
    const resource = attrs.subresource
      ? `${attrs.resource}/${attrs.subresource}`
      : attrs.resource;
    for (const entry of this.entries.values()) {
      const { fault } = entry;
      if (
        fault.type === type &&
        matches(fault.verb, attrs.verb) &&
        matches(fault.resource, attrs.resource, resource) &&
        matches(fault.namespace, attrs.namespace)
      ) {
        entry.hits++;
        if (fault.times !== undefined && entry.hits >= fault.times) {
          void this.remove(entry.id);
        }
        return fault as Extract<SandboxFault, { type: T }>;
      }
    }
    return undefined;
  }

  /**
   * Before a resource request is served: waits out a latency fault, then
   * throws the error of an error fault. `readBody` is only called for a 409,
   * which names the object being created.
   */
  async beforeRequest(
    attrs: ResourceAttributes,
    user: SandboxUser,
    readBody: () => Promise<string>,
  ): Promise<void> {
    const latency = this.take('latency', attrs);
    if (latency) {
      await new Promise(resolve => setTimeout(resolve, latency.ms));
    }
    const fault = this.take('error', attrs);
    if (!fault) return;
    switch (fault.code) {
      case 403:
        throw forbiddenRequest(user, attrs);
      case 409: {
        let metadata: any;
        try {
          metadata = JSON.parse(await readBody())?.metadata;
        } catch {
          metadata = undefined;
        }
        const name =
          attrs.name ??
          metadata?.name ??
          generateName(String(metadata?.generateName ?? ''));
        throw alreadyExists(
          { group: attrs.group, resource: attrs.resource },
          name,
        );
      }
      case 429:
        // Priority and fairness answers this message too (as plain text).
        throw tooManyRequests(
          fault.message ?? 'Too many requests, please try again later.',
          fault.retryAfterSeconds ?? 1,
        );
      case 503:
        throw serviceUnavailable(
          fault.message ??
            'the server is currently unable to handle the request',
        );
      default:
        // What an etcd outage looks like: an untranslated error, no reason.
        throw untranslated(fault.message ?? 'etcdserver: request timed out');
    }
  }

  /** How a watch that is about to start misbehaves (one fault at most). */
  forWatch(
    attrs: ResourceAttributes,
    fromResourceVersion: boolean,
  ): WatchFaults {
    if (fromResourceVersion && this.take('watchGone', attrs)) {
      return { gone: true };
    }
    if (this.take('watchStall', attrs)) {
      return { stall: true };
    }
    const drop = this.take('watchDrop', attrs);
    return drop ? { dropAfterEvents: drop.afterEvents ?? 0 } : {};
  }

  /** For a list: after how many bytes of the body to reset the connection. */
  listResetAfter(
    attrs: ResourceAttributes,
    length: number,
  ): number | undefined {
    const fault = this.take('listReset', attrs);
    if (!fault) return undefined;
    return Math.min(fault.afterBytes ?? Math.floor(length / 2), length - 1);
  }
}
