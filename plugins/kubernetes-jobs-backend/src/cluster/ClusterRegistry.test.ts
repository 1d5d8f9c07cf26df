import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { ClusterRegistry } from './ClusterRegistry';
import { readPluginOptions } from '../config';

const logger = mockServices.logger.mock();

function registry(clusters: object[], extra: object = {}) {
  return ClusterRegistry.fromConfig(
    new ConfigReader({
      kubernetes: { clusterLocatorMethods: [{ type: 'config', clusters }] },
      ...extra,
    }),
    { logger },
  );
}

describe('ClusterRegistry', () => {
  it('reads Backstage kubernetes config clusters and builds a KubeConfig with the token', async () => {
    const clusters = registry([
      {
        name: 'prod',
        url: 'https://k8s.example.com:6443',
        authProvider: 'serviceAccount',
        serviceAccountToken: 'abc',
        caData: 'Y2E=',
      },
    ]);
    expect(clusters.list().map(c => c.name)).toEqual(['prod']);
    const kc = await clusters.get('prod').getKubeConfig();
    expect(kc.getCurrentCluster()).toMatchObject({
      server: 'https://k8s.example.com:6443',
      caData: 'Y2E=',
      skipTLSVerify: false,
    });
    expect(kc.getCurrentUser()?.token).toBe('abc');
  });

  it('answers an unknown cluster name with a NotFoundError', () => {
    const clusters = registry([]);
    expect(() => clusters.get('elsewhere')).toThrow(
      "Cluster 'elsewhere' is not configured",
    );
  });

  it('fails at startup naming the key of a bad url', () => {
    expect(() =>
      registry([
        { name: 'bad', url: 'not a url', authProvider: 'serviceAccount' },
      ]),
    ).toThrow(
      "kubernetes.clusterLocatorMethods[0].clusters[0].url: 'not a url'",
    );
  });

  it('fails at startup naming the key of a missing auth provider', () => {
    expect(() => registry([{ name: 'x', url: 'https://x' }])).toThrow(
      'kubernetes.clusterLocatorMethods[0].clusters[0].authProvider',
    );
  });

  it('fails at startup on duplicate cluster names', () => {
    const c = { name: 'x', url: 'https://x', authProvider: 'serviceAccount' };
    expect(() => registry([c, c])).toThrow("duplicate cluster name 'x'");
  });

  it('skips, with a warning, clusters that need the user own token', () => {
    const clusters = registry([
      { name: 'gke', url: 'https://gke', authProvider: 'google' },
      { name: 'ok', url: 'https://ok', authProvider: 'serviceAccount' },
    ]);
    expect(clusters.list().map(c => c.name)).toEqual(['ok']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining("'google'"),
    );
  });

  it('reads a local kubeconfig, named after its context', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-'));
    const file = path.join(dir, 'config');
    fs.writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'kind', cluster: { server: 'https://127.0.0.1:6443' } },
        ],
        users: [{ name: 'dev', user: { token: 't' } }],
        contexts: [
          { name: 'kind-dev', context: { cluster: 'kind', user: 'dev' } },
        ],
        'current-context': 'kind-dev',
      }),
    );
    const clusters = registry([], {
      kubernetesJobs: { clusters: [{ type: 'kubeconfig', path: file }] },
    });
    expect(clusters.list().map(c => c.name)).toEqual(['kind-dev']);
    const kc = await clusters.get('kind-dev').getKubeConfig();
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');

    expect(() =>
      registry([], {
        kubernetesJobs: {
          clusters: [{ type: 'kubeconfig', path: file, context: 'nope' }],
        },
      }),
    ).toThrow("kubernetesJobs.clusters[0].context: context 'nope' not found");
  });
});

describe('readPluginOptions', () => {
  it('defaults the annotation key, the concurrency, the retention, the watch and notifications', () => {
    expect(readPluginOptions(new ConfigReader({}))).toEqual({
      annotationKey: 'job-assistant',
      allowParallelRunsByDefault: false,
      history: {
        maxAgeDays: 365,
        maxRunsPerDefinition: 1000,
        maxLogBytesPerRun: 262144,
      },
      watch: {
        pageSize: 500,
        watchTimeoutSeconds: 240,
        stallMs: 90_000,
        probeAfterMs: 5_000,
        probeTimeoutMs: 5_000,
        initialBackoffMs: 500,
        maxBackoffMs: 30_000,
        syncTimeoutMs: 10_000,
      },
      requestTimeoutMs: 10_000,
      viewCacheMs: 10_000,
      approvals: [],
      runRequests: {
        approvalExpiryHours: 24,
        horizonDays: 30,
        sweepSeconds: 10,
      },
      notifications: {
        enabled: true,
        notifyOwnerOnFailure: false,
        slowRuns: { enabled: false, notifyOwner: false, checkSeconds: 60 },
      },
      database: { retry: { firstDelayMs: 1000, maxDelayMs: 30000 } },
    });
  });

  it('reads the watch timing in seconds', () => {
    const options = readPluginOptions(
      new ConfigReader({
        kubernetesJobs: {
          watch: {
            stallSeconds: 5,
            timeoutSeconds: 30,
            syncTimeoutSeconds: 2,
            probeAfterSeconds: 3,
            probeTimeoutSeconds: 1,
          },
        },
      }),
    );
    expect(options.watch).toMatchObject({
      stallMs: 5000,
      probeAfterMs: 3000,
      probeTimeoutMs: 1000,
      watchTimeoutSeconds: 30,
      syncTimeoutMs: 2000,
    });
  });

  it('fails at startup naming the key of an invalid retention', () => {
    expect(() =>
      readPluginOptions(
        new ConfigReader({ kubernetesJobs: { history: { maxAgeDays: 0 } } }),
      ),
    ).toThrow('kubernetesJobs.history.maxAgeDays');
  });

  it('fails at startup naming the key of an invalid annotation key', () => {
    expect(() =>
      readPluginOptions(
        new ConfigReader({
          kubernetesJobs: { definitionAnnotation: 'not valid!' },
        }),
      ),
    ).toThrow('kubernetesJobs.definitionAnnotation');
  });
});
