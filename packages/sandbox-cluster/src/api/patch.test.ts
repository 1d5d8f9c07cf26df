import { applyMergePatch } from './patch';

describe('merge patch (RFC 7386)', () => {
  it('merges objects, deletes with null and replaces arrays', () => {
    const target = { a: 1, b: { c: 2, d: 3 }, list: [1, 2] };
    expect(
      applyMergePatch(target, { b: { c: null, e: 4 }, list: [3] }),
    ).toEqual({
      a: 1,
      b: { d: 3, e: 4 },
      list: [3],
    });
    expect(target.b.c).toBe(2);
  });
});
