import { ListVersion } from './ListVersion';

describe('ListVersion', () => {
  let now = Date.parse('2026-12-06T10:00:05Z');
  const version = new ListVersion(() => now);

  it('keys the same answer the same, and anything that may change it differently', () => {
    const scope = ['component:default/shop'];
    const query = { limit: 50 };
    const tag = version.key(scope, query);
    expect(version.key(['component:default/shop'], { limit: 50 })).toBe(tag);
    // Another caller's scope, another question.
    expect(version.key(['component:default/newsletter'], query)).not.toBe(tag);
    expect(version.key(scope, { limit: 50, cursor: 'x' })).not.toBe(tag);
    // A change the caches saw, or a write to history.
    version.onChange();
    const changed = version.key(scope, query);
    expect(changed).not.toBe(tag);
    version.bump();
    expect(version.key(scope, query)).not.toBe(changed);
  });

  it('changes every minute, for what only time changes', () => {
    const tag = version.key([], null);
    now += 30_000;
    expect(version.key([], null)).toBe(tag);
    now += 30_000;
    expect(version.key([], null)).not.toBe(tag);
  });
});
