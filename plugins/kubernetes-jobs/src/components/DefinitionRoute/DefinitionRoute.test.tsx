import { Route, Routes } from 'react-router-dom';
import { screen } from '@testing-library/react';
import { SHOP_REF } from '../../__fixtures__/fixtures';
import { mockKubernetesJobsApi } from '../../__testUtils__/mockKubernetesJobsApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { DefinitionRoute } from './DefinitionRoute';

async function renderAt(path: string, entityRef?: string) {
  const api = mockKubernetesJobsApi();
  await renderWithApis(
    <Routes>
      <Route
        path="/:cluster/:namespace/:kind/:name"
        element={<DefinitionRoute entityRef={entityRef} />}
      />
    </Routes>,
    { api, routeEntries: [path] },
  );
  return api;
}

describe('DefinitionRoute', () => {
  it('shows the definition the link names', async () => {
    const api = await renderAt(
      '/sandbox/shop/cronjob/shop-nightly-export',
      SHOP_REF,
    );
    expect(api.getDefinition).toHaveBeenCalledWith(
      {
        cluster: 'sandbox',
        namespace: 'shop',
        kind: 'CronJob',
        name: 'shop-nightly-export',
      },
      SHOP_REF,
    );
  });

  it('says the link names no Job when its kind is not one', async () => {
    const api = await renderAt('/sandbox/shop/deployment/shop', SHOP_REF);
    expect(
      screen.getByText(/This link does not name a Job/),
    ).toBeInTheDocument();
    expect(api.getDefinition).not.toHaveBeenCalled();
  });

  it('says the link names no Job without the entity it belongs to', async () => {
    const api = await renderAt('/sandbox/shop/job/shop-db-migrate');
    expect(
      screen.getByText(/This link does not name a Job/),
    ).toBeInTheDocument();
    expect(api.getDefinition).not.toHaveBeenCalled();
  });
});
