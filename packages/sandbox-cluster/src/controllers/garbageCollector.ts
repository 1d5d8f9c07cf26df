/*
 * The garbage collector (recording 09): objects whose owners are all gone are deleted, which
 * cascades (definition Job -> run Jobs -> pods), i.e. Background propagation. An owner counts as
 * gone when no object of that kind, name and uid exists, so a wrong uid in an ownerReference gets
 * the dependent collected, as in Kubernetes; owners of kinds the sandbox does not serve are
 * never considered gone. Like Kubernetes' collector, it follows the changes rather than scanning
 * everything: an object is checked when it is written with owners and when one of its owners is
 * deleted, so a pass costs what changed, not the size of the cluster.
 */
import { KubeObject, OwnerReference } from '../api/types';
import { Registry } from '../registry/registry';
import { RESOURCES, STORAGE } from '../registry/resources';
import { Store, StoreEvent } from '../store/store';
import { Clock } from './clock';

/** Simulated delay between a change and the collector's pass. */
const GC_DELAY = 0.3;

/** Where an object is: its storage, namespace and name. */
type Place = { storage: string; namespace?: string; name: string };

function placeKey({ storage, namespace, name }: Place): string {
  return `${storage}\0${namespace ?? ''}\0${name}`;
}

/** The garbage collector. */
export class GarbageCollector {
  private scheduled = false;
  private unsubscribe?: () => void;
  /** Objects to check in the next pass: written with owners, or an owner of theirs went. */
  private readonly pending = new Map<string, Place>();
  /** The objects naming each owner uid, to check when that owner goes. */
  private readonly dependents = new Map<string, Map<string, Place>>();

  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
    private readonly clock: Clock,
  ) {}

  /** Starts collecting after every change; the objects stored already are checked first. */
  start() {
    this.unsubscribe = this.store.subscribe(event => {
      // Events never own anything and are never owned here.
      if (event.storage !== STORAGE.events) {
        this.follow(event);
      }
    });
    for (const { storage, object } of this.store.all()) {
      if (storage !== STORAGE.events) this.track(storage, object);
    }
    this.schedule();
  }

  /** Stops collecting. */
  stop() {
    this.unsubscribe?.();
  }

  private follow(event: StoreEvent) {
    const { storage, object, previous } = event;
    const place = placeOf(storage, object);
    for (const ref of previous?.metadata.ownerReferences ?? []) {
      this.dependents.get(ref.uid)?.delete(placeKey(place));
      if (this.dependents.get(ref.uid)?.size === 0) {
        this.dependents.delete(ref.uid);
      }
    }
    if (event.type === 'DELETED') {
      for (const [key, dependent] of this.dependents.get(
        object.metadata.uid ?? '',
      ) ?? []) {
        this.pending.set(key, dependent);
      }
    } else {
      this.track(storage, object);
    }
    if (this.pending.size) this.schedule();
  }

  /** Indexes an object under its owners, and checks it in the next pass. */
  private track(storage: string, object: KubeObject) {
    const refs = object.metadata.ownerReferences ?? [];
    if (!refs.length) return;
    const place = placeOf(storage, object);
    const key = placeKey(place);
    for (const ref of refs) {
      let named = this.dependents.get(ref.uid);
      if (!named) {
        named = new Map();
        this.dependents.set(ref.uid, named);
      }
      named.set(key, place);
    }
    this.pending.set(key, place);
  }

  private schedule() {
    if (this.scheduled) {
      return;
    }
    this.scheduled = true;
    this.clock.after(GC_DELAY, () => {
      this.scheduled = false;
      try {
        this.sweep();
      } catch (e) {
        // eslint-disable-next-line no-console
        console.error('sandbox-cluster: garbage collection failed', e);
      }
    });
  }

  private ownerExists(ref: OwnerReference, object: KubeObject): boolean {
    const group = ref.apiVersion.includes('/')
      ? ref.apiVersion.split('/')[0]
      : '';
    const info = RESOURCES.find(r => r.kind === ref.kind && r.group === group);
    const owner =
      info &&
      this.store.peek(
        info.storage,
        info.namespaced ? object.metadata.namespace : undefined,
        ref.name,
      );
    return !info || owner?.metadata.uid === ref.uid;
  }

  /** One collection pass over the objects to check. */
  sweep() {
    const places = [...this.pending.values()];
    this.pending.clear();
    for (const { storage, namespace, name } of places) {
      const object = this.store.peek(storage, namespace, name);
      const refs = object?.metadata.ownerReferences ?? [];
      if (
        object &&
        refs.length &&
        !object.metadata.deletionTimestamp &&
        !refs.some(ref => this.ownerExists(ref, object))
      ) {
        this.registry.deleteStored(storage, object);
      }
    }
  }
}

function placeOf(storage: string, object: KubeObject): Place {
  return {
    storage,
    namespace: object.metadata.namespace,
    name: object.metadata.name!,
  };
}
