import { CacheChange } from '../cache/watchTypes';
import { ListVersion } from './ListVersion';

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
