import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import request from 'supertest';
import { kubernetesJobsPlugin } from './plugin';
import { SandboxAdmin, component, eventually } from './__testUtils__/sandbox';

/**
 * The live read path end to end, over real HTTP to the sandbox cluster: page views answered
 * from the watch cache (counted on the sandbox: no apiserver request), runs recorded by the
 * tracker whoever started them, a finished run notified to who triggered it, and a change
 * pushed as a signal hint that carries no Job data.
 */
jest.setTimeout(60000);

const SHOP = 'component:default/shop';
const jane = mockCredentials.user.header('user:default/jane');

let admin: SandboxAdmin;
const signals: Array<{ at: number; channel: string; message: any }> = [];
const notifications: any[] = [];
let backend: Awaited<ReturnType<typeof startTestBackend>>;

beforeAll(async () => {
  admin = await SandboxAdmin.start();
  await admin.createNamespace('shop');
  await admin.createDefinitionJob({
    namespace: 'shop',
    name: 'migrate',
    script: 'echo migrating; sleep 2; echo done',
  });
  backend = await startTestBackend({
    features: [
      kubernetesJobsPlugin,
      mockServices.rootConfig.factory({ data: admin.config() }),
      catalogServiceMock.factory({
        entities: [component('shop', { 'backstage.io/kubernetes-id': 'shop' })],
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({
          publish: async (signal: any) => {
            signals.push({ at: Date.now(), ...signal });
          },
        }),
      }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          send: async (notification: any) => {
            notifications.push(notification);
          },
        }),
      }),
    ],
  });
}, 30000);

afterAll(async () => {
  await backend?.stop();
  await admin?.close();
});

const api = '/api/kubernetes-jobs';

function tab() {
  return request(backend.server)
    .get(`${api}/definitions`)
    .query({ entityRef: SHOP })
    .set('authorization', jane);
}

describe('the live read path', () => {
  it('answers page views from memory: no apiserver request once synced', async () => {
    const warm = await tab();
    expect(warm.status).toBe(200);
    expect(warm.body.items.map((i: any) => i.definition.name)).toEqual([
      'migrate',
    ]);
    expect(warm.body.clusters).toEqual([
      expect.objectContaining({ cluster: 'sandbox', synced: true }),
    ]);

    const before = admin.sandbox.requests.length;
    for (let i = 0; i < 10; i++) {
      expect((await tab()).status).toBe(200);
      expect(
        (
          await request(backend.server)
            .get(`${api}/definitions`)
            .set('authorization', jane)
        ).status,
      ).toBe(200);
      expect(
        (
          await request(backend.server)
            .get(`${api}/definitions/sandbox/shop/job/migrate`)
            .query({ entityRef: SHOP })
            .set('authorization', jane)
        ).status,
      ).toBe(200);
    }
    // Watches are long-lived; nothing else may reach the apiserver for 30 page views.
    expect(admin.readsSince(before)).toEqual([]);
  });

  it('records a run started outside the portal, follows it to the end with no one reading, and pushes hints', async () => {
    const definition = await admin.getJob('shop', 'migrate');
    const signalsBefore = signals.length;
    // As `kubectl create job --from=job/migrate` would: owned by the definition, not by us.
    const created = await admin.request(
      'POST',
      '/apis/batch/v1/namespaces/shop/jobs',
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          generateName: 'migrate-manual-',
          labels: { 'backstage.io/kubernetes-id': 'shop' },
          ownerReferences: [
            {
              apiVersion: 'batch/v1',
              kind: 'Job',
              name: 'migrate',
              uid: definition.metadata.uid,
            },
          ],
        },
        spec: {
          backoffLimit: 0,
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [
                {
                  name: 'main',
                  image: 'busybox',
                  command: ['sh', '-c', 'sleep 2'],
                },
              ],
            },
          },
        },
      },
    );
    const name = created.metadata.name;

    // Only the history route is polled here, and it reads the database only.
    const final = await eventually(async () => {
      const res = await request(backend.server)
        .get(`${api}/definitions/sandbox/shop/job/migrate/runs`)
        .query({ entityRef: SHOP, limit: 10 })
        .set('authorization', jane);
      const run = res.body.items?.find((r: any) => r.name === name);
      return run?.state === 'Succeeded' ? run : undefined;
    }, 20000);
    expect(final).toMatchObject({ name, state: 'Succeeded' });
    // Kubernetes times are whole seconds; the sandbox runs 20x faster than real time.
    expect(final.finishedAt).toEqual(expect.any(String));
    expect(final.durationSeconds).toBeGreaterThanOrEqual(0);

    const hints = signals.slice(signalsBefore);
    expect(hints).toContainEqual(
      expect.objectContaining({
        channel: 'kubernetes-jobs',
        recipients: { type: 'broadcast' },
        message: {
          type: 'run',
          cluster: 'sandbox',
          namespace: 'shop',
          definitionKind: 'Job',
          definitionName: 'migrate',
          run: name,
        },
      }),
    );
    // Hints name what changed; no state, no annotation, no log.
    for (const hint of hints) {
      expect(Object.keys(hint.message).sort()).toEqual(
        expect.arrayContaining([
          'cluster',
          'definitionKind',
          'definitionName',
          'namespace',
          'type',
        ]),
      );
      expect(JSON.stringify(hint.message)).not.toMatch(
        /Succeeded|Running|sleep/,
      );
    }
    // Started outside the portal: nobody to notify.
    expect(
      notifications.filter(n => n.payload.scope.includes(final.uid)),
    ).toEqual([]);
  });

  it('notifies who triggered a run once it finishes, once', async () => {
    const created = await request(backend.server)
      .post(`${api}/definitions/sandbox/shop/job/migrate/runs`)
      .set('authorization', jane)
      .send({ entityRef: SHOP });
    expect(created.status).toBe(201);
    // Visible at once, before its watch event is needed.
    const right = await tab();
    expect(right.body.items[0].stats.lastRun).toMatchObject({
      name: created.body.name,
      triggeredBy: 'user:default/jane',
    });

    const sent = await eventually(async () => {
      const found = notifications.filter(
        n => n.payload.scope === `kubernetes-jobs:run:${created.body.uid}`,
      );
      return found.length ? found : undefined;
    }, 20000);
    expect(sent).toEqual([
      expect.objectContaining({
        recipients: { type: 'entity', entityRef: ['user:default/jane'] },
        payload: expect.objectContaining({
          title: 'migrate finished successfully',
          link: `/kubernetes-jobs/sandbox/shop/job/migrate?run=${created.body.name}`,
        }),
      }),
    ]);
  });
});
