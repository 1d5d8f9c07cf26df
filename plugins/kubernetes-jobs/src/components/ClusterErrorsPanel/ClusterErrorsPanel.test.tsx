import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { ClusterErrorsPanel } from './ClusterErrorsPanel';

const secondsAgo = (seconds: number) =>
  new Date(Date.now() - seconds * 1000).toISOString();

describe('ClusterErrorsPanel', () => {
  it('says in plain words that a cluster not answering shows what it said, which may be out of date', async () => {
    await renderInTestApp(
      <ClusterErrorsPanel
        errors={[]}
        clusters={[
          { cluster: 'sandbox', synced: true },
          {
            cluster: 'production',
            synced: true,
            staleSince: secondsAgo(12),
            lastError: "Cluster 'production' did not answer within 5 s",
          },
          {
            cluster: 'staging',
            synced: true,
            staleSince: secondsAgo(2 * 60),
          },
        ]}
      />,
    );
    expect(
      screen.getByText(
        'Cluster production is not answering: showing what it said 12 seconds ago; it may be out of date.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText("Cluster 'production' did not answer within 5 s"),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Cluster staging is not answering: showing what it said 2 minutes ago; it may be out of date.',
      ),
    ).toBeInTheDocument();
    // A current cluster is not mentioned.
    expect(screen.queryByText(/Cluster sandbox/)).not.toBeInTheDocument();
  });

  it('says nothing when every cluster is current', async () => {
    await renderInTestApp(
      <div data-testid="panel">
        <ClusterErrorsPanel
          errors={[]}
          clusters={[{ cluster: 'sandbox', synced: true }]}
        />
      </div>,
    );
    expect(screen.getByTestId('panel')).toBeEmptyDOMElement();
  });
});
