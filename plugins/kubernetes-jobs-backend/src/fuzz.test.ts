/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "property"] }] */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceFactory } from '@backstage/backend-defaults/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { SANDBOX_ADMIN_TOKEN } from '@job-assistant/sandbox-cluster';
import fc from 'fast-check';
import http from 'http';
import { AddressInfo } from 'net';
import v8 from 'v8';
import vm from 'vm';
import { kubernetesJobsPlugin } from './plugin';
import { createTestDatabases } from './__testUtils__/databases';
import { SandboxAdmin, component, eventually } from './__testUtils__/sandbox';

/**
 * Every route fed random and malformed requests (fast-check): path segments, query values,
 * bodies and headers. The catalog knows the entity and the policy allows everything, so only
 * validation stands between a request and the cluster. Whatever the input: no 5xx (the sandbox
 * is up, so not even a 503), no stack trace, Kubernetes Status body, header or cluster token in
 * the answer, nothing mutating reaches the cluster for a request answered 4xx (nor for any GET),
 * and the heap stays bounded. fast-check prints the seed and the shrunk request on a failure.
 */
jest.setTimeout(60000);

const databases = createTestDatabases();
const API = '/api/kubernetes-jobs';
const SHOP = 'component:default/shop';
const JANE = mockCredentials.user.header('user:default/jane');
// Sent with every request: its name or value in an answer means headers were echoed.
const CANARY = 'x-fuzz-canary';
const CANARY_VALUE = 'canary-4c1d2e7f';

/** Property runs per property, and of the request loop that measures the heap. */
const RUNS = 150;
const HEAP_LOOP = 1500;

const PARAMETERS = JSON.stringify([
  { name: 'EXPORT_DATE', type: 'date', required: true },
  { name: 'FORMAT', type: 'enum', options: ['csv', 'json'], default: 'csv' },
  { name: 'LIMIT', type: 'integer', minimum: 1, maximum: 1000 },
  { name: 'NOTE', type: 'string', maxLength: 100, pattern: '^[a-z ]*$' },
]);

interface FuzzRequest {
  method: string;
  /** Sent as is: segments are already encoded, or deliberately not. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface FuzzResponse {
  status: number;
  text: string;
}

let admin: SandboxAdmin;
let runName: string;
/** A run request waiting for its time (an hour ahead), for the request routes. */
let requestId: string;
let sent = 0;

beforeAll(async () => {
  admin = await SandboxAdmin.start();
  await admin.createNamespace('shop');
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'migrate',
    script: 'echo migrating; sleep 6000',
  });
  await admin.request('POST', '/apis/batch/v1/namespaces/shop/jobs', {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: 'report',
      labels: { 'backstage.io/kubernetes-id': 'shop' },
      annotations: {
        'job-assistant': 'enable',
        'job-assistant/parameters': PARAMETERS,
      },
    },
    spec: {
      suspend: true,
      backoffLimit: 0,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'export',
              image: 'busybox',
              command: ['sh', '-c', 'echo "$EXPORT_DATE $FORMAT"'],
            },
          ],
        },
      },
    },
  });
  await admin.createDefinitionCronJob({ namespace: 'shop', name: 'nightly' });
  await admin.request(
    'PATCH',
    '/apis/batch/v1/namespaces/shop/cronjobs/nightly',
    {
      metadata: {
        annotations: { 'job-assistant/allow-schedule-control': 'true' },
      },
    },
    'application/merge-patch+json',
  );
  await admin.createNamespace('billing');
  await admin.createDefinitionJob({
    namespace: 'billing',
    name: 'invoice',
    labels: { 'backstage.io/kubernetes-id': 'billing' },
  });
}, 30000);

afterAll(async () => {
  await admin?.close();
});

// ---------------------------------------------------------------------------------------------
// A raw HTTP client: supertest (superagent) normalises URLs, which would hide `..` and encoded
// slashes from the backend.

