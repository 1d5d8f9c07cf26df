/*
 * Records core/v1 Events the way client-go's event recorder does
 * (recording 03): `<object>.<hex timestamp>` names, `source.component`,
 * and repeated identical events folded into `count`.
 */
import { formatTime, KubeObject } from '../api/types';
import { Registry } from '../registry/registry';
import { STORAGE } from '../registry/resources';
import { Store } from '../store/store';

/** Who reports an event. */
export interface EventSource {
  component: string;
  host?: string;
}

/** Creates Events about objects. */
export class EventRecorder {
  private sequence = 0n;

  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
  ) {}

  /** Records a Normal or Warning event about `object`. */
  record(
    object: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    source: EventSource,
  ) {
    const namespace = object.metadata.namespace ?? 'default';
    const now = formatTime(Date.now());
    const involvedObject = {
      kind: object.kind,
      namespace: object.metadata.namespace,
      name: object.metadata.name,
      uid: object.metadata.uid,
      apiVersion: object.apiVersion,
      resourceVersion: object.metadata.resourceVersion,
    };
    const existing = this.store
      .scan(STORAGE.events, namespace)
      .map(([, event]) => event)
      .find(
        event =>
          event.involvedObject?.uid === involvedObject.uid &&
          event.reason === reason &&
          event.message === message &&
          event.type === type &&
          event.source?.component === source.component,
      );
    try {
      if (existing) {
        this.registry.writeObject(STORAGE.events, {
          ...existing,
          count: (existing.count ?? 1) + 1,
          lastTimestamp: now,
        });
        return;
      }
      // client-go names events `<name>.<unix nanos in hex>`.
      const nanos =
        BigInt(Date.now()) * 1_000_000n + (this.sequence++ % 1_000_000n);
      this.registry.createObject(STORAGE.events, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: {
          name: `${object.metadata.name}.${nanos.toString(16)}`,
          namespace,
        },
        involvedObject,
        reason,
        message,
        source: source.host
          ? { component: source.component, host: source.host }
          : { component: source.component },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: source.component,
        reportingInstance: source.host ?? '',
      });
    } catch {
      // Events are best effort (e.g. the namespace is being deleted).
    }
  }
}
