import { Entity } from '@backstage/catalog-model';
import { entitySelectorOf } from './entitySelector';

function entity(
  name: string,
  annotations: Record<string, string>,
  owner?: string,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: owner ? { owner } : {},
  };
}

describe('entitySelectorOf', () => {
  it('works a selector out once per content: the same entity read again gets the same one', () => {
    const first = entitySelectorOf(
      entity('shop', { 'backstage.io/kubernetes-id': 'shop' }, 'team-a'),
    );
    const again = entitySelectorOf(
      entity('shop', { 'backstage.io/kubernetes-id': 'shop' }, 'team-a'),
    );
    expect(again).toBe(first);
    expect(first).toMatchObject({
      entityRef: 'component:default/shop',
      ownerRef: 'group:default/team-a',
    });
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('works it out again when anything it is made of changes', () => {
    const before = entitySelectorOf(
      entity('shop', { 'backstage.io/kubernetes-id': 'shop' }, 'team-a'),
    );
    const owner = entitySelectorOf(
      entity('shop', { 'backstage.io/kubernetes-id': 'shop' }, 'team-b'),
    );
    const narrowed = entitySelectorOf(
      entity('shop', {
        'backstage.io/kubernetes-id': 'shop',
        'backstage.io/kubernetes-namespace': 'shop',
      }),
    );
    const labels = entitySelectorOf(
      entity('shop', { 'backstage.io/kubernetes-label-selector': 'app=shop' }),
    );
    expect(owner?.ownerRef).toBe('group:default/team-b');
    expect(narrowed?.namespace).toBe('shop');
    expect(labels?.labelSelector.source).toBe('app=shop');
    expect(new Set([before, owner, narrowed, labels]).size).toBe(4);
  });

  it('keeps entities apart whose values would run together', () => {
    const a = entitySelectorOf(
      entity('a', { 'backstage.io/kubernetes-label-selector': 'x=1' }),
    );
    const b = entitySelectorOf(
      entity('a", "x=1', { 'backstage.io/kubernetes-label-selector': '' }),
    );
    expect(a?.entityRef).toBe('component:default/a');
    expect(b).toBeUndefined();
  });

  it('refuses an invalid selector every time it is asked', () => {
    const broken = entity('broken', {
      'backstage.io/kubernetes-label-selector': 'app in (',
    });
    expect(() => entitySelectorOf(broken)).toThrow(
      'invalid Kubernetes selector',
    );
    expect(() => entitySelectorOf(broken)).toThrow(
      'invalid Kubernetes selector',
    );
  });
});
