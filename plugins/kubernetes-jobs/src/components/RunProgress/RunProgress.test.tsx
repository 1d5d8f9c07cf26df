import { act, screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { makeRun } from '../../__fixtures__/fixtures';
import { RunProgress } from './RunProgress';
import { describeRunProgress } from './describeRunProgress';

const STARTED = Date.parse('2025-01-10T10:00:00Z');
const running = makeRun({
  state: 'Running',
  startedAt: '2025-01-10T10:00:00Z',
  finishedAt: undefined,
  durationSeconds: undefined,
});
/** Runs usually take 4 minutes; after 5, one is slower than usual. */
const usual = { typicalDurationSeconds: 240, slowAfterSeconds: 300 };

function at(seconds: number) {
  jest.useFakeTimers({ now: STARTED + seconds * 1000 });
}

describe('RunProgress', () => {
  afterEach(() => jest.useRealTimers());

  it('says how far a run is against the usual, in words and as a bar that is not exact', async () => {
    at(3 * 60);
    await renderInTestApp(<RunProgress run={running} stats={usual} />);
    expect(
      screen.getByText('About 3 of usually 4 minutes'),
    ).toBeInTheDocument();
    const bar = screen.getByRole('progressbar');
    expect(bar).toHaveAttribute(
      'aria-valuetext',
      'About 3 of usually 4 minutes',
    );
    expect(bar).toHaveAttribute('aria-valuenow', '75');
  });

  it('moves while the page is open', async () => {
    at(60);
    await renderInTestApp(<RunProgress run={running} stats={usual} />);
    expect(
      screen.getByText('About 1 of usually 4 minutes'),
    ).toBeInTheDocument();
    await act(async () => {
      jest.advanceTimersByTime(60_000);
    });
    expect(
      screen.getByText('About 2 of usually 4 minutes'),
    ).toBeInTheDocument();
  });

  it('says a run is taking longer than usual past the threshold, and the bar never ends', async () => {
    at(6 * 60);
    await renderInTestApp(<RunProgress run={running} stats={usual} />);
    expect(
      screen.getByText('Taking longer than usual (usually 4 minutes)'),
    ).toBeInTheDocument();
    const bar = screen.getByRole('progressbar');
    expect(bar).toHaveAttribute(
      'aria-valuetext',
      'Taking longer than usual (usually 4 minutes)',
    );
    expect(Number(bar.getAttribute('aria-valuenow'))).toBeLessThan(100);
  });

  it('says nothing with too little history', async () => {
    at(3 * 60);
    const { container } = await renderInTestApp(
      <RunProgress run={running} stats={{ typicalDurationSeconds: 240 }} />,
    );
    expect(container).toBeEmptyDOMElement();
  });

  it('says nothing for a run that is over or not started yet', async () => {
    at(3 * 60);
    const { container } = await renderInTestApp(
      <>
        <RunProgress run={makeRun({ state: 'Succeeded' })} stats={usual} />
        <RunProgress
          run={makeRun({ state: 'Pending', startedAt: undefined })}
          stats={usual}
        />
      </>,
    );
    expect(container).toBeEmptyDOMElement();
  });
});

describe('describeRunProgress', () => {
  const progress = (elapsedSeconds: number, typicalSeconds: number) => ({
    elapsedSeconds,
    typicalSeconds,
    fraction: Math.min(0.95, elapsedSeconds / typicalSeconds),
    slow: false,
  });

  it('counts in the unit of the usual duration, rounded', () => {
    expect(describeRunProgress(progress(7.4, 15))).toBe(
      'About 7 of usually 15 seconds',
    );
    expect(describeRunProgress(progress(200, 240))).toBe(
      'About 3 of usually 4 minutes',
    );
    expect(describeRunProgress(progress(3600, 7200))).toBe(
      'About 1 of usually 2 hours',
    );
    expect(describeRunProgress(progress(40, 60))).toBe(
      'About 40 of usually 60 seconds',
    );
  });

  it('says a run just started rather than "about 0"', () => {
    expect(describeRunProgress(progress(20, 240))).toBe(
      'Just started (usually 4 minutes)',
    );
  });

  it('says only how long runs usually take once a run is slower', () => {
    expect(describeRunProgress({ ...progress(150, 100), slow: true })).toBe(
      'Taking longer than usual (usually 2 minutes)',
    );
    expect(describeRunProgress({ ...progress(30, 1), slow: true })).toBe(
      'Taking longer than usual (usually 1 second)',
    );
  });
});
