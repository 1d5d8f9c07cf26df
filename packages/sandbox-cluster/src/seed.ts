/*
 * The demo data set: the Jobs and CronJobs of the example catalog's `shop`
 * and `newsletter` components, as a platform team would deploy them.
 */
import { JsonObject } from './api/types';

/** The admin token every sandbox accepts unless configured otherwise. @public */
export const SANDBOX_ADMIN_TOKEN = 'sandbox-admin-token';

const IMAGE = 'busybox:1.36';

function script(lines: string[]): string {
  return lines.join('\n');
}

function job(options: {
  namespace: string;
  name: string;
  componentId: string;
  annotations?: Record<string, string>;
  suspend: boolean;
  backoffLimit?: number;
  container: string;
  lines: string[];
}): JsonObject {
  const metadata: JsonObject = {
    name: options.name,
    namespace: options.namespace,
    labels: { 'backstage.io/kubernetes-id': options.componentId },
  };
  if (options.annotations) {
    metadata.annotations = options.annotations;
  }
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: {
      suspend: options.suspend,
      ...(options.backoffLimit !== undefined
        ? { backoffLimit: options.backoffLimit }
        : {}),
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: options.container,
              image: IMAGE,
              command: ['sh', '-c', script(options.lines)],
            },
          ],
        },
      },
    },
  };
}

/**
 * The demo objects, in creation order (namespaces first). Definitions are
 * suspended Jobs annotated `job-assistant`, except where noted.
 *
 * @public
 */
export function demoObjects(): JsonObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'marketing' } },
    job({
      namespace: 'shop',
      name: 'shop-db-migrate',
      componentId: 'shop',
      annotations: {
        'job-assistant': 'enable',
        'job-assistant/description': 'Apply pending database migrations',
      },
      suspend: true,
      container: 'migrate',
      lines: [
        'echo "Connecting to postgres://shop-db:5432/shop ..."',
        'sleep 2',
        'echo "Connected. Current schema version: 41"',
        'echo "Found 3 pending migrations"',
        'for m in 042_add_order_index 043_split_customer_address 044_backfill_loyalty_points; do',
        '  echo "Applying $m ..."',
        '  sleep 3',
        '  echo "Applied $m"',
        'done',
        'sleep 1',
        'echo "Schema is now at version 44"',
        'echo "Migration finished successfully"',
      ],
    }),
    job({
      namespace: 'shop',
      name: 'shop-cache-check',
      componentId: 'shop',
      annotations: {
        'job-assistant': 'enable',
        'job-assistant/description': 'Check that every cache node answers',
      },
      suspend: true,
      backoffLimit: 1,
      container: 'check',
      lines: [
        'echo "Checking cache cluster redis://shop-cache:6379 ..."',
        'sleep 2',
        'echo "shop-cache-0: OK (hit rate 97.2%)"',
        'sleep 1',
        'echo "shop-cache-1: OK (hit rate 96.8%)"',
        'sleep 1',
        'echo "shop-cache-2: ERROR connection refused" >&2',
        'echo "Cache check failed: 1 of 3 nodes unreachable" >&2',
        'exit 3',
      ],
    }),
    job({
      namespace: 'shop',
      name: 'shop-reindex',
      componentId: 'shop',
      annotations: {
        'job-assistant': 'enable',
        'job-assistant/description':
          'Rebuild the product search index (about 10 minutes)',
      },
      suspend: true,
      container: 'reindex',
      lines: [
        'echo "Rebuilding search index products-v7 (120000 products)"',
        'for i in $(seq 1 100); do',
        '  sleep 6',
        '  echo "Indexed $((i * 1200))/120000 products ($i%)"',
        'done',
        'echo "Switching alias products -> products-v7"',
        'echo "Reindex complete"',
      ],
    }),
    // A Job that touches what customers pay: it runs only once an SRE approved the run.
    job({
      namespace: 'shop',
      name: 'shop-price-update',
      componentId: 'shop',
      annotations: {
        'job-assistant': 'enable',
        'job-assistant/description':
          'Apply the new prices from the pricing sheet to the live shop',
        'job-assistant/approval': 'required',
        'job-assistant/approvers': 'group:default/sre',
      },
      suspend: true,
      container: 'prices',
      lines: [
        'echo "Reading pricing sheet 2026-Q4 (312 products)"',
        'sleep 2',
        'echo "Updating prices of 312 products ..."',
        'sleep 3',
        'echo "312 prices updated; caches invalidated"',
      ],
    }),
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: {
        name: 'shop-nightly-export',
        namespace: 'shop',
        labels: { 'backstage.io/kubernetes-id': 'shop' },
        annotations: {
          'job-assistant': 'enable',
          'job-assistant/description':
            "Export a day's orders for accounting (yesterday's, when it runs on its schedule)",
          'job-assistant/allow-schedule-control': 'true',
          'job-assistant/parameters': JSON.stringify([
            {
              name: 'EXPORT_DATE',
              title: 'Day to export',
              description:
                "The orders of this day are exported; yesterday's when left empty",
              type: 'date',
            },
            {
              name: 'FORMAT',
              title: 'File format',
              type: 'enum',
              options: ['csv', 'json'],
              default: 'csv',
            },
            {
              name: 'MAX_ORDERS',
              title: 'At most this many orders',
              type: 'integer',
              minimum: 1,
              maximum: 100000,
              default: 5000,
            },
            {
              name: 'DRY_RUN',
              title: 'Dry run: count the orders, write nothing',
              type: 'boolean',
              default: false,
            },
          ]),
        },
      },
      spec: {
        schedule: '0 2 * * *',
        timeZone: 'Europe/Paris',
        // The sandbox has no CronJob scheduler: an unpaused schedule shows its next run, and
        // can be paused from the portal, but does not fire by itself.
        suspend: false,
        jobTemplate: {
          metadata: { labels: { 'backstage.io/kubernetes-id': 'shop' } },
          spec: {
            backoffLimit: 2,
            template: {
              spec: {
                restartPolicy: 'Never',
                containers: [
                  {
                    name: 'export',
                    image: IMAGE,
                    env: [
                      { name: 'FORMAT', value: 'csv' },
                      { name: 'MAX_ORDERS', value: '5000' },
                      { name: 'DRY_RUN', value: 'false' },
                    ],
                    command: [
                      'sh',
                      '-c',
                      script([
                        'if [ -z "$EXPORT_DATE" ]; then EXPORT_DATE=yesterday; fi',
                        'echo "Exporting the orders of $EXPORT_DATE as $FORMAT (at most $MAX_ORDERS) to s3://shop-exports/"',
                        'sleep 3',
                        'if [ "$DRY_RUN" = "true" ]; then echo "Dry run: 1832 orders found, nothing written"; else echo "Exported 1832 orders (2.1 MiB)"; fi',
                      ]),
                    ],
                  },
                ],
              },
            },
          },
        },
      },
    },
    // A plain Job that already ran: not a definition (no annotation).
    job({
      namespace: 'shop',
      name: 'shop-cleanup',
      componentId: 'shop',
      suspend: false,
      container: 'cleanup',
      lines: [
        'echo "Removing expired carts"',
        'echo "Removed 214 expired carts"',
      ],
    }),
    job({
      namespace: 'marketing',
      name: 'newsletter-export',
      componentId: 'newsletter',
      annotations: {
        'job-assistant': 'true',
        'job-assistant/description':
          'Export the subscriber list for the mailing tool',
      },
      suspend: true,
      container: 'export',
      lines: [
        'echo "Collecting subscribers from the CRM ..."',
        'sleep 5',
        'echo "42311 subscribers, 1207 unsubscribed since the last export"',
        'sleep 8',
        'echo "Writing newsletter-subscribers.csv"',
        'sleep 5',
        'echo "Uploaded to sftp://mailer.example.com/inbox/"',
      ],
    }),
    // A definition deployed unsuspended: it ran once, which is its first run.
    job({
      namespace: 'marketing',
      name: 'newsletter-warmup',
      componentId: 'newsletter',
      annotations: {
        'job-assistant': 'enable',
        'job-assistant/description':
          'Warm up the sender reputation of a new mail domain',
      },
      suspend: false,
      container: 'warmup',
      lines: [
        'echo "Warming up sender reputation of news.example.com"',
        'sleep 1',
        'echo "Sent 500 warm-up mails"',
        'echo "Done"',
      ],
    }),
  ];
}

