import { CacheChange } from '../cache/watchTypes';
import { CurrentVersionMap, ListVersion } from './ListVersion';

const job = (name: string, annotations?: Record<string, string>) => ({
  metadata: { name, namespace: 'shop', annotations },
});
const upsert = (
  object: ReturnType<typeof job>,
  previous?: ReturnType<typeof job>,
): CacheChange => ({
  type: 'upsert',
  kind: 'Job',
  object,
  previous,
  initial: false,
});

describe('ListVersion', () => {
  let now = Date.parse('2026-12-06T10:00:05Z');
  const version = new ListVersion({
    annotationKey: 'job-assistant',
    now: () => now,
  });
  const shop = version.scopeKey(['component:default/shop']);

  it('keys the same answer the same, and anything that may change it differently', () => {
    const query = { limit: 50 };
    const tag = version.key(shop, query);
    expect(
      version.key(version.scopeKey(['component:default/shop']), { limit: 50 }),
    ).toBe(tag);
    // Another caller's scope, another question.
    expect(
      version.key(version.scopeKey(['component:default/newsletter']), query),
    ).not.toBe(tag);
    expect(version.key(shop, { limit: 50, cursor: 'x' })).not.toBe(tag);
    // A change the caches saw, or a write to history.
    version.onChange('sandbox', upsert(job('migrate-abc12')));
    const changed = version.key(shop, query);
    expect(changed).not.toBe(tag);
    version.bump();
    expect(version.key(shop, query)).not.toBe(changed);
  });

  it('moves the definitions key only with definitions, listings and health, not with runs', () => {
    const filters = { namespace: 'shop' };
    const kept = version.definitionsKey(shop, filters);
    version.onChange('sandbox', upsert(job('migrate-abc12')));
    version.bump();
    expect(version.definitionsKey(shop, filters)).toBe(kept);
    expect(version.definitionsKey(shop, { namespace: 'marketing' })).not.toBe(
      kept,
    );
    // A definition changed; one that stopped being a definition counts too.
    version.onChange(
      'sandbox',
      upsert(job('migrate', { 'job-assistant': 'enable' })),
    );
    const afterDefinition = version.definitionsKey(shop, filters);
    expect(afterDefinition).not.toBe(kept);
    version.onChange(
      'sandbox',
      upsert(job('migrate'), job('migrate', { 'job-assistant': 'enable' })),
    );
    const afterUnmarked = version.definitionsKey(shop, filters);
    expect(afterUnmarked).not.toBe(afterDefinition);
    version.onSynced();
    const afterSync = version.definitionsKey(shop, filters);
    expect(afterSync).not.toBe(afterUnmarked);
    version.onHealth();
    expect(version.definitionsKey(shop, filters)).not.toBe(afterSync);
  });

  it('changes every minute, for what only time changes', () => {
    const tag = version.key(shop, null);
    const kept = version.definitionsKey(shop, null);
    now += 30_000;
    expect(version.key(shop, null)).toBe(tag);
    now += 30_000;
    expect(version.key(shop, null)).not.toBe(tag);
    expect(version.definitionsKey(shop, null)).not.toBe(kept);
  });
});

describe('ListVersion.changedSince', () => {
  const shopMigrate = {
    cluster: 'prod',
    namespace: 'shop',
    kind: 'Job' as const,
    name: 'migrate',
  };

  it('names the definitions whose history moved since a count, or says it does not know', () => {
    const version = new ListVersion({ annotationKey: 'job-assistant' });
    const start = version.current();
    expect(version.changedSince(start)).toEqual([]);
    version.bump([shopMigrate]);
    expect(version.changedSince(start)).toEqual([shopMigrate]);
    const afterFirst = version.current();
    // A write whose definition is not known: anything may have changed.
    version.bump();
    expect(version.changedSince(start)).toBeUndefined();
    expect(version.changedSince(afterFirst)).toBeUndefined();
    // A listing or a change of health: not known either.
    const afterUnknown = version.current();
    version.bump([shopMigrate]);
    expect(version.changedSince(afterUnknown)).toEqual([shopMigrate]);
    version.onHealth();
    expect(version.changedSince(afterUnknown)).toBeUndefined();
  });

  it('forgets what is older than a few hundred moves', () => {
    const version = new ListVersion({ annotationKey: 'job-assistant' });
    const start = version.current();
    for (let i = 0; i < 600; i++) version.bump([shopMigrate]);
    expect(version.changedSince(start)).toBeUndefined();
    const recent = version.current() - 10;
    expect(version.changedSince(recent)).toHaveLength(10);
  });
});

describe('ListVersion heard from the watch caches', () => {
  it('logs a run change under its definition, with the run, and a definition change without', () => {
    // A suspended definition Job: a template, not itself a run.
    const definition = {
      kind: 'Job',
      metadata: {
        name: 'migrate',
        namespace: 'shop',
        uid: 'def-uid',
        annotations: { 'job-assistant': 'enable' },
      },
      spec: { suspend: true },
    };
    const cache = {
      cluster: 'prod',
      get: (kind: string, namespace: string, name: string) =>
        kind === 'Job' && namespace === 'shop' && name === 'migrate'
          ? definition
          : undefined,
    };
    const caches = { subscribe: jest.fn(), get: () => cache };
    const version = new ListVersion({ annotationKey: 'job-assistant' });
    version.listenTo(caches as any);
    expect(caches.subscribe).toHaveBeenCalledWith(version);
    const start = version.current();
    const definitionsBefore = version.definitionsVersion();

    const run = {
      metadata: {
        name: 'migrate-abc12',
        namespace: 'shop',
        uid: 'run-uid',
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            name: 'migrate',
            uid: 'def-uid',
          },
        ],
      },
    };
    version.onChange('prod', upsert(run as any));
    expect(version.changedSince(start)).toEqual([
      {
        cluster: 'prod',
        namespace: 'shop',
        kind: 'Job',
        name: 'migrate',
        run: 'migrate-abc12',
      },
    ]);
    expect(version.definitionsVersion()).toBe(definitionsBefore);

    const afterRun = version.current();
    version.onChange('prod', upsert(definition as any));
    expect(version.changedSince(afterRun)).toEqual([
      { cluster: 'prod', namespace: 'shop', kind: 'Job', name: 'migrate' },
    ]);
    expect(version.definitionsVersion()).not.toBe(definitionsBefore);
  });
});

describe('CurrentVersionMap', () => {
  it('keeps the values of the latest version only, and at most so many', () => {
    const kept = new CurrentVersionMap<number>(2);
    kept.set('1-5-a', 1);
    kept.set('1-5-b', 2);
    expect(kept.get('1-5-a')).toBe(1);
    kept.set('1-5-c', 3);
    expect(kept.get('1-5-a')).toBeUndefined();
    expect(kept.size).toBe(2);
    // Another count, or another minute: the older ones go.
    kept.set('2-5-a', 4);
    expect(kept.get('1-5-b')).toBeUndefined();
    expect(kept.size).toBe(1);
    kept.set('2-6-a', 5);
    expect(kept.get('2-5-a')).toBeUndefined();
    kept.delete('2-6-a');
    expect(kept.size).toBe(0);
  });
});
