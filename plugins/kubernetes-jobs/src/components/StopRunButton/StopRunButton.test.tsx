import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { makeRun, SHOP_REF } from '../../__fixtures__/fixtures';
import {
  errorResponse,
  mockKubernetesJobsApi,
} from '../../__testUtils__/mockKubernetesJobsApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { StopRunButton } from './StopRunButton';

// usePermission caches decisions per permission and resource (SWR) across tests,
// so the denied case asks about an entity that no other test asked about.
const DENIED_REF = 'component:default/not-mine';

const running = makeRun({
  name: 'shop-reindex-abc12',
  state: 'Running',
  finishedAt: undefined,
});

describe('StopRunButton', () => {
  it('stops the run after confirmation, through the kill API, and says so', async () => {
    const stopped = { ...running, state: 'Killed' as const };
    const api = mockKubernetesJobsApi({
      killRun: jest.fn().mockResolvedValue(stopped),
    });
    const onStopped = jest.fn();
    const { toastApi } = await renderWithApis(
      <StopRunButton
        run={running}
        entityRef={SHOP_REF}
        onStopped={onStopped}
      />,
      { api },
    );
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Stop run shop-reindex-abc12',
      }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Stop run' }));
    expect(api.killRun).toHaveBeenCalledWith(running, SHOP_REF);
    expect(onStopped).toHaveBeenCalledWith(stopped);
    expect(toastApi.post).toHaveBeenCalledWith(
      expect.objectContaining({ title: 'Stopped shop-reindex-abc12' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('keeps the dialog open with the 409 message when the run already finished', async () => {
    const error = await ResponseError.fromResponse(
      errorResponse(
        409,
        'ConflictError',
        'shop-reindex-abc12 has already finished',
      ),
    );
    const api = mockKubernetesJobsApi({
      killRun: jest.fn().mockRejectedValue(error),
    });
    const onStopped = jest.fn();
    await renderWithApis(
      <StopRunButton
        run={running}
        entityRef={SHOP_REF}
        onStopped={onStopped}
      />,
      { api },
    );
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Stop run shop-reindex-abc12',
      }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Stop run' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'shop-reindex-abc12 has already finished',
    );
    expect(screen.getByRole('button', { name: 'Stop run' })).toBeDisabled();
    expect(onStopped).not.toHaveBeenCalled();

    // Closing and reopening starts afresh.
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    await userEvent.click(
      screen.getByRole('button', { name: 'Stop run shop-reindex-abc12' }),
    );
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Stop run' })).toBeEnabled();
  });

  it('is disabled when the user may not stop runs, saying who may, visibly', async () => {
    await renderWithApis(
      <StopRunButton
        run={running}
        entityRef={DENIED_REF}
        ownerRef="group:default/team-shop"
      />,
      { api: mockKubernetesJobsApi(), permission: AuthorizeResult.DENY },
    );
    const button = await screen.findByRole('button', {
      name: 'Stop run shop-reindex-abc12',
    });
    await waitFor(() =>
      expect(button).toHaveAccessibleDescription(
        'Only members of team-shop can stop this run',
      ),
    );
    expect(button).toBeDisabled();
    expect(screen.getByText(/can stop this run/).closest('[id]')).toBeVisible();
  });
});
