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
import { KillRunButton } from './KillRunButton';

// usePermission caches decisions per permission and resource (SWR) across tests,
// so the denied case asks about an entity that no other test asked about.
const DENIED_REF = 'component:default/not-mine';

const running = makeRun({
  name: 'shop-reindex-abc12',
  state: 'Running',
  finishedAt: undefined,
});

describe('KillRunButton', () => {
  it('kills the run after confirmation', async () => {
    const killed = { ...running, state: 'Killed' as const };
    const api = mockKubernetesJobsApi({
      killRun: jest.fn().mockResolvedValue(killed),
    });
    const onKilled = jest.fn();
    await renderWithApis(
      <KillRunButton run={running} entityRef={SHOP_REF} onKilled={onKilled} />,
      { api },
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Kill run shop-reindex-abc12' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Kill run' }));
    expect(api.killRun).toHaveBeenCalledWith(running, SHOP_REF);
    expect(onKilled).toHaveBeenCalledWith(killed);
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
    const onKilled = jest.fn();
    await renderWithApis(
      <KillRunButton run={running} entityRef={SHOP_REF} onKilled={onKilled} />,
      { api },
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Kill run shop-reindex-abc12' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Kill run' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'shop-reindex-abc12 has already finished',
    );
    expect(onKilled).not.toHaveBeenCalled();

    // Closing and reopening starts afresh.
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await userEvent.click(
      screen.getByRole('button', { name: 'Kill run shop-reindex-abc12' }),
    );
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('is disabled when the user may not kill runs', async () => {
    await renderWithApis(
      <KillRunButton run={running} entityRef={DENIED_REF} />,
      { api: mockKubernetesJobsApi(), permission: AuthorizeResult.DENY },
    );
    expect(
      await screen.findByRole('button', {
        name: 'Kill run shop-reindex-abc12',
      }),
    ).toBeDisabled();
  });
});
