import { useState } from 'react';
import { act, screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { JobRun } from '@job-assistant/plugin-kubernetes-jobs-common';
import { makeRun } from '../../__fixtures__/fixtures';
import { materialTableWarnings } from '../../__testUtils__/materialTableWarnings';
import { RunsTable } from './RunsTable';

const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

const scheduled = makeRun({
  name: 'shop-nightly-export-29000',
  trigger: 'schedule',
  triggeredBy: undefined,
});
const forged = makeRun({
  name: 'shop-db-migrate-forged',
  trigger: 'outside',
  triggeredBy: undefined,
  claimedTriggeredBy: 'user:default/guest',
});
const stopped = makeRun({
  name: 'shop-db-migrate-stop1',
  state: 'Killed',
  killedBy: 'user:default/sam',
  killedAt: '2025-01-10T10:00:05Z',
});
const active = makeRun({
  name: 'shop-db-migrate-run01',
  state: 'Running',
  finishedAt: undefined,
});

let refreshRuns: (runs: JobRun[]) => void = () => {};

/** A history whose parent passes a new link builder at every render. */
function Refreshing() {
  const [runs, setRuns] = useState([active, stopped]);
  refreshRuns = setRuns;
  return <RunsTable runs={runs} getRunLink={run => `?run=${run.name}`} />;
}

function row(name: string) {
  return screen.getByRole('link', { name }).closest('tr')!;
}

describe('RunsTable', () => {
  it('says how each run started and who stopped it, from the record only', async () => {
    await renderInTestApp(
      <RunsTable
        runs={[active, stopped, forged, scheduled]}
        getRunLink={run => `?run=${run.name}`}
      />,
      { mountedRoutes },
    );
    expect(row('shop-nightly-export-29000')).toHaveTextContent('by schedule');
    const outside = row('shop-db-migrate-forged');
    expect(outside).toHaveTextContent(
      'started outside the portal (claims: guest)',
    );
    expect(within(outside).queryByRole('link', { name: 'guest' })).toBeNull();
    const stop = row('shop-db-migrate-stop1');
    expect(within(stop).getByText('Stopped')).toBeInTheDocument();
    expect(stop).toHaveTextContent('stopped by sam');
    expect(within(stop).getByRole('link', { name: 'jane' })).toHaveAttribute(
      'href',
      '/catalog/default/user/jane',
    );
    // Stopping a run is done from its details: no Stop button in the history.
    expect(screen.queryByRole('button', { name: /Stop/ })).toBeNull();
  });

  it('keeps its columns across renders, so material-table does not start over', async () => {
    const warnings = await materialTableWarnings(async () => {
      await renderInTestApp(<Refreshing />, { mountedRoutes });
      await act(async () => refreshRuns([{ ...active }, { ...stopped }]));
    });
    expect(warnings).toEqual([]);
  });
});
