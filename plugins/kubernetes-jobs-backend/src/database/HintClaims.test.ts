import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/databases';
import { DatabaseRunStore } from './DatabaseRunStore';
import { changeName, HintClaims, REPUBLISH_AFTER_MS } from './HintClaims';

const databases = createTestDatabases();

/** Two replicas' claims over one database (migrated as the plugin does), with a clock each. */
async function replicas(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  await DatabaseRunStore.create({ database: mockServices.database({ knex }) });
  let now = 1_800_000_000_000;
  const a = new HintClaims(() => now);
  const b = new HintClaims(() => now);
  a.connected(knex);
  b.connected(knex);
  return {
    knex,
    a,
    b,
    later: (ms: number) => {
      now += ms;
    },
  };
}

const job = (uid: string, resourceVersion: string) =>
  changeName('prod', uid, resourceVersion)!;

describe.each(databases.eachSupportedId())('HintClaims on %s', databaseId => {
  it('gives each change to the first replica that claims it', async () => {
    const { a, b } = await replicas(databaseId);
    expect(await a.claim([job('u1', '10'), job('u2', '11')])).toEqual(
      new Set([job('u1', '10'), job('u2', '11')]),
    );
    // B saw the same changes, and a newer one of u1 that A has not claimed yet.
    expect(
      await b.claim([job('u1', '10'), job('u2', '11'), job('u1', '12')]),
    ).toEqual(new Set([job('u1', '12')]));
    expect(await a.claim([job('u1', '12')])).toEqual(new Set());
  });

  it('gives a change again to a replica that saw it well after it was claimed', async () => {
    const { a, b, later } = await replicas(databaseId);
    await a.claim([job('u1', '10')]);
    later(REPUBLISH_AFTER_MS - 1);
    expect(await b.claim([job('u1', '10')])).toEqual(new Set());
    later(2);
    expect(await b.claim([job('u1', '10')])).toEqual(
      new Set([job('u1', '10')]),
    );
    // Counted from B's claim now: a third replica just behind B does not publish it again.
    later(REPUBLISH_AFTER_MS - 1);
    expect(await a.claim([job('u1', '10')])).toEqual(new Set());
  });

  it('keeps claims for minutes, not for ever', async () => {
    const { knex, a, b, later } = await replicas(databaseId);
    await a.claim([job('u1', '10')]);
    later(5 * 60_000);
    await a.claim([job('u2', '10')]);
    later(6 * 60_000);
    await b.claim([job('u3', '10')]);
    const kept = await knex('kubernetes_jobs_hint_claims').count({
      n: '*',
    });
    expect(Number(kept[0].n)).toBe(2); // u1's claim, 11 minutes old, is gone
  });

  it('claims many changes at once (a relist after a long disconnection)', async () => {
    const { a, b } = await replicas(databaseId);
    const changes = Array.from({ length: 1_200 }, (_, i) => job(`u${i}`, '7'));
    expect((await a.claim(changes)).size).toBe(1_200);
    expect((await b.claim(changes)).size).toBe(0);
  });
});

describe('HintClaims', () => {
  it('refuses to claim before the database is connected', async () => {
    await expect(new HintClaims().claim([job('u1', '1')])).rejects.toThrow(
      'not connected',
    );
  });

  it('cannot name a change without a uid and a resourceVersion', () => {
    expect(changeName('prod', 'u1', undefined)).toBeUndefined();
    expect(changeName('prod', undefined, '1')).toBeUndefined();
    expect(job('u1', '1')).not.toEqual(changeName('staging', 'u1', '1'));
  });
});
