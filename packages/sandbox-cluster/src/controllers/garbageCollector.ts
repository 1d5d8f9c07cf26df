/*
 * The garbage collector (recording 09): objects whose owners are all gone are deleted, which
 * cascades (definition Job -> run Jobs -> pods), i.e. Background propagation. An owner counts as
 * gone when no object of that kind, name and uid exists, so a wrong uid in an ownerReference gets
 * the dependent collected, as in Kubernetes; owners of kinds the sandbox does not serve are
 * never considered gone. Each pass scans everything, shortly after any change.
 */
import { KubeObject, OwnerReference } from '../api/types';
import { Registry } from '../registry/registry';
import { RESOURCES, STORAGE } from '../registry/resources';
import { Store } from '../store/store';
import { Clock } from './clock';

/** Simulated delay between a change and the collector's pass. */
const GC_DELAY = 0.3;

/** The garbage collector. */
export class GarbageCollector {
  private scheduled = false;
  private unsubscribe?: () => void;

  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
    private readonly clock: Clock,
  ) {}

  /** Starts collecting after every change. */
  start() {
    this.unsubscribe = this.store.subscribe(event => {
      // Events never own anything and are never owned here.
      if (event.storage !== STORAGE.events) {
        this.schedule();
      }
    });
    this.schedule();
  }

  /** Stops collecting. */
  stop() {
    this.unsubscribe?.();
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

  /** One collection pass. */
  sweep() {
    for (const { storage, object } of [...this.store.all()]) {
      const refs = object.metadata.ownerReferences ?? [];
      if (
        refs.length &&
        !object.metadata.deletionTimestamp &&
        !refs.some(ref => this.ownerExists(ref, object))
      ) {
        this.registry.deleteStored(storage, object);
      }
    }
  }
}
