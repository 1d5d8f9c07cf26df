/*
 * The demo seed used by `yarn dev` and the e2e tests.
 */
import { seedDemo } from '../seed';
import {
  startTestCluster,
  TestCluster,
  waitForCondition,
} from '../__testUtils__/conformance';

function isDefinition(object: any): boolean {
  return ['enable', 'true'].includes(
    object.metadata.annotations?.['job-assistant'],
  );
}

describe('demo seed', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster({ seed: 'demo' });
  });
  afterAll(() => cluster.close());

  it('is not part of the recorded requests', () => {
    expect(cluster.sandbox.requests).toEqual([]);
  });

  it('has the definitions of the shop and newsletter components', async () => {
    const jobs = (await cluster.api('GET', '/apis/batch/v1/jobs')).body.items;
    const cronJobs = (await cluster.api('GET', '/apis/batch/v1/cronjobs')).body
      .items;
    const definitions = [...jobs, ...cronJobs]
      .filter(isDefinition)
      .map(
        o =>
          `${o.metadata.namespace}/${o.metadata.name} ${o.metadata.labels['backstage.io/kubernetes-id']}`,
      );
    expect(definitions.sort()).toEqual([
      'marketing/newsletter-export newsletter',
      'marketing/newsletter-warmup newsletter',
      'shop/shop-cache-check shop',
      'shop/shop-db-migrate shop',
      'shop/shop-nightly-export shop',
      'shop/shop-price-update shop',
      'shop/shop-reindex shop',
    ]);
    const byName = Object.fromEntries(
      jobs.map((j: any) => [j.metadata.name, j]),
    );
    for (const name of [
      'shop-db-migrate',
      'shop-cache-check',
      'shop-reindex',
      'newsletter-export',
    ]) {
      expect(byName[name].spec.suspend).toBe(true);
      expect(byName[name].spec.template.spec.containers[0].image).toBe(
        'busybox:1.36',
      );
    }
    expect(
      byName['shop-db-migrate'].metadata.annotations[
        'job-assistant/description'
      ],
    ).toBe('Apply pending database migrations');
    expect(byName['shop-cache-check'].spec.backoffLimit).toBe(1);
    const cron = cronJobs[0];
    // Not paused, so the portal shows its next run and can pause it (the sandbox has no
    // CronJob scheduler: it never fires by itself).
    expect(cron.spec).toMatchObject({
      schedule: '0 2 * * *',
      timeZone: 'Europe/Paris',
      suspend: false,
    });
    expect(
      JSON.parse(cron.metadata.annotations['job-assistant/parameters']).map(
        (p: { type: string }) => p.type,
      ),
    ).toEqual(['date', 'enum', 'integer', 'boolean']);
    expect(cron.spec.jobTemplate.metadata.labels).toEqual({
      'backstage.io/kubernetes-id': 'shop',
    });
  });

  it('has already-finished Jobs: shop-cleanup (not a definition) and newsletter-warmup', async () => {
    const cleanup = await waitForCondition(
      cluster,
      'shop',
      'shop-cleanup',
      'Complete',
      100,
    );
    expect(isDefinition(cleanup)).toBe(false);
    const warmup = await waitForCondition(
      cluster,
      'marketing',
      'newsletter-warmup',
      'Complete',
      100,
    );
    expect(isDefinition(warmup)).toBe(true);
    expect(warmup.spec.suspend).toBe(false);
  });

  it('runs believable logs: the migration succeeds, the cache check fails with exit 3', async () => {
    for (const name of ['shop-db-migrate', 'shop-cache-check']) {
      await cluster.api(
        'PATCH',
        `/apis/batch/v1/namespaces/shop/jobs/${name}`,
        { spec: { suspend: false } },
        { contentType: 'application/merge-patch+json' },
      );
    }
    const migrate = await waitForCondition(
      cluster,
      'shop',
      'shop-db-migrate',
      'Complete',
    );
    expect(migrate.status.succeeded).toBe(1);
    const check = await waitForCondition(
      cluster,
      'shop',
      'shop-cache-check',
      'Failed',
    );
    expect(check.status.failed).toBe(2);
    const pods = (
      await cluster.api(
        'GET',
        '/api/v1/namespaces/shop/pods?labelSelector=job-name%3Dshop-db-migrate',
      )
    ).body.items;
    const log = await cluster.api(
      'GET',
      `/api/v1/namespaces/shop/pods/${pods[0].metadata.name}/log`,
    );
    expect(log.text.split('\n')).toEqual([
      'Connecting to postgres://shop-db:5432/shop ...',
      'Connected. Current schema version: 41',
      'Found 3 pending migrations',
      'Applying 042_add_order_index ...',
      'Applied 042_add_order_index',
      'Applying 043_split_customer_address ...',
      'Applied 043_split_customer_address',
      'Applying 044_backfill_loyalty_points ...',
      'Applied 044_backfill_loyalty_points',
      'Schema is now at version 44',
      'Migration finished successfully',
      '',
    ]);
  });

  it('can seed another cluster over HTTP, idempotently', async () => {
    const other = await startTestCluster();
    try {
      await seedDemo({ url: other.sandbox.url });
      await seedDemo({ url: other.sandbox.url });
      const jobs = (await other.api('GET', '/apis/batch/v1/jobs')).body.items;
      expect(jobs).toHaveLength(7);
      const cronJobs = (await other.api('GET', '/apis/batch/v1/cronjobs')).body
        .items;
      expect(cronJobs).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});
