import { makeRun, makeSummary } from '../__fixtures__/fixtures';
import {
  concernsCluster,
  concernsDefinition,
  concernsPage,
  concernsRequests,
  concernsRun,
  isKubernetesJobsHint,
  isKubernetesJobsSignal,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { runSignal } from '../__testUtils__/mockSignalApi';

const migrate = {
  cluster: 'sandbox',
  namespace: 'shop',
  kind: 'Job' as const,
  name: 'shop-db-migrate',
};

describe('concernsDefinition', () => {
  it('matches cluster, namespace, kind and name', () => {
    expect(concernsDefinition(runSignal(), migrate)).toBe(true);
    expect(
      concernsDefinition(runSignal({ cluster: 'production' }), migrate),
    ).toBe(false);
    expect(concernsDefinition(runSignal({ namespace: 'other' }), migrate)).toBe(
      false,
    );
    expect(
      concernsDefinition(runSignal({ definitionKind: 'CronJob' }), migrate),
    ).toBe(false);
    expect(
      concernsDefinition(
        runSignal({ definitionName: 'shop-reindex' }),
        migrate,
      ),
    ).toBe(false);
  });
});

describe('concernsRun', () => {
  const run = makeRun({ name: 'shop-db-migrate-x7k2p' });

  it('matches a hint about the run itself or about its definition', () => {
    expect(concernsRun(runSignal(), run)).toBe(true);
    expect(
      concernsRun(runSignal({ type: 'definition', run: undefined }), run),
    ).toBe(true);
  });

  it('does not match a sibling run, or the same name under another definition', () => {
    expect(concernsRun(runSignal({ run: 'shop-db-migrate-other' }), run)).toBe(
      false,
    );
    expect(
      concernsRun(runSignal({ definitionName: 'shop-reindex' }), run),
    ).toBe(false);
  });
});

describe('isKubernetesJobsSignal', () => {
  it('accepts hints and refuses anything else on the channel', () => {
    expect(isKubernetesJobsSignal(runSignal())).toBe(true);
    expect(
      isKubernetesJobsSignal({
        ...runSignal(),
        type: 'definition',
        run: undefined,
      }),
    ).toBe(true);
    expect(
      isKubernetesJobsSignal({
        ...runSignal(),
        type: 'request',
        run: undefined,
      }),
    ).toBe(true);
    expect(isKubernetesJobsSignal(null)).toBe(false);
    expect(isKubernetesJobsSignal('run')).toBe(false);
    expect(isKubernetesJobsSignal({ ...runSignal(), type: 'pod' })).toBe(false);
    expect(isKubernetesJobsSignal({ ...runSignal(), cluster: 1 })).toBe(false);
    expect(isKubernetesJobsSignal({ ...runSignal(), run: 3 })).toBe(false);
  });
});

describe('cluster hints', () => {
  const hint = { type: 'cluster' as const, cluster: 'production' };

  it('are hints of the channel, but not about a definition or a run', () => {
    expect(isKubernetesJobsHint(hint)).toBe(true);
    expect(isKubernetesJobsHint(runSignal())).toBe(true);
    expect(isKubernetesJobsHint({ type: 'cluster' })).toBe(false);
    expect(isKubernetesJobsHint({ type: 'cluster', cluster: 7 })).toBe(false);
    expect(isKubernetesJobsSignal(hint)).toBe(false);
    expect(
      concernsDefinition(hint, {
        cluster: 'production',
        namespace: 'shop',
        kind: 'Job',
        name: 'shop-db-migrate',
      }),
    ).toBe(false);
  });

  it('concern a list that shows that cluster', () => {
    expect(concernsCluster(hint, ['staging', 'production'])).toBe(true);
    expect(concernsCluster(hint, ['staging'])).toBe(false);
    expect(concernsCluster(runSignal(), ['production'])).toBe(false);
  });
});

describe('request hints', () => {
  const hint = runSignal({ type: 'request', run: undefined });

  it('concern the requests of their definition, not its runs', () => {
    expect(concernsRequests(hint, migrate)).toBe(true);
    expect(concernsRequests(hint, { ...migrate, name: 'shop-reindex' })).toBe(
      false,
    );
    expect(concernsRequests(runSignal(), migrate)).toBe(false);
    expect(concernsDefinition(hint, migrate)).toBe(false);
    expect(concernsRun(hint, makeRun({ name: 'shop-db-migrate-x7k2p' }))).toBe(
      false,
    );
  });
});

describe('concernsPage: which hints refetch a page of the Jobs page', () => {
  // The second page of the name sort: rows "b" to "d" of namespace shop, a page after it.
  const page = {
    query: { limit: 3, cursor: 'after-a' },
    items: ['b', 'c', 'd'].map(name => makeSummary({ name })),
    hasNext: true,
    clusters: ['sandbox'],
  };
  const about = (name: string, type: 'run' | 'definition' = 'run') =>
    runSignal({ type, definitionName: name });

  it('refetches for a row on screen, run or definition', () => {
    expect(concernsPage(about('c'), page)).toBe(true);
    expect(concernsPage(about('c', 'definition'), page)).toBe(true);
  });

  it('refetches for a definition off screen only when its name falls within the page', () => {
    expect(concernsPage(about('bb', 'definition'), page)).toBe(true);
    expect(concernsPage(about('a', 'definition'), page)).toBe(false);
    expect(concernsPage(about('e', 'definition'), page)).toBe(false);
    // The first page starts at the beginning, the last page runs to the end.
    expect(
      concernsPage(about('a', 'definition'), {
        ...page,
        query: { limit: 3 },
      }),
    ).toBe(true);
    expect(
      concernsPage(about('e', 'definition'), { ...page, hasNext: false }),
    ).toBe(true);
  });

  it('ignores runs off screen, unless the last-run filter or sort lets them move a Job in', () => {
    expect(concernsPage(about('bb'), page)).toBe(false);
    const failedOnly = {
      ...page,
      query: { ...page.query, state: 'Failed' as const },
    };
    expect(concernsPage(about('bb'), failedOnly)).toBe(true);
    expect(concernsPage(about('e'), failedOnly)).toBe(false);
    const byLastRun = {
      ...page,
      query: { ...page.query, sort: 'lastRun' as const },
    };
    expect(concernsPage(about('zz'), byLastRun)).toBe(true);
    expect(concernsPage(about('zz', 'definition'), byLastRun)).toBe(false);
  });

  it('ignores what the cluster and namespace filters keep out, run requests, and other clusters', () => {
    const marketing = { ...page, query: { limit: 3, namespace: 'marketing' } };
    expect(concernsPage(about('bb', 'definition'), marketing)).toBe(false);
    expect(
      concernsPage(runSignal({ type: 'request', definitionName: 'c' }), page),
    ).toBe(false);
    expect(concernsPage({ type: 'cluster', cluster: 'sandbox' }, page)).toBe(
      true,
    );
    expect(concernsPage({ type: 'cluster', cluster: 'other' }, page)).toBe(
      false,
    );
  });
});
