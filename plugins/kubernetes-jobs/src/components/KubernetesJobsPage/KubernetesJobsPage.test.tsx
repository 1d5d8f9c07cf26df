import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  cacheCheckFailed,
  makeRequest,
  makeRun,
  makeSummary,
  migrateSucceeded,
  nightlyExport,
} from '../../__fixtures__/fixtures';
import { mockKubernetesJobsApi } from '../../__testUtils__/mockKubernetesJobsApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { mockSignalApi, runSignal } from '../../__testUtils__/mockSignalApi';
import {
  DefinitionPageQuery,
  DefinitionSummary,
  distinct,
  filterDefinitions,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { KubernetesJobsPage } from './KubernetesJobsPage';

/**
 * The backend's paged list, as far as the page can tell: filters by the one rule of -common,
 * pages by an offset cursor, counts the matches and what the user may see in all.
 */
function pagedServer(all: DefinitionSummary[]) {
  return jest.fn(async (options?: { page?: DefinitionPageQuery }) => {
    const page = options?.page;
    if (!page) return { items: all, errors: [] };
    const matching = filterDefinitions(all, page);
    const start = page.cursor ? Number(page.cursor) : 0;
    const end = start + page.limit;
    return {
      items: matching.slice(start, end),
      errors: [],
      total: matching.length,
      available: all.length,
      facets: {
        clusters: distinct(all.map(i => i.definition.cluster)),
        namespaces: distinct(all.map(i => i.definition.namespace)),
        owners: distinct(all.map(i => i.definition.entityOwnerRef)),
      },
      ...(end < matching.length ? { nextCursor: String(end) } : {}),
    };
  });
}

const NEWSLETTER_REF = 'component:default/newsletter';

const newsletterExport = makeSummary(
  {
    name: 'newsletter-export',
    namespace: 'marketing',
    entityRef: NEWSLETTER_REF,
    entityOwnerRef: 'group:default/marketing',
    description: 'Exports subscribers for the newsletter tool',
  },
  makeRun({
    name: 'newsletter-export-aaaaa',
    namespace: 'marketing',
    definition: { kind: 'Job', name: 'newsletter-export' },
  }),
);

async function renderPage(
  routeEntries = ['/'],
  overrides: Parameters<typeof mockKubernetesJobsApi>[0] = {},
) {
  const api = mockKubernetesJobsApi({
    ...overrides,
    getDefinitions: pagedServer([
      migrateSucceeded,
      cacheCheckFailed,
      nightlyExport,
      newsletterExport,
    ]),
  });
  const rendered = await renderWithApis(<KubernetesJobsPage />, {
    api,
    routeEntries,
  });
  return { ...rendered, api };
}

function filter(name: string) {
  return within(screen.getByRole('search', { name: 'Filter Jobs' })).getByRole(
    'button',
    { name: new RegExp(`^${name}`) },
  );
}

function jobNames() {
  return screen
    .getAllByRole('row')
    .slice(1)
    .map(row => within(row).queryAllByRole('link')[0]?.textContent)
    .filter(Boolean);
}

describe('KubernetesJobsPage', () => {
  it('shows the runs waiting for my approval, counting them, in place of the Jobs', async () => {
    const request = makeRequest({
      requestedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    });
    const { api } = await renderPage(['/'], {
      listRunRequests: jest.fn().mockResolvedValue({ items: [request] }),
    });
    await screen.findByText('newsletter-export');
    expect(api.listRunRequests).toHaveBeenCalledWith({ waitingForMe: true });
    const waiting = await screen.findByRole('checkbox', {
      name: 'Waiting for my approval (1)',
    });
    expect(jobNames()).toHaveLength(4);

    await userEvent.click(waiting);
    expect(screen.queryByRole('table')).toBeNull();
    expect(
      screen.getByRole('region', { name: 'Waiting runs' }),
    ).toHaveTextContent(
      'shop-db-migrate: Waiting for approval from team-sre (asked by jane 5 minutes ago)',
    );
    expect(
      await screen.findByRole('button', {
        name: 'Approve the run of shop-db-migrate asked by jane',
      }),
    ).toBeInTheDocument();
  });

  it('offers no approval filter to someone nothing waits for', async () => {
    const { api } = await renderPage();
    await screen.findByText('newsletter-export');
    expect(api.listRunRequests).toHaveBeenCalled();
    expect(
      screen.queryByRole('checkbox', { name: /Waiting for my approval/ }),
    ).toBeNull();
  });

  it('lists every definition the user may see, linking to its component', async () => {
    const { api } = await renderPage();
    // One page, asked of the backend, sorted by name.
    expect(api.getDefinitions).toHaveBeenCalledWith({
      entityRef: undefined,
      page: { limit: 50, sort: 'name' },
    });
    const row = (await screen.findByText('newsletter-export')).closest('tr')!;
    expect(within(row).getByText('newsletter').closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/component/newsletter',
    );
    expect(screen.getByText('newsletter-export').closest('a')).toHaveAttribute(
      'href',
      '/sandbox/marketing/job/newsletter-export?entityRef=component%3Adefault%2Fnewsletter',
    );
    expect(
      within(row).getByText('Exports subscribers for the newsletter tool'),
    ).toBeInTheDocument();
    expect(jobNames()).toHaveLength(4);
  });

  it('filters by namespace and by state of the last run', async () => {
    await renderPage();
    await screen.findByText('newsletter-export');

    await userEvent.click(filter('Namespace'));
    await userEvent.click(screen.getByRole('option', { name: 'marketing' }));
    await waitFor(() => expect(jobNames()).toEqual(['newsletter-export']));

    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    await userEvent.click(filter('Last run'));
    await userEvent.click(screen.getByRole('option', { name: 'Failed' }));
    await waitFor(() => expect(jobNames()).toEqual(['shop-cache-check']));

    await userEvent.click(filter('Last run'));
    await userEvent.click(screen.getByRole('option', { name: 'Never run' }));
    await waitFor(() => expect(jobNames()).toEqual(['shop-nightly-export']));
  });

  it('searches by words and counts what it shows', async () => {
    await renderPage();
    await screen.findByText('newsletter-export');
    expect(screen.getByText('Jobs (4)')).toBeInTheDocument();

    await userEvent.type(
      screen.getByRole('searchbox', { name: 'Search' }),
      'shop export',
    );
    // Asked once typing pauses.
    await waitFor(() => expect(jobNames()).toEqual(['shop-nightly-export']));
    expect(screen.getByText('Jobs (1 of 4)')).toBeInTheDocument();
    // The table has no search box of its own, whose matches the title would not count.
    expect(screen.getAllByRole('searchbox')).toHaveLength(1);
  });

  it('says when no Job matches, and clears the filters on request', async () => {
    await renderPage(['/?q=nothing-like-this&namespace=shop']);
    expect(
      await screen.findByText('No Jobs match these filters'),
    ).toBeInTheDocument();
    expect(screen.getByText('Jobs (0 of 4)')).toBeInTheDocument();
    expect(screen.queryByText('No records to display')).not.toBeInTheDocument();

    const clear = screen.getAllByRole('button', { name: 'Clear filters' });
    await userEvent.click(clear[clear.length - 1]);
    await waitFor(() => expect(jobNames()).toHaveLength(4));
    expect(screen.getByRole('searchbox', { name: 'Search' })).toHaveValue('');
  });

  it('calls a killed last run Stopped in its filter', async () => {
    await renderPage();
    await screen.findByText('newsletter-export');
    await userEvent.click(filter('Last run'));
    expect(screen.getByRole('option', { name: 'Stopped' })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: 'Killed' })).toBeNull();
  });

  it('filters by the owner of the component', async () => {
    await renderPage();
    await screen.findByText('newsletter-export');
    await userEvent.click(filter('Owner'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'team-shop' }),
    );
    await waitFor(() =>
      expect(jobNames()).toEqual([
        'shop-db-migrate',
        'shop-cache-check',
        'shop-nightly-export',
      ]),
    );
  });

  it('reads its filters from the URL', async () => {
    await renderPage(['/?cluster=sandbox&namespace=marketing']);
    await screen.findByText('newsletter-export');
    expect(jobNames()).toEqual(['newsletter-export']);
    expect(screen.getByText('Jobs (1 of 4)')).toBeInTheDocument();
  });

  it('shows a definition in detail on its own route', async () => {
    const { api } = await renderPage([
      '/marketing/marketing/job/newsletter-export?entityRef=component%3Adefault%2Fnewsletter',
    ]);
    expect(api.getDefinition).toHaveBeenCalledWith(
      {
        cluster: 'marketing',
        namespace: 'marketing',
        kind: 'Job',
        name: 'newsletter-export',
      },
      NEWSLETTER_REF,
    );
  });

  it('refuses a detail link without its entity', async () => {
    const { api } = await renderPage(['/sandbox/shop/job/shop-db-migrate']);
    expect(
      screen.getByText(/This link does not name a Job/),
    ).toBeInTheDocument();
    expect(api.getDefinition).not.toHaveBeenCalled();
  });

  it('refreshes for a hint about a Job that may enter the page, not for a run elsewhere', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    try {
      const api = mockKubernetesJobsApi({
        getDefinitions: pagedServer([migrateSucceeded]),
      });
      const signals = mockSignalApi();
      await renderWithApis(<KubernetesJobsPage />, {
        api,
        extraApis: [[signalApiRef, signals.api]],
      });
      await screen.findByText('shop-db-migrate');
      const elsewhere = {
        cluster: 'production',
        namespace: 'billing',
        definitionName: 'invoice-export',
      };
      // A run of a Job that is not on the page cannot bring it in, sorted by name.
      signals.publish(runSignal(elsewhere));
      await act(async () => {
        jest.advanceTimersByTime(1000);
      });
      expect(api.getDefinitions).toHaveBeenCalledTimes(1);
      // A new Job might: the one page shows every Job.
      signals.publish(
        runSignal({ ...elsewhere, type: 'definition', run: undefined }),
      );
      await act(async () => {
        jest.advanceTimersByTime(1000);
      });
      expect(api.getDefinitions).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('pages through the Jobs the backend pages', async () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      makeSummary({ name: `job-${String(i).padStart(2, '0')}` }),
    );
    const api = mockKubernetesJobsApi({ getDefinitions: pagedServer(many) });
    await renderWithApis(<KubernetesJobsPage />, { api });
    await screen.findByText('job-00');
    const pages = screen.getByRole('navigation', { name: 'Pages of Jobs' });
    expect(pages).toHaveTextContent('1–50 of 60');
    expect(
      within(pages).getByRole('button', { name: 'Previous page' }),
    ).toBeDisabled();
    await userEvent.click(
      within(pages).getByRole('button', { name: 'Next page' }),
    );
    await screen.findByText('job-50');
    expect(jobNames()).toHaveLength(10);
    expect(pages).toHaveTextContent('51–60 of 60');
    expect(api.getDefinitions).toHaveBeenLastCalledWith({
      entityRef: undefined,
      page: { limit: 50, sort: 'name', cursor: '50' },
    });
    await userEvent.click(
      within(pages).getByRole('button', { name: 'Previous page' }),
    );
    await screen.findByText('job-00');
    // 50 rows of the full table render slowly on a busy machine.
  }, 60_000);

  it('asks again what waits for my approval on a request hint, without reloading the Jobs', async () => {
    const api = mockKubernetesJobsApi({
      getDefinitions: pagedServer([migrateSucceeded]),
    });
    const signals = mockSignalApi();
    await renderWithApis(<KubernetesJobsPage />, {
      api,
      extraApis: [[signalApiRef, signals.api]],
    });
    await screen.findByText('shop-db-migrate');
    await waitFor(() => expect(api.listRunRequests).toHaveBeenCalledTimes(1));
    signals.publish(runSignal({ type: 'request', run: undefined }));
    await waitFor(() => expect(api.listRunRequests).toHaveBeenCalledTimes(2));
    expect(api.getDefinitions).toHaveBeenCalledTimes(1);
  });

  it('says which clusters show older data, next to those that could not be read', async () => {
    const api = mockKubernetesJobsApi({
      getDefinitions: jest.fn().mockResolvedValue({
        items: [migrateSucceeded],
        errors: [{ cluster: 'prod-eu', message: 'connect ECONNREFUSED' }],
        clusters: [
          {
            cluster: 'sandbox',
            synced: true,
            staleSince: new Date(Date.now() - 3 * 3600_000).toISOString(),
          },
          { cluster: 'prod-eu', synced: false },
        ],
      }),
    });
    await renderWithApis(<KubernetesJobsPage />, { api });
    expect(
      await screen.findByText(
        'Cluster sandbox is not answering: showing what it said 3 hours ago; it may be out of date.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Cluster prod-eu could not be reached/),
    ).toBeInTheDocument();
    // The cluster that failed is named once, as failed, not also as loading.
    expect(
      screen.queryByText(/Cluster prod-eu: still loading/),
    ).not.toBeInTheDocument();
  });
});
