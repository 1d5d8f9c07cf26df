import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  makeRun,
  makeSummary,
  migrateSucceeded,
  reindexRunning,
  SHOP_REF,
  shopEntity,
} from '../../__fixtures__/fixtures';
import {
  errorResponse,
  mockKubernetesJobsApi,
} from '../../__testUtils__/mockKubernetesJobsApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { EntityKubernetesJobsContent } from './EntityKubernetesJobsContent';

describe('EntityKubernetesJobsContent actions: Run and Stop', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('offers Stop only on a definition whose last run is active', async () => {
    const api = mockKubernetesJobsApi({
      getDefinitions: jest.fn().mockResolvedValue({
        items: [migrateSucceeded, reindexRunning],
        errors: [],
      }),
    });
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: shopEntity,
    });
    await screen.findByText('shop-reindex');
    expect(
      screen.getByRole('button', { name: 'Stop run shop-reindex-abc12' }),
    ).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: /^Stop run/ })).toHaveLength(
      1,
    );
    expect(screen.queryByRole('button', { name: /Kill/ })).toBeNull();
  });

  it('runs a definition after confirmation and shows the new run without a reload', async () => {
    const running = makeRun({
      name: 'shop-db-migrate-new01',
      state: 'Running',
      finishedAt: undefined,
      durationSeconds: 1,
    });
    const api = mockKubernetesJobsApi({
      getDefinitions: jest
        .fn()
        .mockResolvedValueOnce({ items: [migrateSucceeded], errors: [] })
        .mockResolvedValue({
          items: [makeSummary({}, running)],
          errors: [],
        }),
      runDefinition: jest.fn().mockResolvedValue(running),
    });
    const { toastApi } = await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: shopEntity,
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Run shop-db-migrate' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Run shop-db-migrate?' });
    expect(dialog).toHaveTextContent(
      'This starts a new run of shop-db-migrate on sandbox, now.',
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Run' }));

    expect(api.runDefinition).toHaveBeenCalledWith(
      expect.objectContaining({
        cluster: 'sandbox',
        namespace: 'shop',
        kind: 'Job',
        name: 'shop-db-migrate',
      }),
      SHOP_REF,
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(await screen.findByText('Running')).toBeInTheDocument();
    expect(toastApi.post).toHaveBeenCalledWith(
      expect.objectContaining({ title: 'Started shop-db-migrate-new01' }),
    );
  });

  it('disables Run while a one-at-a-time Job runs, with the reason on the page', async () => {
    const api = mockKubernetesJobsApi({
      getDefinitions: jest
        .fn()
        .mockResolvedValue({ items: [reindexRunning], errors: [] }),
    });
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: shopEntity,
    });
    const run = await screen.findByRole('button', { name: 'Run shop-reindex' });
    await waitFor(() => expect(run).not.toHaveAttribute('aria-busy'));
    expect(run).toBeDisabled();
    const row = run.closest('tr')!;
    expect(
      within(row).getByText(
        'A run is in progress, and this Job runs one at a time: wait for it to finish or stop it.',
      ),
    ).toBeVisible();
  });

  it('after a 409 the dialog says why with Run disabled, and the list catches up', async () => {
    const conflict = await ResponseError.fromResponse(
      errorResponse(
        409,
        'ConflictError',
        'shop-reindex already has an active run (shop-reindex-abc12); it runs one at a time',
      ),
    );
    const idle = makeSummary(
      { name: 'shop-reindex' },
      makeRun({ name: 'shop-reindex-old01', state: 'Succeeded' }),
    );
    const api = mockKubernetesJobsApi({
      getDefinitions: jest
        .fn()
        // The list had not seen the run someone else just started.
        .mockResolvedValueOnce({ items: [idle], errors: [] })
        .mockResolvedValue({ items: [reindexRunning], errors: [] }),
      runDefinition: jest.fn().mockRejectedValue(conflict),
    });
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: shopEntity,
    });
    const run = await screen.findByRole('button', { name: 'Run shop-reindex' });
    await waitFor(() => expect(run).toBeEnabled());
    await userEvent.click(run);
    const dialog = screen.getByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Run' }));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The run was not started');
    expect(alert).toHaveTextContent(
      'shop-reindex already has an active run (shop-reindex-abc12); it runs one at a time',
    );
    expect(within(dialog).getByRole('button', { name: 'Run' })).toBeDisabled();
    // The list reloads behind the dialog, and shows the active run with its Stop button.
    await waitFor(() => expect(api.getDefinitions).toHaveBeenCalledTimes(2));
    expect(
      await screen.findByRole('button', {
        name: 'Stop run shop-reindex-abc12',
        // Behind the modal dialog, hidden from assistive technology until it closes.
        hidden: true,
      }),
    ).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('says who may run the Jobs when the user may not, without hovering', async () => {
    const api = mockKubernetesJobsApi({
      getDefinitions: jest
        .fn()
        .mockResolvedValue({ items: [migrateSucceeded], errors: [] }),
    });
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: {
        ...shopEntity,
        // usePermission caches its answers per resource: a resource no other test uses.
        metadata: { ...shopEntity.metadata, name: 'shop-denied' },
      },
      permission: AuthorizeResult.DENY,
    });
    const run = await screen.findByRole('button', {
      name: 'Run shop-db-migrate',
    });
    await waitFor(() =>
      expect(run).toHaveAccessibleDescription(
        'Only members of team-shop can run this Job',
      ),
    );
    expect(run).toBeDisabled();
    expect(run.closest('tr')!).toHaveTextContent(
      'Only members of team-shop can run this Job',
    );
  });

  it('keeps an open Run dialog open while the list refreshes', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    // A Job that may run several times at once: Run stays enabled while one is active.
    const parallel = makeSummary(
      { name: 'shop-reindex', allowParallelRuns: true },
      reindexRunning.stats.lastRun,
    );
    const later = makeSummary(
      {
        name: 'shop-reindex',
        allowParallelRuns: true,
        description: 'Rebuilds the search index',
      },
      reindexRunning.stats.lastRun,
    );
    const api = mockKubernetesJobsApi({
      getDefinitions: jest
        .fn()
        .mockResolvedValueOnce({ items: [parallel], errors: [] })
        .mockResolvedValue({ items: [later], errors: [] }),
    });
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: shopEntity,
    });
    const run = await screen.findByRole('button', { name: 'Run shop-reindex' });
    await waitFor(() => expect(run).toBeEnabled());
    await userEvent.click(run);
    await act(async () => {
      jest.advanceTimersByTime(3000);
    });
    // The refreshed description shows in the row and in the dialog, which stayed open.
    expect(
      await screen.findAllByText('Rebuilds the search index'),
    ).toHaveLength(2);
    expect(
      screen.getByRole('dialog', { name: 'Run shop-reindex?' }),
    ).toBeInTheDocument();
  });
});