function rawClient(server: http.Server) {
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = (req: FuzzRequest): Promise<FuzzResponse> =>
    new Promise((resolve, reject) => {
      const outgoing = http.request(
        {
          host: '127.0.0.1',
          port,
          agent,
          method: req.method,
          path: req.path,
          headers: {
            ...req.headers,
            ...(req.body !== undefined
              ? { 'content-length': String(Buffer.byteLength(req.body)) }
              : {}),
          },
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(req.body);
    });
  return { send, close: () => agent.destroy() };
}

// ---------------------------------------------------------------------------------------------
// What is generated.

type Slot = 'cluster' | 'namespace' | 'kind' | 'name' | 'run' | 'request';

interface Route {
  method: 'GET' | 'POST';
  segments: Array<string | Slot>;
  query: 'none' | 'optionalEntity' | 'entity' | 'history' | 'logs' | 'pending';
  body?: 'run' | 'schedule' | 'entity' | 'request' | 'decision';
}

const ROUTES: Route[] = [
  { method: 'GET', segments: ['health'], query: 'none' },
  { method: 'GET', segments: ['definitions'], query: 'optionalEntity' },
  {
    method: 'GET',
    segments: ['definitions', 'cluster', 'namespace', 'kind', 'name'],
    query: 'entity',
  },
  {
    method: 'GET',
    segments: ['definitions', 'cluster', 'namespace', 'kind', 'name', 'runs'],
    query: 'history',
  },
  {
    method: 'POST',
    segments: ['definitions', 'cluster', 'namespace', 'kind', 'name', 'runs'],
    query: 'none',
    body: 'run',
  },
  {
    method: 'POST',
    segments: [
      'definitions',
      'cluster',
      'namespace',
      'kind',
      'name',
      'schedule',
    ],
    query: 'none',
    body: 'schedule',
  },
  {
    method: 'GET',
    segments: ['runs', 'cluster', 'namespace', 'run'],
    query: 'entity',
  },
  {
    method: 'POST',
    segments: ['runs', 'cluster', 'namespace', 'run', 'kill'],
    query: 'none',
    body: 'entity',
  },
  {
    method: 'POST',
    segments: [
      'definitions',
      'cluster',
      'namespace',
      'kind',
      'name',
      'requests',
    ],
    query: 'none',
    body: 'request',
  },
  {
    method: 'GET',
    segments: [
      'definitions',
      'cluster',
      'namespace',
      'kind',
      'name',
      'requests',
    ],
    query: 'entity',
  },
  { method: 'GET', segments: ['requests'], query: 'pending' },
  { method: 'GET', segments: ['requests', 'request'], query: 'entity' },
  ...(['approve', 'reject'] as const).map(
    (verb): Route => ({
      method: 'POST',
      segments: ['requests', 'request', verb],
      query: 'none',
      body: 'decision',
    }),
  ),
  {
    method: 'POST',
    segments: ['requests', 'request', 'cancel'],
    query: 'none',
    body: 'entity',
  },
  ...(['events', 'pods', 'logs'] as const).map(
    (detail): Route => ({
      method: 'GET',
      segments: ['runs', 'cluster', 'namespace', 'run', detail],
      query: detail === 'logs' ? 'logs' : 'entity',
    }),
  ),
];

const SLOTS: Slot[] = [
  'cluster',
  'namespace',
  'kind',
  'name',
  'run',
  'request',
];
const isSlot = (s: string): s is Slot => (SLOTS as string[]).includes(s);

/** Values a slot takes when it is not fuzzed: what the sandbox really has. */
const VALID: Record<Slot, () => fc.Arbitrary<string>> = {
  cluster: () => fc.constantFrom('sandbox'),
  namespace: () => fc.constantFrom('shop', 'billing'),
  kind: () => fc.constantFrom('job', 'cronjob'),
  name: () => fc.constantFrom('migrate', 'report', 'nightly', 'invoice'),
  run: () => fc.constantFrom(runName, 'migrate', 'report', 'no-such-run'),
  request: () =>
    fc.constantFrom(
      requestId,
      '00000000-0000-4000-8000-000000000000',
      requestId.toUpperCase(),
    ),
};

// Deliberately not encoded: traversal, encoded slashes and broken percent-escapes.
const RAW_SEGMENTS = [
  '..',
  '.',
  '%2F',
  'migrate%2F..%2F..',
  '%2e%2e',
  '%2E%2E%2F%2E%2E%2Fhealth',
  '%00',
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '',
  '~',
  '*',
  ';',
  'a;b=c',
  '%0d%0aX-Injected:%201',
  '..%5C..%5C',
  '#frag',
  '?entityRef=component:default/shop',
  '%3Fx%3D1',
];

/** One path segment, already in its wire form. */
function segment(slot?: Slot): fc.Arbitrary<string> {
  const text = fc.oneof(
    ...(slot ? [{ arbitrary: VALID[slot](), weight: 3 }] : []),
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 2 },
    {
      arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 30 }),
      weight: 2,
    },
    // Over the RFC 1123 limits (253 for names, 63 for labels), and exactly at them.
    {
      arbitrary: fc.integer({ min: 254, max: 3000 }).map(n => 'a'.repeat(n)),
      weight: 1,
    },
    {
      arbitrary: fc.constantFrom(
        'a'.repeat(253),
        'n'.repeat(63),
        'n'.repeat(64),
      ),
      weight: 1,
    },
    {
      arbitrary: fc.constantFrom(
        'MIGRATE',
        'Migrate',
        'SANDBOX',
        'Shop',
        'JOB',
        'CronJob',
        '-migrate',
        'migrate-',
        'migrate.',
        '.migrate',
        'mi..grate',
        'ünïcödé',
        '日本語',
        '🙂',
        'a\u0000b',
        'a b',
        'a/b',
        '../..',
        '<script>alert(1)</script>',
        "' OR 1=1 --",
        '${jndi:ldap://x}',
        '__proto__',
        'constructor',
        'prototype',
        'toString',
        'hasOwnProperty',
        '1e400',
        'NaN',
      ),
      weight: 2,
    },
  );
  return fc.oneof(
    { arbitrary: text.map(encodeURIComponent), weight: 5 },
    { arbitrary: fc.constantFrom(...RAW_SEGMENTS), weight: 2 },
  );
}

