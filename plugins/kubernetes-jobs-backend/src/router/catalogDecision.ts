import { Entity } from '@backstage/catalog-model';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';

/** The resource type of catalog entities, which the catalog's rules apply to. */
const CATALOG_ENTITY = 'catalog-entity';

/** What this module needs of a permission rule: the catalog's rules have it. */
export interface InMemoryRule {
  name: string;
  resourceType: string;
  paramsSchema?: unknown;
  apply(entity: Entity, params: any): boolean;
}

/** The catalog's own rules, by name ('IS_ENTITY_OWNER', 'HAS_ANNOTATION', ...). */
const CATALOG_RULES: ReadonlyMap<string, InMemoryRule> = new Map(
  (Object.values(permissionRules) as InMemoryRule[])
    .filter(rule => rule.resourceType === CATALOG_ENTITY)
    .map(rule => [rule.name, rule]),
);

/** One step of a criteria tree in post-order: a rule, or an operator on the values before it. */
type Step =
  | { op: 'rule'; rule: InMemoryRule; params: unknown }
  | { op: 'all' | 'any'; count: number }
  | { op: 'not' };

/**
 * Whether `params` are valid for the rule, as the permission framework checks them: with a
 * Standard Schema's synchronous `validate`, or a Zod schema's `safeParse`. No schema: valid.
 */
function validParams(rule: InMemoryRule, params: unknown): boolean {
  const schema = rule.paramsSchema as any;
  if (!schema) return true;
  const validate = schema['~standard']?.validate;
  if (typeof validate === 'function') {
    const result = validate(params);
    if (!result || typeof result.then === 'function') return false; // async: cannot tell
    return !result.issues;
  }
  if (typeof schema.safeParse === 'function') {
    return Boolean(schema.safeParse(params)?.success);
  }
  return false; // a schema this module does not know how to check
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The criteria tree as post-order steps, each rule known and its params checked; `undefined`
 * when a node is malformed, names a rule `rules` do not know, is for another resource type, or
 * has invalid params. Visits each node once, without recursion.
 */
function compile(
  criteria: PermissionCriteria<PermissionCondition>,
  rules: ReadonlyMap<string, InMemoryRule>,
): Step[] | undefined {
  const steps: Step[] = [];
  // A node is pushed once to expand its children, then once more (with its step) to emit it.
  const stack: Array<{ node: unknown } | { step: Step }> = [{ node: criteria }];
  while (stack.length) {
    const top = stack.pop()!;
    if ('step' in top) {
      steps.push(top.step);
      continue;
    }
    const node = top.node;
    if (!isObject(node)) return undefined;
    if ('allOf' in node || 'anyOf' in node) {
      const children = 'allOf' in node ? node.allOf : node.anyOf;
      if (!Array.isArray(children)) return undefined;
      stack.push({
        step: { op: 'allOf' in node ? 'all' : 'any', count: children.length },
      });
      // Reversed, so that children are emitted in their order.
      for (let i = children.length - 1; i >= 0; i--) {
        stack.push({ node: children[i] });
      }
    } else if ('not' in node) {
      stack.push({ step: { op: 'not' } }, { node: node.not });
    } else {
      const { rule: name, resourceType, params } = node;
      const rule = typeof name === 'string' ? rules.get(name) : undefined;
      if (!rule || resourceType !== rule.resourceType) return undefined;
      if (!validParams(rule, params)) return undefined;
      steps.push({ op: 'rule', rule, params });
    }
  }
  return steps;
}

/** Runs the steps on one entity; `undefined` if a rule throws. Linear in the steps. */
function run(steps: Step[], entity: Entity): boolean | undefined {
  const values: boolean[] = [];
  for (const step of steps) {
    if (step.op === 'rule') {
      try {
        // As the permission framework does: absent params are an empty object.
        values.push(Boolean(step.rule.apply(entity, step.params ?? {})));
      } catch {
        return undefined;
      }
    } else if (step.op === 'not') {
      values.push(!values.pop());
    } else {
      const operands = values.splice(values.length - step.count, step.count);
      values.push(
        step.op === 'all' ? operands.every(Boolean) : operands.some(Boolean),
      );
    }
  }
  return values.length === 1 ? values[0] : undefined;
}

/**
 * A decision on catalog entities as a test of one entity, checked once for all of them: ALLOW
 * passes every entity, DENY none, and a CONDITIONAL decision of the catalog
 * (`pluginId: 'catalog'`, `resourceType: 'catalog-entity'`) applies its conditions with the
 * catalog's own rules, as the catalog would. `undefined` when it cannot be decided in memory
 * (another plugin or resource type, a rule the catalog's rules do not know, invalid params):
 * then ask the permission service per entity.
 */
export function catalogDecisionTest(
  decision: PolicyDecision,
  rules: ReadonlyMap<string, InMemoryRule> = CATALOG_RULES,
): ((entity: Entity) => boolean | undefined) | undefined {
  if (decision.result === AuthorizeResult.ALLOW) return () => true;
  if (decision.result === AuthorizeResult.DENY) return () => false;
  if (
    decision.result !== AuthorizeResult.CONDITIONAL ||
    decision.pluginId !== 'catalog' ||
    decision.resourceType !== CATALOG_ENTITY
  ) {
    return undefined;
  }
  const steps = compile(decision.conditions, rules);
  return steps && (entity => run(steps, entity));
}

/**
 * Whether `decision` lets the caller at `entity`: true or false, or `undefined` when it cannot
 * be decided in memory (see {@link catalogDecisionTest}).
 */
export function applyCatalogDecision(
  decision: PolicyDecision,
  entity: Entity,
  rules?: ReadonlyMap<string, InMemoryRule>,
): boolean | undefined {
  return catalogDecisionTest(decision, rules)?.(entity);
}
