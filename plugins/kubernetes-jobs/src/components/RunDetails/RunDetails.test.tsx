import { act, screen } from '@testing-library/react';
import { makeRun, SHOP_REF } from '../../__fixtures__/fixtures';
import { mockKubernetesJobsApi } from '../../__testUtils__/mockKubernetesJobsApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { RunDetails } from './RunDetails';

const running = makeRun({
  state: 'Running',
  startedAt: '2025-01-10T10:00:00Z',
  finishedAt: undefined,
  durationSeconds: undefined,
});
const usual = { typicalDurationSeconds: 240, slowAfterSeconds: 300 };

function runningFor(seconds: number) {
  jest.useFakeTimers({
    now: Date.parse(running.startedAt!) + seconds * 1000,
    advanceTimers: true,
  });
}

describe('RunDetails', () => {
  afterEach(() => jest.useRealTimers());

  it('says how far a run in progress is against the usual, and keeps counting', async () => {
    runningFor(3 * 60);
    await renderWithApis(
      <RunDetails run={running} entityRef={SHOP_REF} stats={usual} />,
      { api: mockKubernetesJobsApi() },
    );
    expect(screen.getByText('Running for').nextSibling).toHaveTextContent(
      '3 minAbout 3 of usually 4 minutes',
    );
    expect(screen.getByRole('progressbar')).toHaveAttribute(
      'aria-valuetext',
      'About 3 of usually 4 minutes',
    );

    await act(async () => {
      jest.advanceTimersByTime(3 * 60_000);
    });
    expect(screen.getByText('Running for').nextSibling).toHaveTextContent(
      '6 minTaking longer than usual (usually 4 minutes)',
    );
  });

  it('does not guess with too little history', async () => {
    runningFor(3 * 60);
    await renderWithApis(
      <RunDetails
        run={running}
        entityRef={SHOP_REF}
        stats={{ typicalDurationSeconds: 240 }}
      />,
      { api: mockKubernetesJobsApi() },
    );
    expect(screen.getByText('Running for').nextSibling).toHaveTextContent(
      /^3 min$/,
    );
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('says only how long a finished run took', async () => {
    await renderWithApis(
      <RunDetails run={makeRun()} entityRef={SHOP_REF} stats={usual} />,
      { api: mockKubernetesJobsApi() },
    );
    expect(screen.getByText('Took').nextSibling).toHaveTextContent(/^15 s$/);
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.queryByText(/usually/)).toBeNull();
  });
});