function routePath(route: Route, fuzzed: boolean): fc.Arbitrary<string> {
  const parts = route.segments.map(s => {
    if (isSlot(s)) {
      return fuzzed ? segment(s) : VALID[s]();
    }
    if (!fuzzed) {
      return fc.constant(s);
    }
    return fc.oneof(
      { arbitrary: fc.constant(s), weight: 6 },
      { arbitrary: segment(), weight: 1 },
    );
  });
  const extra = fuzzed
    ? fc.oneof(
        { arbitrary: fc.constant(''), weight: 6 },
        {
          arbitrary: fc.constantFrom('/', '//', '/..', '/extra', '/%2F'),
          weight: 1,
        },
      )
    : fc.constant('');
  return fc
    .tuple(fc.tuple(...parts), extra)
    .map(([p, tail]) => `${API}/${p.join('/')}${tail}`);
}

const ENTITY_REFS = fc.oneof(
  { arbitrary: fc.constant(SHOP), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      'shop',
      'component:shop',
      'Component:Default/Shop',
      'component:default/',
      'component:/shop',
      ':default/shop',
      'component:default/shop/extra',
      'component:default/no-such-entity',
      'component:default/no-annotations',
      'component:default/billing',
      'user:default/jane',
      '',
      ' ',
      'component:default/shop ',
      'component:default/shop\n',
      'a'.repeat(5000),
      `component:default/${'a'.repeat(300)}`,
      'component:default/ünïcödé',
      'component:default/%2e%2e',
      'component:default/../shop',
    ),
    weight: 3,
  },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }), weight: 2 },
);

const NUMBERISH = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }).map(String),
  fc.double().map(String),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '1',
    '200',
    '201',
    '10000',
    '10001',
    '1.5',
    '1e2',
    '1e400',
    '-0',
    '0x10',
    '0b11',
    ' 5 ',
    'NaN',
    'Infinity',
    '-Infinity',
    'null',
    'true',
    '[]',
    '{}',
    '2147483647',
    '2147483648',
    '4294967296',
    '9007199254740993',
    '99999999999999999999',
    '9'.repeat(400),
    '00000000000000000001',
  ),
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
);

const QUERY_KEYS: Record<Route['query'], string[]> = {
  none: [],
  optionalEntity: ['entityRef'],
  entity: ['entityRef'],
  history: ['entityRef', 'limit', 'cursor'],
  logs: ['entityRef', 'pod', 'container', 'tailLines'],
  pending: ['waitingForMe'],
};

/** A query string: mostly the route's own keys, with odd values, repeats and qs brackets. */
function queryString(route: Route, fuzzed: boolean): fc.Arbitrary<string> {
  const own = QUERY_KEYS[route.query];
  const valueFor = (key: string): fc.Arbitrary<string> => {
    if (key === 'entityRef') return fuzzed ? ENTITY_REFS : fc.constant(SHOP);
    if (!fuzzed) return fc.constant('');
    if (key === 'pod' || key === 'container') {
      return fc.oneof(
        fc.constantFrom(runName, 'main', 'export', 'MAIN', 'a'.repeat(300)),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
      );
    }
    return NUMBERISH;
  };
  const ownPair = own.length
    ? [
        {
          arbitrary: fc
            .constantFrom(...own)
            .chain(k => valueFor(k).map(v => [k, v] as const)),
          weight: 5,
        },
      ]
    : [];
  const oddPair = fc.tuple(
    fc.constantFrom(
      'entityRef[]',
      'entityRef[0]',
      'entityRef[a]',
      'entityRef[__proto__]',
      '__proto__[polluted]',
      'constructor[prototype][polluted]',
      'limit[]',
      'cursor[$gt]',
      'tailLines[length]',
      'a[b][c][d][e][f][g]',
      '',
      'x',
    ),
    fc.oneof(ENTITY_REFS, NUMBERISH),
  );
  const pairs = fuzzed
    ? fc.array(fc.oneof(...ownPair, { arbitrary: oddPair, weight: 1 }), {
        maxLength: 6,
      })
    : fc.constant([]);
  const base = own.includes('entityRef') ? [['entityRef', SHOP] as const] : [];
  return fc.tuple(fc.boolean(), pairs).map(([withBase, rest]) => {
    const all = [...(withBase || !fuzzed ? base : []), ...rest];
    return all.length
      ? `?${all
          .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
          .join('&')}`
      : '';
  });
}