/** Jobs of the demo that run at once and are expected to be Complete. */
export const DEMO_PRE_RUN_JOBS = [
  { namespace: 'shop', name: 'shop-cleanup' },
  { namespace: 'marketing', name: 'newsletter-warmup' },
];

function collectionPath(object: JsonObject): string {
  const ns = object.metadata.namespace;
  switch (object.kind) {
    case 'Namespace':
      return '/api/v1/namespaces';
    case 'CronJob':
      return `/apis/batch/v1/namespaces/${ns}/cronjobs`;
    default:
      return `/apis/batch/v1/namespaces/${ns}/jobs`;
  }
}

/**
 * Creates the demo objects in a running sandbox (or any cluster) over HTTP
 * and waits until the Jobs that run at once are Complete.
 *
 * @public
 */
export async function seedDemo(target: {
  url: string;
  token?: string;
  /** How long to wait for the pre-run Jobs, in ms (default 60 s). */
  timeoutMs?: number;
}): Promise<void> {
  const headers = {
    authorization: `Bearer ${target.token ?? SANDBOX_ADMIN_TOKEN}`,
    'content-type': 'application/json',
  };
  for (const object of demoObjects()) {
    const response = await fetch(`${target.url}${collectionPath(object)}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(object),
    });
    // 409: already seeded; keep going so the call is idempotent.
    if (!response.ok && response.status !== 409) {
      throw new Error(
        `seeding ${object.kind} ${object.metadata.name} failed: ${
          response.status
        } ${await response.text()}`,
      );
    }
  }
  const deadline = Date.now() + (target.timeoutMs ?? 60_000);
  for (const { namespace, name } of DEMO_PRE_RUN_JOBS) {
    for (;;) {
      const response = await fetch(
        `${target.url}/apis/batch/v1/namespaces/${namespace}/jobs/${name}`,
        {
          headers,
        },
      );
      const current: any = response.ok ? await response.json() : undefined;
      const done = (current?.status?.conditions ?? []).some(
        (c: any) =>
          (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
      );
      if (done) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(`demo Job ${namespace}/${name} did not finish in time`);
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }
}
