import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  SANDBOX_ADMIN_TOKEN,
  SandboxRequestRecord,
} from '@job-assistant/sandbox-cluster';
import { WatchCaches } from './cache/WatchCaches';
import { ClusterRegistry } from './cluster/ClusterRegistry';
import { DatabaseRunStore } from './database/DatabaseRunStore';
import { ClusterAccess } from './service/ClusterAccess';
import { entitySelectorOf } from './service/entitySelector';
import { EvidenceCollector } from './service/evidence';
import { RunActions } from './service/RunActions';
import { RunTracker } from './tracker/RunTracker';
import { SandboxAdmin, component, eventually } from './__testUtils__/sandbox';

/**
 * What Run and Stop cost the apiserver, counted on the sandbox, with the services wired as the
 * plugin wires them (watch cache, run tracker, run history) and the real client: a Run reads
 * the definition and creates the Job, a Stop reads the run and patches it. The one-active-run
 * guard asks the watch cache and the database, not the apiserver; what a stopped run leaves
 * behind is read after the answer, once.
 */
jest.setTimeout(30000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const ANNOTATION = 'job-assistant';
const JANE = 'user:default/jane';
const shop = entitySelectorOf(
  component('shop', { 'backstage.io/kubernetes-id': 'shop' }),
)!;
const migrate = {
  cluster: 'sandbox',
  namespace: 'shop',
  kind: 'Job' as const,
  name: 'migrate',
};

let admin: SandboxAdmin;
let caches: WatchCaches;
let tracker: RunTracker;
let store: DatabaseRunStore;
let actions: RunActions;

beforeAll(async () => {
  admin = await SandboxAdmin.start();
  await admin.createNamespace('shop');
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'migrate',
    script: 'echo step 1; echo step 2; sleep 600',
  });

  const logger = mockServices.logger.mock();
  const { client } = new ClusterAccess(
    ClusterRegistry.fromConfig(new ConfigReader(admin.config()), { logger }),
    { logger },
  );
  store = await DatabaseRunStore.create({
    database: mockServices.database({
      knex: await databases.init('SQLITE_3'),
    }),
  });
  const evidence = new EvidenceCollector({
    client,
    store,
    logger,
    maxLogBytesPerRun: 10_000,
  });
  caches = new WatchCaches(['sandbox'], {
    client,
    annotationKey: ANNOTATION,
    logger,
  });
  tracker = new RunTracker({
    caches,
    store,
    annotationKey: ANNOTATION,
    logger,
    onFinished: runs => void evidence.saveFinished(runs),
  });
  caches.subscribe(tracker);
  caches.start();
  actions = new RunActions({
    client,
    caches,
    store,
    logger,
    annotationKey: ANNOTATION,
    allowParallelRunsByDefault: false,
    evidence,
  });
  const cache = caches.get('sandbox');
  await cache.view('Job', undefined, 10000);
  await cache.view('CronJob', undefined, 10000);
}, 30000);

afterAll(async () => {
  tracker?.stop();
  caches?.stop();
  await admin?.close();
});

/** The requests a piece of work made, by verb (`get`, `list`, `create`, `patch`...). */
function verbs(records: SandboxRequestRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { method, path } of records) {
    // An odd number of segments after the group version is a collection: a list or a create.
    const segments = path.split('/').filter(Boolean);
    const rest = segments.slice(segments[0] === 'api' ? 2 : 3);
    const scoped =
      rest[0] === 'namespaces' && rest.length > 2 ? rest.slice(2) : rest;
    const verb =
      { GET: scoped.length === 1 ? 'list' : 'get', POST: 'create' }[method] ??
      method.toLowerCase();
    counts[verb] = (counts[verb] ?? 0) + 1;
  }
  return counts;
}

it('costs a Run two apiserver requests, a Stop two, and the stopped run’s evidence is read once, after the answer', async () => {
  const beforeRun = admin.sandbox.requests.length;
  const run = await actions.run(shop, migrate, { triggeredBy: JANE });
  // The watches' own requests (their cheap checks included) are not the Run's.
  expect(verbs(admin.readsSince(beforeRun))).toEqual({ get: 1, create: 1 });

  // A second Run is refused: the cache knows the first, which is read fresh to be sure.
  const beforeSecond = admin.sandbox.requests.length;
  await expect(
    actions.run(shop, migrate, { triggeredBy: JANE }),
  ).rejects.toMatchObject({ name: 'ConflictError' });
  expect(verbs(admin.readsSince(beforeSecond))).toEqual({ get: 2 });

  // Let its pod write its log.
  await eventually(async () => {
    const pods = await admin.request(
      'GET',
      `/api/v1/namespaces/shop/pods?labelSelector=${encodeURIComponent(
        `batch.kubernetes.io/job-name=${run.name}`,
      )}`,
    );
    const pod = pods.items[0]?.metadata.name;
    if (!pod) return undefined;
    const response = await fetch(
      `${admin.sandbox.url}/api/v1/namespaces/shop/pods/${pod}/log`,
      { headers: { authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}` } },
    );
    return (await response.text()).includes('step 2') ? true : undefined;
  });

  const beforeStop = admin.sandbox.requests.length;
  const killed = await actions.kill(
    shop,
    { cluster: 'sandbox', namespace: 'shop', name: run.name },
    { killedBy: JANE },
  );
  expect(killed.state).toBe('Killed');
  expect(verbs(admin.readsSince(beforeStop))).toEqual({ get: 1, patch: 1 });

  // After the answer: its pods, their logs and its events, read once and saved, though the run
  // tracker also saw the run end. (Whether the log still had its text depends on how soon the
  // pod went; evidence.test.ts checks the text.)
  const evidence = await eventually(() => store.getEvidence(run.uid));
  expect(evidence.pods).toHaveLength(1);
  expect(evidence.logs).toEqual([
    expect.objectContaining({ container: 'main' }),
  ]);
  await tracker.idle();
  expect(verbs(admin.readsSince(beforeStop))).toEqual({
    get: 2, // the run; the log of its one container
    patch: 1,
    list: 3, // its pods; the events of the Job, and of its one pod
  });
});
