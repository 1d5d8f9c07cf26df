/*
 * The kubernetes-jobs backend plugin, started in-process with startTestBackend (which runs
 * outside Jest too), against the sandbox, behind a real HTTP listener. By default signals are
 * only recorded; with `push` they reach browsers through the real signals backend.
 */
import {
  BackendFeature,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import eventsPlugin from '@backstage/plugin-events-backend';
import {
  eventsServiceFactory,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
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
   * Stamped on every hint this backend publishes as `benchOrigin`, so the load run can tell
   * which replica a hint came from; the frontend's rules ignore fields they do not know.
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
              message: { ...signal.message, benchOrigin: push.name },
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

export async function startBenchBackend(options: {
  sandbox: Pick<SandboxCluster, 'url'>;
  entities: Entity[];
  push?: PushOptions;
}): Promise<BenchBackend> {
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
      catalogServiceMock.factory({ entities: options.entities }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ...(push ? pushFeatures(push, signals) : [recordingSignals(signals)]),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ send: async () => {} }),
      }),
    ],
  });
  return {
    baseUrl: `http://127.0.0.1:${backend.server.port()}/api/kubernetes-jobs`,
    authorization: mockCredentials.user.header('user:default/jane'),
    signals,
    database: database.description,
    stop: () => backend.stop(),
  };
}
