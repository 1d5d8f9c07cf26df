import { ReactElement } from 'react';
import { RenderResult } from '@testing-library/react';
import { Entity } from '@backstage/catalog-model';
import { alertApiRef } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { KubernetesJobsApi, kubernetesJobsApiRef } from '../apis';

export interface RenderOptions {
  api: KubernetesJobsApi;
  entity?: Entity;
  /** Allow (default) or deny every permission. */
  permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  routeEntries?: string[];
  extraApis?: ReadonlyArray<readonly [any, any]>;
}

/** Renders inside a test app with the kubernetes-jobs API, permissions and an alert spy. */
export async function renderWithApis(
  element: ReactElement,
  options: RenderOptions,
): Promise<RenderResult & { alertApi: { post: jest.Mock } }> {
  const alertApi = { post: jest.fn(), alert$: jest.fn() };
  const permissionApi = mockApis.permission({
    authorize: options.permission ?? AuthorizeResult.ALLOW,
  });
  const rendered = await renderInTestApp(
    <TestApiProvider
      apis={[
        [kubernetesJobsApiRef, options.api],
        [permissionApiRef, permissionApi],
        [alertApiRef, alertApi],
        ...(options.extraApis ?? []),
      ]}
    >
      {options.entity ? (
        <EntityProvider entity={options.entity}>{element}</EntityProvider>
      ) : (
        element
      )}
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      routeEntries: options.routeEntries,
    },
  );
  return { ...rendered, alertApi };
}
