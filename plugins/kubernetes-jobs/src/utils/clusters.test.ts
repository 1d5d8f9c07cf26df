import { laggingClusters } from './clusters';

describe('laggingClusters', () => {
  it('names clusters still loading or reconnecting, but not those that failed or are current', () => {
    expect(
      laggingClusters({
        errors: [{ cluster: 'broken', message: 'connect ECONNREFUSED' }],
        clusters: [
          { cluster: 'sandbox', synced: true },
          {
            cluster: 'production',
            synced: true,
            staleSince: '2025-01-10T10:00:00Z',
          },
          { cluster: 'staging', synced: false },
          { cluster: 'broken', synced: false },
        ],
      }).map(c => c.cluster),
    ).toEqual(['production', 'staging']);
  });

  it('knows nothing of clusters when the backend says nothing', () => {
    expect(laggingClusters({ errors: [] })).toEqual([]);
  });
});
