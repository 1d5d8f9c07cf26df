/*
 * Helpers for the conformance tests: the recordings, a sandbox per test file,
 * raw HTTP access and @kubernetes/client-node clients.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import {
  SandboxCluster,
  SandboxClusterOptions,
  startSandboxCluster,
} from '../cluster';
import { SANDBOX_ADMIN_TOKEN } from '../seed';

/** One recorded exchange (see packages/sandbox-cluster/recordings/README.md). */
export interface Exchange {
  step: string;
  request?: {
    method: string;
    path: string;
    contentType: string | null;
    body: any;
    user?: string;
    headers?: Record<string, string>;
  };
  response?: {
    status: number;
    contentType: string | null;
    body: any;
    warning?: string;
  };
}

function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (
      fs.existsSync(pkg) &&
      JSON.parse(fs.readFileSync(pkg, 'utf8')).workspaces
    ) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`no monorepo root above ${__dirname}`);
    }
    dir = parent;
  }
}

/**
 * The recordings folder: raw exchanges with a real kube-apiserver v1.32.6, kept in the
 * repository (packages/sandbox-cluster/recordings) so a clone alone runs these tests.
 */
export const RECORDINGS_DIR = path.resolve(
  repoRoot(),
  'packages/sandbox-cluster/recordings',
);

/** Loads a recording; fails (never skips) when the recordings are missing. */
export function recording(file: string): Exchange[] {
  const full = path.join(RECORDINGS_DIR, file);
  if (!fs.existsSync(full)) {
    throw new Error(
      `Kubernetes recording ${full} not found. The conformance tests compare the sandbox with the recordings in packages/sandbox-cluster/recordings; restore that folder from git.`,
    );
  }
  return JSON.parse(fs.readFileSync(full, 'utf8'));
}

/** Finds a recorded exchange by (part of) its step text. */
export function exchange(
  exchanges: Exchange[],
  step: string,
): Exchange & Required<Pick<Exchange, 'request' | 'response'>> {
  const found = exchanges.find(e => e.request && e.step.includes(step));
  if (!found) {
    throw new Error(`no recorded step containing "${step}"`);
  }
  return found as any;
}

/** A limited user like the recordings' `limited` user (RBAC in team-a only). */
export const LIMITED_TOKEN = 'limited-token';
export const LIMITED_USER = {
  name: 'limited',
  rules: [
    {
      namespaces: ['team-a'],
      apiGroups: ['batch'],
      resources: ['jobs'],
      verbs: ['get', 'list', 'watch', 'create'],
    },
    {
      namespaces: ['team-a'],
      apiGroups: [''],
      resources: ['pods', 'events'],
      verbs: ['get', 'list', 'watch'],
    },
    {
      namespaces: ['team-a'],
      apiGroups: [''],
      resources: ['pods/log'],
      verbs: ['get'],
    },
  ],
};

/** A raw HTTP response. */
export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** A sandbox plus ways to talk to it. */
export interface TestCluster {
  sandbox: SandboxCluster;
  kc: k8s.KubeConfig;
  batch: k8s.BatchV1Api;
  core: k8s.CoreV1Api;
  /** Raw request as the admin (or with `token`). */
  api(
    method: string,
    urlPath: string,
    body?: unknown,
    options?: {
      contentType?: string;
      token?: string | null;
      headers?: Record<string, string>;
    },
  ): Promise<RawResponse>;
  close(): Promise<void>;
}

/** A KubeConfig for the sandbox (http:// needs skipTLSVerify in client-node 1.x). */
export function kubeConfig(
  url: string,
  token = SANDBOX_ADMIN_TOKEN,
): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'sandbox', server: url, skipTLSVerify: true }],
    users: [{ name: 'admin', token }],
    contexts: [{ name: 'sandbox', cluster: 'sandbox', user: 'admin' }],
    currentContext: 'sandbox',
  });
  return kc;
}

