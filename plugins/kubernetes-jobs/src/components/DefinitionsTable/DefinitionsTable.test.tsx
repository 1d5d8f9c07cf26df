import { useState } from 'react';
import { act, screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { DefinitionSummary } from '@job-assistant/plugin-kubernetes-jobs-common';
import {
  makeRun,
  makeSummary,
  migrateSucceeded,
  reindexRunning,
} from '../../__fixtures__/fixtures';
import { materialTableWarnings } from '../../__testUtils__/materialTableWarnings';
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
    expect(within(row).getByText('3 min 20 s')).toBeInTheDocument();
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
    jest.useRealTimers();
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
