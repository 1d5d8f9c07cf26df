import { useState } from 'react';
import { act, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DefinitionSummary } from '@job-assistant/plugin-kubernetes-jobs-common';
import {
  makeRun,
  makeSummary,
  migrateSucceeded,
  reindexRunning,
} from '../../__fixtures__/fixtures';
import { materialTableWarnings } from '../../__testUtils__/materialTableWarnings';
import { mockKubernetesJobsApi } from '../../__testUtils__/mockKubernetesJobsApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { DefinitionActions } from '../DefinitionActions/DefinitionActions';
import { DefinitionsTable, DefinitionsTableProps } from './DefinitionsTable';

const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

let refreshTable: (items: DefinitionSummary[]) => void = () => {};

/** A table whose parent passes new callbacks at every render, and whose items can change. */
function RefreshingWithCallbacks() {
  const [items, setItems] = useState([reindexRunning, migrateSucceeded]);
  refreshTable = setItems;
  return (
    <DefinitionsTable
      items={items}
      getDetailsLink={item => item.definition.name}
      renderActions={() => <button>Act</button>}
    />
  );
}

describe('DefinitionsTable', () => {
  it('shows the outcome of the last run: state, when, how long, by whom, success rate', async () => {
    const summary = makeSummary(
      {},
      makeRun({ durationSeconds: 200, trigger: 'portal' }),
      { total: 6, succeeded: 3, failed: 1, killed: 2 },
    );
    summary.stats.successRate = 0.75;
    await renderInTestApp(
      <DefinitionsTable items={[summary]} getDetailsLink={() => 'details'} />,
      { mountedRoutes },
    );
    const row = screen.getByText('shop-db-migrate').closest('tr')!;
    expect(within(row).getByText('Succeeded')).toBeInTheDocument();
    expect(row).toHaveTextContent('took 3 min 20 s');
    expect(within(row).getByText('jane').closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/user/jane',
    );
    // One unit that does not wrap; stopped runs are counted apart, not as failures.
    const rate = within(row).getByText('75 %');
    expect(rate.textContent).toBe('75\u00a0%');
    expect(rate).toHaveStyle({ whiteSpace: 'nowrap' });
    expect(within(row).getByText('3 of 4 finished')).toBeInTheDocument();
    expect(within(row).getByText('2 stopped')).toBeInTheDocument();
    // All in one place: no column says where.
    expect(screen.queryByRole('columnheader', { name: 'Where' })).toBeNull();
    expect(
      within(row).getByText('When someone presses Run'),
    ).toBeInTheDocument();
  });

  it('says why the last run failed in plain words, and keeps Kubernetes’ reason out of the list', async () => {
    const failed = makeSummary(
      { name: 'shop-cache-check' },
      makeRun({
        name: 'shop-cache-check-9f8d7',
        state: 'Failed',
        failureSummary:
          'Failed after 2 attempts. Last message: Cache check failed: 1 of 3 nodes unreachable (exit code 1)',
        failure: {
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
      }),
    );
    await renderInTestApp(
      <DefinitionsTable items={[failed]} getDetailsLink={() => 'd'} />,
      { mountedRoutes },
    );
    const row = screen.getByText('shop-cache-check').closest('tr')!;
    const summary = within(row).getByText(/Cache check failed/);
    expect(summary).toHaveTextContent(
      'Failed after 2 attempts. Last message: Cache check failed: 1 of 3 nodes unreachable (exit code 1)',
    );
    // Words wrap between words only.
    expect(summary).toHaveStyle({
      wordBreak: 'normal',
      overflowWrap: 'normal',
    });
    expect(row).not.toHaveTextContent('BackoffLimitExceeded');
  });

  it('says how each last run was started, and never shows a claim as the person who started it', async () => {
    const scheduled = makeSummary(
      { name: 'shop-nightly-export', kind: 'CronJob', schedule: '0 2 * * *' },
      makeRun({
        name: 'shop-nightly-export-29000',
        trigger: 'schedule',
        triggeredBy: undefined,
      }),
    );
    const outside = makeSummary(
      { name: 'shop-reindex' },
      makeRun({
        name: 'shop-reindex-forged',
        trigger: 'outside',
        triggeredBy: undefined,
        claimedTriggeredBy: 'user:default/guest',
      }),
    );
    await renderInTestApp(
      <DefinitionsTable
        items={[scheduled, outside]}
        getDetailsLink={() => 'd'}
      />,
      { mountedRoutes },
    );
    const nightly = screen.getByText('shop-nightly-export').closest('tr')!;
    expect(nightly).toHaveTextContent(/ago by schedule/);
    expect(nightly).toHaveTextContent('Runs every day at 02:00');
    const reindex = screen.getByText('shop-reindex').closest('tr')!;
    expect(reindex).toHaveTextContent(
      'started outside the portal (claims: guest)',
    );
    expect(reindex).not.toHaveTextContent('by guest');
    // The claim is not a link to a person.
    expect(within(reindex).queryByRole('link', { name: 'guest' })).toBeNull();
  });

  it('says where each Job runs when they live in several places', async () => {
    const elsewhere = makeSummary({
      name: 'newsletter-export',
      namespace: 'marketing',
      cluster: 'production',
    });
    await renderInTestApp(
      <DefinitionsTable
        items={[migrateSucceeded, elsewhere]}
        getDetailsLink={() => 'd'}
      />,
      { mountedRoutes },
    );
    expect(
      screen.getByRole('columnheader', { name: 'Where' }),
    ).toBeInTheDocument();
    const row = screen.getByText('newsletter-export').closest('tr')!;
    expect(row).toHaveTextContent('productionmarketing');
  });

  it('says how long an active run has been going', async () => {
    const startedAt = Date.parse(reindexRunning.stats.lastRun!.startedAt!);
    jest.useFakeTimers({ now: startedAt + 42_000, advanceTimers: true });
    await renderInTestApp(
      <DefinitionsTable items={[reindexRunning]} getDetailsLink={() => 'd'} />,
      { mountedRoutes },
    );
    expect(screen.getByText('42 s so far')).toBeInTheDocument();
    // Too little history to say what is usual: no guess.
    expect(screen.queryByRole('progressbar')).toBeNull();
    jest.useRealTimers();
  });

  it('says how far an active run is against the usual, and when it takes longer', async () => {
    const startedAt = Date.parse(reindexRunning.stats.lastRun!.startedAt!);
    const usual = { typicalDurationSeconds: 240, slowAfterSeconds: 300 };
    const withHistory = makeSummary(
      { name: 'shop-reindex' },
      reindexRunning.stats.lastRun,
    );
    Object.assign(withHistory.stats, usual);
    jest.useFakeTimers({ now: startedAt + 3 * 60_000, advanceTimers: true });
    await renderInTestApp(
      <DefinitionsTable items={[withHistory]} getDetailsLink={() => 'd'} />,
      { mountedRoutes },
    );
    const row = screen.getByText('shop-reindex').closest('tr')!;
    expect(within(row).getByRole('progressbar')).toHaveAttribute(
      'aria-valuetext',
      'About 3 of usually 4 minutes',
    );
    expect(row).toHaveTextContent('About 3 of usually 4 minutes');
    expect(row).toHaveTextContent('3 min so far');

    // The row keeps counting while the page is open.
    await act(async () => {
      jest.advanceTimersByTime(3 * 60_000);
    });
    expect(row).toHaveTextContent(
      'Taking longer than usual (usually 4 minutes)',
    );
    expect(row).toHaveTextContent('6 min so far');
    jest.useRealTimers();
  });

  it('shows why Run is disabled in full, under the button, wrapping between words', async () => {
    const marketing = makeSummary({
      name: 'newsletter-export',
      namespace: 'marketing',
      entityRef: 'component:default/newsletter',
      entityOwnerRef: 'group:default/team-marketing',
    });
    await renderWithApis(
      <DefinitionsTable
        items={[marketing]}
        getDetailsLink={() => 'd'}
        renderActions={item => (
          <DefinitionActions
            item={item}
            entityRef="component:default/newsletter"
            onChange={() => {}}
          />
        )}
        showEntity
        showOwner
      />,
      { api: mockKubernetesJobsApi(), permission: AuthorizeResult.DENY },
    );
    const row = screen.getByText('newsletter-export').closest('tr')!;
    const button = await within(row).findByRole('button', {
      name: 'Run newsletter-export',
    });
    await waitFor(() => expect(button).toHaveAccessibleDescription());
    const reason = document.getElementById(
      button.getAttribute('aria-describedby')!,
    )!;
    expect(reason).toHaveTextContent(
      /^Only members of team-marketing can run this Job$/,
    );
    expect(reason).toBeVisible();
    const cell = reason.closest('td')!;
    expect(cell).toHaveStyle({ overflowWrap: 'normal', wordBreak: 'normal' });
    expect(cell).not.toHaveStyle({ whiteSpace: 'nowrap' });
    expect(cell).not.toHaveStyle({ textOverflow: 'ellipsis' });
  });

  it('in a narrow window, stacks when a Job runs, its component and where under its name', async () => {
    const matchMedia = window.matchMedia;
    // Every media query matches: narrower than the `lg` breakpoint.
    window.matchMedia = jest.fn((media: string) => ({
      matches: true,
      media,
      addListener: () => {},
      removeListener: () => {},
    })) as any;
    try {
      const elsewhere = makeSummary({
        name: 'newsletter-export',
        namespace: 'marketing',
        entityRef: 'component:default/newsletter',
        entityOwnerRef: 'group:default/team-marketing',
      });
      await renderInTestApp(
        <DefinitionsTable
          items={[migrateSucceeded, elsewhere]}
          getDetailsLink={() => 'd'}
          showEntity
          showOwner
        />,
        { mountedRoutes },
      );
      const headers = screen
        .getAllByRole('columnheader')
        .map(header => header.textContent);
      expect(headers).toEqual(['Job', 'Last run']);
      const row = screen.getByText('newsletter-export').closest('tr')!;
      const job = within(row).getAllByRole('cell')[0];
      expect(job).toHaveTextContent('When someone presses Run');
      expect(job).toHaveTextContent('newsletterowned by team-marketing');
      expect(job).toHaveTextContent('In sandbox, marketing');
    } finally {
      window.matchMedia = matchMedia;
    }
  });

  it('shows the component and its owners when asked to', async () => {
    await renderInTestApp(
      <DefinitionsTable
        items={[migrateSucceeded]}
        getDetailsLink={() => 'd'}
        showEntity
        showOwner
      />,
      { mountedRoutes },
    );
    expect(screen.getByRole('link', { name: 'shop' })).toHaveAttribute(
      'href',
      '/catalog/default/component/shop',
    );
    expect(screen.getByRole('link', { name: 'team-shop' })).toHaveAttribute(
      'href',
      '/catalog/default/group/team-shop',
    );
  });

  it('keeps its rows across a refresh, so focus and open dialogs survive polling', async () => {
    let refresh: (items: DefinitionSummary[]) => void = () => {};
    function Refreshing(props: Omit<DefinitionsTableProps, 'items'>) {
      const [items, setItems] = useState([reindexRunning]);
      refresh = setItems;
      return <DefinitionsTable {...props} items={items} />;
    }
    await renderInTestApp(
      <Refreshing
        // New callbacks at every render, as a parent component passes them.
        getDetailsLink={item => item.definition.name}
        renderActions={item => <button>Act on {item.definition.name}</button>}
      />,
      { mountedRoutes },
    );
    const button = screen.getByRole('button', { name: 'Act on shop-reindex' });
    button.focus();

    const later = makeSummary(
      { name: 'shop-reindex', description: 'Rebuilds the search index' },
      reindexRunning.stats.lastRun,
    );
    await act(async () => refresh([later]));

    expect(screen.getByText('Rebuilds the search index')).toBeInTheDocument();
    expect(button).toBeInTheDocument();
    expect(button).toHaveFocus();
  });

  it('gives material-table the same columns at every render, so a refresh does not reset it', async () => {
    const warnings = await materialTableWarnings(async () => {
      await renderInTestApp(<RefreshingWithCallbacks />, { mountedRoutes });
      // The same Jobs again, as a refresh that found nothing new returns them.
      await act(async () =>
        refreshTable([{ ...reindexRunning }, { ...migrateSucceeded }]),
      );
    });
    expect(warnings).toEqual([]);
  });
});
