/*
 * Starting and stopping the sandbox.
 */
import { startSandboxCluster } from '../cluster';
import { SANDBOX_ADMIN_TOKEN } from '../seed';
import {
  collectWatch,
  createNamespaces,
  eventually,
  jobBody,
  jobPods,
  startTestCluster,
} from '../__testUtils__/conformance';

describe('sandbox lifecycle', () => {
  it('listens on 127.0.0.1 with a random port and the default admin token', async () => {
    const sandbox = await startSandboxCluster();
    try {
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const ok = await fetch(`${sandbox.url}/api/v1/namespaces`, {
        headers: { authorization: `Bearer ${SANDBOX_ADMIN_TOKEN}` },
      });
      const list = await ok.json();
      expect(list.items.map((n: any) => n.metadata.name)).toEqual([
        'default',
        'kube-node-lease',
        'kube-public',
        'kube-system',
      ]);
    } finally {
      await sandbox.close();
    }
  });

  it('close() ends open watches and stops listening', async () => {
    const cluster = await startTestCluster();
    await createNamespaces(cluster, 'demo');
    await cluster.api(
      'POST',
      '/apis/batch/v1/namespaces/demo/jobs',
      jobBody('forever', { script: 'echo up; sleep 6000' }),
    );
    await eventually(async () => {
      const [p] = await jobPods(cluster, 'demo', 'forever');
      return p?.status.phase === 'Running' ? p : undefined;
    });
    const watch = collectWatch(
      `${cluster.sandbox.url}/apis/batch/v1/jobs?watch=true`,
      { timeoutMs: 60000 },
    );
    await new Promise(resolve => setTimeout(resolve, 100));
    const started = Date.now();
    await cluster.close();
    const { events } = await watch;
    expect(events.map(e => e.type)).toEqual(['ADDED']);
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(
      fetch(`${cluster.sandbox.url}/api/v1/namespaces`),
    ).rejects.toThrow();
    // Closing twice is harmless.
    await cluster.close();
  });
});
