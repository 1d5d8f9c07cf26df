import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { makeDefinition, makeRun, SHOP_REF } from '../../__fixtures__/fixtures';
import { mockKubernetesJobsApi } from '../../__testUtils__/mockKubernetesJobsApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { RunDefinitionButton } from './RunDefinitionButton';

// usePermission caches decisions per permission and resource (SWR) across tests,
// so the denied case asks about an entity that no other test asked about.
const DENIED_REF = 'component:default/not-mine';

describe('RunDefinitionButton', () => {
  it('starts a run only after confirmation, and reports it', async () => {
    const run = makeRun({ state: 'Pending' });
    const api = mockKubernetesJobsApi({
      runDefinition: jest.fn().mockResolvedValue(run),
    });
    const onStarted = jest.fn();
    const definition = makeDefinition();
    const { alertApi } = await renderWithApis(
      <RunDefinitionButton
        definition={definition}
        entityRef={SHOP_REF}
        onStarted={onStarted}
      />,
      { api },
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Run shop-db-migrate' }),
    );
    expect(api.runDefinition).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(api.runDefinition).toHaveBeenCalledWith(definition, SHOP_REF);
    expect(onStarted).toHaveBeenCalledWith(run);
    expect(alertApi.post).toHaveBeenCalledWith(
      expect.objectContaining({ severity: 'success' }),
    );
  });

  it('does nothing when cancelled', async () => {
    const api = mockKubernetesJobsApi();
    await renderWithApis(
      <RunDefinitionButton
        definition={makeDefinition()}
        entityRef={SHOP_REF}
      />,
      { api },
    );
    await userEvent.click(screen.getByRole('button', { name: /^Run / }));
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(api.runDefinition).not.toHaveBeenCalled();
  });

  it('is disabled, with the reason, when the user may not run the Job', async () => {
    const api = mockKubernetesJobsApi();
    await renderWithApis(
      <RunDefinitionButton
        definition={makeDefinition()}
        entityRef={DENIED_REF}
      />,
      { api, permission: AuthorizeResult.DENY },
    );
    const button = await screen.findByRole('button', {
      name: 'Run shop-db-migrate',
    });
    expect(button).toBeDisabled();
    expect(
      screen.getByTitle('You are not allowed to run this Job'),
    ).toBeInTheDocument();
  });
});
