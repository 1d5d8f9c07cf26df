import {
  DefinitionListResponse,
  DefinitionLocation,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { pageRows } from '../service/definitionPage';
import { answerDeps, stillShown } from './answerDeps';

const at = (minute: number) => Date.UTC(2026, 11, 6, 10, minute);

/** A definition of shop's namespace with its last run created at `lastRun` (or never run). */
function item(name: string, lastRun?: number) {
  return {
    definition: {
      cluster: 'prod',
      namespace: 'shop',
      kind: 'Job' as const,
      name,
    },
    stats: {
      counts: { total: lastRun ? 1 : 0 },
      ...(lastRun
        ? {
            lastRun: {
              name: `${name}-last`,
              createdAt: new Date(lastRun).toISOString(),
            },
          }
        : {}),
    },
  } as any;
}
const where = (name: string): DefinitionLocation => ({
  cluster: 'prod',
  namespace: 'shop',
  kind: 'Job',
  name,
});
const answer = (items: any[], nextCursor?: string): DefinitionListResponse =>
  ({ items, errors: [], ...(nextCursor ? { nextCursor } : {}) } as any);
/** History as it is now: when each definition's last run was created. */
const history =
  (times: Record<string, number | undefined>) =>
  async (keys: DefinitionLocation[]) =>
    new Map(keys.map(k => [`prod/shop/Job/${k.name}`, times[k.name]]));

describe('stillShown', () => {
  it('is false when a definition the answer shows changed, true for others on an entity tab or a name page', async () => {
    const tab = answerDeps(answer([item('a'), item('b')]), undefined);
    expect(await stillShown(tab, [where('a')], history({}))).toBe(false);
    expect(await stillShown(tab, [where('z')], history({}))).toBe(true);
    expect(await stillShown(tab, [], history({}))).toBe(true);

    const byName = answerDeps(answer([item('a'), item('b')], 'next'), {
      limit: 2,
    });
    expect(await stillShown(byName, [where('b')], history({}))).toBe(false);
    expect(await stillShown(byName, [where('z')], history({}))).toBe(true);
  });

  it('looks past a change of a run a row does not show, unless the row comes from the clusters alone', async () => {
    const tab = answerDeps(answer([item('a', at(5))]), undefined);
    const older = { ...where('a'), run: 'a-older' };
    expect(await stillShown(tab, [older], history({}))).toBe(true);
    // The run it shows as the last one: its state is read from the cluster.
    expect(
      await stillShown(tab, [{ ...where('a'), run: 'a-last' }], history({})),
    ).toBe(false);
    // History was written for it.
    expect(await stillShown(tab, [where('a')], history({}))).toBe(false);
    const fromClusters = answerDeps(
      { ...answer([item('a', at(5))]), historyUnavailable: true },
      undefined,
    );
    expect(await stillShown(fromClusters, [older], history({}))).toBe(false);
  });

  it('is false with a last-run filter when history elsewhere was written: who matches and the total may change', async () => {
    const failed = answerDeps(answer([item('a', at(5))]), {
      limit: 2,
      state: 'Failed',
    });
    expect(await stillShown(failed, [where('z')], history({}))).toBe(false);
    // A run elsewhere that changed only in a cluster: its definition's state is history's.
    expect(
      await stillShown(failed, [{ ...where('z'), run: 'z-1' }], history({})),
    ).toBe(true);
  });

  it('in the last-run order, is true only for definitions sorting outside the page', async () => {
    // The first page: c (10:30), a (10:20); more follow.
    const first = answerDeps(
      answer([item('c', at(30)), item('a', at(20))], 'next'),
      { limit: 2, sort: 'lastRun' },
    );
    // z last ran at 10:10: after the page, as before.
    expect(await stillShown(first, [where('z')], history({ z: at(10) }))).toBe(
      true,
    );
    // z ran at 10:25: it belongs between c and a now.
    expect(await stillShown(first, [where('z')], history({ z: at(25) }))).toBe(
      false,
    );
    // z's run changed only in the cluster: where z goes comes from history, which did not move.
    expect(
      await stillShown(
        first,
        [{ ...where('z'), run: 'z-1' }],
        history({ z: at(25) }),
      ),
    ).toBe(true);
    // History cannot be read: not known, so no.
    expect(await stillShown(first, [where('z')], async () => undefined)).toBe(
      false,
    );

    // The page after c, a: a cursor made the way the reader makes it.
    const rows = ['c', 'a', 'x', 'y'].map(name => ({
      key: where(name),
      definition: item(name).definition,
    }));
    const times: Record<string, number> = {
      c: at(30),
      a: at(20),
      x: at(15),
      y: at(12),
    };
    const { nextCursor } = pageRows(
      rows,
      { limit: 2, sort: 'lastRun' },
      r => times[r.key.name],
    );
    const second = answerDeps(answer([item('x', at(15)), item('y', at(12))]), {
      limit: 2,
      sort: 'lastRun',
      cursor: nextCursor,
    });
    // The last page: z sorting before the cursor leaves it; after the cursor, z would be on it.
    expect(await stillShown(second, [where('z')], history({ z: at(40) }))).toBe(
      true,
    );
    expect(await stillShown(second, [where('z')], history({ z: at(13) }))).toBe(
      false,
    );
  });
});
