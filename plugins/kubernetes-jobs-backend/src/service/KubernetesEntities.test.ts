import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { readPluginOptions } from '../config';
import { KubernetesEntities } from './KubernetesEntities';

const entity = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    annotations: { 'backstage.io/kubernetes-id': name },
  },
  spec: {},
});

/** A catalog whose answers the test releases one by one. */
function slowCatalog() {
  const calls: Array<{
    credentials: any;
    filter: unknown;
    answer: (items: Entity[]) => void;
    fail: (error: Error) => void;
  }> = [];
  const catalog = {
    getEntities: (request: any, options: any) =>
      new Promise((resolve, reject) =>
        calls.push({
          credentials: options.credentials,
          filter: request.filter,
          answer: items => resolve({ items }),
          fail: reject,
        }),
      ),
  } as unknown as CatalogService;
  return { catalog, calls };
}

const flush = () => new Promise(resolve => setImmediate(resolve));

function setup() {
  const { catalog, calls } = slowCatalog();
  let now = 1_000_000;
  const logger = mockServices.logger.mock();
  const entities = new KubernetesEntities({
    catalog,
    auth: mockServices.auth(),
    logger,
    maxAgeMs: 10_000,
    now: () => now,
  });
  return {
    entities,
    calls,
    logger,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('KubernetesEntities', () => {
  it('reads the annotated entities once as the plugin, for every caller, and finds them by ref', async () => {
    const { entities, calls } = setup();
    const first = entities.current();
    const second = entities.current();
    await flush();
    expect(calls).toHaveLength(1);
    expect(calls[0].credentials.principal).toMatchObject({ type: 'service' });
    expect(calls[0].filter).toEqual(
      expect.arrayContaining([
        {
          'metadata.annotations.backstage.io/kubernetes-id': expect.any(Symbol),
        },
      ]),
    );
    calls[0].answer([entity('Shop')]);
    const [a, b] = await Promise.all([first, second]);
    expect(a).toBe(b);
    expect(a.byRef.get('component:default/shop')?.metadata.name).toBe('Shop');
  });

  it('gives the same copy while it is young, reads again in the background past half its age, and waits for a new one past all of it', async () => {
    const { entities, calls, advance } = setup();
    const reading = entities.current();
    await flush();
    calls[0].answer([entity('a')]);
    const first = await reading;

    advance(4_999);
    expect(await entities.current()).toBe(first);
    await flush();
    expect(calls).toHaveLength(1);

    // Past half: the old copy at once, and one read started.
    advance(1);
    expect(await entities.current()).toBe(first);
    expect(await entities.current()).toBe(first);
    await flush();
    expect(calls).toHaveLength(2);
    calls[1].answer([entity('a'), entity('b')]);
    await flush();
    const second = await entities.current();
    expect(second.entities).toHaveLength(2);

    // Past the whole age with no read in between: the caller waits for the catalog.
    advance(10_000);
    let settled = false;
    const waiting = entities.current().then(copy => {
      settled = true;
      return copy;
    });
    await flush();
    expect(settled).toBe(false);
    expect(calls).toHaveLength(3);
    calls[2].answer([entity('c')]);
    expect((await waiting).entities.map(e => e.metadata.name)).toEqual(['c']);
  });

  it('counts a copy as old as the start of the read that gave it', async () => {
    const { entities, calls, advance } = setup();
    const reading = entities.current();
    await flush();
    advance(9_000); // a slow catalog
    calls[0].answer([entity('a')]);
    await reading;
    advance(1_000);
    const again = entities.current();
    await flush();
    expect(calls).toHaveLength(2); // 10 s since the read started: waits for a new one
    calls[1].answer([]);
    expect((await again).entities).toEqual([]);
  });

  it('fails the views when the catalog cannot be read and the copy is too old; a failed read ahead only logs', async () => {
    const { entities, calls, advance, logger } = setup();
    const first = entities.current();
    await flush();
    calls[0].fail(new Error('catalog down'));
    await expect(first).rejects.toThrow('catalog down');

    const second = entities.current();
    await flush();
    calls[1].answer([entity('a')]);
    const copy = await second;

    advance(6_000);
    expect(await entities.current()).toBe(copy);
    await flush();
    calls[2].fail(new Error('catalog down again'));
    await flush();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('catalog down again'),
    );
    expect(await entities.current()).toBe(copy); // still young enough

    advance(4_000);
    const late = entities.current();
    await flush();
    calls[3].fail(new Error('still down'));
    await expect(late).rejects.toThrow('still down');
  });
});

describe('kubernetesJobs.viewCacheSeconds', () => {
  const read = (viewCacheSeconds?: unknown) =>
    readPluginOptions(
      new ConfigReader({
        kubernetesJobs:
          viewCacheSeconds === undefined ? {} : { viewCacheSeconds },
      }),
    ).viewCacheMs;

  it('is 10 s by default, may be 0 (no copy), and refuses a negative age naming the key', () => {
    expect(read()).toBe(10_000);
    expect(read(0)).toBe(0);
    expect(read(2.5)).toBe(2_500);
    expect(() => read(-1)).toThrow(
      'kubernetesJobs.viewCacheSeconds: must be a number of seconds, 0 or more, got -1',
    );
  });
});
