import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { makeRequest, SHOP_REF } from '../../__fixtures__/fixtures';
import { locator, setup } from '../../__testUtils__/definitionViewSetup';
import { mockSignalApi, runSignal } from '../../__testUtils__/mockSignalApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { SIGNAL_DEBOUNCE_MS } from '../../hooks/useJobsSignals';
import { DefinitionView } from './DefinitionView';

jest.mock('@backstage/core-components', () => ({
  ...jest.requireActual('@backstage/core-components'),
  LogViewer: (props: { text: string }) => <pre>{props.text}</pre>,
}));

const cacheCheck = { kind: 'Job' as const, name: 'shop-cache-check' };

describe('DefinitionView, waiting runs', () => {
  it('lists the runs waiting for their time or approval, and refetches them on a request hint', async () => {
    const api = setup();
    const waiting = makeRequest({
      definition: cacheCheck,
      requestedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    });
    api.getRunRequests
      .mockResolvedValueOnce({ items: [] })
      .mockResolvedValue({ items: [waiting] });
    const signals = mockSignalApi();
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api, extraApis: [[signalApiRef, signals.api]] },
    );
    await screen.findByRole('button', { name: 'Run shop-cache-check' });
    expect(api.getRunRequests).toHaveBeenCalledWith(locator, SHOP_REF);
    expect(screen.queryByRole('region', { name: 'Waiting runs' })).toBeNull();

    // A hint about another definition's requests is not for this page.
    signals.publish(runSignal({ type: 'request', run: undefined }));
    await act(() => new Promise(r => setTimeout(r, SIGNAL_DEBOUNCE_MS + 100)));
    expect(api.getRunRequests).toHaveBeenCalledTimes(1);

    signals.publish(
      runSignal({
        type: 'request',
        definitionName: 'shop-cache-check',
        run: undefined,
      }),
    );
    const list = await screen.findByRole('region', { name: 'Waiting runs' });
    expect(list).toHaveTextContent(
      'Waiting for approval from team-sre (asked by jane 5 minutes ago)',
    );
    // The approver sees what will run before deciding.
    await userEvent.click(
      within(list).getByRole('button', { name: 'Details' }),
    );
    await userEvent.click(
      within(list).getByRole('button', {
        name: 'Technical details of the Job as it will run',
      }),
    );
    await waitFor(() =>
      expect(list).toHaveTextContent('NamespaceshopClustersandbox'),
    );
  });
});
