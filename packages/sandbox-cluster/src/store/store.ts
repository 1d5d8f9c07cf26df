/*
 * The sandbox's "etcd": every object of every resource, one resourceVersion
 * counter shared by all of them, a bounded history of changes and the fan-out
 * of those changes to watchers and controllers.
 *
 * Objects are stored as immutable snapshots: writers hand in a new object,
 * readers get copies. History entries therefore can keep references.
 */
import { clone, compareKeys, KubeObject } from '../api/types';

/** A change to the store, as delivered to watchers and controllers. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** Storage name of the resource, e.g. `jobs.batch`. */
  storage: string;
  /** The object after the change (for DELETED: the last state, with the deletion's resourceVersion). */
  object: KubeObject;
  /** The object before the change (MODIFIED / DELETED). */
  previous?: KubeObject;
  /** The resourceVersion of this change. */
  rv: number;
}

/** Thrown when a resourceVersion is older than the retained history. */
export class ResourceVersionTooOld extends Error {
  constructor(
    readonly requested: number,
    /** The oldest resourceVersion the history can still serve from. */
    readonly oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

/** Key of an object inside its resource: `namespace/name` or `name`. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

type Listener = (event: StoreEvent) => void;

/** In-memory object storage with a global resourceVersion. */
export class Store {
  private readonly data = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<Listener>();
  private revision: number;
  /** resourceVersion of the newest change that fell out of the history. */
  private compactedRv: number;

  constructor(private readonly historySize: number, initialRevision = 100) {
    // Start above zero so that resourceVersion "0" keeps its special meaning
    // ("any version") and looks like a real cluster's numbers.
    this.revision = initialRevision;
    this.compactedRv = initialRevision;
  }

  /** The current (latest) resourceVersion. */
  get currentRv(): number {
    return this.revision;
  }

  private bucket(storage: string): Map<string, KubeObject> {
    let bucket = this.data.get(storage);
    if (!bucket) {
      bucket = new Map();
      this.data.set(storage, bucket);
    }
    return bucket;
  }

  /** A copy of one object, or undefined. */
  get(
    storage: string,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    return clone(this.bucket(storage).get(objectKey(namespace, name)));
  }

  /** Read-only access for hot paths (controllers); callers must not mutate. */
  peek(
    storage: string,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    return this.bucket(storage).get(objectKey(namespace, name));
  }

  /**
   * All objects of a resource (optionally of one namespace), sorted by key
   * like etcd returns them. Read-only snapshots: callers must not mutate.
   */
  scan(storage: string, namespace?: string): Array<[string, KubeObject]> {
    const entries = [...this.bucket(storage).entries()].filter(
      ([, obj]) => !namespace || obj.metadata.namespace === namespace,
    );
    return entries.sort(([a], [b]) => compareKeys(a, b));
  }

  /**
   * The objects of a resource as they were at `rv`, rebuilt by undoing the
   * changes recorded after it.
   *
   * @throws ResourceVersionTooOld if the history no longer covers `rv`
   */
  scanAt(
    storage: string,
    rv: number,
    namespace?: string,
  ): Array<[string, KubeObject]> {
    if (rv >= this.revision) {
      return this.scan(storage, namespace);
    }
    if (rv < this.compactedRv) {
      throw new ResourceVersionTooOld(rv, this.compactedRv + 1);
    }
    const state = new Map(this.bucket(storage));
    for (let i = this.history.length - 1; i >= 0; i--) {
      const event = this.history[i];
      if (event.rv <= rv) {
        break;
      }
      if (event.storage !== storage) {
        continue;
      }
      const key = objectKey(
        event.object.metadata.namespace,
        event.object.metadata.name!,
      );
      if (event.type === 'ADDED') {
        state.delete(key);
      } else if (event.previous) {
        state.set(key, event.previous);
      }
    }
    return [...state.entries()]
      .filter(([, obj]) => !namespace || obj.metadata.namespace === namespace)
      .sort(([a], [b]) => compareKeys(a, b));
  }

  /**
   * The changes after `rv`, oldest first.
   *
   * @throws ResourceVersionTooOld if some of them fell out of the history
   */
  changesSince(rv: number): StoreEvent[] {
    if (rv < this.compactedRv) {
      throw new ResourceVersionTooOld(rv, this.compactedRv + 1);
    }
    return this.history.filter(e => e.rv > rv);
  }

  /** Stores a new object, assigning its resourceVersion. */
  create(storage: string, object: KubeObject): KubeObject {
    return this.write(storage, object, 'ADDED');
  }

  /** Replaces an existing object, assigning a new resourceVersion. */
  update(storage: string, object: KubeObject): KubeObject {
    return this.write(storage, object, 'MODIFIED');
  }

  /**
   * Removes an object; the DELETED event carries a new resourceVersion and
   * `finalState` if given (an update that removed the last finalizer),
   * otherwise the stored state.
   */
  remove(
    storage: string,
    namespace: string | undefined,
    name: string,
    finalState?: KubeObject,
  ): KubeObject | undefined {
    const bucket = this.bucket(storage);
    const key = objectKey(namespace, name);
    const previous = bucket.get(key);
    if (!previous) {
      return undefined;
    }
    bucket.delete(key);
    const rv = ++this.revision;
    const last = clone(finalState ?? previous);
    last.metadata.resourceVersion = String(rv);
    this.record({ type: 'DELETED', storage, object: last, previous, rv });
    return clone(last);
  }

  private write(
    storage: string,
    object: KubeObject,
    type: 'ADDED' | 'MODIFIED',
  ): KubeObject {
    const bucket = this.bucket(storage);
    const key = objectKey(object.metadata.namespace, object.metadata.name!);
    const previous = bucket.get(key);
    const rv = ++this.revision;
    const stored = clone(object);
    stored.metadata.resourceVersion = String(rv);
    bucket.set(key, stored);
    this.record({ type, storage, object: stored, previous, rv });
    return clone(stored);
  }

  /**
   * Forgets the change history, as a restarted apiserver's empty watch cache
   * does: every resourceVersion given out so far is too old (etcd's
   * revision moves on meanwhile, as leases and Events are written).
   */
  compactAll() {
    this.history.length = 0;
    this.revision += 1;
    this.compactedRv = this.revision;
  }

  private record(event: StoreEvent) {
    this.history.push(event);
    while (this.history.length > this.historySize) {
      this.compactedRv = this.history.shift()!.rv;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (e) {
        // A failing listener (e.g. a broken socket) must not break writers.
        // eslint-disable-next-line no-console
        console.error('sandbox-cluster: store listener failed', e);
      }
    }
  }

  /** Subscribes to every change; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every object of every resource (read-only snapshots). */
  *all(): Generator<{ storage: string; object: KubeObject }> {
    for (const [storage, bucket] of this.data) {
      for (const object of bucket.values()) {
        yield { storage, object };
      }
    }
  }
}
