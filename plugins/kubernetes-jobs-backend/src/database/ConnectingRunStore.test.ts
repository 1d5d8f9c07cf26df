import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { ConnectingRunStore, HISTORY_UNAVAILABLE } from './ConnectingRunStore';
import { RunStore } from './RunStore';

const retry = { firstDelayMs: 10, maxDelayMs: 40 };

function loggerSpy() {
  const logger = mockServices.logger.mock();
  const lines = () =>
    [...logger.error.mock.calls, ...logger.info.mock.calls].map(c =>
      String(c[0]),
    );
  return { logger, lines };
}

const key = { cluster: 'c', namespace: 'n', kind: 'Job' as const, name: 'j' };

describe('ConnectingRunStore', () => {
  it('answers 503 until the database is reached, retrying with growing delays, and logs the outage once', async () => {
    const { logger, lines } = loggerSpy();
    const attempts: number[] = [];
    const store = {
      stats: jest.fn(async () => new Map()),
    } as unknown as RunStore;
    const connect = jest.fn(async () => {
      attempts.push(Date.now());
      if (attempts.length < 4)
        throw new Error('connect ECONNREFUSED 10.0.0.7:5432');
      return store;
    });
    const connecting = new ConnectingRunStore({ connect, logger, retry });
    await connecting.start();

    expect(connecting.connected).toBe(false);
    await expect(connecting.stats([key])).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: HISTORY_UNAVAILABLE,
    });

    await connecting.ready();
    expect(connect).toHaveBeenCalledTimes(4);
    // 10, 20, then 40 ms between attempts (timers may fire late, never early).
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(9);
    expect(gaps[1]).toBeGreaterThanOrEqual(19);
    expect(gaps[2]).toBeGreaterThanOrEqual(39);
    expect(lines()).toEqual([
      expect.stringContaining('ECONNREFUSED'),
      'kubernetes-jobs: run history database connected',
    ]);
    await expect(connecting.stats([key])).resolves.toEqual(new Map());
  });

  it('passes the guard’s conflicts on, and turns database failures into a 503 without the driver’s words', async () => {
    const { logger, lines } = loggerSpy();
    const failure = new Error(
      'password authentication failed for user "backstage" at db.internal',
    );
    const store = {
      reserve: jest.fn(async () => {
        throw new ConflictError('already has an active run');
      }),
      listRuns: jest
        .fn()
        .mockRejectedValueOnce(failure)
        .mockRejectedValueOnce(failure)
        .mockResolvedValue({ runs: [] }),
    } as unknown as RunStore;
    const connecting = new ConnectingRunStore({
      connect: async () => store,
      logger,
      retry,
    });
    await connecting.start();

    await expect(
      connecting.reserve(key, {
        entityRef: 'component:default/shop',
        triggeredBy: 'user:default/jane',
        triggeredAt: new Date(),
        exclusive: true,
      }),
    ).rejects.toMatchObject({ name: 'ConflictError' });

    for (let i = 0; i < 2; i++) {
      const error = await connecting
        .listRuns(key, { limit: 1 })
        .catch(e => e as Error);
      expect(error).toMatchObject({
        name: 'ServiceUnavailableError',
        message: HISTORY_UNAVAILABLE,
      });
      expect(JSON.stringify(error)).not.toContain('db.internal');
    }
    await expect(connecting.listRuns(key, { limit: 1 })).resolves.toEqual({
      runs: [],
    });
    // One line when it failed (with the reason, for operators), one when it is back.
    expect(lines()).toEqual([
      expect.stringContaining('db.internal'),
      'kubernetes-jobs: run history database reachable again',
    ]);
  });

  it('stops retrying when stopped', async () => {
    const { logger } = loggerSpy();
    const connect = jest.fn(async (): Promise<RunStore> => {
      throw new Error('down');
    });
    const connecting = new ConnectingRunStore({ connect, logger, retry });
    await connecting.start();
    connecting.stop();
    const calls = connect.mock.calls.length;
    await new Promise(r => setTimeout(r, 100));
    expect(connect.mock.calls.length).toBe(calls);
  });

  it('tells its listeners what each write changed: the definitions when the call says, all when it does not, nothing for nothing', async () => {
    const { logger } = loggerSpy();
    const store = {
      // The first observation changed its record; the second found it as observed.
      observeChanges: jest
        .fn()
        .mockImplementationOnce(async (runs: unknown[]) => ({
          finished: [],
          written: runs,
        }))
        .mockImplementationOnce(async () => ({ finished: [], written: [] })),
      recordKill: jest.fn(async () => {}),
      discard: jest.fn(async () => {}),
      markRemoved: jest.fn(async () => {}),
      saveEvidence: jest.fn(async () => true),
      stats: jest.fn(async () => new Map()),
    } as unknown as RunStore;
    const connecting = new ConnectingRunStore({
      connect: async () => store,
      logger,
      retry,
    });
    const heard: Array<unknown> = [];
    connecting.listen(keys => heard.push(keys));
    await connecting.start();
    heard.length = 0; // connected: everything may have changed

    await connecting.observe([{ key, run: {} as any }]);
    await connecting.observe([{ key, run: {} as any }]);
    await connecting.recordKill('uid', 'user:default/jane', new Date(), key);
    await connecting.recordKill('uid', 'user:default/jane', new Date());
    // A reservation given back changes its own definition, not every one.
    await connecting.discard(7, key);
    await connecting.markRemoved([]);
    await connecting.markRemoved(['uid']);
    await connecting.saveEvidence('uid', {} as any);
    await connecting.stats([key]);
    expect(heard).toEqual([
      [key],
      [],
      [key],
      undefined,
      [key],
      [],
      undefined,
      [],
    ]);
  });
});
