import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { makeRun, SHOP_REF } from '../../__fixtures__/fixtures';
import { mockKubernetesJobsApi } from '../../__testUtils__/mockKubernetesJobsApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { RunLogs } from './RunLogs';

// LogViewer is virtualised and draws nothing in jsdom, which has no layout.
jest.mock('@backstage/core-components', () => ({
  ...jest.requireActual('@backstage/core-components'),
  LogViewer: (props: { text: string; onCopyLog?: () => void }) => (
    <div>
      <pre>{props.text}</pre>
      <button onClick={props.onCopyLog}>Copy</button>
    </div>
  ),
}));

const running = makeRun({
  name: 'shop-reindex-abc12',
  state: 'Running',
  finishedAt: undefined,
});

function setup() {
  let line = 0;
  return mockKubernetesJobsApi({
    getRunPods: jest.fn().mockResolvedValue({
      items: [
        {
          name: 'shop-reindex-abc12-new',
          phase: 'Running',
          containers: ['main'],
          createdAt: '2025-01-10T10:01:00Z',
        },
        {
          name: 'shop-reindex-abc12-old',
          phase: 'Failed',
          containers: ['main'],
          createdAt: '2025-01-10T10:00:00Z',
        },
      ],
    }),
    getRunLogs: jest.fn(async (_run, _ref, options) => {
      line += 1;
      return {
        pod: options!.pod!,
        container: 'main',
        text: `indexed batch ${line}`,
      };
    }),
  });
}

describe('RunLogs', () => {
  afterEach(() => jest.useRealTimers());

  it('follows the newest pod of an active run until asked to stop', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const api = setup();
    await renderWithApis(<RunLogs run={running} entityRef={SHOP_REF} />, {
      api,
    });
    expect(await screen.findByText('indexed batch 1')).toBeInTheDocument();
    expect(api.getRunLogs.mock.calls[0][2]).toMatchObject({
      pod: 'shop-reindex-abc12-new',
      container: 'main',
    });

    await act(async () => {
      jest.advanceTimersByTime(3000);
    });
    expect(await screen.findByText('indexed batch 2')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('checkbox', { name: 'Follow' }));
    await act(async () => {
      jest.advanceTimersByTime(9000);
    });
    expect(screen.getByText('indexed batch 2')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Refresh logs' }));
    expect(await screen.findByText('indexed batch 3')).toBeInTheDocument();
  });

  it('copies the logs to the clipboard', async () => {
    const writeText = jest.fn().mockResolvedValue(undefined);
    Object.defineProperty(window.navigator, 'clipboard', {
      configurable: true,
      value: { writeText },
    });
    const api = setup();
    const { toastApi } = await renderWithApis(
      <RunLogs run={{ ...running, state: 'Succeeded' }} entityRef={SHOP_REF} />,
      { api },
    );
    await screen.findByText('indexed batch 1');
    await userEvent.click(screen.getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith('indexed batch 1');
    expect(toastApi.post).toHaveBeenCalledWith(
      expect.objectContaining({ title: 'Logs copied to the clipboard' }),
    );
  });

  it('numbers the attempts, and does not show a stopped run’s pod as running', async () => {
    const api = setup();
    await renderWithApis(
      <RunLogs run={{ ...running, state: 'Killed' }} entityRef={SHOP_REF} />,
      { api },
    );
    await screen.findByText('indexed batch 1');
    await userEvent.click(screen.getByRole('button', { name: /Attempt/ }));
    expect(
      screen.getAllByRole('option').map(option => option.textContent),
    ).toEqual(['Attempt 1 (failed)', 'Attempt 2 (stopped)']);
    // One container: nothing to choose.
    expect(
      screen.queryByRole('button', { name: /Container/ }),
    ).not.toBeInTheDocument();
  });

  it('labels logs saved when the run ended, and does not call them gone', async () => {
    const api = setup();
    api.getRunPods.mockResolvedValue({
      items: [
        {
          name: 'shop-reindex-abc12-new',
          containers: ['main'],
          createdAt: '2025-01-10T10:01:00Z',
        },
      ],
      savedAt: '2025-01-10T10:05:00Z',
    });
    api.getRunLogs.mockResolvedValue({
      pod: 'shop-reindex-abc12-new',
      container: 'main',
      text: 'indexed 4000 of 120000 products',
      savedAt: '2025-01-10T10:05:00Z',
    });
    await renderWithApis(
      <RunLogs run={{ ...running, state: 'Killed' }} entityRef={SHOP_REF} />,
      { api },
    );
    expect(
      await screen.findByText('indexed 4000 of 120000 products'),
    ).toBeInTheDocument();
    expect(screen.getByRole('note')).toHaveTextContent(
      /^Saved when the run ended \(.+\)$/,
    );
    expect(
      screen.queryByText(/gone|no longer available/),
    ).not.toBeInTheDocument();
  });

  it('says so when a finished run left nothing to show', async () => {
    const api = setup();
    api.getRunPods.mockResolvedValue({ items: [] });
    await renderWithApis(
      <RunLogs run={{ ...running, state: 'Succeeded' }} entityRef={SHOP_REF} />,
      { api },
    );
    expect(
      await screen.findByText(/The logs of this run are no longer available/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/pods/)).not.toBeInTheDocument();
    expect(api.getRunLogs).not.toHaveBeenCalled();
  });

  it('says why a container has no log yet in plain words', async () => {
    const api = setup();
    api.getRunLogs.mockResolvedValue({
      pod: 'shop-reindex-abc12-new',
      container: 'main',
      text: '',
      waiting: 'ContainerCreating',
    });
    await renderWithApis(<RunLogs run={running} entityRef={SHOP_REF} />, {
      api,
    });
    expect(
      await screen.findByText('(not started yet: it is being prepared)'),
    ).toBeInTheDocument();
  });
});
