/*
 * Label and field selectors: the grammar of k8s.io/apimachinery's labels.Parse that the plugin's
 * selectors use (`k`, `!k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`), and
 * `field=value` / `field!=value` field selectors. Malformed selectors are 400s.
 */
import { badRequest } from './errors';
import { validateLabelValue, validateQualifiedName } from './validation';

/** One requirement of a label selector; `values` undefined means exists / !exists. */
export interface Requirement {
  key: string;
  negated: boolean;
  values?: string[];
}

const REQUIREMENT =
  /^(!)?\s*([^\s!=,()]+)\s*(?:(==|=|!=)\s*([^\s!=,()]*)|\s(in|notin)\s*\(([^()]*)\))?\s*$/;

/** Splits on the commas that are not inside parentheses. */
function terms(input: string): string[] {
  return input.split(/,(?![^(]*\))/);
}

/** Parses a `labelSelector` query parameter. @throws ApiError 400 */
export function parseLabelSelector(input: string | undefined): Requirement[] {
  if (!input?.trim()) {
    return [];
  }
  return terms(input).map(term => {
    const match = REQUIREMENT.exec(term.trim());
    const [, not, key, op, value, setOp, set] = match ?? [];
    if (!match || (not && (op || setOp))) {
      throw badRequest(`unable to parse requirement: "${term}"`);
    }
    const values =
      op !== undefined ? [value] : set?.split(',').map(v => v.trim());
    const problems = [
      ...validateQualifiedName(key),
      ...(values ?? []).flatMap(validateLabelValue),
    ];
    if (problems.length) {
      throw badRequest(
        `unable to parse requirement: "${term}": ${problems.join('; ')}`,
      );
    }
    return { key, negated: !!not || op === '!=' || setOp === 'notin', values };
  });
}

/** Whether a set of labels satisfies a selector. */
export function matchesLabels(
  selector: Requirement[],
  labels: Record<string, string> | undefined,
): boolean {
  return selector.every(({ key, negated, values }) => {
    const found =
      labels !== undefined &&
      Object.prototype.hasOwnProperty.call(labels, key) &&
      (!values || values.includes(labels[key]));
    return found !== negated;
  });
}

/** Whether labels satisfy a metav1.LabelSelector (Job selectors). */
export function matchesSelectorObject(
  selector: any,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) {
    return false;
  }
  const requirements: Requirement[] = Object.entries(
    selector.matchLabels ?? {},
  ).map(([key, value]) => ({ key, negated: false, values: [String(value)] }));
  for (const e of selector.matchExpressions ?? []) {
    const negated = e.operator === 'NotIn' || e.operator === 'DoesNotExist';
    const values = /In$/.test(e.operator) ? e.values ?? [] : undefined;
    requirements.push({ key: String(e.key), negated, values });
  }
  // An empty metav1.LabelSelector matches everything.
  return matchesLabels(requirements, labels);
}

/** One term of a field selector. */
export interface FieldRequirement {
  field: string;
  negated: boolean;
  value: string;
}

/**
 * Parses a `fieldSelector`, checking each field against what the resource supports
 * (`field label "spec.suspend" not supported for Job`). @throws ApiError 400
 */
export function parseFieldSelector(
  input: string | undefined,
  supported: string[],
  kind: string,
): FieldRequirement[] {
  return (input ? input.split(',') : []).map(term => {
    const match = /^(.*?)(==|!=|=)(.*)$/s.exec(term);
    if (!match) {
      throw badRequest(
        `invalid selector: '${input}'; can't understand '${term}'`,
      );
    }
    const [, field, op, value] = match;
    if (!supported.includes(field)) {
      throw badRequest(`field label "${field}" not supported for ${kind}`);
    }
    return { field, negated: op === '!=', value };
  });
}

/** Whether an object's selectable fields satisfy a field selector. */
export function matchesFields(
  requirements: FieldRequirement[],
  fields: Record<string, string>,
): boolean {
  return requirements.every(
    r => ((fields[r.field] ?? '') === r.value) !== r.negated,
  );
}