/** JSON text for an object whose keys may be `__proto__`: built by hand so the key survives. */
function objectText(entries: Array<[string, string]>): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

const json = (v: unknown) => JSON.stringify(v);

const PARAMETER_VALUE = fc.oneof(
  fc.constantFrom(
    json('2026-11-30'),
    json('2026-02-30'),
    json('csv'),
    json('xml'),
    json(''),
    '0',
    '1',
    '-1',
    '1000',
    '1001',
    '1.5',
    '1e308',
    '-1e308',
    '5e-324',
    'true',
    'false',
    'null',
    '[]',
    '{}',
    json('x'.repeat(4096)),
    json('x'.repeat(4097)),
    json('$(EXPORT_DATE)'),
    json('a; rm -rf /'),
    json('\u0000'),
    json('line\nbreak'),
  ),
  fc.jsonValue({ maxDepth: 3 }).map(json),
  fc.string({ unit: 'grapheme', maxLength: 40 }).map(json),
);

const PARAMETER_NAME = fc.oneof(
  fc.constantFrom(
    'EXPORT_DATE',
    'FORMAT',
    'LIMIT',
    'NOTE',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'PATH',
    '',
    '1A',
    'a-b',
    'x'.repeat(300),
  ),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

const PARAMETERS_TEXT = fc.oneof(
  fc
    .array(fc.tuple(PARAMETER_NAME, PARAMETER_VALUE), { maxLength: 6 })
    .map(objectText),
  fc.constantFrom('null', '[]', '"EXPORT_DATE=2026-11-30"', '1', 'true'),
  // Nested as deep as fits.
  fc
    .integer({ min: 10, max: 2000 })
    .map(d => `{"EXPORT_DATE":${'{"a":'.repeat(d)}1${'}'.repeat(d)}}`),
);

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

/** Times to run at: in and out of the horizon, without a zone, not a time at all. */
const AT_TEXT = fc.oneof(
  fc.constantFrom(
    json('2026-12-24T02:00:00Z'),
    json('2026-12-24T02:00:00'),
    json('2026-12-24T02:00:00+25:00'),
    json('2026-02-30T02:00:00Z'),
    json('1970-01-01T00:00:00Z'),
    json('9999-12-31T23:59:59Z'),
    json('+275760-09-13T00:00:00Z'),
    json('tonight'),
    json(''),
    '0',
    '1e400',
    'null',
    '[]',
  ),
  fc.date({ noInvalidDate: true }).map(d => json(d.toISOString())),
  fc.string({ unit: 'grapheme-ascii', maxLength: 30 }).map(json),
);

const KEY_VALUE = (key: string, value: fc.Arbitrary<string>) =>
  value.map(v => [key, v] as [string, string]);

/** A JSON body text for a route, with the fields it takes and what it does not. */
function bodyText(route: Route, fuzzed: boolean): fc.Arbitrary<string> {
  const entityRefValue = fuzzed
    ? fc.oneof(
        { arbitrary: ENTITY_REFS.map(json), weight: 4 },
        {
          arbitrary: fc.constantFrom(
            'null',
            '1',
            'true',
            '[]',
            '{}',
            `[${json(SHOP)}]`,
          ),
          weight: 1,
        },
      )
    : fc.constant(json(SHOP));
  const fields: fc.Arbitrary<[string, string]>[] = [
    KEY_VALUE('entityRef', entityRefValue),
  ];
  if (route.body === 'run') {
    fields.push(
      KEY_VALUE(
        'parameters',
        fuzzed
          ? PARAMETERS_TEXT
          : fc.constant(json({ EXPORT_DATE: '2026-11-30' })),
      ),
    );
  }
  if (route.body === 'request') {
    fields.push(
      KEY_VALUE(
        'parameters',
        fuzzed
          ? PARAMETERS_TEXT
          : fc.constant(json({ EXPORT_DATE: '2026-11-30' })),
      ),
      KEY_VALUE('at', fuzzed ? AT_TEXT : fc.constant(json(inAnHour()))),
    );
  }
  if (route.body === 'decision') {
    fields.push(
      KEY_VALUE(
        'comment',
        fuzzed
          ? fc.oneof(
              fc.string({ unit: 'grapheme', maxLength: 40 }).map(json),
              fc.constantFrom(
                json('x'.repeat(1000)),
                json('x'.repeat(1001)),
                'null',
                '1',
                '[]',
                '{}',
              ),
            )
          : fc.constant(json('fine')),
      ),
    );
  }
  if (route.body === 'schedule') {
    fields.push(
      KEY_VALUE(
        'suspend',
        fuzzed
          ? fc.constantFrom(
              'true',
              'false',
              '"true"',
              '0',
              '1',
              'null',
              '[]',
              '{}',
            )
          : fc.constant('true'),
      ),
    );
  }
  if (!fuzzed) {
    return fc.tuple(...fields).map(objectText);
  }
  const extraField = fc.tuple(
    fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'polluted',
      'entityRef',
      'parameters',
      'suspend',
      '',
    ),
    fc.oneof(
      fc.constant('{"polluted":true,"isAdmin":true}'),
      fc.constant('{"prototype":{"polluted":true}}'),
      fc.jsonValue({ maxDepth: 2 }).map(json),
    ),
  );
  const object = fc
    .tuple(
      fc.subarray(fields.map((_f, i) => i)),
      fc.tuple(...fields),
      fc.array(extraField, { maxLength: 3 }),
    )
    .map(([keep, all, extras]) =>
      objectText([...keep.map(i => all[i]), ...extras]),
    );
  return fc.oneof(
    { arbitrary: object, weight: 6 },
    // Not an object, or not JSON at all.
    {
      arbitrary: fc.constantFrom(
        '',
        'null',
        '"component:default/shop"',
        '123',
        'true',
        '[]',
        `[${json({ entityRef: SHOP })}]`,
        '{',
        '{"entityRef":}',
        '{"entityRef":"component:default/shop",}',
        "{'entityRef':'component:default/shop'}",
        '\u0000',
        '\ufeff{"entityRef":"component:default/shop"}',
        'entityRef=component%3Adefault%2Fshop',
      ),
      weight: 2,
    },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }).map(json), weight: 1 },
    // Deep nesting, within the 16 KB limit and over it.
    {
      arbitrary: fc
        .integer({ min: 100, max: 12000 })
        .map(d => '['.repeat(d) + ']'.repeat(d)),
      weight: 1,
    },
    // Huge strings: just under the limit, and over it.
    {
      arbitrary: fc
        .constantFrom(15000, 16300, 16 * 1024 + 1, 17000, 100000, 1024 * 1024)
        .map(n => objectText([['entityRef', json('a'.repeat(n))]])),
      weight: 1,
    },
  );
}

