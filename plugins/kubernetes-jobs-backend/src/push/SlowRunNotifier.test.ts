import { TestDatabaseId, mockServices } from '@backstage/backend-test-utils';
import {
  DefinitionLocation,
  JobRun,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { Knex } from 'knex';
import { SlowRunOptions } from '../config';
import { DatabaseRunStore } from '../database/DatabaseRunStore';
import { definitionKeyString } from '../database/RunStore';
import { createTestDatabases } from '../__testUtils__/databases';
import { SlowRunNotifier, inWords } from './SlowRunNotifier';

/**
 * The slow-run check over a real run store (SQLite, and PostgreSQL when scripts/test.sh gives
 * one), with a fake clock: who is told, when, and that it happens once per run.
 */
const databases = createTestDatabases();

const KEY: DefinitionLocation = {
  cluster: 'production',
  namespace: 'shop',
  kind: 'Job',
  name: 'shop-db-migrate',
};
const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const MINUTE = 60_000;
const JANE = 'user:default/jane';
const SHOP = 'component:default/shop';

function run(uid: string, state: JobRun['state'], extra: Partial<JobRun> = {}) {
  const recorded: JobRun = {
    cluster: KEY.cluster,
    namespace: KEY.namespace,
    name: `shop-db-migrate-${uid}`,
    uid,
    definition: { kind: 'Job', name: KEY.name, uid: 'def-uid' },
    isDefinition: false,
    state,
    createdAt: new Date(T0).toISOString(),
    startedAt: new Date(T0).toISOString(),
    pods: { active: 0, ready: 0, succeeded: 0, failed: 0, terminating: 0 },
    ...extra,
  };
  return recorded;
}

/** Succeeded runs of 4 to 5 minutes: usually 4 minutes, slow after 5. */
async function history(store: DatabaseRunStore, count = 5) {
  const durations = [240, 240, 300, 240, 270].slice(0, count);
  await store.observe(
    durations.map((durationSeconds, i) => ({
      key: KEY,
      run: run(`old-${i}`, 'Succeeded', {
        createdAt: new Date(T0 - (10 - i) * 60 * MINUTE).toISOString(),
        durationSeconds,
      }),
    })),
  );
}

/** A run started from the portal by Jane, from the shop component, at T0. */
async function startedByJane(store: DatabaseRunStore, uid = 'now') {
  const id = await store.reserve(KEY, {
    entityRef: SHOP,
    triggeredBy: JANE,
    triggeredAt: new Date(T0),
    exclusive: false,
  });
  await store.attach(id, run(uid, 'Running'));
}

/** A run that a CronJob's schedule started at T0: no one of ours triggered it. */
async function startedBySchedule(store: DatabaseRunStore, uid = 'cron') {
  await store.observe([
    { key: KEY, run: run(uid, 'Running', { trigger: 'schedule' }) },
  ]);
}

function notifier(
  knexOrStore: Knex | DatabaseRunStore,
  config: Partial<SlowRunOptions> = {},
) {
  const store =
    knexOrStore instanceof DatabaseRunStore
      ? knexOrStore
      : new DatabaseRunStore(knexOrStore);
  const clock = { now: new Date(T0 + 9 * MINUTE) };
  const send = jest.fn(async (_options: any) => {});
  const definitionEntities = jest.fn(
    async (keys: DefinitionLocation[]) =>
      new Map(keys.map(k => [definitionKeyString(k), [SHOP]])),
  );
  const slow = new SlowRunNotifier({
    store,
    notifications: { send },
    logger: mockServices.logger.mock(),
    config: { enabled: true, notifyOwner: false, checkSeconds: 60, ...config },
    definitionEntities,
    now: () => clock.now,
  });
  const sent = () => send.mock.calls.map(([options]) => options);
  return { slow, store, clock, send, sent, definitionEntities };
}

describe.each(databases.eachSupportedId())('SlowRunNotifier on %s', id => {
  async function createStore(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseRunStore.create({
      database: mockServices.database({ knex }),
    });
    return { knex, store };
  }

  it('sends nothing when it is off', async () => {
    const { store } = await createStore(id);
    await history(store);
    await startedByJane(store);
    const { slow, sent } = notifier(store, { enabled: false });
    await slow.check();
    expect(sent()).toEqual([]);
  });

  it('tells who started a run once, when it passes its usual duration', async () => {
    const { store } = await createStore(id);
    await history(store);
    await startedByJane(store);
    const { slow, sent, clock } = notifier(store);

    clock.now = new Date(T0 + 4 * MINUTE); // under 5 minutes: not slow yet
    await slow.check();
    expect(sent()).toEqual([]);

    clock.now = new Date(T0 + 9 * MINUTE);
    await slow.check();
    await slow.check();
    expect(sent()).toEqual([
      {
        recipients: { type: 'entity', entityRef: [JANE] },
        payload: {
          title: 'shop-db-migrate is taking longer than usual',
          description: 'Running for 9 minutes; it usually takes 4 minutes.',
          link: '/kubernetes-jobs/production/shop/job/shop-db-migrate?run=shop-db-migrate-now',
          severity: 'normal',
          topic: 'kubernetes-jobs',
          scope: 'kubernetes-jobs:run:now',
        },
      },
    ]);

    // A restart (a new notifier on the same database) does not tell it again.
    const restarted = notifier(store);
    await restarted.slow.check();
    expect(restarted.sent()).toEqual([]);
  });

  it("tells the entity's owners too when configured, high when it runs three times as long", async () => {
    const { store } = await createStore(id);
    await history(store);
    await startedByJane(store);
    const { slow, sent, clock, definitionEntities } = notifier(store, {
      notifyOwner: true,
    });
    clock.now = new Date(T0 + 12 * MINUTE);
    await slow.check();
    expect(sent()).toEqual([
      expect.objectContaining({
        recipients: { type: 'entity', entityRef: [JANE, SHOP] },
        payload: expect.objectContaining({
          description: 'Running for 12 minutes; it usually takes 4 minutes.',
          severity: 'high',
        }),
      }),
    ]);
    // The record names the entity the run was started from: no catalog lookup.
    expect(definitionEntities).not.toHaveBeenCalled();
  });

  it('says nothing with too little history, nor of a finished run', async () => {
    const { store } = await createStore(id);
    await history(store, 2);
    await startedByJane(store);
    const { slow, sent } = notifier(store, { notifyOwner: true });
    await slow.check();
    expect(sent()).toEqual([]);

    await history(store); // enough now, but the run is over
    await store.observe([
      {
        key: KEY,
        run: run('now', 'Succeeded', {
          finishedAt: new Date(T0 + 8 * MINUTE).toISOString(),
          durationSeconds: 480,
        }),
      },
    ]);
    await slow.check();
    expect(sent()).toEqual([]);
  });

  it("tells no one of a scheduled run, unless the owners of the definition's entities are to be told", async () => {
    const { store } = await createStore(id);
    await history(store);
    await startedBySchedule(store);
    const quiet = notifier(store);
    await quiet.slow.check();
    expect(quiet.sent()).toEqual([]);

    const { knex } = await createStore(id);
    const other = new DatabaseRunStore(knex);
    await history(other);
    await startedBySchedule(other);
    const owners = notifier(other, { notifyOwner: true });
    await owners.slow.check();
    expect(owners.definitionEntities).toHaveBeenCalledWith([KEY]);
    expect(owners.sent()).toEqual([
      expect.objectContaining({
        recipients: { type: 'entity', entityRef: [SHOP] },
      }),
    ]);
  });

  it('two replicas over one database tell of a slow run once', async () => {
    const { knex, store } = await createStore(id);
    await history(store);
    await startedByJane(store, 'a');
    await startedByJane(store, 'b');
    const replicas = [notifier(knex), notifier(knex)];
    await Promise.all(replicas.map(r => r.slow.check()));
    await Promise.all(replicas.map(r => r.slow.check()));
    const told = replicas.flatMap(r => r.sent()).map(s => s.payload.scope);
    expect(told.sort()).toEqual([
      'kubernetes-jobs:run:a',
      'kubernetes-jobs:run:b',
    ]);
  });

  it('logs a failed send once and does not send it again', async () => {
    const { store } = await createStore(id);
    await history(store);
    await startedByJane(store);
    const logger = mockServices.logger.mock();
    const send = jest.fn(async () => {
      throw new Error('404 Not Found');
    });
    const slow = new SlowRunNotifier({
      store,
      notifications: { send },
      logger,
      config: { enabled: true, notifyOwner: false, checkSeconds: 60 },
      definitionEntities: async () => new Map(),
      now: () => new Date(T0 + 9 * MINUTE),
    });
    await slow.check();
    await slow.check();
    expect(send).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });
});

describe('inWords', () => {
  it('says a duration as people do', () => {
    expect(inWords(45)).toBe('45 seconds');
    expect(inWords(60)).toBe('1 minute');
    expect(inWords(9 * 60 + 20)).toBe('9 minutes');
    expect(inWords(3900)).toBe('1 hour 5 minutes');
    expect(inWords(7200)).toBe('2 hours');
  });
});
