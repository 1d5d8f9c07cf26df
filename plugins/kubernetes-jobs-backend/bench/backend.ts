/*
 * The kubernetes-jobs backend plugin, started in-process with startTestBackend (which runs
 * outside Jest too), against the sandbox, behind a real HTTP listener.
 */
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
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

export async function startBenchBackend(options: {
  sandbox: Pick<SandboxCluster, 'url'>;
  entities: Entity[];
}): Promise<BenchBackend> {
  const signals: RecordedSignal[] = [];
  const database = databaseConfig();
  const backend = await startTestBackend({
    features: [
      kubernetesJobsPlugin,
      mockServices.rootConfig.factory({
        data: {
          backend: { database: database.config },
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
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({
          publish: async (signal: any) => {
            signals.push({ at: performance.now(), ...signal });
          },
        }),
      }),
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
