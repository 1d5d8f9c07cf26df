/*
 * The garbage collector and the namespace controller (recordings 09, 10):
 *
 *  - `orphan` finalizer: strip the owner's ownerReferences from dependents,
 *    then let the owner go;
 *  - `foregroundDeletion` finalizer: delete the dependents, let the owner go
 *    once no dependent with blockOwnerDeletion=true is left;
 *  - dependents whose owners are all gone are deleted (Background), which
 *    cascades (definition Job -> run Jobs -> pods). An owner counts as gone
 *    when no object of that kind, name and uid exists, so a wrong uid in an
 *    ownerReference gets the dependent collected, as in Kubernetes;
 *  - a namespace being deleted is emptied, then removed;
 *  - Events expire after an hour.
 *
 * The sandbox is small, so each pass simply scans everything; passes run
 * shortly after any change.
 */
import { clone, KubeObject, OwnerReference } from '../api/types';
import { Registry } from '../registry/registry';
import { RESOURCES, STORAGE } from '../registry/resources';
import { Store } from '../store/store';
import { Clock } from './clock';

/** Simulated delay between a change and the collector's pass. */
const GC_DELAY = 0.3;
/** Wall-clock lifetime of Events. */
const EVENT_TTL_MS = 60 * 60 * 1000;

interface Entry {
  storage: string;
  object: KubeObject;
}

/** The garbage collector + namespace controller. */
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

  /** Whether the owner an ownerReference names exists with that uid. */
  private ownerExists(
    ref: OwnerReference,
    namespace: string | undefined,
  ): boolean {
    const group = ref.apiVersion.includes('/')
      ? ref.apiVersion.split('/')[0]
      : '';
    const info = RESOURCES.find(
      r => r.kind === ref.kind && r.group === group && !r.toWire,
    );
    if (!info) {
      // A kind the sandbox does not serve (Deployment, Argo Application...):
      // it cannot be verified, so it is never considered gone.
      return true;
    }
    const owner = this.store.peek(
      info.storage,
      info.namespaced ? namespace : undefined,
      ref.name,
    );
    return !!owner && owner.metadata.uid === ref.uid;
  }

  private dependentsOf(entries: Entry[], uid: string): Entry[] {
    return entries.filter(e =>
      (e.object.metadata.ownerReferences ?? []).some(ref => ref.uid === uid),
    );
  }

  private withoutOwner(object: KubeObject, uid: string): KubeObject {
    const updated = clone(object);
    const refs = (updated.metadata.ownerReferences ?? []).filter(
      ref => ref.uid !== uid,
    );
    if (refs.length) {
      updated.metadata.ownerReferences = refs;
    } else {
      delete updated.metadata.ownerReferences;
    }
    return updated;
  }

  private withoutFinalizer(object: KubeObject, finalizer: string): KubeObject {
    const updated = clone(object);
    const finalizers = (updated.metadata.finalizers ?? []).filter(
      f => f !== finalizer,
    );
    if (finalizers.length) {
      updated.metadata.finalizers = finalizers;
    } else {
      delete updated.metadata.finalizers;
    }
    return updated;
  }

  private snapshot(): Entry[] {
    return [...this.store.all()].filter(e => e.storage !== STORAGE.events);
  }

  /** One collection pass. */
  sweep() {
    // Owners being deleted with `orphan`: release their dependents first.
    for (const owner of this.snapshot()) {
      const meta = owner.object.metadata;
      if (!meta.deletionTimestamp || !meta.finalizers?.includes('orphan')) {
        continue;
      }
      for (const dependent of this.dependentsOf(this.snapshot(), meta.uid!)) {
        this.registry.writeObject(
          dependent.storage,
          this.withoutOwner(dependent.object, meta.uid!),
        );
      }
      this.registry.writeObject(
        owner.storage,
        this.withoutFinalizer(owner.object, 'orphan'),
      );
    }

    // Owners being deleted in the foreground: delete dependents, then the owner.
    for (const owner of this.snapshot()) {
      const meta = owner.object.metadata;
      if (
        !meta.deletionTimestamp ||
        !meta.finalizers?.includes('foregroundDeletion')
      ) {
        continue;
      }
      const dependents = this.dependentsOf(this.snapshot(), meta.uid!);
      for (const dependent of dependents) {
        if (!dependent.object.metadata.deletionTimestamp) {
          this.registry.deleteStored(
            dependent.storage,
            dependent.object,
            'Background',
          );
        }
      }
      const blocking = dependents.filter(d =>
        (d.object.metadata.ownerReferences ?? []).some(
          ref => ref.uid === meta.uid && ref.blockOwnerDeletion,
        ),
      );
      if (!blocking.length) {
        this.registry.writeObject(
          owner.storage,
          this.withoutFinalizer(owner.object, 'foregroundDeletion'),
        );
      }
    }

    // Dependents whose owners are gone.
    for (const entry of this.snapshot()) {
      const meta = entry.object.metadata;
      const refs = meta.ownerReferences ?? [];
      if (!refs.length) {
        continue;
      }
      const alive = refs.filter(ref => this.ownerExists(ref, meta.namespace));
      if (alive.length === refs.length) {
        continue;
      }
      if (!alive.length) {
        if (!meta.deletionTimestamp) {
          this.registry.deleteStored(entry.storage, entry.object, 'Background');
        }
      } else {
        let updated = entry.object;
        for (const ref of refs.filter(r => !alive.includes(r))) {
          updated = this.withoutOwner(updated, ref.uid);
        }
        this.registry.writeObject(entry.storage, updated);
      }
    }

    this.sweepNamespaces();
    this.expireEvents();
  }

  /** Events live one hour (the apiserver's default --event-ttl). */
  private expireEvents() {
    const cutoff = this.clock.now() - EVENT_TTL_MS;
    for (const [, event] of this.store.scan(STORAGE.events)) {
      const last = Date.parse(
        event.lastTimestamp ?? event.metadata.creationTimestamp ?? '',
      );
      if (last < cutoff) {
        this.store.remove(
          STORAGE.events,
          event.metadata.namespace,
          event.metadata.name!,
        );
      }
    }
  }

  private sweepNamespaces() {
    for (const [, namespace] of this.store.scan(STORAGE.namespaces)) {
      if (!namespace.metadata.deletionTimestamp) {
        continue;
      }
      const name = namespace.metadata.name!;
      const contents = RESOURCES.filter(
        info => info.namespaced && !info.toWire,
      );
      for (const info of contents) {
        for (const [, object] of this.store.scan(info.storage, name)) {
          if (!object.metadata.deletionTimestamp) {
            this.registry.deleteStored(info.storage, object, 'Background');
          }
        }
      }
      // Pods being stopped (or objects with finalizers) keep the namespace.
      const remaining = contents.some(
        info => this.store.scan(info.storage, name).length > 0,
      );
      if (!remaining && namespace.spec?.finalizers?.length) {
        const updated = clone(namespace);
        updated.spec = { ...updated.spec, finalizers: [] };
        delete updated.spec.finalizers;
        this.registry.writeObject(STORAGE.namespaces, updated);
      }
    }
  }
}
