import { ReactElement } from 'react';
import { RenderResult } from '@testing-library/react';
import { Entity } from '@backstage/catalog-model';
import { identityApiRef } from '@backstage/core-plugin-api';
import { toastApiRef } from '@backstage/frontend-plugin-api';
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
  /** The signed-in user (default `user:default/guest`). */
  userEntityRef?: string;
}

/** Renders inside a test app with the kubernetes-jobs API, permissions and a toast spy. */
export async function renderWithApis(
  element: ReactElement,
  options: RenderOptions,
): Promise<RenderResult & { toastApi: { post: jest.Mock } }> {
  const toastApi = { post: jest.fn(() => ({ close: () => {} })) };
  const permissionApi = mockApis.permission({
    authorize: options.permission ?? AuthorizeResult.ALLOW,
  });
  const rendered = await renderInTestApp(
    <TestApiProvider
      apis={[
        [kubernetesJobsApiRef, options.api],
        [permissionApiRef, permissionApi],
        [toastApiRef, toastApi],
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: options.userEntityRef ?? 'user:default/guest',
          }),
        ],
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
  return { ...rendered, toastApi };
}
