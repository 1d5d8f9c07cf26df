import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DefinitionListResponse } from '@job-assistant/plugin-kubernetes-jobs-common';
import { component } from '../__testUtils__/sandbox';
import { ListVersion } from '../service/ListVersion';
import { AuthorizedOperations } from './AuthorizedOperations';

const jane = mockCredentials.user('user:default/jane');
const page = { limit: 50 };

/**
 * List answers through AuthorizedOperations with a counting reader: what is built, what is
 * shared, what is not built at all.
 */
function setup() {
  let built = 0;
  let release!: () => void;
  const gate = new Promise<void>(resolve => {
    release = resolve;
  });
  const answer: DefinitionListResponse = { items: [], errors: [] };
  const definitions = {
    listAll: jest.fn(async (_selectors: unknown, options: any) => {
      built++;
      await gate;
      // A search finds one Job: another answer.
      return options.page?.search ? { ...answer, total: 1 } : answer;
    }),
    listForEntity: jest.fn(async () => {
      built++;
      return answer;
    }),
  };
  const version = new ListVersion({ annotationKey: 'job-assistant' });
  const operations = new AuthorizedOperations({
    permissions: mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any,
      authorizeConditional: async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any,
    }),
    auditor: mockServices.auditor.mock(),
    catalog: catalogServiceMock({
      entities: [component('shop', { 'backstage.io/kubernetes-id': 'shop' })],
    }),
    clusters: { assertKnown: () => {} },
    definitions: definitions as any,
    runs: {} as any,
    actions: {} as any,
    details: {} as any,
    requests: {} as any,
    userInfo: mockServices.userInfo.mock(),
    version,
  });
  /** Jane asks for a page (the first of 50, unless said), holding the answer tagged `known`. */
  const ask = (known?: string, query: object = { limit: 50 }) =>
    operations.listDefinitionsTagged(jane, undefined, query as any, known);
  return { operations, version, built: () => built, release, answer, ask };
}

describe('tagged list answers', () => {
  it('builds one answer for the same question asked at once, and none for one the caller has', async () => {
    const { ask, built, release, answer } = setup();
    const asked = Promise.all(Array.from({ length: 5 }, () => ask()));
    await new Promise(r => setTimeout(r, 20));
    release();
    const answers = await asked;
    expect(built()).toBe(1);
    expect(new Set(answers.map(a => a.etag)).size).toBe(1);
    expect(answers.every(a => a.body === JSON.stringify(answer))).toBe(true);

    const again = await ask(answers[0].etag);
    expect(again).toEqual({ etag: answers[0].etag });
    expect(built()).toBe(1);
  });

  it('builds again after a change, still a 304 when the answer came out the same', async () => {
    const { version, built, release, ask } = setup();
    release();
    const first = await ask();
    // Something moved elsewhere: built again, the same content, so nothing to send.
    version.bump();
    const unchanged = await ask(first.etag);
    expect(built()).toBe(2);
    expect(unchanged).toEqual({ etag: first.etag });
    // Another question is another answer.
    const other = await ask(first.etag, { ...page, search: 'shop' });
    expect(built()).toBe(3);
    expect(other.body).toBeDefined();
  });

  it('gives the latest answer again without building it when what moved since does not concern it', async () => {
    const { version, built, release, ask } = setup();
    release();
    const first = await ask();
    expect(built()).toBe(1);
    // A run of a definition the (empty) page does not show: still true, not built.
    version.bump([
      { cluster: 'prod', namespace: 'shop', kind: 'Job', name: 'other' },
    ]);
    const held = await ask(first.etag);
    expect(held).toEqual({ etag: first.etag });
    const fresh = await ask();
    expect(fresh.body).toBeDefined();
    expect(built()).toBe(1);
    // A write whose definition is not known: built again.
    version.bump();
    await ask(first.etag);
    expect(built()).toBe(2);
  });

  it('keeps the answers of the current version only', async () => {
    const { operations, version, built, release, ask } = setup();
    release();
    await ask();
    version.bump();
    await ask();
    expect((operations as any).lists.answers.size).toBe(1);
    expect(built()).toBe(2);
  });
});