const CONTENT_TYPES = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      undefined,
      '',
      'text/plain',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'application/merge-patch+json',
      'application/vnd.api+json',
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/json; charset=nonsense',
      'APPLICATION/JSON',
      'application/json, text/plain',
      'application/*',
      '*/*',
      ';;;',
    ),
    weight: 2,
  },
);

const SAFE_TOKEN = fc
  .string({ unit: 'grapheme-ascii', maxLength: 60 })
  .map(s => s.replace(/[^\x21-\x7e]/g, ''))
  // The mock auth service parses what follows these prefixes as JSON; a real one would not.
  .filter(s => !/^mock-(user|limited-user|service)-token:/.test(s));

const AUTHORIZATION = fc.oneof(
  { arbitrary: fc.constant(JANE), weight: 8 },
  {
    arbitrary: fc.constantFrom(
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'bearer mock-user-token',
      'Basic amFuZTpzZWNyZXQ=',
      'Bearer mock-invalid-user-token',
      'Bearer mock-none-token',
      mockCredentials.service.header(),
      `Bearer ${SANDBOX_ADMIN_TOKEN}`,
      `${JANE}, ${JANE}`,
      `Bearer a b`,
      `Bearer ${'x'.repeat(8000)}`,
      // Over Node's 16 KB header limit: the server refuses it before the backend sees it.
      `Bearer ${'x'.repeat(20000)}`,
    ),
    weight: 2,
  },
  { arbitrary: SAFE_TOKEN.map(t => `Bearer ${t}`), weight: 1 },
);

