import { mockServices } from '@backstage/backend-test-utils';
import { SignalsService } from '@backstage/plugin-signals-node';
import { RunRequest } from '@job-assistant/plugin-kubernetes-jobs-common';
import { V1CronJob } from '@kubernetes/client-node';
import { createTestDatabases } from '../__testUtils__/databases';
import { WatchCaches } from '../cache/WatchCaches';
import { CacheChange } from '../cache/watchTypes';
import { DatabaseRunStore } from '../database/DatabaseRunStore';
import { ChangeSignals } from './ChangeSignals';
import { HintClaims, REPUBLISH_AFTER_MS } from '../database/HintClaims';

const databases = createTestDatabases();

/** A change of a CronJob definition (a definition alone: no run to attribute). */
function cronJobChange(resourceVersion: string): CacheChange {
  const object: V1CronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: {
      name: 'nightly-export',
      namespace: 'shop',
      uid: 'cj-1',
      annotations: { 'job-assistant': 'enable' },
    },
  };
  return {
    type: 'upsert',
    kind: 'CronJob',
    object,
    initial: false,
    resourceVersion,
  };
}

/**
 * Replicas of ChangeSignals over one database, publishing into one list as signals do: a signal
 * published on any replica reaches the browsers of all.
 */
async function replicas(
  count: number,
  claims: (i: number) => Pick<HintClaims, 'claim'> | undefined,
  claimTimeoutMs?: number,
) {
  const published: unknown[] = [];
  const signals = {
    publish: async (signal: { message: unknown }) => {
      published.push(signal.message);
    },
  } as unknown as SignalsService;
  const caches = {
    get: (cluster: string) => ({ cluster }),
  } as unknown as WatchCaches;
  const logger = mockServices.logger.mock();
  const all = Array.from(
    { length: count },
    (_, i) =>
      new ChangeSignals({
        caches,
        signals,
        annotationKey: 'job-assistant',
        logger,
        claims: claims(i),
        claimTimeoutMs,
      }),
  );
  return { all, published, logger };
}

async function claimsOverOneDatabase() {
  const knex = await databases.init('SQLITE_3');
  await DatabaseRunStore.create({ database: mockServices.database({ knex }) });
  let now = 1_800_000_000_000;
  return {
    claims: () => {
      const claims = new HintClaims(() => now);
      claims.connected(knex);
      return claims;
    },
    later: (ms: number) => {
      now += ms;
    },
  };
}

/** Until each replica has claimed and published what it was told. */
const settled = (all: ChangeSignals[]) =>
  Promise.all(all.map(signals => signals.idle()));

describe('ChangeSignals', () => {
  it('with three replicas seeing the same change, tells browsers of it once', async () => {
    const { claims } = await claimsOverOneDatabase();
    const { all, published } = await replicas(3, claims);
    all.forEach(s => s.onChange('prod', cronJobChange('41')));
    await settled(all);
    expect(published).toEqual([
      {
        type: 'definition',
        cluster: 'prod',
        namespace: 'shop',
        definitionKind: 'CronJob',
        definitionName: 'nightly-export',
      },
    ]);
    // Its next change is news again.
    all.forEach(s => s.onChange('prod', cronJobChange('42')));
    await settled(all);
    expect(published).toHaveLength(2);
    all.forEach(s => s.stop());
  });

  it('a replica that saw a change well after the one that told of it tells of it again', async () => {
    const { claims, later } = await claimsOverOneDatabase();
    const { all, published } = await replicas(2, claims);
    all[0].onChange('prod', cronJobChange('41'));
    await settled(all);
    later(REPUBLISH_AFTER_MS + 1);
    all[1].onChange('prod', cronJobChange('41'));
    await settled(all);
    expect(published).toHaveLength(2);
    all.forEach(s => s.stop());
  });

  it('tells of its own news without a claim: a cluster that stopped answering, a run request', async () => {
    const { claims } = await claimsOverOneDatabase();
    const { all, published } = await replicas(2, claims);
    // Each replica's own view of the cluster; a request only the replica that changed it knows.
    all.forEach(s => s.onHealth('prod'));
    all[1].requestChanged({
      cluster: 'prod',
      namespace: 'shop',
      definition: { kind: 'CronJob', name: 'nightly-export' },
    } as RunRequest);
    await settled(all);
    expect(published).toEqual([
      { type: 'cluster', cluster: 'prod' },
      { type: 'cluster', cluster: 'prod' },
      {
        type: 'request',
        cluster: 'prod',
        namespace: 'shop',
        definitionKind: 'CronJob',
        definitionName: 'nightly-export',
      },
    ]);
    all.forEach(s => s.stop());
  });

  it('tells of every change it sees while claims cannot be made (the database is away)', async () => {
    const failing = {
      claim: async () => {
        throw new Error('connection refused');
      },
    };
    const { all, published, logger } = await replicas(2, () => failing);
    all.forEach(s => s.onChange('prod', cronJobChange('41')));
    await settled(all);
    expect(published).toHaveLength(2);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('connection refused'),
    );
    all.forEach(s => s.onChange('prod', cronJobChange('42')));
    await settled(all);
    // Said once per replica, not once per change.
    expect(logger.warn).toHaveBeenCalledTimes(2);
    all.forEach(s => s.stop());
  });

  it('does not hold hints back for a database that does not answer', async () => {
    const hanging = { claim: () => new Promise<never>(() => {}) };
    const { all, published, logger } = await replicas(1, () => hanging, 100);
    all[0].onChange('prod', cronJobChange('41'));
    await settled(all);
    expect(published).toHaveLength(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('no answer within 100 ms'),
    );
    all[0].stop();
  });

  it('gathers the changes of one definition into one hint, claimed as a whole', async () => {
    const { claims } = await claimsOverOneDatabase();
    const { all, published } = await replicas(2, claims);
    // Replica 0 gathers two changes; replica 1 only saw the first when it claimed.
    all[1].onChange('prod', cronJobChange('41'));
    await settled(all);
    all[0].onChange('prod', cronJobChange('41'));
    all[0].onChange('prod', cronJobChange('42'));
    await settled(all);
    // One for 41; one for 42, which replica 0 alone had seen.
    expect(published).toHaveLength(2);
    all.forEach(s => s.stop());
  });
});
