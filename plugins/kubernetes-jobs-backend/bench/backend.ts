/*
 * The kubernetes-jobs backend plugin, started in-process with startTestBackend (which runs
 * outside Jest too), against the sandbox, behind a real HTTP listener. By default signals are
 * only recorded; with `push` they reach browsers through the real signals backend.
 */
import {
  BackendFeature,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import eventsPlugin from '@backstage/plugin-events-backend';
import {
  eventsServiceFactory,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import permissionPlugin from '@backstage/plugin-permission-backend';
import signalsPlugin from '@backstage/plugin-signals-backend';
import {
  DefaultSignalsService,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';
import {
  SANDBOX_ADMIN_TOKEN,
  SandboxCluster,
} from '@job-assistant/sandbox-cluster';
import { performance } from 'node:perf_hooks';
import kubernetesJobsPolicyModule from '@job-assistant/plugin-permission-backend-module-kubernetes-jobs-policy';
import kubernetesJobsPlugin from '../src';

/** A signal the backend published, with when (performance.now()). */
export interface RecordedSignal {
  at: number;
  channel: string;
  message: any;
}

export interface BenchBackend {
  baseUrl: string;
  /** The `authorization` header of user:default/jane. */
  authorization: string;
  signals: RecordedSignal[];
  database: string;
  stop(): Promise<void>;
}

/** `backend.database`: in-memory SQLite, or the PostgreSQL scripts/bench.sh started. */
function databaseConfig(): { description: string; config: object } {
  const wanted = process.env.BENCH_DATABASE ?? 'sqlite';
  if (wanted === 'sqlite') {
    return {
      description: 'SQLite (in memory)',
      config: { client: 'better-sqlite3', connection: ':memory:' },
    };
  }
  if (wanted !== 'postgres') {
    throw new Error(`BENCH_DATABASE: 'sqlite' or 'postgres', not '${wanted}'`);
  }
  const key = Object.keys(process.env).find(k =>
    /^BACKSTAGE_TEST_DATABASE_POSTGRES\d+_CONNECTION_STRING$/.test(k),
  );
  if (!key) {
    throw new Error(
      'BENCH_DATABASE=postgres needs BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING; run it through yarn bench (scripts/bench.sh starts PostgreSQL)',
    );
  }
  return {
    description: `PostgreSQL (${key.replace(/\D/g, '')})`,
    config: { client: 'pg', connection: process.env[key] },
  };
}

/** Signals delivered to browsers over the signals backend's WebSocket (`/api/signals`). */
export interface PushOptions {
  /**
   * `local`: to this backend's sockets, in process. `bus`: also through the events backend, whose
   * bus (PostgreSQL) carries them to the sockets of every replica on the same database.
   */
  events: 'local' | 'bus';
  /**
   * Stamped on every hint this backend publishes as `benchOrigin`, with the time as
   * `benchPublishedAt`, so the load run can tell which replica a hint came from and how long
   * it took to cross; the frontend's rules ignore fields they do not know.
   */
  name: string;
}

/**
 * The signals backend and the real signals service over the events service, recording each
 * signal before it is published.
 */
function pushFeatures(
  push: PushOptions,
  signals: RecordedSignal[],
): BackendFeature[] {
  return [
    signalsPlugin,
    eventsServiceFactory,
    createServiceFactory({
      service: signalsServiceRef,
      deps: { events: eventsServiceRef },
      factory: ({ events }) => {
        const service = DefaultSignalsService.create({ events });
        return {
          publish: async (signal: any) => {
            signals.push({ at: performance.now(), ...signal });
            await service.publish({
              ...signal,
              message: {
                ...signal.message,
                benchOrigin: push.name,
                benchPublishedAt: Date.now(),
              },
            });
          },
        };
      },
    }),
    ...(push.events === 'bus' ? [eventsPlugin] : []),
  ];
}

function recordingSignals(signals: RecordedSignal[]) {
  return createServiceFactory({
    service: signalsServiceRef,
    deps: {},
    factory: () => ({
      publish: async (signal: any) => {
        signals.push({ at: performance.now(), ...signal });
      },
    }),
  });
}

/** Whom the bench's user is: a member of every team, so the owner of every entity. */
const BENCH_USER = 'user:default/jane';

/**
 * Where entities and permissions come from. `portal` (the default): as in a Backstage portal,
 * the catalog backend (its entities given by an entity provider) and the permission backend with
 * the sample policy, in the same backend, each call between plugins over HTTP. `mock`: an
 * in-memory catalog and permissions that allow everything, for figures of the plugin alone.
 */
export type BenchPortal = 'portal' | 'mock';

export function benchPortal(): BenchPortal {
  const wanted = process.env.BENCH_CATALOG ?? 'portal';
  if (wanted !== 'portal' && wanted !== 'mock') {
    throw new Error(`BENCH_CATALOG: 'portal' or 'mock', not '${wanted}'`);
  }
  return wanted;
}

/** The catalog backend, given `entities` by an entity provider of its own. */
function catalogOf(entities: Entity[]): BackendFeature[] {
  const location = 'url:https://bench.invalid/organisation.yaml';
  return [
    catalogPlugin,
    createBackendModule({
      pluginId: 'catalog',
      moduleId: 'bench-organisation',
      register(reg) {
        reg.registerInit({
          deps: { catalog: catalogProcessingExtensionPoint },
          async init({ catalog }) {
            catalog.addEntityProvider({
              getProviderName: () => 'bench-organisation',
              connect: connection =>
                connection.applyMutation({
                  type: 'full',
                  entities: entities.map(entity => ({
                    locationKey: 'bench-organisation',
                    entity: {
                      ...entity,
                      metadata: {
                        ...entity.metadata,
                        annotations: {
                          ...entity.metadata.annotations,
                          'backstage.io/managed-by-location': location,
                          'backstage.io/managed-by-origin-location': location,
                        },
                      },
                    },
                  })),
                }),
            });
          },
        });
      },
    }),
  ];
}

/**
 * The mock auth service, except that a plugin's token for a call on a user's behalf names the
 * calling plugin as actor, as Backstage's own tokens do: the permission backend answers
 * conditional questions about a user only from a plugin acting for them.
 */
const authWithActor = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory: ({ plugin }) => {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const serviceToken = auth.getPluginRequestToken.bind(auth);
    auth.getPluginRequestToken = async options => {
      const principal = options.onBehalfOf.principal as {
        type: string;
        userEntityRef?: string;
      };
      if (principal.type !== 'user' || !principal.userEntityRef) {
        return serviceToken(options);
      }
      return {
        token: mockCredentials.user.token(principal.userEntityRef, {
          actor: { subject: `plugin:${plugin.getId()}` },
        }),
      };
    };
    return auth;
  },
});

/** The bench's user owns every entity: a member of every team that owns one. */
function ownerOfEverything(entities: Entity[]) {
  const teams = [...new Set(entities.map(e => String((e.spec as any)?.owner)))];
  return createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      getUserInfo: async (credentials: any) => {
        const ref = credentials.principal.userEntityRef;
        return {
          userEntityRef: ref,
          ownershipEntityRefs: ref === BENCH_USER ? [ref, ...teams] : [ref],
        };
      },
    }),
  });
}