const CONTENT_ENCODING = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 10 },
  {
    arbitrary: fc.constantFrom(
      'gzip',
      'deflate',
      'br',
      'identity',
      'x-nonsense',
    ),
    weight: 1,
  },
);

function headersArb(
  withBody: boolean,
  fuzzed: boolean,
): fc.Arbitrary<Record<string, string>> {
  return fc
    .record({
      authorization: fuzzed ? AUTHORIZATION : fc.constant(JANE),
      'content-type':
        withBody && fuzzed
          ? CONTENT_TYPES
          : fc.constant(withBody ? 'application/json' : undefined),
      'content-encoding':
        withBody && fuzzed ? CONTENT_ENCODING : fc.constant(undefined),
      accept: fuzzed
        ? fc.constantFrom(undefined, 'text/html', 'application/xml', '*/*')
        : fc.constant(undefined),
    })
    .map(h => {
      const headers: Record<string, string> = { [CANARY]: CANARY_VALUE };
      for (const [k, v] of Object.entries(h)) {
        if (v !== undefined) headers[k] = v;
      }
      return headers;
    });
}

/** A request to a route, with each part fuzzed or valid as asked. */
function requestTo(
  route: Route,
  fuzz: { path?: boolean; query?: boolean; body?: boolean; headers?: boolean },
): fc.Arbitrary<FuzzRequest> {
  // A body sent where none is expected is fuzz too.
  let body: fc.Arbitrary<string | undefined> = fc.constant(undefined);
  if (route.body) {
    body = bodyText(route, Boolean(fuzz.body));
  } else if (fuzz.body) {
    body = fc.option(bodyText({ ...route, body: 'entity' }, true), {
      nil: undefined,
    });
  }
  const method = fuzz.path
    ? fc.oneof(
        { arbitrary: fc.constant(route.method), weight: 8 },
        {
          arbitrary: fc.constantFrom(
            'GET',
            'POST',
            'PUT',
            'PATCH',
            'DELETE',
            'OPTIONS',
            'HEAD',
          ),
          weight: 1,
        },
      )
    : fc.constant(route.method);
  return fc
    .record({
      method,
      path: routePath(route, Boolean(fuzz.path)),
      query: queryString(route, Boolean(fuzz.query)),
      body,
      headers: headersArb(
        route.body !== undefined || fuzz.body === true,
        Boolean(fuzz.headers),
      ),
    })
    .map(r => ({
      method: r.method,
      path: r.path + r.query,
      headers: r.headers,
      body: r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body,
    }));
}

const anyRoute = fc.constantFrom(...ROUTES);

/** The registered actions, plus ids that name none. */
const ACTION_IDS = [
  'list-definitions',
  'get-definition',
  'get-run',
  'get-run-logs',
  'run-definition',
  'kill-run',
  'set-schedule',
];

/** Any JSON value an MCP client or a template could put in a field. */
const JUNK: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), {
    maxKeys: 3,
  }),
  fc.constantFrom(
    'a'.repeat(300),
    '__proto__',
    '../..',
    'a/b',
    'ünïcödé',
    'MIGRATE',
    '',
  ),
);

const field = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: JUNK, weight: 1 });

/** A call of an action through the registry's HTTP door, its input fuzzed. */
const actionRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    id: fc.oneof(
      { arbitrary: fc.constantFrom(...ACTION_IDS), weight: 9 },
      {
        arbitrary: fc.constantFrom('no-such-action', 'run-definition/..', ''),
        weight: 1,
      },
    ),
    input: fc.record(
      {
        entityRef: ENTITY_REFS,
        cluster: field(VALID.cluster()),
        namespace: field(VALID.namespace()),
        kind: field(fc.constantFrom('Job', 'CronJob', 'job')),
        name: field(fc.oneof(VALID.name(), VALID.run())),
        parameters: field(
          fc.constantFrom(
            {},
            { EXPORT_DATE: '2026-11-30' },
            [{ name: 'EXPORT_DATE', value: '2026-11-30' }],
            [{ name: 'LIMIT', value: 1e9 }],
            [{ name: '__proto__', value: 'x' }],
          ),
        ),
        suspend: field(fc.boolean()),
        tailLines: field(fc.integer({ min: -5, max: 100000 })),
        pod: field(fc.string({ maxLength: 20 })),
        container: field(fc.string({ maxLength: 20 })),
      },
      { requiredKeys: [] },
    ),
    // Prototype-pollution keys as JSON carries them, which an object literal cannot.
    pollute: fc.constantFrom(
      '',
      '"__proto__":{"polluted":true},',
      '"constructor":{"prototype":{"polluted":true}},',
    ),
    raw: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 9 },
      {
        arbitrary: fc.constantFrom(
          '',
          'null',
          '[]',
          '"x"',
          '{',
          'a'.repeat(20000),
        ),
        weight: 1,
      },
    ),
    headers: headersArb(true, false),
  })
  .map(r => ({
    method: 'POST',
    path: `${API}/.backstage/actions/v1/actions/kubernetes-jobs:${r.id}/invoke`,
    headers: r.headers,
    body:
      r.raw ??
      (Object.keys(r.input).length
        ? `{${r.pollute}${json(r.input).slice(1)}`
        : `{${r.pollute.replace(/,$/, '')}}`),
  }));