/** Starts a sandbox for a test file (fast clock unless told otherwise). */
export async function startTestCluster(
  options: SandboxClusterOptions = {},
): Promise<TestCluster> {
  const sandbox = await startSandboxCluster({
    timeScale: 0.02,
    tokens: {
      [SANDBOX_ADMIN_TOKEN]: { name: 'sandbox-admin' },
      [LIMITED_TOKEN]: LIMITED_USER,
    },
    ...options,
  });
  const kc = kubeConfig(sandbox.url);
  return {
    sandbox,
    kc,
    batch: kc.makeApiClient(k8s.BatchV1Api),
    core: kc.makeApiClient(k8s.CoreV1Api),
    async api(method, urlPath, body, opts = {}) {
      let token = opts.token;
      if (token === undefined) {
        token = SANDBOX_ADMIN_TOKEN;
      }
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (token) {
        headers.authorization = `Bearer ${token}`;
      }
      if (body !== undefined) {
        headers['content-type'] = opts.contentType ?? 'application/json';
      }
      const response = await fetch(`${sandbox.url}${urlPath}`, {
        method,
        headers,
        body:
          typeof body === 'string' || body === undefined
            ? body
            : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: any;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return {
        status: response.status,
        headers: response.headers,
        text,
        body: parsed,
      };
    },
    close: () => sandbox.close(),
  };
}

/** Polls until `check` returns a value other than undefined. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what} not met within ${timeoutMs} ms${
          lastError ? `: ${lastError}` : ''
        }`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

/** Strips what legitimately differs between two clusters (uids, times, versions). */
export function normalize(value: any): any {
  const volatile = new Set([
    'uid',
    'resourceVersion',
    'creationTimestamp',
    'managedFields',
    'lastProbeTime',
    'lastTransitionTime',
    'startTime',
    'completionTime',
    'firstTimestamp',
    'lastTimestamp',
    'deletionTimestamp',
  ]);
  if (Array.isArray(value)) {
    return value.map(normalize);
  }
  if (value && typeof value === 'object') {
    const out: any = {};
    for (const [key, item] of Object.entries(value)) {
      if (!volatile.has(key)) {
        out[key] = normalize(item);
      }
    }
    return out;
  }
  return value;
}

/** Replaces every occurrence of the keys of `map` in a JSON value. */
export function substitute<T>(value: T, map: Record<string, string>): T {
  let text = JSON.stringify(value);
  for (const [from, to] of Object.entries(map)) {
    text = text.split(from).join(to);
  }
  return JSON.parse(text);
}

/** Creates namespaces (ignoring ones that exist). */
export async function createNamespaces(
  cluster: TestCluster,
  ...names: string[]
) {
  for (const name of names) {
    const res = await cluster.api('POST', '/api/v1/namespaces', {
      metadata: { name },
    });
    if (res.status !== 201 && res.status !== 409) {
      throw new Error(`namespace ${name}: ${res.status} ${res.text}`);
    }
  }
}

/** A minimal Job body. */
export function jobBody(
  name: string,
  options: {
    script?: string;
    suspend?: boolean;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    backoffLimit?: number;
    extraSpec?: Record<string, unknown>;
  } = {},
) {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.annotations ? { annotations: options.annotations } : {}),
    },
    spec: {
      ...(options.suspend !== undefined ? { suspend: options.suspend } : {}),
      ...(options.backoffLimit !== undefined
        ? { backoffLimit: options.backoffLimit }
        : {}),
      ...(options.extraSpec ?? {}),
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'main',
              image: 'busybox:1.36',
              command: ['sh', '-c', options.script ?? 'echo hi'],
            },
          ],
        },
      },
    },
  };
}

/** Reads a job; `undefined` when missing. */
export async function getJob(
  cluster: TestCluster,
  namespace: string,
  name: string,
) {
  const res = await cluster.api(
    'GET',
    `/apis/batch/v1/namespaces/${namespace}/jobs/${name}`,
  );
  return res.status === 200 ? res.body : undefined;
}

/** Waits for a condition of type `type` to be True on a Job. */
export function waitForCondition(
  cluster: TestCluster,
  namespace: string,
  name: string,
  type: string,
  timeoutMs = 5000,
) {
  return eventually(
    async () => {
      const job = await getJob(cluster, namespace, name);
      return (job?.status?.conditions ?? []).some(
        (c: any) => c.type === type && c.status === 'True',
      )
        ? job
        : undefined;
    },
    timeoutMs,
    `${namespace}/${name} ${type}`,
  );
}

/** Pods of a Job, by its job-name label. */
export async function jobPods(
  cluster: TestCluster,
  namespace: string,
  job: string,
): Promise<any[]> {
  const res = await cluster.api(
    'GET',
    `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(
      `batch.kubernetes.io/job-name=${job}`,
    )}`,
  );
  return res.body.items;
}

/** Reads a watch stream until it ends (or `until` says stop); returns the events. */
export async function collectWatch(
  url: string,
  options: {
    token?: string;
    until?: (events: any[]) => boolean;
    timeoutMs?: number;
  } = {},
): Promise<{ status: number; events: any[] }> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(),
    options.timeoutMs ?? 10000,
  );
  const response = await fetch(url, {
    headers: {
      authorization: `Bearer ${options.token ?? SANDBOX_ADMIN_TOKEN}`,
    },
    signal: controller.signal,
  });
  const events: any[] = [];
  let buffer = '';
  try {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      for (
        let newline = buffer.indexOf('\n');
        newline >= 0;
        newline = buffer.indexOf('\n')
      ) {
        events.push(JSON.parse(buffer.slice(0, newline)));
        buffer = buffer.slice(newline + 1);
      }
      if (options.until?.(events)) {
        controller.abort();
        break;
      }
    }
  } catch (e) {
    if (!controller.signal.aborted) throw e;
  } finally {
    clearTimeout(timer);
  }
  return { status: response.status, events };
}
