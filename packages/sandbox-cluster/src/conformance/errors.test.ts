/*
 * Replays the requests of recording 06 (errors, conflicts, validation, RBAC,
 * authentication) against the sandbox and compares the answers. The sandbox
 * serves no PUT: the recorded PUTs are replayed as merge patches of the same
 * body, which the apiserver answers alike. Steps about what the sandbox does
 * not serve (server-side apply, SelfSubjectAccessReview, a DELETE relying on
 * the Jobs' default Orphan policy) are left out.
 */
import {
  createNamespaces,
  exchange,
  Exchange,
  LIMITED_TOKEN,
  normalize,
  recording,
  startTestCluster,
  substitute,
  TestCluster,
  waitForCondition,
} from '../__testUtils__/conformance';

const rec02 = recording('02-list-label-selectors.json');
const rec06 = recording('06-errors.json');

/** Recorded messages that embed a Go dump of a whole struct: compare the ends. */
const GO_DUMP = /core\.PodTemplateSpec\{.*\}: field is immutable/;
/** Where a recorded message quotes Go's JSON decoder. */
const JSON_ERROR = /json parse error: |error decoding patch: /;

describe('errors (recording 06)', () => {
  let cluster: TestCluster;
  /** Recorded identifiers -> the sandbox's. */
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    cluster = await startTestCluster();
    await createNamespaces(cluster, 'demo', 'team-a');
    const cart = exchange(rec02, 'create suspended Job cart-report');
    const created = await cluster.api(
      'POST',
      cart.request.path,
      cart.request.body,
    );
    ids[cart.response.body.metadata.uid] = created.body.metadata.uid;
    await waitForCondition(cluster, 'demo', 'cart-report', 'Suspended');
  });
  afterAll(() => cluster.close());

  const NOT_SERVED = /apply-patch|SelfSubjectAccessReview|DELETE a missing job/;
  const exchanges = rec06.filter(
    (e): e is Required<Exchange> => !!e.request && !NOT_SERVED.test(e.step),
  );

  /** Who sends a recorded request: the limited user, nobody, or the admin. */
  function tokenFor(user: string | undefined): string | null | undefined {
    if (user === 'limited') return LIMITED_TOKEN;
    if (user === '(no credentials)') return null;
    return undefined;
  }

  /**
   * What must be equal between a recorded answer and the sandbox's, per kind
   * of body. Recorded identifiers are replaced by the sandbox's.
   */
  function comparable(body: any, recorded: any, side: 'recorded' | 'sandbox') {
    const value = side === 'recorded' ? substitute(recorded, ids) : body;
    if (recorded.kind === 'Status' && GO_DUMP.test(recorded.message)) {
      // The apiserver dumps the whole internal struct (pointer addresses
      // included); the sandbox keeps the prefix, field and suffix.
      const prefix = `${
        recorded.message.split('core.PodTemplateSpec{')[0]
      }core.PodTemplateSpec{`;
      return {
        prefix: value.message.startsWith(prefix),
        suffix: value.message.endsWith('}: field is immutable'),
        reason: value.reason,
        causes: value.details.causes.map((c: any) => [c.reason, c.field]),
      };
    }
    if (recorded.kind === 'Status' && JSON_ERROR.test(recorded.message)) {
      // Go's encoding/json wording of a syntax error is not reproduced.
      return { ...value, message: value.message.split(JSON_ERROR)[0] };
    }
    if (recorded.kind === 'Status') {
      return value;
    }
    // A successful write or read: the same object.
    return normalize(value);
  }

  it.each(exchanges.map(e => [e.step, e] as const))(
    '%s',
    async (_step, rec) => {
      const { request, response } = rec;
      let body: unknown = undefined;
      if (typeof request.body === 'string') {
        body = request.body;
      } else if (request.body !== null) {
        body = substitute(request.body, ids);
      }
      const put = request.method === 'PUT';
      const res = await cluster.api(
        put ? 'PATCH' : request.method,
        request.path,
        body,
        {
          contentType: put
            ? 'application/merge-patch+json'
            : request.contentType ?? undefined,
          token: tokenFor(request.user),
        },
      );
      const recorded = response.body;
      if (recorded.metadata?.uid && res.body?.metadata?.uid) {
        ids[recorded.metadata.uid] = res.body.metadata.uid;
      }

      expect(res.status).toBe(response.status);
      expect(res.headers.get('warning') ?? undefined).toBe(response.warning);
      expect(res.body.kind).toBe(recorded.kind);
      expect(comparable(res.body, recorded, 'sandbox')).toEqual(
        comparable(res.body, recorded, 'recorded'),
      );

      // Later requests refer to resourceVersions seen here.
      if (recorded.kind === 'Job' && res.body.metadata?.resourceVersion) {
        ids[
          `"${recorded.metadata.resourceVersion}"`
        ] = `"${res.body.metadata.resourceVersion}"`;
      }
    },
  );
});