// ---------------------------------------------------------------------------------------------
// What must hold.

const STACK_TRACE = /(\n|\\n)\s+at [^\s]/;
const STATUS_BODY = /"kind"\s*:\s*"Status"/;

function describeRequest(req: FuzzRequest): string {
  const cut = (s: string) =>
    s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s;
  return `${req.method} ${cut(req.path)}\nheaders ${cut(
    json(req.headers),
  )}\nbody ${req.body === undefined ? '(none)' : cut(req.body)}`;
}

function checkAnswer(
  req: FuzzRequest,
  res: FuzzResponse,
  mutations: Array<{ method: string; path: string }>,
) {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`answered ${res.status}`);
  if (STACK_TRACE.test(res.text)) problems.push('a stack trace in the answer');
  if (/"stack"\s*:/.test(res.text))
    problems.push('a stack field in the answer');
  if (STATUS_BODY.test(res.text))
    problems.push('a Kubernetes Status body in the answer');
  if (
    res.text.includes(SANDBOX_ADMIN_TOKEN) &&
    !req.headers.authorization?.includes(SANDBOX_ADMIN_TOKEN)
  ) {
    problems.push('the cluster token in the answer');
  }
  if (
    res.text.toLowerCase().includes(CANARY) ||
    res.text.includes(CANARY_VALUE)
  ) {
    problems.push('request headers in the answer');
  }
  if (mutations.length && (res.status >= 400 || req.method === 'GET')) {
    problems.push(
      `${mutations.length} mutating request(s) reached the cluster: ${mutations
        .map(m => `${m.method} ${m.path}`)
        .join(', ')}`,
    );
  }
  if (problems.length) {
    throw new Error(
      `${problems.join('; ')}\n--- request\n${describeRequest(
        req,
      )}\n--- answer ${res.status}\n${res.text.slice(0, 1000)}`,
    );
  }
}

function gcFunction(): (() => void) | undefined {
  if (typeof global.gc === 'function') return global.gc;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc');
  } catch {
    return undefined;
  }
}

function heapUsed(): number {
  gcFunction()?.();
  return process.memoryUsage().heapUsed;
}

// ---------------------------------------------------------------------------------------------

