import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  cacheCheckFailed,
  makeDetails,
  makeRun,
  migrateSucceeded,
  SHOP_REF,
} from '../../__fixtures__/fixtures';
import {
  errorResponse,
  mockKubernetesJobsApi,
} from '../../__testUtils__/mockKubernetesJobsApi';
import { mockSignalApi, runSignal } from '../../__testUtils__/mockSignalApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { DefinitionView } from './DefinitionView';

// LogViewer is virtualised and draws nothing in jsdom, which has no layout.
jest.mock('@backstage/core-components', () => ({
  ...jest.requireActual('@backstage/core-components'),
  LogViewer: (props: { text: string }) => <pre>{props.text}</pre>,
}));

const failedRun = makeRun({
  name: 'shop-cache-check-9f8d7',
  definition: { kind: 'Job', name: 'shop-cache-check' },
  state: 'Failed',
  failure: {
    reason: 'BackoffLimitExceeded',
    message: 'Job has reached the specified backoff limit',
  },
});
const killedRun = makeRun({
  name: 'shop-cache-check-k1ll3',
  definition: { kind: 'Job', name: 'shop-cache-check' },
  state: 'Killed',
  killedBy: 'user:default/sam',
  killedAt: '2025-01-09T10:00:05Z',
});

const locator = {
  cluster: 'sandbox',
  namespace: 'shop',
  kind: 'Job' as const,
  name: 'shop-cache-check',
};

function setup() {
  return mockKubernetesJobsApi({
    getDefinition: jest
      .fn()
      .mockResolvedValue(makeDetails(cacheCheckFailed, [failedRun, killedRun])),
    getRunPods: jest.fn().mockResolvedValue([
      {
        name: 'shop-cache-check-9f8d7-pod1',
        phase: 'Failed',
        containers: ['check', 'sidecar'],
        createdAt: '2025-01-10T10:00:01Z',
      },
    ]),
    getRunLogs: jest.fn(async (_run, _ref, options) => ({
      pod: options!.pod!,
      container: options!.container!,
      text: `log of ${options!.container}: cache miss ratio 0.93 > 0.5, exit 3`,
    })),
    getRunEvents: jest.fn().mockResolvedValue([
      {
        type: 'Warning',
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
        count: 1,
        involvedObject: { kind: 'Job', name: 'shop-cache-check-9f8d7' },
      },
    ]),
  });
}

function olderRun(name: string) {
  return makeRun({
    name,
    definition: { kind: 'Job', name: 'shop-cache-check' },
    state: 'Succeeded',
  });
}

const runningRun = makeRun({
  name: 'shop-cache-check-run01',
  definition: { kind: 'Job', name: 'shop-cache-check' },
  state: 'Running',
  finishedAt: undefined,
  durationSeconds: undefined,
});

