import { makeRun } from '../__fixtures__/fixtures';
import { runSignal } from '../__testUtils__/mockSignalApi';
import {
  concernsCluster,
  concernsDefinition,
  concernsRequests,
  concernsRun,
  isKubernetesJobsHint,
  isKubernetesJobsSignal,
} from './signals';

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
