import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import {
  cacheCheckFailed,
  makeDetails,
  makeRun,
  makeSummary,
  migrateSucceeded,
  SHOP_REF,
} from '../../__fixtures__/fixtures';
import {
  advance,
  failedRun,
  killedRun,
  locator,
  runningRun,
  setup,
} from '../../__testUtils__/definitionViewSetup';
import {
  errorResponse,
  mockKubernetesJobsApi,
} from '../../__testUtils__/mockKubernetesJobsApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { runTitle } from '../../utils/words';
import { DefinitionView } from './DefinitionView';

// LogViewer is virtualised and draws nothing in jsdom, which has no layout.
jest.mock('@backstage/core-components', () => ({
  ...jest.requireActual('@backstage/core-components'),
  LogViewer: (props: { text: string }) => <pre>{props.text}</pre>,
}));

describe('DefinitionView', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('shows the history with who did what, and the newest run in detail', async () => {
    const api = setup();
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    expect(api.getDefinition).toHaveBeenCalledWith(locator, SHOP_REF);

    const runs = (await screen.findByText('Runs')).closest(
      'div[class*="MuiPaper"]',
    ) as HTMLElement;
    const killedRow = within(runs)
      .getByText('shop-cache-check-k1ll3')
      .closest('tr')!;
    expect(within(killedRow).getByText('Stopped')).toBeInTheDocument();
    expect(killedRow).toHaveTextContent('stopped by sam');

    // The newest run is shown by default, named by its Job and time, with why it failed.
    expect(
      screen.getByRole('heading', { name: runTitle(failedRun) }),
    ).toBeInTheDocument();
    const why = screen.getByText('Why it failed').closest('[role="alert"]')!;
    expect(why).toHaveTextContent(
      'Failed after 2 attempts. Last message: Cache check failed: 1 of 3 nodes unreachable (exit code 1)',
    );
    expect(
      screen.getByText('2 attempts (retried 1 time after failing)'),
    ).toBeInTheDocument();
    // Kubernetes' reason is kept for the technical details.
    expect(why).not.toHaveTextContent('BackoffLimitExceeded');
    expect(screen.getByRole('link', { name: /All Jobs/ })).toHaveAttribute(
      'href',
      '/',
    );
  });

  it('says what the Job does in plain words, with Kubernetes’ terms under technical details', async () => {
    const api = setup();
    api.getDefinition.mockResolvedValue({
      ...makeDetails(cacheCheckFailed, [failedRun, killedRun]),
      stats: {
        ...cacheCheckFailed.stats,
        counts: { total: 5, active: 0, succeeded: 3, failed: 1, killed: 1 },
        successRate: 0.75,
      },
    });
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    const about = (await screen.findByText('About this Job')).closest(
      '.MuiCard-root',
    ) as HTMLElement;
    expect(screen.getByText('one-off task')).toBeInTheDocument();
    expect(about).toHaveTextContent(
      '5 runs: 3 succeeded, 1 failed, 1 stopped. Success rate 75 % of the 4 runs that finished without being stopped.',
    );
    expect(about).not.toHaveTextContent(/namespace|cluster|registry\.example/i);

    await userEvent.click(
      within(about).getByRole('button', {
        name: 'Technical details of this Job',
      }),
    );
    expect(about).toHaveTextContent('Namespaceshop');
    expect(about).toHaveTextContent(
      'migrate: registry.example.com/shop-migrate:1.4',
    );
  });

  it('shows the logs of the first container, and of another on request', async () => {
    const api = setup();
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    expect(
      await screen.findByText(
        'log of check: cache miss ratio 0.93 > 0.5, exit 3',
      ),
    ).toBeInTheDocument();
    expect(api.getRunLogs).toHaveBeenCalledWith(
      { cluster: 'sandbox', namespace: 'shop', name: 'shop-cache-check-9f8d7' },
      SHOP_REF,
      expect.objectContaining({
        pod: 'shop-cache-check-9f8d7-pod1',
        container: 'check',
      }),
    );

    await userEvent.click(screen.getByRole('button', { name: /Container/ }));
    await userEvent.click(screen.getByRole('option', { name: 'sidecar' }));
    expect(await screen.findByText(/log of sidecar/)).toBeInTheDocument();

    // A finished run cannot be followed.
    expect(screen.getByRole('checkbox', { name: /Follow/ })).toBeDisabled();
  });

  it('shows the Kubernetes events of a run under its technical details, asked for only when opened', async () => {
    const api = setup();
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    const toggle = await screen.findByRole('button', {
      name: 'Technical details of this run',
    });
    expect(api.getRunEvents).not.toHaveBeenCalled();
    await userEvent.click(toggle);
    const details = toggle.closest(
      'div[class*="MuiAccordion-root"]',
    ) as HTMLElement;
    expect(await within(details).findByText('Warning')).toBeInTheDocument();
    expect(
      within(details).getByText('Job shop-cache-check-9f8d7'),
    ).toBeInTheDocument();
    expect(details).toHaveTextContent('Kubernetes reasonBackoffLimitExceeded');
  });

  it('switches to another run from the history', async () => {
    const api = setup();
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    await userEvent.click(
      await screen.findByRole('link', { name: 'shop-cache-check-k1ll3' }),
    );
    expect(
      await screen.findByRole('heading', { name: runTitle(killedRun) }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/This run was stopped before it finished/),
    ).toHaveTextContent('This run was stopped before it finished by sam');
    await waitFor(() =>
      expect(api.getRunPods).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'shop-cache-check-k1ll3' }),
        SHOP_REF,
      ),
    );
  });

  it('draws the history, and opens a run from the picture', async () => {
    const api = setup();
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    const picture = await screen.findByRole('figure', {
      name: /runs: 1 failed, 1 stopped\.$/,
    });
    const bars = within(picture).getAllByRole('link');
    expect(bars.map(bar => bar.getAttribute('data-run'))).toEqual([
      killedRun.name,
      failedRun.name,
    ]);
    await userEvent.click(bars[0]);
    expect(
      await screen.findByRole('heading', { name: runTitle(killedRun) }),
    ).toBeInTheDocument();
  });

  it('explains that a run without pods has no logs left, without Kubernetes’ words', async () => {
    const api = setup();
    api.getDefinition.mockResolvedValue(
      makeDetails(migrateSucceeded, [makeRun()]),
    );
    api.getRunPods.mockResolvedValue({ items: [] });
    await renderWithApis(
      <DefinitionView
        definition={{ ...locator, name: 'shop-db-migrate' }}
        entityRef={SHOP_REF}
        backLink="/"
      />,
      { api },
    );
    expect(
      await screen.findByText(/The logs of this run are no longer available/),
    ).toBeInTheDocument();
    expect(api.getRunLogs).not.toHaveBeenCalled();
  });

  it('keeps a run whose Job was deleted, without asking for logs nothing saved', async () => {
    const api = mockKubernetesJobsApi({
      getDefinition: jest
        .fn()
        .mockResolvedValue(
          makeDetails(cacheCheckFailed, [
            { ...failedRun, removedFromCluster: true },
          ]),
        ),
    });
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    expect(
      await screen.findByText(
        /Kubernetes no longer has this run, and its logs were not saved/,
      ),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/Cache check failed/).length).toBeGreaterThan(0);
    expect(api.getRunPods).not.toHaveBeenCalled();
    expect(api.getRunLogs).not.toHaveBeenCalled();
  });

  it('shows the logs saved when a deleted run ended', async () => {
    const api = setup();
    api.getDefinition.mockResolvedValue(
      makeDetails(cacheCheckFailed, [
        {
          ...failedRun,
          removedFromCluster: true,
          evidenceSavedAt: '2025-01-10T10:00:20Z',
        },
      ]),
    );
    api.getRunPods.mockResolvedValue({
      items: [
        {
          name: 'shop-cache-check-9f8d7-pod1',
          containers: ['check'],
          createdAt: '2025-01-10T10:00:01Z',
        },
      ],
      savedAt: '2025-01-10T10:00:20Z',
    });
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    expect(
      await screen.findByText(/log of check: cache miss ratio/),
    ).toBeInTheDocument();
    expect(screen.getByRole('note')).toHaveTextContent(
      /^Saved when the run ended/,
    );
    expect(
      screen.queryByText(/no longer has this run/),
    ).not.toBeInTheDocument();
  });

  it('has one Stop button for the run in progress, in its details, and Run disabled with the reason', async () => {
    const api = setup();
    api.getDefinition.mockResolvedValue(
      makeDetails(makeSummary({ name: 'shop-cache-check' }, runningRun), [
        runningRun,
        failedRun,
      ]),
    );
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    await screen.findByRole('heading', { name: runTitle(runningRun) });
    await waitFor(() =>
      expect(
        screen.getAllByRole('button', { name: /^Stop run / }),
      ).toHaveLength(1),
    );
    const run = screen.getByRole('button', { name: 'Run shop-cache-check' });
    await waitFor(() => expect(run).not.toHaveAttribute('aria-busy'));
    expect(run).toBeDisabled();
    expect(run).toHaveAccessibleDescription(/runs one at a time/);

    // With an older run selected, the page leads back to the run in progress.
    await userEvent.click(
      screen.getByRole('link', { name: 'shop-cache-check-9f8d7' }),
    );
    expect(
      await screen.findByRole('link', { name: 'Show the run in progress' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Stop run / })).toBeNull();
  });

  it('keeps showing the Job when a refresh fails, and says so', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const api = setup();
    api.getDefinition
      .mockResolvedValueOnce(makeDetails(cacheCheckFailed, [runningRun]))
      .mockRejectedValueOnce(
        await ResponseError.fromResponse(
          errorResponse(
            503,
            'ServiceUnavailableError',
            'Cluster sandbox did not answer within 10 s',
          ),
        ),
      );
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    await screen.findByRole('heading', { name: runTitle(runningRun) });
    await advance(3000);
    expect(
      await screen.findByText(
        /Could not refresh: Cluster sandbox did not answer within 10 s/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: runTitle(runningRun) }),
    ).toBeInTheDocument();
  });
});
