import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { makeDefinition, makeRun, SHOP_REF } from '../../__fixtures__/fixtures';
import {
  errorResponse,
  mockKubernetesJobsApi,
} from '../../__testUtils__/mockKubernetesJobsApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { RunDefinitionButton } from './RunDefinitionButton';

// usePermission caches decisions per permission and resource (SWR) across tests,
// so the denied case asks about an entity that no other test asked about.
const DENIED_REF = 'component:default/not-mine';

async function runButton(name = 'Run shop-db-migrate') {
  const button = await screen.findByRole('button', { name });
  // Disabled while the permission is checked.
  await waitFor(() => expect(button).not.toHaveAttribute('aria-busy'));
  return button;
}

describe('RunDefinitionButton', () => {
  it('starts a run only after confirmation, and reports it', async () => {
    const run = makeRun({ state: 'Pending' });
    const api = mockKubernetesJobsApi({
      runDefinition: jest.fn().mockResolvedValue(run),
    });
    const onStarted = jest.fn();
    const definition = makeDefinition();
    const { toastApi } = await renderWithApis(
      <RunDefinitionButton
        definition={definition}
        entityRef={SHOP_REF}
        onStarted={onStarted}
      />,
      { api },
    );
    await userEvent.click(await runButton());
    expect(api.runDefinition).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(api.runDefinition).toHaveBeenCalledWith(definition, SHOP_REF);
    expect(onStarted).toHaveBeenCalledWith(run);
    expect(toastApi.post).toHaveBeenCalledWith(
      expect.objectContaining({
        title: 'Started shop-db-migrate-x7k2p',
        status: 'success',
      }),
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
    await userEvent.click(await runButton());
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(api.runDefinition).not.toHaveBeenCalled();
  });

  it('is disabled when the user may not run the Job, saying who may, next to the button', async () => {
    const api = mockKubernetesJobsApi();
    await renderWithApis(
      <RunDefinitionButton
        definition={makeDefinition()}
        entityRef={DENIED_REF}
      />,
      { api, permission: AuthorizeResult.DENY },
    );
    const button = await runButton();
    expect(button).toBeDisabled();
    // Written on the page, not in a hover tooltip, and read with the button.
    expect(button).toHaveAccessibleDescription(
      'Only members of team-shop can run this Job',
    );
    const reason = document.getElementById(
      button.getAttribute('aria-describedby')!,
    )!;
    expect(reason).toBeVisible();
    expect(screen.queryByRole('tooltip')).not.toBeInTheDocument();
  });

  it('says the user may not, without an owner to name', async () => {
    await renderWithApis(
      <RunDefinitionButton
        definition={makeDefinition({ entityOwnerRef: undefined })}
        entityRef={DENIED_REF}
      />,
      { api: mockKubernetesJobsApi(), permission: AuthorizeResult.DENY },
    );
    expect(await runButton()).toHaveAccessibleDescription(
      'You are not allowed to run this Job',
    );
  });

  it('is disabled, with the reason, while a one-at-a-time Job has an active run', async () => {
    await renderWithApis(
      <>
        <RunDefinitionButton
          definition={makeDefinition()}
          entityRef={SHOP_REF}
          hasActiveRun
        />
        <RunDefinitionButton
          definition={makeDefinition({
            name: 'shop-reindex',
            allowParallelRuns: true,
          })}
          entityRef={SHOP_REF}
          hasActiveRun
        />
      </>,
      { api: mockKubernetesJobsApi() },
    );
    const button = await runButton();
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(
      /A run is in progress, and this Job runs one at a time/,
    );
    // A Job that allows parallel runs may be run again.
    expect(await runButton('Run shop-reindex')).toBeEnabled();
  });

  it('after a 409, says why in the dialog, disables Run there, and asks the page to refresh', async () => {
    const conflict = await ResponseError.fromResponse(
      errorResponse(
        409,
        'ConflictError',
        'shop-db-migrate already has an active run (shop-db-migrate-abc12)',
      ),
    );
    const api = mockKubernetesJobsApi({
      runDefinition: jest.fn().mockRejectedValue(conflict),
    });
    const onConflict = jest.fn();
    await renderWithApis(
      <RunDefinitionButton
        definition={makeDefinition()}
        entityRef={SHOP_REF}
        onConflict={onConflict}
      />,
      { api },
    );
    await userEvent.click(await runButton());
    const dialog = screen.getByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Run' }));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The run was not started');
    expect(alert).toHaveTextContent(
      'shop-db-migrate already has an active run (shop-db-migrate-abc12)',
    );
    expect(within(dialog).getByRole('button', { name: 'Run' })).toBeDisabled();
    expect(onConflict).toHaveBeenCalledTimes(1);
  });
});
