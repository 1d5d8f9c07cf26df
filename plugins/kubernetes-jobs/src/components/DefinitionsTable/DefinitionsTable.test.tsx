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
import { DefinitionsTable, DefinitionsTableProps } from './DefinitionsTable';

const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

describe('DefinitionsTable', () => {
  it('shows the outcome of the last run: state, when, how long, by whom, success rate', async () => {
    const summary = makeSummary({}, makeRun({ durationSeconds: 200 }), {
      total: 4,
      succeeded: 3,
      failed: 1,
    });
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
    expect(within(row).getByText('75 %')).toBeInTheDocument();
    expect(within(row).getByText('3 of 4 finished')).toBeInTheDocument();
    expect(within(row).getByText('cluster sandbox')).toBeInTheDocument();
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
});
