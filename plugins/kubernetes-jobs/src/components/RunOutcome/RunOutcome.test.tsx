import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { makeRun } from '../../__fixtures__/fixtures';
import { RunOutcome } from './RunOutcome';

describe('RunOutcome', () => {
  it('says why a failed run failed, under its state', async () => {
    await renderInTestApp(
      <RunOutcome
        run={makeRun({
          state: 'Failed',
          failureSummary: 'Failed after 2 attempts (exit code 1)',
        })}
      />,
    );
    expect(screen.getByText('Failed')).toBeInTheDocument();
    expect(
      screen.getByText('Failed after 2 attempts (exit code 1)'),
    ).toHaveStyle({ wordBreak: 'normal' });
  });

  it('gives only the state of a run that did not fail', async () => {
    const { container } = await renderInTestApp(
      <RunOutcome run={makeRun({ state: 'Succeeded' })} />,
    );
    expect(container).toHaveTextContent(/^Succeeded$/);
  });

  it('says when there is no run yet', async () => {
    await renderInTestApp(<RunOutcome />);
    expect(screen.getByText('Never run')).toBeInTheDocument();
  });
});
