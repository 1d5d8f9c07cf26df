import { useState } from 'react';
import { act, screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { RunEvent } from '@job-assistant/plugin-kubernetes-jobs-common';
import { materialTableWarnings } from '../../__testUtils__/materialTableWarnings';
import { RunEventsTable } from './RunEventsTable';

const pulled: RunEvent = {
  type: 'Normal',
  reason: 'Pulled',
  message: 'Container image "shop-reindex:1.0" already present on machine',
  count: 1,
  firstTimestamp: '2025-01-10T10:00:02Z',
  involvedObject: { kind: 'Pod', name: 'shop-reindex-abc12-x1' },
};
const backoff: RunEvent = {
  type: 'Warning',
  reason: 'BackOff',
  message: 'Back-off restarting failed container',
  count: 3,
  involvedObject: { kind: 'Pod', name: 'shop-reindex-abc12-x1' },
};

let refreshEvents: (events: RunEvent[]) => void = () => {};

function Refreshing() {
  // Two events alike (a repeated warning) must still get different ids.
  const [events, setEvents] = useState([pulled, backoff, { ...backoff }]);
  refreshEvents = setEvents;
  return <RunEventsTable events={events} />;
}

describe('RunEventsTable', () => {
  it('gives every event a stable id and keeps its columns, so material-table neither warns nor resets', async () => {
    const warnings = await materialTableWarnings(async () => {
      await renderInTestApp(<Refreshing />);
      await act(async () =>
        refreshEvents([{ ...pulled }, { ...backoff }, { ...backoff }]),
      );
    });
    expect(screen.getAllByText('Warning')).toHaveLength(2);
    expect(warnings).toEqual([]);
  });
});