/** Until the catalog serves every entity, with its relations (ownership) stitched. */
async function catalogReady(baseUrl: string, entities: Entity[]) {
  const deadline = performance.now() + 10 * 60_000;
  const authorization = mockCredentials.user.header(BENCH_USER);
  for (;;) {
    const res = await fetch(
      `${baseUrl}/api/catalog/entities/by-query?filter=kind=component,relations.ownedBy&limit=1`,
      { headers: { authorization } },
    );
    const body = res.ok ? await res.json() : undefined;
    if (body?.totalItems === entities.length) return;
    if (performance.now() > deadline) {
      throw new Error(
        `the catalog served ${body?.totalItems ?? res.status} of ${
          entities.length
        } entities after 10 minutes`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}

export async function startBenchBackend(options: {
  sandbox: Pick<SandboxCluster, 'url'>;
  entities: Entity[];
  push?: PushOptions;
  /** Defaults to {@link benchPortal}. */
  portal?: BenchPortal;
}): Promise<BenchBackend> {
  const portal = options.portal ?? benchPortal();
  const signals: RecordedSignal[] = [];
  const database = databaseConfig();
  const { push } = options;
  const backend = await startTestBackend({
    features: [
      kubernetesJobsPlugin,
      mockServices.rootConfig.factory({
        data: {
          backend: { database: database.config },
          // One backend: signals stay in process instead of asking for an events backend.
          events: { useEventBus: push?.events === 'bus' ? 'always' : 'never' },
          ...(portal === 'portal' ? { permission: { enabled: true } } : {}),
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'sandbox',
                    url: options.sandbox.url,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: SANDBOX_ADMIN_TOKEN,
                    // The sandbox speaks plain HTTP, which @kubernetes/client-node only allows so.
                    skipTLSVerify: true,
                  },
                ],
              },
            ],
          },
        },
      }),
      mockServices.rootLogger.factory({
        level: (process.env.BENCH_LOG_LEVEL as any) ?? 'warn',
      }),
      ...(portal === 'portal'
        ? [
            ...catalogOf(options.entities),
            permissionPlugin,
            kubernetesJobsPolicyModule,
            ownerOfEverything(options.entities),
            authWithActor,
          ]
        : [
            catalogServiceMock.factory({ entities: options.entities }),
            mockServices.permissions.factory({
              result: AuthorizeResult.ALLOW,
            }),
          ]),
      ...(push ? pushFeatures(push, signals) : [recordingSignals(signals)]),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ send: async () => {} }),
      }),
    ],
  });
  const root = `http://127.0.0.1:${backend.server.port()}`;
  if (portal === 'portal') await catalogReady(root, options.entities);
  return {
    baseUrl: `${root}/api/kubernetes-jobs`,
    authorization: mockCredentials.user.header(BENCH_USER),
    signals,
    database: database.description,
    stop: () => backend.stop(),
  };
}
