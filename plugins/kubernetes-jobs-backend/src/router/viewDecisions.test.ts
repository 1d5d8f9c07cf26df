import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Decisions, ViewDecisions } from './viewDecisions';

const allow: Decisions = {
  catalogRead: { result: AuthorizeResult.ALLOW },
  decision: { result: AuthorizeResult.ALLOW },
};

function setup(maxAgeMs = 10_000) {
  let now = 0;
  let asked = 0;
  const views = new ViewDecisions({ maxAgeMs, now: () => now });
  const ask = async () => {
    asked++;
    return allow;
  };
  return {
    views,
    ask,
    asked: () => asked,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const withExpiry = (ref: string, at: number) => ({
  ...mockCredentials.user(ref),
  expiresAt: new Date(at),
});

describe('ViewDecisions', () => {
  it("keeps a caller's decisions for at most maxAgeMs, and shares them while they are asked", async () => {
    const { views, ask, asked, advance } = setup();
    const jane = withExpiry('user:default/jane', 1_000);
    await Promise.all([views.get(jane, ask), views.get(jane, ask)]);
    expect(asked()).toBe(1);
    advance(9_999);
    await views.get(jane, ask);
    expect(asked()).toBe(1);
    advance(1);
    await views.get(jane, ask);
    expect(asked()).toBe(2);
  });

  it('asks again for another user, another token of the same user, or another service', async () => {
    const { views, ask, asked } = setup();
    await views.get(withExpiry('user:default/jane', 1_000), ask);
    await views.get(withExpiry('user:default/marco', 1_000), ask);
    await views.get(withExpiry('user:default/jane', 2_000), ask); // a new token, new claims
    await views.get(mockCredentials.service('plugin:scaffolder'), ask);
    await views.get(mockCredentials.service('external:ci'), ask);
    expect(asked()).toBe(5);
    await views.get(withExpiry('user:default/jane', 2_000), ask);
    await views.get(mockCredentials.service('external:ci'), ask);
    expect(asked()).toBe(5);
  });

  it('keeps no failure, and nothing at all with a max age of 0', async () => {
    const { views, asked, ask } = setup();
    const jane = withExpiry('user:default/jane', 1_000);
    await expect(
      views.get(jane, () => Promise.reject(new Error('policy down'))),
    ).rejects.toThrow('policy down');
    await views.get(jane, ask);
    expect(asked()).toBe(1);

    const none = setup(0);
    await none.views.get(jane, none.ask);
    await none.views.get(jane, none.ask);
    expect(none.asked()).toBe(2);
  });
});
