import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { Server } from 'http';
import { SandboxAdmin, component, eventually } from './__testUtils__/sandbox';
import {
  Decider,
  PermissionCalls,
  startPluginBackend,
} from './__testUtils__/pluginBackend';

/**
 * The Jobs page's list, one page at a time (`GET /definitions?limit=`): filters, sort and
 * cursors, through the real plugin, a mock catalog and permission service, and the sandbox
 * cluster. 24 definitions of `shop` (team-shop), 6 of `newsletter` (team-marketing), and 5 of
 * `secret` that the caller may not see.
 */

const entities = [
  component('shop', { 'backstage.io/kubernetes-id': 'shop' }),
  component(
    'newsletter',
    { 'backstage.io/kubernetes-id': 'newsletter' },
    'team-marketing',
  ),
  component('secret', { 'backstage.io/kubernetes-id': 'secret' }, 'team-x'),
];

const jane = mockCredentials.user.header('user:default/jane');
const LIST = '/api/kubernetes-jobs/definitions';

let admin: SandboxAdmin;
let server: Server;
let decide: Decider;
/** The catalog's read permission: ALLOW but where a test says otherwise. */
let catalogRead: Decider = () => AuthorizeResult.ALLOW;
const permissionCalls: PermissionCalls = {
  authorize: [],
  authorizeConditional: [],
};

/** The catalog's condition on an entity's name. */
const named = (name: string) => ({
  rule: 'HAS_METADATA',
  resourceType: 'catalog-entity' as const,
  params: { key: 'name', value: name },
});

const shopNames = Array.from(
  { length: 24 },
  (_, i) => `shop-job-${String(i).padStart(2, '0')}`,
);
const newsletterNames = Array.from({ length: 6 }, (_, i) => `news-${i}`);

beforeAll(async () => {
  admin = await SandboxAdmin.start();
  for (const ns of ['shop', 'marketing', 'vault']) {
    await admin.createNamespace(ns);
  }
  for (const name of shopNames) {
    await admin.createDefinitionJob({
      namespace: 'shop',
      name,
      annotations: {
        'job-assistant': 'enable',
        ...(name.endsWith('7')
          ? { 'job-assistant/description': 'Export the orders' }
          : {}),
      },
    });
  }
  for (const name of newsletterNames) {
    await admin.createDefinitionJob({
      namespace: 'marketing',
      name,
      labels: { 'backstage.io/kubernetes-id': 'newsletter' },
    });
  }
  for (let i = 0; i < 5; i++) {
    await admin.createDefinitionJob({
      namespace: 'vault',
      name: `aaa-secret-${i}`,
      labels: { 'backstage.io/kubernetes-id': 'secret' },
    });
  }
  server = await startPluginBackend({
    admin,
    entities,
    decide: () => decide,
    catalogRead: () => catalogRead,
    permissionCalls,
  });
  // The secret entity is denied: a condition, so unclaimed definitions (which need an outright
  // ALLOW) are hidden too.
  decide = () => ({ conditions: { not: named('secret') } });
  await eventually(async () => {
    const res = await list({});
    return res.body.items.length === 30 ? true : undefined;
  }, 20000);
}, 60000);

afterAll(async () => {
  await admin?.close();
});

function list(query: Record<string, string | number>) {
  return request(server).get(LIST).query(query).set('authorization', jane);
}

const names = (res: request.Response) =>
  res.body.items.map((i: any) => i.definition.name);

/** Every page from the first, following nextCursor. */
async function walk(query: Record<string, string | number>) {
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const res = await list({ ...query, ...(cursor ? { cursor } : {}) });
    expect(res.status).toBe(200);
    seen.push(...names(res));
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  return { seen, pages };
}

