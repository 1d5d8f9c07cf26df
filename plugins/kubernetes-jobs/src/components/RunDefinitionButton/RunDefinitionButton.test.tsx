import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  makeDefinition,
  makeRequest,
  makeRun,
  SHOP_REF,
} from '../../__fixtures__/fixtures';
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

  it('asks for a run of a Job that needs approval, then says who must approve', async () => {
    const request = makeRequest();
    const api = mockKubernetesJobsApi({
      requestRun: jest.fn().mockResolvedValue(request),
    });
    const onRequested = jest.fn();
    const definition = makeDefinition({ approval: request.approval });
    await renderWithApis(
      <RunDefinitionButton
        definition={definition}
        entityRef={SHOP_REF}
        onRequested={onRequested}
      />,
      { api },
    );
    await userEvent.click(await runButton('Ask for a run of shop-db-migrate'));
    await userEvent.click(
      screen.getByRole('button', { name: 'Ask for a run' }),
    );
    expect(api.requestRun).toHaveBeenCalledWith(definition, SHOP_REF, {});
    expect(api.runDefinition).not.toHaveBeenCalled();
    expect(onRequested).toHaveBeenCalledWith(request);
    const told = await screen.findByRole('dialog', {
      name: 'Run of shop-db-migrate asked for',
    });
    expect(told).toHaveTextContent(
      'Asked. It needs 1 approval from team-sre before it runs.',
    );
    await userEvent.click(within(told).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('asks for a run at a time, and says when it will run', async () => {
    const notBefore = new Date(Date.now() + 6 * 3600_000).toISOString();
    const request = makeRequest({
      state: 'Scheduled',
      approval: undefined,
      notBefore,
    });
    const api = mockKubernetesJobsApi({
      requestRun: jest.fn().mockResolvedValue(request),
    });
    await renderWithApis(
      <RunDefinitionButton
        definition={makeDefinition()}
        entityRef={SHOP_REF}
      />,
      { api },
    );
    await userEvent.click(await runButton());
    await userEvent.click(screen.getByRole('radio', { name: 'At…' }));
    await userEvent.click(
      screen.getByRole('button', { name: 'Run at this time' }),
    );
    expect(api.requestRun).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'shop-db-migrate' }),
      SHOP_REF,
      { at: expect.stringMatching(/T\d\d:00:00[+-]/) },
    );
    const told = await screen.findByRole('dialog', {
      name: 'Run of shop-db-migrate planned',
    });
    expect(told).toHaveTextContent(
      /It will run \w+ at \d\d:\d\d \(in 6 hours\)\./,
    );
  });
});
