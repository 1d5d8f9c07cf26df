import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  mockApis,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { kubernetesJobsApiRef } from './apis';
import {
  migrateSucceeded,
  shopEntity,
  SHOP_REF,
} from './__fixtures__/fixtures';
import { mockKubernetesJobsApi } from './__testUtils__/mockKubernetesJobsApi';
import kubernetesJobsPlugin, {
  entityKubernetesJobsContent,
  kubernetesJobsPage,
} from './alpha';

function api() {
  return mockKubernetesJobsApi({
    getDefinitions: jest
      .fn()
      .mockResolvedValue({ items: [migrateSucceeded], errors: [] }),
  });
}

describe('kubernetes-jobs for the new frontend system', () => {
  it('is the kubernetes-jobs plugin with its API, page and entity content', () => {
    expect(kubernetesJobsPlugin.id).toBe('kubernetes-jobs');
    expect(
      kubernetesJobsPlugin.getExtension('api:kubernetes-jobs'),
    ).toBeDefined();
    expect(
      kubernetesJobsPlugin.getExtension('page:kubernetes-jobs'),
    ).toBeDefined();
    expect(
      kubernetesJobsPlugin.getExtension('entity-content:kubernetes-jobs'),
    ).toBeDefined();
    expect(
      kubernetesJobsPlugin.getExtension('entity-card:kubernetes-jobs'),
    ).toBeDefined();
  });

  it('mounts the Jobs tab on an entity with the Kubernetes annotations', async () => {
    const jobsApi = api();
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: shopEntity }),
        entityKubernetesJobsContent,
      ],
      apis: [
        [kubernetesJobsApiRef, jobsApi],
        mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
      ],
    });
    expect(await screen.findByText('shop-db-migrate')).toBeInTheDocument();
    expect(jobsApi.getDefinitions).toHaveBeenCalledWith({
      entityRef: SHOP_REF,
    });
    expect(
      screen.getByRole('button', { name: 'Run shop-db-migrate' }),
    ).toBeInTheDocument();
  });

  it('offers the tab only to entities linked to Kubernetes, at /jobs', () => {
    const tester = createExtensionTester(entityKubernetesJobsContent);
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(shopEntity)).toBe(true);
    expect(
      filter({ ...shopEntity, metadata: { name: 'other', annotations: {} } }),
    ).toBe(false);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Jobs');
  });

  it('mounts the Jobs page', async () => {
    renderTestApp({
      extensions: [kubernetesJobsPage],
      initialRouteEntries: ['/kubernetes-jobs'],
      // The page links to entities; in an app the catalog plugin provides this route.
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [kubernetesJobsApiRef, api()],
        mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
      ],
    });
    expect(await screen.findByText('shop-db-migrate')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Pre-approved Kubernetes Jobs you can run, follow and stop',
      ),
    ).toBeInTheDocument();
  });
});
