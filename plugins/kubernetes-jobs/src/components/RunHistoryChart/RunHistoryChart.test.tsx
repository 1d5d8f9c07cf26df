import { act, fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import { createTheme, ThemeProvider } from '@material-ui/core/styles';
import { renderInTestApp } from '@backstage/test-utils';
import {
  DefinitionStats,
  JobRun,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { makeRun } from '../../__fixtures__/fixtures';
import { RunHistoryChart } from './RunHistoryChart';

const COLORS = {
  ok: '#00aa00',
  error: '#cc0000',
  aborted: '#777777',
  running: '#0000cc',
  pending: '#999999',
  warning: '#ff9900',
};
const theme = createTheme({ palette: { status: COLORS } });

const HOUR = 3_600_000;

/** Newest first, as the page loads them: the newest started an hour ago. */
function history(): JobRun[] {
  const at = (hoursAgo: number) =>
    new Date(Date.now() - hoursAgo * HOUR).toISOString();
  const run = (name: string, hoursAgo: number, overrides: Partial<JobRun>) =>
    makeRun({
      name,
      startedAt: at(hoursAgo),
      triggeredAt: at(hoursAgo),
      finishedAt: at(hoursAgo - 0.05),
      durationSeconds: 180,
      ...overrides,
    });
  return [
    run('r4-running', 1, {
      state: 'Running',
      finishedAt: undefined,
      durationSeconds: undefined,
    }),
    run('r3-stopped', 30, { state: 'Killed', durationSeconds: 20 }),
    run('r2-failed', 60, { state: 'Failed', durationSeconds: 500 }),
    run('r1-scheduled', 200, {
      trigger: 'schedule',
      triggeredBy: undefined,
      triggeredAt: undefined,
    }),
  ];
}

const stats: DefinitionStats = {
  counts: { total: 4, active: 1, succeeded: 1, failed: 1, killed: 1 },
  successRate: 0.5,
  typicalDurationSeconds: 240,
  slowAfterSeconds: 300,
};

function Location() {
  return <div data-testid="location">{useLocation().search}</div>;
}

async function renderChart(runs: JobRun[] = history()) {
  return renderInTestApp(
    <ThemeProvider theme={theme}>
      <RunHistoryChart
        runs={runs}
        stats={stats}
        getRunLink={run => `?run=${run.name}`}
      />
      <Location />
    </ThemeProvider>,
  );
}

function bars(): HTMLElement[] {
  const figure = screen.getByRole('figure', { name: /^4 runs/ });
  return within(figure).getAllByRole('link');
}

function barRect(bar: HTMLElement): SVGRectElement {
  // The first rect is the bar's transparent column, the second the bar itself.
  return bar.querySelectorAll('rect')[1];
}

describe('RunHistoryChart', () => {
  it('draws the runs oldest on the left, coloured by outcome', async () => {
    await renderChart();
    const drawn = bars();
    expect(drawn.map(bar => bar.getAttribute('data-run'))).toEqual([
      'r1-scheduled',
      'r2-failed',
      'r3-stopped',
      'r4-running',
    ]);
    const xs = drawn.map(bar => Number(barRect(bar).getAttribute('x')));
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);

    expect(barRect(drawn[1])).toHaveAttribute('fill', COLORS.error);
    expect(barRect(drawn[2])).toHaveAttribute('fill', COLORS.aborted);
    expect(barRect(drawn[3])).toHaveAttribute('fill', COLORS.running);
    // The longer run is the taller bar.
    expect(Number(barRect(drawn[1]).getAttribute('height'))).toBeGreaterThan(
      Number(barRect(drawn[0]).getAttribute('height')),
    );
  });

  it('hatches a run the schedule started, and says so in the legend', async () => {
    await renderChart();
    const scheduled = barRect(bars()[0]);
    const fill = scheduled.getAttribute('fill')!;
    expect(fill).toMatch(/^url\(#.+\)$/);
    const pattern = document.getElementById(fill.slice(5, -1))!;
    expect(pattern.tagName.toLowerCase()).toBe('pattern');
    expect(pattern.querySelector('line')).toHaveAttribute('stroke', COLORS.ok);
    expect(scheduled).toHaveAttribute('stroke', COLORS.ok);

    const legend = screen.getByRole('list', { name: 'Legend' });
    expect(legend).toHaveTextContent('Hatched: started by the schedule');
    expect(legend).toHaveTextContent('Filled: started by someone');
    expect(legend).toHaveTextContent('Usual duration: 4 min');
  });

  it('says the same in words, and draws the usual duration', async () => {
    await renderChart();
    expect(
      screen.getByRole('figure', {
        name: '4 runs: 1 succeeded, 1 failed, 1 stopped, 1 still running; usually 4 min; the last one was slower than usual.',
      }),
    ).toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'Legend' })).toHaveTextContent(
      'Usual duration: 4 min',
    );
    expect(document.querySelector('.recharts-reference-line')).not.toBeNull();
    expect(bars()[1]).toHaveAccessibleName(
      expect.stringMatching(
        /^Failed\. Started .* by jane\. Took 8 min 20 s, slower than usual\.$/,
      ),
    );
    expect(bars()[0]).toHaveAccessibleName(
      expect.stringContaining('by the schedule'),
    );
  });

  it('tells about a run on hover or focus, and opens it on click or Enter', async () => {
    await renderChart();
    const [scheduled, failed] = bars();

    fireEvent.mouseEnter(failed);
    expect(screen.getByRole('tooltip')).toHaveTextContent(
      /Failed\.Started .* by jane\.Took 8 min 20 s, slower than usual\./,
    );
    fireEvent.mouseLeave(failed);
    expect(screen.queryByRole('tooltip')).not.toBeInTheDocument();

    await userEvent.click(failed);
    expect(screen.getByTestId('location')).toHaveTextContent('?run=r2-failed');

    act(() => scheduled.focus());
    expect(screen.getByRole('tooltip')).toHaveTextContent('by the schedule');
    await userEvent.keyboard('{Enter}');
    expect(screen.getByTestId('location')).toHaveTextContent(
      '?run=r1-scheduled',
    );
  });

  it('shows the success rate per week, with a gap where no run finished', async () => {
    await renderChart();
    const weekly = screen.getByRole('figure', {
      name: 'Success rate per week, last 8 weeks',
    });
    expect(weekly).toHaveAccessibleDescription(
      /^Success rate per week: week of .*no finished runs.*this week .*\.$/,
    );
  });

  it('shows nothing before a run has finished', async () => {
    await renderChart(history().slice(0, 1));
    expect(screen.queryByText('Recent runs')).not.toBeInTheDocument();
    expect(screen.queryByRole('figure')).not.toBeInTheDocument();
  });
});
