/*
 * One Kubernetes object over HTTP as JSON: what KubernetesClusterClient uses for single Jobs and
 * CronJobs instead of the generated client.
 */
import http, { Agent } from 'node:http';
import https from 'node:https';

/** The largest answer read for one object: the apiserver stores none above 1.5 MiB. */
const MAX_OBJECT_BYTES = 8 * 1024 * 1024;

/** The path of the Jobs or CronJobs of a namespace, or of every namespace. */
export function collectionPath(
  plural: 'jobs' | 'cronjobs',
  namespace?: string,
): string {
  return namespace === undefined
    ? `/apis/batch/v1/${plural}`
    : `/apis/batch/v1/namespaces/${encodeURIComponent(namespace)}/${plural}`;
}

/** The path of a namespace's Jobs or CronJobs, or of one of them. */
export function objectPath(
  plural: 'jobs' | 'cronjobs',
  namespace: string,
  name?: string,
): string {
  const collection = collectionPath(plural, namespace);
  return name === undefined
    ? collection
    : `${collection}/${encodeURIComponent(name)}`;
}

/** One HTTP request with a JSON body, answered with its status, headers and text. */
export function sendJson(
  url: string,
  options: {
    method: string;
    headers: Record<string, string>;
    agent?: Agent;
    signal: AbortSignal;
    payload?: string;
  },
): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const { payload, ...requestOptions } = options;
  const transport = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, requestOptions, res => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_OBJECT_BYTES) {
          req.destroy(
            new Error(`the answer is larger than ${MAX_OBJECT_BYTES} bytes`),
          );
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers as Record<string, string>,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
