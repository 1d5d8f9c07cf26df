import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DefinitionLocation } from '@job-assistant/plugin-kubernetes-jobs-common';
import { WatchCaches } from '../cache/WatchCaches';
import { definitionKeyString } from '../database/RunStore';
import { definitionEntities } from './definitionEntities';

const component = (name: string, annotations: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { owner: 'group:default/team-shop' },
});

const MIGRATE: DefinitionLocation = {
  cluster: 'production',
  namespace: 'shop',
  kind: 'CronJob',
  name: 'shop-db-migrate',
};

describe('definitionEntities', () => {
  it('finds the entities whose selector picks a definition, by its labels in the watch cache', async () => {
    const objects: Record<string, object> = {
      'CronJob/shop/shop-db-migrate': {
        metadata: {
          namespace: 'shop',
          labels: { app: 'shop', 'backstage.io/kubernetes-id': 'shop' },
        },
      },
    };
    const caches = {
      clusters: () => ['production'],
      get: () => ({
        get: (kind: string, namespace: string, name: string) =>
          objects[`${kind}/${namespace}/${name}`],
      }),
    } as unknown as WatchCaches;
    const lookup = definitionEntities({
      catalog: catalogServiceMock({
        entities: [
          component('shop', { 'backstage.io/kubernetes-id': 'shop' }),
          component('shop-by-label', {
            'backstage.io/kubernetes-label-selector': 'app=shop',
            'backstage.io/kubernetes-namespace': 'shop',
          }),
          component('billing', { 'backstage.io/kubernetes-id': 'billing' }),
          component('broken', {
            'backstage.io/kubernetes-label-selector': 'app in (',
          }),
          component('no-kubernetes', {}),
        ],
      }),
      auth: mockServices.auth(),
      caches,
    });
    const gone = { ...MIGRATE, name: 'deleted' };
    const elsewhere = { ...MIGRATE, cluster: 'unknown' };

    const found = await lookup([MIGRATE, gone, elsewhere]);

    expect([...found.entries()]).toEqual([
      [
        definitionKeyString(MIGRATE),
        ['component:default/shop', 'component:default/shop-by-label'],
      ],
    ]);
  });
});
