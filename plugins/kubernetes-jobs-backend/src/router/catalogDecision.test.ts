import { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { applyCatalogDecision, catalogDecisionTest } from './catalogDecision';

function entity(
  kind: string,
  name: string,
  owner: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations },
    spec: { owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

const shop = entity('Component', 'shop', 'group:default/team-shop', {
  'backstage.io/kubernetes-id': 'shop',
});
const newsletter = entity(
  'Component',
  'newsletter',
  'group:default/team-marketing',
  { 'backstage.io/kubernetes-label-selector': 'app=newsletter' },
);
const billing = entity('System', 'billing', 'group:default/team-shop');

const conditional = (
  conditions: PermissionCriteria<PermissionCondition<'catalog-entity'>>,
): ConditionalPolicyDecision => ({
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'catalog',
  resourceType: 'catalog-entity',
  conditions,
});

const owner = (...claims: string[]) => ({
  rule: 'IS_ENTITY_OWNER',
  resourceType: 'catalog-entity' as const,
  params: { claims },
});
const annotated = (annotation: string, value?: string) => ({
  rule: 'HAS_ANNOTATION',
  resourceType: 'catalog-entity' as const,
  params: value === undefined ? { annotation } : { annotation, value },
});
const kind = (...kinds: string[]) => ({
  rule: 'IS_ENTITY_KIND',
  resourceType: 'catalog-entity' as const,
  params: { kinds },
});

/** Which of shop, newsletter and billing the decision lets through. */
const allowedOf = (decision: PolicyDecision) =>
  [shop, newsletter, billing].map(e => applyCatalogDecision(decision, e));

describe('applyCatalogDecision', () => {
  it('lets every entity through on ALLOW, and none on DENY', () => {
    expect(allowedOf({ result: AuthorizeResult.ALLOW })).toEqual([
      true,
      true,
      true,
    ]);
    expect(allowedOf({ result: AuthorizeResult.DENY })).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('applies one condition with the catalog rule', () => {
    expect(allowedOf(conditional(owner('group:default/team-shop')))).toEqual([
      true,
      false,
      true,
    ]);
    expect(
      allowedOf(conditional(annotated('backstage.io/kubernetes-id'))),
    ).toEqual([true, false, false]);
    expect(
      allowedOf(
        conditional(annotated('backstage.io/kubernetes-id', 'newsletter')),
      ),
    ).toEqual([false, false, false]);
    expect(allowedOf(conditional(kind('system')))).toEqual([
      false,
      false,
      true,
    ]);
  });

  it('combines conditions with allOf, anyOf and not', () => {
    expect(
      allowedOf(
        conditional({
          allOf: [owner('group:default/team-shop'), kind('Component')],
        }),
      ),
    ).toEqual([true, false, false]);
    expect(
      allowedOf(
        conditional({
          anyOf: [
            owner('group:default/team-marketing'),
            annotated('backstage.io/kubernetes-id', 'shop'),
          ],
        }),
      ),
    ).toEqual([true, true, false]);
    expect(allowedOf(conditional({ not: kind('Component') }))).toEqual([
      false,
      false,
      true,
    ]);
    expect(
      allowedOf(
        conditional({
          anyOf: [
            {
              allOf: [
                kind('component'),
                { not: owner('group:default/team-shop') },
              ],
            },
            { not: { anyOf: [kind('component'), annotated('nothing')] } },
          ],
        }),
      ),
    ).toEqual([false, true, true]);
  });

  it('cannot decide a rule the catalog does not know, nor another plugin’s decision', () => {
    const unknown = {
      rule: 'IS_ON_CALL',
      resourceType: 'catalog-entity' as const,
      params: {},
    };
    expect(allowedOf(conditional(unknown))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    // Even where another branch would already decide.
    expect(
      applyCatalogDecision(
        conditional({ anyOf: [kind('Component'), unknown] }),
        shop,
      ),
    ).toBeUndefined();
    expect(
      applyCatalogDecision(
        { ...conditional(kind('Component')), pluginId: 'scaffolder' },
        shop,
      ),
    ).toBeUndefined();
    expect(
      applyCatalogDecision(
        {
          ...conditional(kind('Component')),
          resourceType: 'scaffolder-template',
        },
        shop,
      ),
    ).toBeUndefined();
    expect(
      applyCatalogDecision(
        conditional({ ...kind('Component'), resourceType: 'other' as any }),
        shop,
      ),
    ).toBeUndefined();
  });

  it('cannot decide a condition with invalid params, nor a malformed tree', () => {
    expect(
      applyCatalogDecision(
        conditional({
          ...owner(),
          params: { claims: 'group:default/team-shop' } as any,
        }),
        shop,
      ),
    ).toBeUndefined();
    expect(
      applyCatalogDecision(
        conditional({ rule: 'IS_ENTITY_KIND', resourceType: 'catalog-entity' }),
        shop,
      ),
    ).toBeUndefined();
    expect(
      applyCatalogDecision(
        conditional({
          not: { allOf: [kind('Component'), { anyOf: 'x' }] },
        } as any),
        shop,
      ),
    ).toBeUndefined();
    expect(
      applyCatalogDecision(conditional(null as any), shop),
    ).toBeUndefined();
  });

  it('checks the tree once, then tests each entity', () => {
    const test = catalogDecisionTest(conditional({ not: kind('System') }))!;
    expect([shop, newsletter, billing].map(test)).toEqual([true, true, false]);
  });

  it('evaluates deep and wide trees in linear time, without recursion', () => {
    let deep: PermissionCriteria<PermissionCondition<'catalog-entity'>> =
      kind('Component');
    for (let i = 0; i < 100_000; i++) deep = { not: deep };
    expect(applyCatalogDecision(conditional(deep), shop)).toBe(true);
    const wide = conditional({
      anyOf: [
        ...Array.from({ length: 50_000 }, (_, i) =>
          owner(`group:default/g${i}`),
        ),
        kind('System'),
      ] as any,
    });
    const started = Date.now();
    expect([shop, billing].map(catalogDecisionTest(wide)!)).toEqual([
      false,
      true,
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