describe('GET /definitions, one page at a time', () => {
  it('pages through what the caller may see, each once in name order, with the total and the filter choices', async () => {
    const first = await list({ limit: 7 });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(7);
    expect(first.body.total).toBe(30);
    expect(first.body.available).toBe(30);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    // The choices of the page's filters: what the caller may see, whatever the filters.
    expect(first.body.facets).toEqual({
      clusters: ['sandbox'],
      namespaces: ['marketing', 'shop'],
      owners: ['group:default/team-marketing', 'group:default/team-shop'],
    });
    // Rows carry their stats, as the whole list does.
    expect(first.body.items[0].stats.counts.total).toBe(0);

    const { seen, pages } = await walk({ limit: 7 });
    expect(pages).toBe(5);
    expect(seen).toEqual([...newsletterNames, ...shopNames]);
  });

  it('never shows nor counts what the caller may not see, whatever the filters ask', async () => {
    const res = await list({ limit: 50, namespace: 'vault' });
    expect(res.body.items).toEqual([]);
    expect(res.body.total).toBe(0);
    expect(res.body.facets.namespaces).not.toContain('vault');
    const searched = await list({ limit: 50, q: 'secret' });
    expect(searched.body.total).toBe(0);
  });

  it('filters by words, namespace and owner, counting only the matches', async () => {
    const words = await list({ limit: 50, q: 'ORDERS export' });
    expect(names(words)).toEqual(['shop-job-07', 'shop-job-17']);
    expect(words.body.total).toBe(2);
    expect(words.body.available).toBe(30);

    const marketing = await walk({ limit: 4, namespace: 'marketing' });
    expect(marketing.seen).toEqual(newsletterNames);

    const owned = await list({
      limit: 50,
      owner: 'group:default/team-marketing',
    });
    expect(owned.body.total).toBe(6);

    // Nothing ran yet: every definition is "never ran".
    const never = await list({ limit: 1, state: 'never' });
    expect(never.body.total).toBe(30);
    const failed = await list({ limit: 1, state: 'Failed' });
    expect(failed.body.total).toBe(0);
  });

  it('keeps its place while definitions come and go: nothing before the cursor shifts the next page', async () => {
    const first = await list({ limit: 10 });
    expect(names(first)).toEqual([
      ...newsletterNames,
      ...shopNames.slice(0, 4),
    ]);
    // A definition sorting before the cursor appears, and one on the first page goes.
    await admin.createDefinitionJob({
      namespace: 'marketing',
      name: 'news-0a',
      labels: { 'backstage.io/kubernetes-id': 'newsletter' },
    });
    await admin.request(
      'DELETE',
      '/apis/batch/v1/namespaces/shop/jobs/shop-job-01',
      { propagationPolicy: 'Background' },
    );
    await eventually(async () => {
      const all = await list({ limit: 200 });
      return names(all).includes('news-0a') &&
        !names(all).includes('shop-job-01')
        ? true
        : undefined;
    });
    const second = await list({ limit: 10, cursor: first.body.nextCursor });
    expect(names(second)).toEqual(shopNames.slice(4, 14));
  });

  it('answers an unchanged page with 304 Not Modified, and a changed one in full', async () => {
    const first = await list({ limit: 5 });
    const etag = first.headers.etag;
    expect(etag).toEqual(expect.any(String));
    const again = await request(server)
      .get(LIST)
      .query({ limit: 5 })
      .set('authorization', jane)
      .set('if-none-match', etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    // Another page is not the same answer.
    const otherPage = await request(server)
      .get(LIST)
      .query({ limit: 5, namespace: 'shop' })
      .set('authorization', jane)
      .set('if-none-match', etag);
    expect(otherPage.status).toBe(200);
    // Nor is the same page for someone who may see less.
    const before = decide;
    decide = () => ({
      conditions: {
        allOf: [{ not: named('secret') }, { not: named('newsletter') }],
      },
    });
    const lessAllowed = await request(server)
      .get(LIST)
      .query({ limit: 5 })
      .set('authorization', jane)
      .set('if-none-match', etag);
    decide = before;
    expect(lessAllowed.status).toBe(200);
    expect(names(lessAllowed)).not.toContain('news-0');
    // A run recorded in history changes the answer too (its stats).
    const run = await request(server)
      .post(`${LIST}/sandbox/marketing/job/news-1/runs`)
      .set('authorization', jane)
      .send({ entityRef: 'component:default/newsletter' });
    expect(run.status).toBe(201);
    const afterRun = await request(server)
      .get(LIST)
      .query({ limit: 5 })
      .set('authorization', jane)
      .set('if-none-match', etag);
    expect(afterRun.status).toBe(200);
    // A change on the page: answered in full again.
    await admin.request(
      'PATCH',
      '/apis/batch/v1/namespaces/marketing/jobs/news-0',
      { metadata: { annotations: { 'job-assistant/description': 'New' } } },
      'application/merge-patch+json',
    );
    const changed = await eventually(async () => {
      const res = await request(server)
        .get(LIST)
        .query({ limit: 5 })
        .set('authorization', jane)
        .set('if-none-match', etag);
      return res.status === 200 ? res : undefined;
    });
    expect(changed.body.items[0].definition.description).toBe('New');
  });

  it('refuses what it cannot read, naming it', async () => {
    const cases: Array<[Record<string, string | number>, RegExp]> = [
      [{ limit: 0 }, /limit must be at least 1/],
      [{ limit: 201 }, /limit must be at most 200/],
      [{ limit: 'ten' }, /limit/],
      [{ cursor: 'not a cursor!' }, /cursor must be a cursor returned/],
      [{ cursor: 'bm9wZQ' }, /cursor is not one this list gave/],
      [{ state: 'Done' }, /state must be one of/],
      [{ sort: 'owner' }, /sort must be 'name' or 'lastRun'/],
      [
        { entityRef: 'component:default/shop', limit: 5 },
        /an entity's Jobs come whole/,
      ],
    ];
    for (const [query, message] of cases) {
      const res = await list(query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.error.message).toMatch(message);
    }
    // A cursor belongs to its sort.
    const byName = await list({ limit: 2 });
    const wrong = await list({
      limit: 2,
      sort: 'lastRun',
      cursor: byName.body.nextCursor,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/belongs to the sort 'name'/);
  });

  it('keeps the whole answer without paging parameters, and for one entity', async () => {
    const whole = await list({});
    expect(whole.body.total).toBeUndefined();
    expect(whole.body.nextCursor).toBeUndefined();
    expect(whole.body.items.length).toBeGreaterThanOrEqual(30);
    const tab = await list({ entityRef: 'component:default/newsletter' });
    expect(tab.body.total).toBeUndefined();
    expect(names(tab)).toEqual(expect.arrayContaining(newsletterNames));
  });
});

describe("GET /definitions, with the catalog's own read permission", () => {
  afterEach(() => {
    catalogRead = () => AuthorizeResult.ALLOW;
  });

  it('hides the Jobs of an entity the caller may not read in the catalog: not on a page, not in the total, and its tab is not found, as in the catalog', async () => {
    const before = await list({ limit: 50 });
    expect(names(before)).toEqual(expect.arrayContaining(newsletterNames));
    const newsletters = names(before).filter((n: string) =>
      n.startsWith('news-'),
    ).length;
    catalogRead = () => ({ conditions: { not: named('newsletter') } });
    const page = await list({ limit: 50 });
    expect(page.status).toBe(200);
    expect(names(page).filter((n: string) => n.startsWith('news-'))).toEqual(
      [],
    );
    expect(page.body.total).toBe(before.body.total - newsletters);
    expect(page.body.facets.owners).not.toContain(
      'group:default/team-marketing',
    );
    const tab = await list({ entityRef: 'component:default/newsletter' });
    expect(tab.status).toBe(404);
    expect(tab.body.error.message).toBe(
      'Entity component:default/newsletter not found in the catalog',
    );
    const definition = await request(server)
      .get(`${LIST}/sandbox/marketing/job/news-1`)
      .query({ entityRef: 'component:default/newsletter' })
      .set('authorization', jane);
    expect(definition.status).toBe(404);
    const shop = await list({ entityRef: 'component:default/shop' });
    expect(shop.status).toBe(200);
    expect(names(shop).length).toBeGreaterThanOrEqual(20);
    expect(names(shop).every((n: string) => n.startsWith('shop-job-'))).toBe(
      true,
    );
  });

  it("asks the catalog itself, with the caller's credentials, when the decision cannot be applied here", async () => {
    catalogRead = () => ({
      conditions: {
        rule: 'A_RULE_OF_ANOTHER_PLUGIN',
        resourceType: 'catalog-entity',
        params: {},
      } as any,
    });
    // The mock catalog shows every entity to everyone: the newsletter's Jobs are there.
    const page = await list({ limit: 50 });
    expect(page.status).toBe(200);
    expect(names(page)).toEqual(expect.arrayContaining(newsletterNames));
    const tab = await list({ entityRef: 'component:default/newsletter' });
    expect(tab.status).toBe(200);
  });
});

describe('GET /definitions with views kept as configured by default (10 s)', () => {
  it("asks the policy once for a caller's views within the time, and afresh for a Run", async () => {
    const calls: PermissionCalls = { authorize: [], authorizeConditional: [] };
    const kept = await startPluginBackend({
      admin,
      entities,
      decide: () => decide,
      permissionCalls: calls,
      viewCacheSeconds: undefined,
    });
    const view = (query: Record<string, string | number>) =>
      request(kept).get(LIST).query(query).set('authorization', jane);
    await eventually(async () => {
      const res = await view({ limit: 50 });
      return res.body.total === 30 ? true : undefined;
    }, 20000);
    calls.authorizeConditional.length = 0;
    const views: Array<Record<string, string | number>> = [
      { limit: 50 },
      { entityRef: 'component:default/shop' },
      { entityRef: 'component:default/newsletter' },
    ];
    for (const query of views) {
      expect((await view(query)).status).toBe(200);
    }
    expect(calls.authorizeConditional).toEqual([]);
    expect(calls.authorize).toEqual([]);
    const run = await request(kept)
      .post(`${LIST}/sandbox/marketing/job/news-2/runs`)
      .set('authorization', jane)
      .send({ entityRef: 'component:default/newsletter' });
    expect(run.status).toBe(201);
    expect(calls.authorizeConditional).toEqual([
      [
        {
          permission: expect.objectContaining({ name: 'catalog.entity.read' }),
        },
        {
          permission: expect.objectContaining({ name: 'kubernetes-jobs.run' }),
        },
      ],
    ]);
  });
});

describe('GET /definitions, authorized with one conditional decision', () => {
  let before: Decider;
  const resourceRefs = () =>
    permissionCalls.authorize.map(batch =>
      batch.map((r: any) => r.resourceRef).sort(),
    );

  beforeAll(async () => {
    // A definition no entity claims: shown only on an outright ALLOW.
    await admin.createNamespace('misc');
    await admin.createDefinitionJob({
      namespace: 'misc',
      name: 'orphan-0',
      labels: { 'backstage.io/kubernetes-id': 'nobody' },
    });
    before = decide;
    decide = () => AuthorizeResult.ALLOW;
    await eventually(async () => {
      const res = await list({ limit: 200 });
      return names(res).includes('orphan-0') ? true : undefined;
    }, 20000);
  });

  afterAll(() => {
    decide = before;
  });

  beforeEach(() => {
    permissionCalls.authorize.length = 0;
    permissionCalls.authorizeConditional.length = 0;
  });

  it('shows everything on an outright ALLOW, unclaimed definitions too, asking nothing per entity', async () => {
    const res = await list({ limit: 200 });
    expect(names(res)).toEqual(
      expect.arrayContaining(['orphan-0', 'aaa-secret-0', 'news-1']),
    );
    expect(permissionCalls.authorize).toEqual([]);
    expect(permissionCalls.authorizeConditional).toHaveLength(1);
  });

  it('applies the conditions to the entities it read: the page and the total show only what they allow, and nothing is asked per entity', async () => {
    // Only newsletter: a Component, neither shop nor secret, and annotated.
    decide = () => ({
      conditions: {
        allOf: [
          {
            rule: 'IS_ENTITY_KIND',
            resourceType: 'catalog-entity',
            params: { kinds: ['component'] },
          },
          { not: { anyOf: [named('shop'), named('secret')] } },
          {
            rule: 'HAS_ANNOTATION',
            resourceType: 'catalog-entity',
            params: { annotation: 'backstage.io/kubernetes-id' },
          },
        ],
      },
    });
    const res = await list({ limit: 3 });
    expect(res.status).toBe(200);
    const all = await walk({ limit: 3 });
    expect(all.seen).toEqual(expect.arrayContaining(newsletterNames));
    expect(all.seen.every(n => n.startsWith('news-'))).toBe(true);
    expect(res.body.total).toBe(all.seen.length);
    expect(res.body.facets.owners).toEqual(['group:default/team-marketing']);
    expect(all.seen).not.toContain('orphan-0');
    // One conditional decision per list answer, and not one check per entity.
    expect(permissionCalls.authorize).toEqual([]);
    expect(permissionCalls.authorizeConditional).toHaveLength(all.pages + 1);
    // Reading entities in the catalog and reading their Jobs: both in that one call.
    expect(permissionCalls.authorizeConditional[0]).toEqual([
      { permission: expect.objectContaining({ name: 'catalog.entity.read' }) },
      { permission: expect.objectContaining({ name: 'kubernetes-jobs.read' }) },
    ]);
  });

  it('falls back to one check of every entity for a rule the catalog does not know, still hiding what is denied', async () => {
    decide = r => {
      if (!r.resourceRef) {
        return {
          conditions: {
            rule: 'IS_ON_CALL',
            resourceType: 'catalog-entity',
            params: {},
          },
        };
      }
      return r.resourceRef === 'component:default/shop'
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY;
    };
    const res = await list({ limit: 200 });
    expect(res.status).toBe(200);
    const seen = names(res);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((n: string) => n.startsWith('shop-job-'))).toBe(true);
    expect(res.body.total).toBe(seen.length);
    expect(resourceRefs()).toEqual([
      [
        'component:default/newsletter',
        'component:default/secret',
        'component:default/shop',
      ],
    ]);
  });
});