describe.each(databases.eachSupportedId())(
  'fuzzing every route on %s',
  databaseId => {
    let backend: Awaited<ReturnType<typeof startTestBackend>>;
    let client: ReturnType<typeof rawClient>;
    const statuses = new Map<number, number>();

    async function exchange(req: FuzzRequest) {
      const since = admin.sandbox.requests.length;
      let res: FuzzResponse;
      try {
        res = await client.send(req);
      } catch (error) {
        // Node answers 431 to oversized headers and may close the socket first.
        const oversized = Object.values(req.headers).some(
          v => v.length > 16000,
        );
        if (!oversized) throw error;
        res = { status: 431, text: '' };
      }
      sent += 1;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      checkAnswer(req, res, admin.mutatingRequestsSince(since));
      return res;
    }

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      backend = await startTestBackend({
        features: [
          kubernetesJobsPlugin,
          // The registry createBackend() installs: its HTTP door to the actions is fuzzed too.
          actionsRegistryServiceFactory,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({ data: admin.config() }),
          // Without a token a request is anonymous (the default would be a signed-in user).
          mockServices.httpAuth.factory({
            defaultCredentials: mockCredentials.none(),
          }),
          catalogServiceMock.factory({
            entities: [
              component('shop', { 'backstage.io/kubernetes-id': 'shop' }),
              component('billing', { 'backstage.io/kubernetes-id': 'billing' }),
              component('no-annotations', {}),
            ],
          }),
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        ],
      });
      client = rawClient(backend.server);
      // An active run with a pod, for the run routes (and for Kill to find something to stop).
      if (!runName) {
        const created = await client.send({
          method: 'POST',
          path: `${API}/definitions/sandbox/shop/job/migrate/runs`,
          headers: { authorization: JANE, 'content-type': 'application/json' },
          body: json({ entityRef: SHOP }),
        });
        if (created.status !== 201) {
          throw new Error(`could not start the run to fuzz: ${created.text}`);
        }
        runName = JSON.parse(created.text).name;
        const asked = await client.send({
          method: 'POST',
          path: `${API}/definitions/sandbox/shop/job/migrate/requests`,
          headers: { authorization: JANE, 'content-type': 'application/json' },
          body: json({ entityRef: SHOP, at: inAnHour() }),
        });
        if (asked.status !== 201) {
          throw new Error(`could not ask for the run to fuzz: ${asked.text}`);
        }
        requestId = JSON.parse(asked.text).id;
        await eventually(async () => {
          const pods = await admin.request(
            'GET',
            `/api/v1/namespaces/shop/pods`,
          );
          return pods.items.some((p: any) =>
            p.metadata.name.startsWith(runName),
          )
            ? true
            : undefined;
        });
      }
    }, 30000);

    afterAll(async () => {
      client?.close();
      await backend?.stop();
      // eslint-disable-next-line no-console
      console.log(
        `fuzz on ${databaseId}: ${sent} requests so far; statuses ${json(
          Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
        )}`,
      );
    });

    // fc.assert rejects with the seed and the shrunk request when `exchange`'s checks fail.
    const property = (arb: fc.Arbitrary<FuzzRequest>, numRuns = RUNS) =>
      expect(
        fc.assert(
          fc.asyncProperty(arb, async req => {
            await exchange(req);
          }),
          { numRuns },
        ),
      ).resolves.toBeUndefined();

    it(`path segments (${RUNS} runs)`, async () => {
      await property(anyRoute.chain(r => requestTo(r, { path: true })));
    });

    it(`query values (${RUNS} runs)`, async () => {
      await property(
        fc
          .constantFrom(...ROUTES.filter(r => r.query !== 'none'))
          .chain(r => requestTo(r, { query: true })),
      );
    });

    it(`bodies (${RUNS} runs)`, async () => {
      await property(
        fc
          .constantFrom(...ROUTES.filter(r => r.body))
          .chain(r => requestTo(r, { body: true })),
      );
    });

    it(`Run parameters (${RUNS} runs)`, async () => {
      const run = ROUTES.find(r => r.body === 'run')!;
      await property(
        fc
          .tuple(PARAMETERS_TEXT, fc.constantFrom('report', 'migrate'))
          .map(([parameters, name]) => ({
            method: 'POST',
            path: `${API}/definitions/sandbox/shop/job/${name}/runs`,
            headers: {
              authorization: JANE,
              'content-type': 'application/json',
              [CANARY]: CANARY_VALUE,
            },
            body: objectText([
              ['entityRef', json(SHOP)],
              ['parameters', parameters],
            ]),
          })),
      );
      expect(run).toBeDefined();
    });

    it(`headers (${RUNS} runs)`, async () => {
      await property(anyRoute.chain(r => requestTo(r, { headers: true })));
    });

    it(`action inputs through the actions registry (${RUNS} runs)`, async () => {
      await property(actionRequest);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it(`everything at once (${RUNS} runs)`, async () => {
      await property(
        anyRoute.chain(r =>
          requestTo(r, { path: true, query: true, body: true, headers: true }),
        ),
      );
    });

    it(`keeps the heap bounded over ${HEAP_LOOP} more requests`, async () => {
      const mixed = anyRoute.chain(r =>
        requestTo(r, { path: true, query: true, body: true, headers: true }),
      );
      const warmup = fc.sample(mixed, { numRuns: 100, seed: 42 });
      for (const req of warmup) await exchange(req);
      const before = heapUsed();
      const batch = fc.sample(mixed, { numRuns: HEAP_LOOP, seed: 4242 });
      for (const req of batch) await exchange(req);
      const after = heapUsed();
      const growthMb = (after - before) / 1024 / 1024;
      // eslint-disable-next-line no-console
      console.log(
        `heap ${Math.round(before / 1048576)} MB -> ${Math.round(
          after / 1048576,
        )} MB over ${HEAP_LOOP} requests (gc ${
          gcFunction() ? 'forced' : 'not available'
        })`,
      );
      expect(growthMb).toBeLessThan(gcFunction() ? 30 : 100);
    });
  },
);
