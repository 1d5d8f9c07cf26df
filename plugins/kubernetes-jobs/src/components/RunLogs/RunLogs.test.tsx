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
    getRunPods: jest.fn().mockResolvedValue([
      {
        name: 'shop-reindex-abc12-old',
        containers: ['main'],
        createdAt: '2025-01-10T10:00:00Z',
      },
      {
        name: 'shop-reindex-abc12-new',
        containers: ['main'],
        createdAt: '2025-01-10T10:01:00Z',
      },
    ]),
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
    const { alertApi } = await renderWithApis(
      <RunLogs run={{ ...running, state: 'Succeeded' }} entityRef={SHOP_REF} />,
      { api },
    );
    await screen.findByText('indexed batch 1');
    await userEvent.click(screen.getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith('indexed batch 1');
    expect(alertApi.post).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'Logs copied to the clipboard' }),
    );
  });
});
