import { Entity } from '@backstage/catalog-model';
import { isKubernetesJobsAvailable } from './isKubernetesJobsAvailable';

function entity(annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'shop', annotations },
  };
}

describe('isKubernetesJobsAvailable', () => {
  it('is true with backstage.io/kubernetes-id', () => {
    expect(
      isKubernetesJobsAvailable(
        entity({ 'backstage.io/kubernetes-id': 'shop' }),
      ),
    ).toBe(true);
  });

  it('is true with backstage.io/kubernetes-label-selector', () => {
    expect(
      isKubernetesJobsAvailable(
        entity({ 'backstage.io/kubernetes-label-selector': 'app=shop' }),
      ),
    ).toBe(true);
  });

  it('is false without either, or with blank values', () => {
    expect(isKubernetesJobsAvailable(entity())).toBe(false);
    expect(
      isKubernetesJobsAvailable(
        entity({ 'backstage.io/kubernetes-namespace': 'shop' }),
      ),
    ).toBe(false);
    expect(
      isKubernetesJobsAvailable(entity({ 'backstage.io/kubernetes-id': ' ' })),
    ).toBe(false);
  });
});
