import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  cacheCheckFailed,
  makeDetails,
  makeRun,
  migrateSucceeded,
  SHOP_REF,
} from '../../__fixtures__/fixtures';
import { mockKubernetesJobsApi } from '../../__testUtils__/mockKubernetesJobsApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { DefinitionView } from './DefinitionView';

// LogViewer is virtualised and draws nothing in jsdom, which has no layout.
jest.mock('@backstage/core-components', () => ({
  ...jest.requireActual('@backstage/core-components'),
  LogViewer: (props: { text: string }) => <pre>{props.text}</pre>,
}));

const failedRun = makeRun({
  name: 'shop-cache-check-9f8d7',
  definition: { kind: 'Job', name: 'shop-cache-check' },
  state: 'Failed',
  failure: {
    reason: 'BackoffLimitExceeded',
    message: 'Job has reached the specified backoff limit',
  },
});
const killedRun = makeRun({
  name: 'shop-cache-check-k1ll3',
  definition: { kind: 'Job', name: 'shop-cache-check' },
  state: 'Killed',
  killedBy: 'user:default/sam',
  killedAt: '2025-01-09T10:00:05Z',
});

const locator = {
  cluster: 'sandbox',
  namespace: 'shop',
  kind: 'Job' as const,
  name: 'shop-cache-check',
};

function setup() {
  return mockKubernetesJobsApi({
    getDefinition: jest
      .fn()
      .mockResolvedValue(makeDetails(cacheCheckFailed, [failedRun, killedRun])),
    getRunPods: jest.fn().mockResolvedValue([
      {
        name: 'shop-cache-check-9f8d7-pod1',
        phase: 'Failed',
        containers: ['check', 'sidecar'],
        createdAt: '2025-01-10T10:00:01Z',
      },
    ]),
    getRunLogs: jest.fn(async (_run, _ref, options) => ({
      pod: options!.pod!,
      container: options!.container!,
      text: `log of ${options!.container}: cache miss ratio 0.93 > 0.5, exit 3`,
    })),
    getRunEvents: jest.fn().mockResolvedValue([
      {
        type: 'Warning',
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
        count: 1,
        involvedObject: { kind: 'Job', name: 'shop-cache-check-9f8d7' },
      },
    ]),
  });
}

describe('DefinitionView', () => {
  it('shows the history with who did what, and the newest run in detail', async () => {
    const api = setup();
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    expect(api.getDefinition).toHaveBeenCalledWith(locator, SHOP_REF);

    const runs = (await screen.findByText('Runs')).closest(
      'div[class*="MuiPaper"]',
    ) as HTMLElement;
    const killedRow = within(runs)
      .getByText('shop-cache-check-k1ll3')
      .closest('tr')!;
    expect(within(killedRow).getByText('Killed')).toBeInTheDocument();
    expect(within(killedRow).getByText('sam')).toBeInTheDocument();

    // The newest run is shown by default, with why it failed.
    expect(screen.getByText('Run shop-cache-check-9f8d7')).toBeInTheDocument();
    expect(
      screen.getByText('Failed: BackoffLimitExceeded'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText('Job has reached the specified backoff limit').length,
    ).toBeGreaterThan(0);
    expect(screen.getByRole('link', { name: /All Jobs/ })).toHaveAttribute(
      'href',
      '/',
    );
  });

  it('shows the logs of the first container, and of another on request', async () => {
    const api = setup();
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    expect(
      await screen.findByText(
        'log of check: cache miss ratio 0.93 > 0.5, exit 3',
      ),
    ).toBeInTheDocument();
    expect(api.getRunLogs).toHaveBeenCalledWith(
      { cluster: 'sandbox', namespace: 'shop', name: 'shop-cache-check-9f8d7' },
      SHOP_REF,
      expect.objectContaining({
        pod: 'shop-cache-check-9f8d7-pod1',
        container: 'check',
      }),
    );

    await userEvent.click(screen.getByRole('button', { name: /Container/ }));
    await userEvent.click(screen.getByRole('option', { name: 'sidecar' }));
    expect(await screen.findByText(/log of sidecar/)).toBeInTheDocument();

    // A finished run cannot be followed.
    expect(screen.getByRole('checkbox', { name: /Follow/ })).toBeDisabled();
  });

  it('shows the Kubernetes events of a run', async () => {
    const api = setup();
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    await userEvent.click(await screen.findByRole('tab', { name: 'Events' }));
    const panel = screen.getByRole('tabpanel');
    expect(await within(panel).findByText('Warning')).toBeInTheDocument();
    expect(
      within(panel).getByText('Job shop-cache-check-9f8d7'),
    ).toBeInTheDocument();
  });

  it('switches to another run from the history', async () => {
    const api = setup();
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    await userEvent.click(
      await screen.findByRole('link', { name: 'shop-cache-check-k1ll3' }),
    );
    expect(
      await screen.findByText('Run shop-cache-check-k1ll3'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/This run was killed before it finished/),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(api.getRunPods).toHaveBeenCalledWith(
        expect.objectContaining({ name: 'shop-cache-check-k1ll3' }),
        SHOP_REF,
      ),
    );
  });

  it('explains that a run without pods has no logs left', async () => {
    const api = setup();
    api.getDefinition.mockResolvedValue(
      makeDetails(migrateSucceeded, [makeRun()]),
    );
    api.getRunPods.mockResolvedValue([]);
    await renderWithApis(
      <DefinitionView
        definition={{ ...locator, name: 'shop-db-migrate' }}
        entityRef={SHOP_REF}
        backLink="/"
      />,
      { api },
    );
    expect(
      await screen.findByText(
        /Kubernetes keeps logs only while the pods exist/,
      ),
    ).toBeInTheDocument();
    expect(api.getRunLogs).not.toHaveBeenCalled();
  });

  it('keeps a run whose Job was deleted, without asking for its logs', async () => {
    const api = mockKubernetesJobsApi({
      getDefinition: jest
        .fn()
        .mockResolvedValue(
          makeDetails(cacheCheckFailed, [
            { ...failedRun, removedFromCluster: true },
          ]),
        ),
    });
    await renderWithApis(
      <DefinitionView definition={locator} entityRef={SHOP_REF} backLink="/" />,
      { api },
    );
    expect(
      await screen.findByText(
        /This run's Job has been deleted from the cluster/,
      ),
    ).toBeInTheDocument();
    expect(screen.getAllByText('BackoffLimitExceeded').length).toBeGreaterThan(
      0,
    );
    expect(api.getRunPods).not.toHaveBeenCalled();
    expect(api.getRunLogs).not.toHaveBeenCalled();
  });
});
