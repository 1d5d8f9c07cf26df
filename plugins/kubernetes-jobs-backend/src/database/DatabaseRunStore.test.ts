import { TestDatabaseId, mockServices } from '@backstage/backend-test-utils';
import { JobRun } from '@job-assistant/plugin-kubernetes-jobs-common';
import { createTestDatabases } from '../__testUtils__/databases';
import { DefinitionLocation } from '@job-assistant/plugin-kubernetes-jobs-common';
import { DatabaseRunStore } from './DatabaseRunStore';

/**
 * Migrations and queries against SQLite, and against PostgreSQL when a server is given
 * (scripts/test.sh starts one and sets BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING).
 */
const databases = createTestDatabases();

const key: DefinitionLocation = {
  cluster: 'prod',
  namespace: 'shop',
  kind: 'Job',
  name: 'migrate',
};

function run(
  uid: string,
  state: JobRun['state'],
  extra: Partial<JobRun> = {},
): JobRun {
  return {
    cluster: 'prod',
    namespace: 'shop',
    name: `migrate-${uid}`,
    uid,
    definition: { kind: 'Job', name: 'migrate', uid: 'def-uid' },
    isDefinition: false,
    state,
    // What the Job's annotation says; only a Run request of the backend makes a trigger.
    claimedTriggeredBy: 'user:default/jane',
    triggeredAt: '2026-11-01T10:00:00.000Z',
    createdAt: '2026-11-01T10:00:00.000Z',
    pods: { active: 0, ready: 0, succeeded: 0, failed: 0, terminating: 0 },
    ...extra,
  };
}

async function createStore(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const store = await DatabaseRunStore.create({
    database: mockServices.database({ knex }),
  });
  return { knex, store };
}

