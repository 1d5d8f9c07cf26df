import { act, screen, within } from '@testing-library/react';
import { ResponseError } from '@backstage/errors';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  cacheCheckFailed,
  makeRequest,
  makeRun,
  makeSummary,
  migrateSucceeded,
  nightlyExport,
  reindexRunning,
  SHOP_REF,
  shopEntity,
} from '../../__fixtures__/fixtures';
import {
  errorResponse,
  mockKubernetesJobsApi,
} from '../../__testUtils__/mockKubernetesJobsApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { mockSignalApi, runSignal } from '../../__testUtils__/mockSignalApi';
import { EntityKubernetesJobsContent } from './EntityKubernetesJobsContent';

describe('EntityKubernetesJobsContent', () => {
  afterEach(() => {
    jest.useRealTimers();
  });
  it('explains which annotation to add when the entity is not linked to Kubernetes', async () => {
    const api = mockKubernetesJobsApi();
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: {
        ...shopEntity,
        metadata: { name: 'shop', namespace: 'default' },
      },
    });
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(
      screen.getAllByText(/backstage\.io\/kubernetes-id/).length,
    ).toBeGreaterThan(0);
    expect(api.getDefinitions).not.toHaveBeenCalled();
  });

  it('lists the runs of its Jobs that wait for a time, naming the Job, with Cancel for the requester', async () => {
    const at = new Date(Date.now() + 6 * 3600_000).toISOString();
    const api = mockKubernetesJobsApi({
      getDefinitions: jest.fn().mockResolvedValue({
        items: [migrateSucceeded],
        errors: [],
      }),
      listRunRequests: jest.fn().mockResolvedValue({
        items: [
          makeRequest({
            state: 'Scheduled',
            approval: undefined,
            notBefore: at,
          }),
          makeRequest({
            id: 'req-other',
            entityRef: 'component:default/newsletter',
            definition: { kind: 'Job', name: 'newsletter-export' },
          }),
        ],
      }),
    });
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: shopEntity,
      userEntityRef: 'user:default/jane',
    });
    const list = await screen.findByRole('region', { name: 'Waiting runs' });
    expect(list).toHaveTextContent(
      /shop-db-migrate: Runs \w+ at \d\d:\d\d \(in 6 hours\), asked by jane/,
    );
    expect(list).not.toHaveTextContent('newsletter-export');
    expect(
      await within(list).findByRole('button', {
        name: 'Cancel the run of shop-db-migrate asked by jane',
      }),
    ).toBeInTheDocument();
  });

  it('lists the definitions of the entity with their last run', async () => {
    const api = mockKubernetesJobsApi({
      getDefinitions: jest.fn().mockResolvedValue({
        items: [migrateSucceeded, cacheCheckFailed, nightlyExport],
        errors: [],
      }),
    });
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: shopEntity,
    });

    expect(api.getDefinitions).toHaveBeenCalledWith({ entityRef: SHOP_REF });
    const migrateRow = (await screen.findByText('shop-db-migrate')).closest(
      'tr',
    )!;
    expect(within(migrateRow).getByText('Succeeded')).toBeInTheDocument();
    expect(
      within(migrateRow).getByRole('button', { name: 'Run shop-db-migrate' }),
    ).toBeEnabled();
    expect(screen.getByText('shop-db-migrate').closest('a')).toHaveAttribute(
      'href',
      '/sandbox/shop/job/shop-db-migrate',
    );

    const cacheRow = screen.getByText('shop-cache-check').closest('tr')!;
    expect(within(cacheRow).getByText('Failed')).toBeInTheDocument();
    // The cause in plain words, not Kubernetes' reason.
    expect(cacheRow).toHaveTextContent(
      'Cache check failed: 1 of 3 nodes unreachable',
    );
    expect(cacheRow).not.toHaveTextContent('BackoffLimitExceeded');

    const nightlyRow = screen.getByText('shop-nightly-export').closest('tr')!;
    expect(within(nightlyRow).getByText('Never run')).toBeInTheDocument();
    expect(
      within(nightlyRow).getByText(/Runs every day at 02:00/),
    ).toBeInTheDocument();
  });

  it('says there is nothing to run yet when the entity has no definitions', async () => {
    const api = mockKubernetesJobsApi({
      getDefinitions: jest.fn().mockResolvedValue({ items: [], errors: [] }),
    });
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: shopEntity,
    });
    expect(await screen.findByText('No Jobs to run yet')).toBeInTheDocument();
    expect(screen.getByText('job-assistant: enable')).toBeInTheDocument();
  });

  it('says in plain words when run history cannot be read, and still lists the Jobs', async () => {
    const api = mockKubernetesJobsApi({
      getDefinitions: jest.fn().mockResolvedValue({
        items: [migrateSucceeded],
        errors: [],
        historyUnavailable: true,
      }),
    });
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: shopEntity,
    });
    expect(await screen.findByText('shop-db-migrate')).toBeInTheDocument();
    expect(
      screen.getByText(/Run history can't be read right now/),
    ).toHaveTextContent("new runs can't be started until it is back");
  });

  it('says nothing about history when it is there', async () => {
    const api = mockKubernetesJobsApi({
      getDefinitions: jest
        .fn()
        .mockResolvedValue({ items: [migrateSucceeded], errors: [] }),
    });
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: shopEntity,
    });
    expect(await screen.findByText('shop-db-migrate')).toBeInTheDocument();
    expect(screen.queryByText(/Run history can't be read/)).toBeNull();
  });

  it('names the clusters that could not be read, and still lists the others', async () => {
    const api = mockKubernetesJobsApi({
      getDefinitions: jest.fn().mockResolvedValue({
        items: [migrateSucceeded],
        errors: [
          { cluster: 'prod-eu', message: 'connect ECONNREFUSED 10.0.0.1:443' },
        ],
      }),
    });
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: shopEntity,
    });
    expect(
      await screen.findByText(/Cluster prod-eu could not be reached/),
    ).toBeInTheDocument();
    expect(screen.getByText(/ECONNREFUSED/)).toBeInTheDocument();
    expect(screen.getByText('shop-db-migrate')).toBeInTheDocument();
  });

  it('explains a 403 in plain words', async () => {
    const error = await ResponseError.fromResponse(
      errorResponse(403, 'NotAllowedError', 'Unauthorized'),
    );
    const api = mockKubernetesJobsApi({
      getDefinitions: jest.fn().mockRejectedValue(error),
    });
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: shopEntity,
    });
    expect(
      await screen.findByText(/You are not allowed to see these Jobs/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Ask the owners of this component or your platform team/,
      ),
    ).toBeVisible();
  });

  it('shows a server error with its message', async () => {
    const error = await ResponseError.fromResponse(
      errorResponse(500, 'Error', 'Cluster sandbox: connection refused'),
    );
    const api = mockKubernetesJobsApi({
      getDefinitions: jest.fn().mockRejectedValue(error),
    });
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: shopEntity,
    });
    expect(
      await screen.findByText(/The Jobs could not be loaded/),
    ).toBeInTheDocument();
  });

  it('refreshes by itself while a run is active, and stops once it finished', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const finished = makeSummary(
      { name: 'shop-reindex' },
      makeRun({ name: 'shop-reindex-abc12', state: 'Succeeded' }),
    );
    const api = mockKubernetesJobsApi({
      getDefinitions: jest
        .fn()
        .mockResolvedValueOnce({ items: [reindexRunning], errors: [] })
        .mockResolvedValue({ items: [finished], errors: [] }),
    });
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: shopEntity,
    });
    expect(await screen.findByText('Running')).toBeInTheDocument();
    expect(api.getDefinitions).toHaveBeenCalledTimes(1);

    await act(async () => {
      jest.advanceTimersByTime(3000);
    });
    expect(await screen.findByText('Succeeded')).toBeInTheDocument();
    expect(api.getDefinitions).toHaveBeenCalledTimes(2);

    await act(async () => {
      jest.advanceTimersByTime(15000);
    });
    expect(api.getDefinitions).toHaveBeenCalledTimes(2);
  });

  it('refreshes on a hint about one of its Jobs instead of polling, and ignores other Jobs', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const finished = makeSummary(
      { name: 'shop-reindex' },
      makeRun({ name: 'shop-reindex-abc12', state: 'Succeeded' }),
    );
    const api = mockKubernetesJobsApi({
      getDefinitions: jest
        .fn()
        .mockResolvedValueOnce({ items: [reindexRunning], errors: [] })
        .mockResolvedValue({ items: [finished], errors: [] }),
    });
    const signals = mockSignalApi();
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: shopEntity,
      extraApis: [[signalApiRef, signals.api]],
    });
    expect(await screen.findByText('Running')).toBeInTheDocument();

    // A run is active, yet nothing polls: the backend says when something changes.
    await act(async () => {
      jest.advanceTimersByTime(15000);
    });
    expect(api.getDefinitions).toHaveBeenCalledTimes(1);

    signals.publish(
      runSignal({
        definitionName: 'newsletter-export',
        namespace: 'marketing',
      }),
    );
    await act(async () => {
      jest.advanceTimersByTime(1000);
    });
    expect(api.getDefinitions).toHaveBeenCalledTimes(1);

    signals.publish(
      runSignal({ definitionName: 'shop-reindex', run: 'shop-reindex-abc12' }),
    );
    signals.publish(
      runSignal({ definitionName: 'shop-reindex', run: 'shop-reindex-abc12' }),
    );
    await act(async () => {
      jest.advanceTimersByTime(1000);
    });
    expect(await screen.findByText('Succeeded')).toBeInTheDocument();
    expect(api.getDefinitions).toHaveBeenCalledTimes(2);
    expect(api.getDefinitions).toHaveBeenLastCalledWith({
      entityRef: SHOP_REF,
    });
  });

  it('says which clusters are still loading or show older data', async () => {
    const api = mockKubernetesJobsApi({
      getDefinitions: jest.fn().mockResolvedValue({
        items: [],
        errors: [],
        clusters: [
          { cluster: 'sandbox', synced: true },
          {
            cluster: 'production',
            synced: true,
            staleSince: new Date(Date.now() - 2 * 60_000).toISOString(),
            lastError: 'Cluster production: connection reset',
          },
          { cluster: 'staging', synced: false },
        ],
      }),
    });
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: shopEntity,
    });
    expect(
      await screen.findByText(
        'Cluster production is not answering: showing what it said 2 minutes ago; it may be out of date.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Cluster production: connection reset'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Cluster staging: still loading/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Cluster sandbox/)).not.toBeInTheDocument();
    // Not "nothing to run" while a cluster has not answered in full.
    expect(screen.queryByText('No Jobs to run yet')).not.toBeInTheDocument();
  });

  it('says which kind a cluster refused, and still lists the rest of it', async () => {
    const api = mockKubernetesJobsApi({
      getDefinitions: jest.fn().mockResolvedValue({
        items: [migrateSucceeded],
        errors: [
          {
            cluster: 'sandbox',
            kind: 'CronJob',
            statusCode: 403,
            message:
              'Cluster sandbox refused to list CronJobs in namespace shop',
          },
        ],
      }),
    });
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: shopEntity,
    });
    expect(
      await screen.findByText(
        /Cluster sandbox could be read only in part: some of its Jobs are missing below/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/\(its scheduled tasks\): Cluster sandbox refused/),
    ).toBeInTheDocument();
    expect(screen.getByText('shop-db-migrate')).toBeInTheDocument();
  });

  it('keeps the list when a refresh fails, and says so', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const api = mockKubernetesJobsApi({
      getDefinitions: jest
        .fn()
        .mockResolvedValueOnce({ items: [reindexRunning], errors: [] })
        .mockRejectedValue(new Error('Failed to fetch')),
    });
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api,
      entity: shopEntity,
    });
    await screen.findByText('shop-reindex');
    await act(async () => {
      jest.advanceTimersByTime(3000);
    });
    expect(
      await screen.findByText(/Could not refresh: Failed to fetch/),
    ).toBeInTheDocument();
    expect(screen.getByText('shop-reindex')).toBeInTheDocument();
  });

  it('says what it is waiting for when the clusters are slow to answer', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    await renderWithApis(<EntityKubernetesJobsContent />, {
      api: mockKubernetesJobsApi(),
      entity: shopEntity,
    });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
    await act(async () => {
      jest.advanceTimersByTime(6000);
    });
    expect(screen.getByRole('status')).toHaveTextContent(
      'Still waiting for the clusters to answer',
    );
  });
});
