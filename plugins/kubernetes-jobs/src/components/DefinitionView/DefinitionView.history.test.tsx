import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  cacheCheckFailed,
  makeDetails,
  SHOP_REF,
} from '../../__fixtures__/fixtures';
import {
  advance,
  failedRun,
  killedRun,
  locator,
  olderRun,
  runningRun,
  setup,
} from '../../__testUtils__/definitionViewSetup';
import { errorResponse } from '../../__testUtils__/mockKubernetesJobsApi';
import { mockSignalApi, runSignal } from '../../__testUtils__/mockSignalApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { runTitle } from '../../utils/words';
import { DefinitionView } from './DefinitionView';

// LogViewer is virtualised and draws nothing in jsdom, which has no layout.
jest.mock('@backstage/core-components', () => ({
  ...jest.requireActual('@backstage/core-components'),
  LogViewer: (props: { text: string }) => <pre>{props.text}</pre>,
}));

describe('DefinitionView history and live updates', () => {
  afterEach(() => {
    jest.useRealTimers();
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
    await screen.findByRole('heading', { name: runTitle(runningRun) });
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
    await screen.findByRole('heading', { name: runTitle(runningRun) });
    await advance(3000);
    expect(api.getDefinition).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(api.getRunPods).toHaveBeenCalledTimes(2));
  });
});
