import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DefinitionListResponse } from '@job-assistant/plugin-kubernetes-jobs-common';
import { component } from '../__testUtils__/sandbox';
import { ListVersion } from '../service/ListVersion';
import { AuthorizedOperations } from './AuthorizedOperations';

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
    listAll: jest.fn(async () => {
      built++;
      await gate;
      return answer;
    }),
    listForEntity: jest.fn(async () => {
      built++;
      return answer;
    }),
  };
  const version = new ListVersion();
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
  return { operations, version, built: () => built, release, answer };
}

const jane = mockCredentials.user('user:default/jane');
const page = { limit: 50 };

describe('tagged list answers', () => {
  it('builds one answer for the same question asked at once, and none for one the caller has', async () => {
    const { operations, built, release, answer } = setup();
    const asked = Promise.all(
      Array.from({ length: 5 }, () =>
        operations.listDefinitionsTagged(jane, undefined, page, undefined),
      ),
    );
    await new Promise(r => setTimeout(r, 20));
    release();
    const answers = await asked;
    expect(built()).toBe(1);
    expect(new Set(answers.map(a => a.tag)).size).toBe(1);
    expect(answers.every(a => a.answer === answer)).toBe(true);

    const again = await operations.listDefinitionsTagged(
      jane,
      undefined,
      page,
      answers[0].tag,
    );
    expect(again).toEqual({ tag: answers[0].tag });
    expect(built()).toBe(1);
  });

  it('builds again after a change, or for another question', async () => {
    const { operations, version, built, release } = setup();
    release();
    const first = await operations.listDefinitionsTagged(
      jane,
      undefined,
      page,
      undefined,
    );
    version.bump();
    const changed = await operations.listDefinitionsTagged(
      jane,
      undefined,
      page,
      first.tag,
    );
    expect(changed.answer).toBeDefined();
    expect(changed.tag).not.toBe(first.tag);
    await operations.listDefinitionsTagged(
      jane,
      undefined,
      { ...page, search: 'shop' },
      undefined,
    );
    expect(built()).toBe(3);
  });
});