describe.each(databases.eachSupportedId())(
  'DatabaseRunStore on %s',
  databaseId => {
    it('reserves the one active slot of a definition once, until the run finishes', async () => {
      const { store } = await createStore(databaseId);
      const reservation = {
        entityRef: 'component:default/shop',
        triggeredBy: 'user:default/jane',
        triggeredAt: new Date(),
        exclusive: true,
      };

      const id = await store.reserve(key, reservation);
      await expect(store.reserve(key, reservation)).rejects.toMatchObject({
        name: 'ConflictError',
      });
      await store.attach(id, run('a', 'Running'));
      await expect(store.reserve(key, reservation)).rejects.toMatchObject({
        name: 'ConflictError',
      });

      // The cluster shows it finished: the slot is free again.
      await store.observe([{ key, run: run('a', 'Succeeded') }]);
      const next = await store.reserve(key, reservation);
      expect(next).toBeGreaterThan(id);
    });

    it('says which observations changed a record: none when the record is as observed', async () => {
      const { store } = await createStore(databaseId);
      const running = { key, run: run('w', 'Running') };
      expect((await store.observeChanges([running])).written).toEqual([
        running,
      ]);
      // The same again (an annotation changed on the Job, say): nothing to write.
      expect((await store.observeChanges([running])).written).toEqual([]);
      const done = { key, run: run('w', 'Succeeded') };
      const moved = await store.observeChanges([done]);
      expect(moved.written).toEqual([done]);
      expect(moved.finished).toHaveLength(1);
    });

    it('gives exactly one of many concurrent reservations the slot', async () => {
      const { store } = await createStore(databaseId);
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () =>
          store.reserve(key, {
            entityRef: 'component:default/shop',
            triggeredBy: 'x',
            triggeredAt: new Date(),
            exclusive: true,
          }),
        ),
      );
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
    });

    it('does not limit definitions that allow parallel runs', async () => {
      const { store } = await createStore(databaseId);
      const reservation = {
        entityRef: 'component:default/shop',
        triggeredBy: 'x',
        triggeredAt: new Date(),
        exclusive: false,
      };
      await store.reserve(key, reservation);
      await expect(store.reserve(key, reservation)).resolves.toBeDefined();
    });

    it('frees a slot whose run the cluster no longer shows active, but not a fresh reservation', async () => {
      const { store } = await createStore(databaseId);
      const reservation = {
        entityRef: 'component:default/shop',
        triggeredBy: 'x',
        triggeredAt: new Date(),
        exclusive: true,
      };
      const id = await store.reserve(key, reservation);

      // A reservation still being created by some replica is not freed.
      await store.releaseIfInactive(key, {
        activeJobUids: new Set(),
        checkedAt: new Date(Date.now() + 1000),
      });
      await expect(store.reserve(key, reservation)).rejects.toMatchObject({
        name: 'ConflictError',
      });

      // Once its Job exists and the cluster (read after the record was written) does not show it active.
      await store.attach(id, run('b', 'Running'));
      await store.releaseIfInactive(key, {
        activeJobUids: new Set(['b']),
        checkedAt: new Date(Date.now() + 1000),
      });
      await expect(store.reserve(key, reservation)).rejects.toMatchObject({
        name: 'ConflictError',
      });
      await store.releaseIfInactive(key, {
        activeJobUids: new Set(),
        checkedAt: new Date(Date.now() + 1000),
      });
      await expect(store.reserve(key, reservation)).resolves.toBeDefined();
    });

    it('leaves a slot held by a Job that a watch cache has not seen yet', async () => {
      const { store } = await createStore(databaseId);
      const reservation = {
        entityRef: 'component:default/shop',
        triggeredBy: 'x',
        triggeredAt: new Date(),
        exclusive: true,
      };
      const id = await store.reserve(key, reservation);
      await store.attach(id, run('d', 'Pending'));
      const later = new Date(Date.now() + 1000);

      // Created by another replica a moment ago: not in this replica's cache yet.
      await store.releaseIfInactive(key, {
        activeJobUids: new Set(),
        knownJobUids: new Set(['other']),
        checkedAt: later,
      });
      await expect(store.reserve(key, reservation)).rejects.toMatchObject({
        name: 'ConflictError',
      });

      // Known, and over.
      await store.releaseIfInactive(key, {
        activeJobUids: new Set(),
        knownJobUids: new Set(['d']),
        checkedAt: later,
      });
      await expect(store.reserve(key, reservation)).resolves.toBeDefined();
    });

    it('keeps a run after its Job is removed from the cluster, with its outcome', async () => {
      const { store } = await createStore(databaseId);
      await store.observe([
        {
          key,
          run: run('c', 'Failed', {
            startedAt: '2026-11-01T10:00:01.000Z',
            finishedAt: '2026-11-01T10:00:31.000Z',
            durationSeconds: 30,
            failure: {
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
            },
          }),
        },
      ]);
      await store.markRemovedExcept(
        { cluster: 'prod', namespace: 'shop' },
        { presentJobUids: new Set(), checkedAt: new Date(Date.now() + 1000) },
      );

      const page = await store.listRuns(key, { limit: 10 });
      expect(page.runs).toEqual([
        expect.objectContaining({
          uid: 'c',
          name: 'migrate-c',
          state: 'Failed',
          removedFromCluster: true,
          trigger: 'outside',
          triggeredBy: undefined,
          claimedTriggeredBy: 'user:default/jane',
          startedAt: '2026-11-01T10:00:01.000Z',
          finishedAt: '2026-11-01T10:00:31.000Z',
          durationSeconds: 30,
          failure: {
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        }),
      ]);
    });

    it('pages history newest first', async () => {
      const { store } = await createStore(databaseId);
      for (const uid of ['1', '2', '3', '4', '5']) {
        await store.observe([{ key, run: run(uid, 'Succeeded') }]);
      }
      const first = await store.listRuns(key, { limit: 2 });
      expect(first.runs.map(r => r.uid)).toEqual(['5', '4']);
      const second = await store.listRuns(key, {
        limit: 2,
        before: first.nextCursor,
      });
      expect(second.runs.map(r => r.uid)).toEqual(['3', '2']);
      const last = await store.listRuns(key, {
        limit: 2,
        before: second.nextCursor,
      });
      expect(last.runs.map(r => r.uid)).toEqual(['1']);
      expect(last.nextCursor).toBeUndefined();
    });

    it('applies retention by age and by count, never to active runs', async () => {
      const { store, knex } = await createStore(databaseId);
      for (const uid of ['old', 'x1', 'x2', 'x3']) {
        await store.observe([{ key, run: run(uid, 'Succeeded') }]);
      }
      await store.observe([{ key, run: run('live', 'Running') }]);
      await knex('kubernetes_jobs_runs')
        .where({ job_uid: 'old' })
        .update({ created_at: new Date('2020-01-01T00:00:00Z') });

      expect(
        await store.cleanup({ olderThan: new Date('2021-01-01T00:00:00Z') }),
      ).toBe(1);
      expect(await store.cleanup({ keepPerDefinition: 2 })).toBe(2);
      const remaining = (await store.listRuns(key, { limit: 10 })).runs.map(
        r => r.uid,
      );
      expect(remaining).toEqual(['live', 'x3']);
    });
    it('moves a run only forward, and reports its finish exactly once', async () => {
      const { store } = await createStore(databaseId);
      const observe = (state: JobRun['state'], extra: Partial<JobRun> = {}) =>
        store.observe([{ key, run: run('f', state, extra) }]);

      expect(await observe('Pending')).toEqual([]);
      expect(await observe('Running')).toEqual([]);
      // A late observation (another replica, an old event) does not undo a newer one.
      expect(await observe('Pending')).toEqual([]);
      let [record] = (await store.listRuns(key, { limit: 1 })).runs;
      expect(record.state).toBe('Running');

      const done = await observe('Failed', {
        finishedAt: '2026-11-01T10:01:00.000Z',
      });
      expect(done).toEqual([
        expect.objectContaining({
          key,
          // Nobody to tell: the claim in the annotation is not a person who triggered it.
          triggeredBy: undefined,
          run: expect.objectContaining({
            uid: 'f',
            state: 'Failed',
            trigger: 'outside',
          }),
        }),
      ]);
      // Seen again by a replica: no second finish, and no final state replaces another.
      expect(await observe('Failed')).toEqual([]);
      expect(await observe('Succeeded')).toEqual([]);
      expect(await observe('Running')).toEqual([]);
      [record] = (await store.listRuns(key, { limit: 1 })).runs;
      expect(record.state).toBe('Failed');
    });

    it('writes one record per Job uid when replicas observe the same runs at once', async () => {
      const { store, knex } = await createStore(databaseId);
      const other = await DatabaseRunStore.create({
        database: mockServices.database({ knex }),
      });
      const runs = ['p', 'q', 'r'].map(uid => ({
        key,
        run: run(uid, 'Running'),
      }));
      await Promise.all([store.observe(runs), other.observe(runs)]);
      const finished = await Promise.all([
        store.observe(
          runs.map(o => ({
            key,
            run: { ...o.run, state: 'Succeeded' as const },
          })),
        ),
        other.observe(
          runs.map(o => ({
            key,
            run: { ...o.run, state: 'Succeeded' as const },
          })),
        ),
      ]);
      expect(finished.flat()).toHaveLength(3);
      const [{ n }] = await knex('kubernetes_jobs_runs').count({ n: '*' });
      expect(Number(n)).toBe(3);
    });

    it('keeps who started a run when the tracker recorded its Job before the create call answered', async () => {
      const { store } = await createStore(databaseId);
      const id = await store.reserve(key, {
        entityRef: 'component:default/shop',
        triggeredBy: 'user:default/sam',
        triggeredAt: new Date('2026-11-01T10:00:00.000Z'),
        exclusive: true,
      });
      // The watch saw the Job first; its annotation claims someone else.
      await store.observe([
        {
          key,
          run: run('w', 'Running', {
            claimedTriggeredBy: 'user:default/mallory',
          }),
        },
      ]);
      await store.attach(id, run('w', 'Pending'));

      const { runs } = await store.listRuns(key, { limit: 10 });
      expect(runs).toEqual([
        expect.objectContaining({
          uid: 'w',
          state: 'Running',
          triggeredBy: 'user:default/sam',
          trigger: 'portal',
        }),
      ]);
      // Still holds the slot while active.
      await expect(
        store.reserve(key, {
          entityRef: 'component:default/shop',
          triggeredBy: 'x',
          triggeredAt: new Date(),
          exclusive: true,
        }),
      ).rejects.toMatchObject({ name: 'ConflictError' });
    });

    it('keeps the record when the tracker recognised the reservation before the create call answered', async () => {
      const { store } = await createStore(databaseId);
      const id = await store.reserve(key, {
        entityRef: 'component:default/shop',
        triggeredBy: 'user:default/jane',
        triggeredAt: new Date('2026-11-01T10:00:00.000Z'),
        exclusive: true,
      });
      // The Job carries the reservation's user and time, as the backend sent it: the tracker
      // (another replica's, say) fills the reservation in with what the Job shows.
      await store.observe([{ key, run: run('r', 'Running') }]);
      await store.attach(id, run('r', 'Pending'));

      const { runs } = await store.listRuns(key, { limit: 10 });
      expect(runs).toEqual([
        expect.objectContaining({
          uid: 'r',
          state: 'Running',
          triggeredBy: 'user:default/jane',
          trigger: 'portal',
        }),
      ]);
      await expect(
        store.reserve(key, {
          entityRef: 'component:default/shop',
          triggeredBy: 'x',
          triggeredAt: new Date(),
          exclusive: true,
        }),
      ).rejects.toMatchObject({ name: 'ConflictError' });
    });

    it('computes stats for many definitions at once', async () => {
      const { store } = await createStore(databaseId);
      const other: DefinitionLocation = { ...key, name: 'export' };
      await store.observe([
        { key, run: run('s1', 'Succeeded', { durationSeconds: 10 }) },
        {
          key,
          run: run('s2', 'Succeeded', {
            durationSeconds: 30,
            createdAt: '2026-11-01T10:00:01.000Z',
          }),
        },
        {
          key,
          run: run('s3', 'Failed', { createdAt: '2026-11-01T10:00:02.000Z' }),
        },
        {
          key,
          run: run('s4', 'Killed', { createdAt: '2026-11-01T10:00:03.000Z' }),
        },
        {
          key,
          run: run('s5', 'Running', { createdAt: '2026-11-01T10:00:04.000Z' }),
        },
        { key: other, run: run('e1', 'Succeeded', { durationSeconds: 5 }) },
      ]);
      const stats = await store.stats([key, other, { ...key, name: 'never' }]);
      expect(stats.get('prod/shop/Job/migrate')).toEqual({
        counts: { total: 5, active: 1, succeeded: 2, failed: 1, killed: 1 },
        successRate: 2 / 3,
        typicalDurationSeconds: 20,
        lastRun: expect.objectContaining({ uid: 's5', state: 'Running' }),
      });
      expect(stats.get('prod/shop/Job/export')?.counts.total).toBe(1);
      expect(stats.get('prod/shop/Job/never')).toEqual({
        counts: { total: 0, active: 0, succeeded: 0, failed: 0, killed: 0 },
      });
    });
    it('keeps the first evidence saved for a run', async () => {
      const { store } = await createStore(databaseId);
      await store.observe([{ key, run: run('k', 'Running') }]);
      const evidence = (text: string) => ({
        savedAt: '2026-11-01T10:05:00.000Z',
        failureSummary: undefined,
        attempts: 1,
        pods: [{ name: 'migrate-k-abcde', containers: ['main'] }],
        logs: [{ pod: 'migrate-k-abcde', container: 'main', text }],
        events: [],
      });
      // Saved before Stop suspended the run; the tracker's later save finds it done.
      expect(await store.saveEvidence('k', evidence('step 3 of 10'))).toBe(
        true,
      );
      expect(await store.saveEvidence('k', evidence(''))).toBe(false);
      expect(await store.getEvidence('k')).toMatchObject({
        savedAt: '2026-11-01T10:05:00.000Z',
        logs: [{ text: 'step 3 of 10' }],
      });
      const [record] = (await store.listRuns(key, { limit: 1 })).runs;
      expect(record.evidenceSavedAt).toBe('2026-11-01T10:05:00.000Z');
    });
  },
);
