import { InputError } from '@backstage/errors';

type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

/**
 * A parsed Kubernetes label selector (equality- and set-based), for the few places where the
 * apiserver cannot do the matching for us: deciding which catalog entity a definition found by
 * another query belongs to.
 */
export class LabelSelector {
  private constructor(
    readonly source: string,
    private readonly requirements: Requirement[],
  ) {}

  static parse(source: string): LabelSelector {
    const requirements: Requirement[] = [];
    for (const part of splitTopLevel(source)) {
      const text = part.trim();
      if (!text) continue;
      requirements.push(parseRequirement(text, source));
    }
    return new LabelSelector(source, requirements);
  }

  matches(labels: Record<string, string> | undefined): boolean {
    const l = labels ?? {};
    return this.requirements.every(r => {
      const has = Object.prototype.hasOwnProperty.call(l, r.key);
      switch (r.op) {
        case 'exists':
          return has;
        case '!exists':
          return !has;
        case 'in':
          return has && r.values.includes(l[r.key]);
        case 'notin':
          // As in Kubernetes, objects without the label match `notin` and `!=`.
          return !has || !r.values.includes(l[r.key]);
        default:
          return false;
      }
    });
  }
}

function splitTopLevel(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of source) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function parseRequirement(text: string, source: string): Requirement {
  const fail = (why: string) =>
    new InputError(`Invalid label selector '${source}': ${why} in '${text}'`);
  const checkKey = (key: string) => {
    if (!KEY.test(key)) throw fail(`invalid label key '${key}'`);
    return key;
  };
  const checkValue = (value: string) => {
    if (value.length > 63 || !VALUE.test(value)) {
      throw fail(`invalid label value '${value}'`);
    }
    return value;
  };

  if (text.startsWith('!')) {
    return { key: checkKey(text.slice(1).trim()), op: '!exists' };
  }
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(text);
  if (set) {
    const values = set[3].split(',').map(v => checkValue(v.trim()));
    return { key: checkKey(set[1]), op: set[2] as 'in' | 'notin', values };
  }
  const eq = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(text);
  if (eq) {
    const key = checkKey(eq[1]);
    const value = checkValue(eq[3].trim());
    return { key, op: eq[2] === '!=' ? 'notin' : 'in', values: [value] };
  }
  if (/^\S+$/.test(text)) {
    return { key: checkKey(text), op: 'exists' };
  }
  throw fail('unsupported requirement');
}
