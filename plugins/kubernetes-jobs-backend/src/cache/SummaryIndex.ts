import { Summary } from './summaries';

const nameOf = (summary: Summary) => summary.metadata?.name ?? '';

/**
 * Summaries by namespace, each namespace's in a list sorted by name: what a `Map` keyed by
 * `namespace/name` would answer, in a word per object, where a map takes a key string and
 * three or four words of its table per entry. Found by binary search; the list of a namespace
 * is walked on its own. A namespace's objects come out in name order (a list from the cluster
 * comes in that order too). Keys, where a caller still gives or wants one, are
 * `namespace/name` (neither may contain a slash).
 */
export class SummaryIndex {
  private readonly byNamespace = new Map<string, Summary[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: string): Summary | undefined {
    const slash = key.indexOf('/');
    return this.getIn(key.slice(0, slash), key.slice(slash + 1));
  }

  getIn(namespace: string, name: string): Summary | undefined {
    const list = this.byNamespace.get(namespace);
    if (!list) return undefined;
    const at = find(list, name);
    return at >= 0 ? list[at] : undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  hasIn(namespace: string, name: string): boolean {
    return this.getIn(namespace, name) !== undefined;
  }

  /** Adds or replaces the summary of the object at its namespace and name. */
  put(summary: Summary): void {
    const namespace = summary.metadata?.namespace ?? '';
    const name = nameOf(summary);
    let list = this.byNamespace.get(namespace);
    if (!list) {
      list = [];
      this.byNamespace.set(namespace, list);
    }
    const at = find(list, name);
    if (at >= 0) {
      // One copy of the name, not one per version of the object.
      (summary.metadata as { name?: string }).name = list[at].metadata?.name;
      list[at] = summary;
      return;
    }
    list.splice(~at, 0, summary);
    this.count++;
  }

  /**
   * Replaces the contents with `summaries` (distinct namespace and name), sorted once rather
   * than placed one by one.
   */
  replaceAll(summaries: Iterable<Summary>): void {
    const lists = new Map<string, Summary[]>();
    let count = 0;
    for (const summary of summaries) {
      const namespace = summary.metadata?.namespace ?? '';
      let list = lists.get(namespace);
      if (!list) {
        list = [];
        lists.set(namespace, list);
      }
      list.push(summary);
      count++;
    }
    this.byNamespace.clear();
    for (const [namespace, list] of lists) {
      // Lists come from the cluster sorted: checked in one pass, sorted only when not.
      if (!isSorted(list)) list.sort(compareNames);
      this.byNamespace.set(namespace, list.slice());
    }
    this.count = count;
  }

  /** Removes the object at a namespace and name; whether it was there. */
  remove(namespace: string, name: string): boolean {
    const list = this.byNamespace.get(namespace);
    if (!list) return false;
    const at = find(list, name);
    if (at < 0) return false;
    list.splice(at, 1);
    this.count--;
    if (!list.length) this.byNamespace.delete(namespace);
    return true;
  }

  clear(): void {
    this.byNamespace.clear();
    this.count = 0;
  }

  /** Every summary, or those of one namespace. */
  *values(namespace?: string): IterableIterator<Summary> {
    if (namespace !== undefined) {
      const list = this.byNamespace.get(namespace);
      if (list) yield* list;
      return;
    }
    for (const list of this.byNamespace.values()) yield* list;
  }

  *keys(): IterableIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *entries(): IterableIterator<[string, Summary]> {
    for (const [namespace, list] of this.byNamespace) {
      for (const summary of list) {
        yield [`${namespace}/${nameOf(summary)}`, summary];
      }
    }
  }

  [Symbol.iterator](): IterableIterator<[string, Summary]> {
    return this.entries();
  }
}

function compareNames(a: Summary, b: Summary): number {
  const x = nameOf(a);
  const y = nameOf(b);
  if (x < y) return -1;
  return x > y ? 1 : 0;
}

function isSorted(list: Summary[]): boolean {
  for (let i = 1; i < list.length; i++) {
    if (compareNames(list[i - 1], list[i]) > 0) return false;
  }
  return true;
}

/** The index of `name` in the sorted list, or `~i` where `i` is where it would go. */
function find(list: Summary[], name: string): number {
  let low = 0;
  let high = list.length - 1;
  // Objects are mostly added in name order: the end first.
  if (high >= 0 && nameOf(list[high]) < name) return ~list.length;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const found = nameOf(list[mid]);
    if (found < name) low = mid + 1;
    else if (found > name) high = mid - 1;
    else return mid;
  }
  return ~low;
}