async function advance(ms: number) {
  await act(async () => {
    jest.advanceTimersByTime(ms);
  });
}

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
    expect(within(killedRow).getByText('Killed')).toBeInTheDocument();
    expect(within(killedRow).getByText('sam')).toBeInTheDocument();

    // The newest run is shown by default, with why it failed.
    expect(screen.getByText('Run shop-cache-check-9f8d7')).toBeInTheDocument();
    expect(
      screen.getByText('Failed: BackoffLimitExceeded'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText('Job has reached the specified backoff limit').length,
    ).toBeGreaterThan(0);
    expect(screen.getByRole('link', { name: /All Jobs/ })).toHaveAttribute(
      'href',
      '/',
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

  it('shows the Kubernetes events of a run', async () => {
    const api = setup();
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    await userEvent.click(await screen.findByRole('tab', { name: 'Events' }));
    const panel = screen.getByRole('tabpanel');
    expect(await within(panel).findByText('Warning')).toBeInTheDocument();
    expect(
      within(panel).getByText('Job shop-cache-check-9f8d7'),
    ).toBeInTheDocument();
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
      await screen.findByText('Run shop-cache-check-k1ll3'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/This run was killed before it finished/),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(api.getRunPods).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'shop-cache-check-k1ll3' }),
        SHOP_REF,
      ),
    );
  });

  it('explains that a run without pods has no logs left', async () => {
    const api = setup();
    api.getDefinition.mockResolvedValue(
      makeDetails(migrateSucceeded, [makeRun()]),
    );
    api.getRunPods.mockResolvedValue([]);
    await renderWithApis(
      <DefinitionView
        definition={{ ...locator, name: 'shop-db-migrate' }}
        entityRef={SHOP_REF}
        backLink="/"
      />,
      { api },
    );
    expect(
      await screen.findByText(
        /Kubernetes keeps logs only while the pods exist/,
      ),
    ).toBeInTheDocument();
    expect(api.getRunLogs).not.toHaveBeenCalled();
  });

  it('keeps a run whose Job was deleted, without asking for its logs', async () => {
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
        /This run's Job has been deleted from the cluster/,
      ),
    ).toBeInTheDocument();
    expect(screen.getAllByText('BackoffLimitExceeded').length).toBeGreaterThan(
      0,
    );
    expect(api.getRunPods).not.toHaveBeenCalled();
    expect(api.getRunLogs).not.toHaveBeenCalled();
  });

  it('shows older runs on request, a page at a time, until there are none', async () => {
    const api = setup();
    api.getDefinition.mockResolvedValue({
      ...makeDetails(cacheCheckFailed, [failedRun, killedRun]),
      nextCursor: 'c2',
    });
    api.getRunHistory
      .mockResolvedValueOnce({
        items: [olderRun('shop-cache-check-old01')],
        nextCursor: 'c3',
      })
      .mockResolvedValueOnce({ items: [olderRun('shop-cache-check-old02')] });
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );

    await userEvent.click(
      await screen.findByRole('button', { name: 'Show older runs' }),
    );
    expect(
      await screen.findByRole('link', { name: 'shop-cache-check-old01' }),
    ).toBeInTheDocument();
    expect(api.getRunHistory).toHaveBeenLastCalledWith(locator, SHOP_REF, {
      cursor: 'c2',
      limit: 50,
    });
    // The first page is still there, above the older runs.
    expect(
      screen.getByRole('link', { name: 'shop-cache-check-k1ll3' }),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Show older runs' }),
    );
    expect(
      await screen.findByRole('link', { name: 'shop-cache-check-old02' }),
    ).toBeInTheDocument();
    expect(api.getRunHistory).toHaveBeenLastCalledWith(locator, SHOP_REF, {
      cursor: 'c3',
      limit: 50,
    });
    expect(
      screen.getByRole('link', { name: 'shop-cache-check-old01' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /older runs/ }),
    ).not.toBeInTheDocument();
  });

  it('offers no older runs when the first page holds them all', async () => {
    const api = setup();
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    await screen.findByRole('link', { name: 'shop-cache-check-k1ll3' });
    expect(
      screen.queryByRole('button', { name: 'Show older runs' }),
    ).not.toBeInTheDocument();
  });

  it('says in words why older runs could not be loaded, and lets the user try again', async () => {
    const api = setup();
    api.getDefinition.mockResolvedValue({
      ...makeDetails(cacheCheckFailed, [failedRun]),
      nextCursor: 'c1',
    });
    api.getRunHistory
      .mockRejectedValueOnce(
        await ResponseError.fromResponse(
          errorResponse(500, 'Error', 'Cluster sandbox: connection refused'),
        ),
      )
      .mockResolvedValueOnce({ items: [killedRun] });
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Show older runs' }),
    );
    expect(
      await screen.findByText(
        'Older runs could not be loaded: Cluster sandbox: connection refused',
      ),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Show older runs' }),
    );
    expect(
      await screen.findByRole('link', { name: 'shop-cache-check-k1ll3' }),
    ).toBeInTheDocument();
    expect(screen.queryByText(/could not be loaded/)).not.toBeInTheDocument();
  });

  it('keeps the older runs in one piece when a new run pushes the first page down', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const api = setup();
    api.getDefinition
      .mockResolvedValueOnce({
        ...makeDetails(cacheCheckFailed, [failedRun, killedRun]),
        nextCursor: 'c2',
      })
      .mockResolvedValue({
        ...makeDetails(cacheCheckFailed, [runningRun, failedRun]),
        nextCursor: 'c1',
      });
    api.getRunHistory
      .mockResolvedValueOnce({
        items: [olderRun('shop-cache-check-old01')],
        nextCursor: 'c3',
      })
      .mockResolvedValueOnce({
        items: [killedRun],
        nextCursor: 'c2',
      });
    const signals = mockSignalApi();
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api, extraApis: [[signalApiRef, signals.api]] },
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Show older runs' }),
    );
    await screen.findByRole('link', { name: 'shop-cache-check-old01' });

    signals.publish(
      runSignal({
        definitionName: 'shop-cache-check',
        run: 'shop-cache-check-run01',
      }),
    );
    await advance(1000);
    expect(
      await screen.findByRole('link', { name: 'shop-cache-check-run01' }),
    ).toBeInTheDocument();
    // As many older runs as were shown, from the new end of the first page.
    await waitFor(() =>
      expect(api.getRunHistory).toHaveBeenLastCalledWith(locator, SHOP_REF, {
        cursor: 'c1',
        limit: 1,
      }),
    );
    expect(
      await screen.findByRole('link', { name: 'shop-cache-check-k1ll3' }),
    ).toBeInTheDocument();
  });

  it('refreshes on hints about this Job and its run instead of polling', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const api = setup();
    api.getDefinition.mockResolvedValue(
      makeDetails(cacheCheckFailed, [runningRun]),
    );
    const signals = mockSignalApi();
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api, extraApis: [[signalApiRef, signals.api]] },
    );
    await screen.findByText('Run shop-cache-check-run01');
    await waitFor(() => expect(api.getRunPods).toHaveBeenCalledTimes(1));

    await advance(15000);
    expect(api.getDefinition).toHaveBeenCalledTimes(1);
    expect(api.getRunPods).toHaveBeenCalledTimes(1);

    signals.publish(runSignal({ run: 'shop-db-migrate-x7k2p' }));
    await advance(1000);
    expect(api.getDefinition).toHaveBeenCalledTimes(1);

    signals.publish(
      runSignal({
        definitionName: 'shop-cache-check',
        run: 'shop-cache-check-run01',
      }),
    );
    await advance(1000);
    expect(api.getDefinition).toHaveBeenCalledTimes(2);
    expect(api.getRunPods).toHaveBeenCalledTimes(2);
  });

  it('polls while a run is active when the app has no signals plugin', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const api = setup();
    api.getDefinition.mockResolvedValue(
      makeDetails(cacheCheckFailed, [runningRun]),
    );
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    await screen.findByText('Run shop-cache-check-run01');
    await advance(3000);
    expect(api.getDefinition).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(api.getRunPods).toHaveBeenCalledTimes(2));
  });
});
