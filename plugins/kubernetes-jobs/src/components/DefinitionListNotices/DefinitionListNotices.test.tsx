import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { migrateSucceeded } from '../../__fixtures__/fixtures';
import { DefinitionListNotices } from './DefinitionListNotices';

describe('DefinitionListNotices', () => {
  it('says nothing about a complete, current list', async () => {
    const { container } = await renderInTestApp(
      <DefinitionListNotices
        list={{ items: [migrateSucceeded], errors: [] }}
      />,
    );
    expect(container).toBeEmptyDOMElement();
  });

  it('says that a refresh failed, which clusters are missing and that history is away', async () => {
    await renderInTestApp(
      <DefinitionListNotices
        list={{
          items: [migrateSucceeded],
          errors: [
            {
              cluster: 'prod-eu',
              message: 'connect ECONNREFUSED 10.0.0.1:443',
            },
          ],
          historyUnavailable: true,
        }}
        error={new Error('Gateway Timeout')}
      />,
    );
    expect(screen.getByText(/Could not refresh/)).toHaveTextContent(
      'Could not refresh: Gateway Timeout. Showing what was loaded before.',
    );
    expect(
      screen.getByText(/Cluster prod-eu could not be reached/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Run history can't be read right now/),
    ).toBeInTheDocument();
  });
});
