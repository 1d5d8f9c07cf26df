import { DefinitionStats } from '@job-assistant/plugin-kubernetes-jobs-common';
import { definitionKeyString } from '../database/RunStore';
import { StatsCache } from './StatsCache';

const key = (name: string) => ({
  cluster: 'prod',
  namespace: 'shop',
  kind: 'Job' as const,
  name,
});
const a = key('a');
const b = key('b');

function setup() {
  let now = 0;
  let total = 0;
  const reads: string[][] = [];
  let gate: Promise<void> | undefined;
  const cache = new StatsCache({
    annotationKey: 'job-assistant',
    now: () => now,
    read: async keys => {
      reads.push(keys.map(k => k.name));
      await gate;
      total++;
      return new Map(
        keys.map(k => [
          definitionKeyString(k),
          { counts: { total } } as unknown as DefinitionStats,
        ]),
      );
    },
  });
  return {
    cache,
    reads,
    later: (ms: number) => {
      now += ms;
    },
    hold: () => {
      let release!: () => void;
      gate = new Promise(r => {
        release = r;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

describe('StatsCache', () => {
  it('reads only what it does not keep, and again what changed', async () => {
    const { cache, reads } = setup();
    await cache.stats([a, b]);
    await cache.stats([a, b]);
    expect(reads).toEqual([['a', 'b']]);
    cache.changed(a);
    await cache.stats([a, b]);
    expect(reads).toEqual([['a', 'b'], ['a']]);
    cache.changedAll();
    await cache.stats([a, b]);
    expect(reads).toEqual([['a', 'b'], ['a'], ['a', 'b']]);
  });

  it('does not keep a read that a change overtook', async () => {
    const { cache, reads, hold } = setup();
    const release = hold();
    const reading = cache.stats([a, b]);
    cache.changed(a); // written while the read was on its way
    release();
    await reading;
    await cache.stats([a, b]);
    expect(reads).toEqual([['a', 'b'], ['a']]);
  });

  it('trusts what it keeps for a minute at most', async () => {
    const { cache, reads, later } = setup();
    await cache.stats([a]);
    later(59_000);
    await cache.stats([a]);
    later(2_000);
    await cache.stats([a]);
    expect(reads).toEqual([['a'], ['a']]);
  });
});
