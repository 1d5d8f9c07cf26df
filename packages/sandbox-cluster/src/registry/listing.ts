/*
 * Listing for the registry: label and field selectors compiled into a filter,
 * and LIST with paging (continue tokens over consistent snapshots).
 */
import { expired } from '../api/errors';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../api/selectors';
import { clone, KubeObject } from '../api/types';
import { ResourceVersionTooOld, Store } from '../store/store';
import { decodeContinue, encodeContinue } from './continueToken';
import { apiVersionOf, ResourceInfo } from './resources';

/** List query parameters. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

/** A list response body. */
export interface ListBody {
  kind: string;
  apiVersion: string;
  metadata: {
    resourceVersion: string;
    continue?: string;
    remainingItemCount?: number;
  };
  items: KubeObject[];
}

/** A compiled label + field selector. */
export interface ObjectFilter {
  /** Whether any selector was given. */
  selective: boolean;
  matches(object: KubeObject): boolean;
}

const EXPIRED_CONTINUE_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** Compiles labelSelector/fieldSelector for a resource. @throws ApiError 400 */
export function compileFilter(
  info: ResourceInfo,
  labelSelector: string | undefined,
  fieldSelector: string | undefined,
): ObjectFilter {
  const fieldsOf = (object: KubeObject) => ({
    'metadata.name': object.metadata.name ?? '',
    'metadata.namespace': object.metadata.namespace ?? '',
    ...info.strategy.fields?.(object),
  });
  const labels = parseLabelSelector(labelSelector);
  const fields = parseFieldSelector(
    fieldSelector,
    Object.keys(fieldsOf({ metadata: {} })),
    info.kind,
  );
  return {
    selective: labels.length + fields.length > 0,
    matches: object =>
      matchesLabels(labels, object.metadata.labels) &&
      matchesFields(fields, fieldsOf(object)),
  };
}

/** LIST with selectors and paging (consistent snapshots across pages). */
export function listObjects(
  store: Store,
  info: ResourceInfo,
  namespace: string | undefined,
  options: ListOptions,
): ListBody {
  const filter = compileFilter(
    info,
    options.labelSelector,
    options.fieldSelector,
  );
  const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
  let rv = store.currentRv;
  let start = '';
  let entries = store.scan(info.storage, namespace);
  if (options.continue) {
    const token = decodeContinue(options.continue);
    start = token.start;
    try {
      // A token from a 410 (rv -1) continues inconsistently, from the latest state.
      if (token.rv !== -1) {
        entries = store.scanAt(info.storage, token.rv, namespace);
        rv = token.rv;
      }
    } catch (e) {
      if (!(e instanceof ResourceVersionTooOld)) throw e;
      throw expired(EXPIRED_CONTINUE_MESSAGE, {
        continue: encodeContinue(-1, token.start),
      });
    }
  }
  // Keys are relative to the listed prefix, like etcd keys: `name` inside
  // a namespace, `namespace/name` across namespaces.
  const relative = (key: string) =>
    namespace && info.namespaced ? key.slice(namespace.length + 1) : key;
  const items: KubeObject[] = [];
  const metadata: ListBody['metadata'] = { resourceVersion: String(rv) };
  let lastKey = '';
  for (let i = 0; i < entries.length; i++) {
    const [key, object] = entries[i];
    if (relative(key) < start) {
      continue;
    }
    if (items.length >= limit) {
      metadata.continue = encodeContinue(rv, `${lastKey}\u0000`);
      if (!filter.selective) {
        metadata.remainingItemCount = entries.length - i;
      }
      break;
    }
    if (filter.matches(object)) {
      const { kind: _kind, apiVersion: _apiVersion, ...item } = clone(object);
      items.push(item as KubeObject);
      lastKey = relative(key);
    }
  }
  return {
    kind: info.listKind,
    apiVersion: apiVersionOf(info),
    metadata,
    items,
  };
}
