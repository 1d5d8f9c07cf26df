/*
 * GET pods/{name}/log (recording 03): text/plain, with the `container`, `tailLines` and
 * `limitBytes` parameters the plugin sends. Following, timestamps and since* are not served.
 */
import { badRequest } from '../api/errors';
import { KubeObject } from '../api/types';
import { Kubelet } from '../controllers/kubelet';

function nonNegative(name: string, value: string | undefined) {
  if (value !== undefined && !/^\d+$/.test(value)) {
    throw badRequest(
      `${name}: Invalid value: ${value}: must be greater than or equal to 0`,
    );
  }
  return value === undefined ? undefined : Number(value);
}

/** A log as the apiserver (via the kubelet) answers it. @throws ApiError 400 */
export function readLog(
  pod: KubeObject,
  query: Record<string, string>,
  kubelet: Kubelet,
): Buffer {
  const name = pod.metadata.name;
  const containers: string[] = (pod.spec?.containers ?? []).map(
    (c: any) => c.name,
  );
  const container =
    query.container ?? (containers.length === 1 ? containers[0] : undefined);
  if (!container) {
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${containers.join(
        ' ',
      )}]`,
    );
  }
  if (!containers.includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  }
  const lines = kubelet.logs(pod.metadata.uid!, container);
  if (!lines) {
    throw badRequest(
      `container "${container}" in pod "${name}" is waiting to start: ContainerCreating`,
    );
  }
  const tail = nonNegative('tailLines', query.tailLines);
  const limit = nonNegative('limitBytes', query.limitBytes);
  const text = lines
    .slice(tail === undefined ? 0 : Math.max(0, lines.length - tail))
    .map(l => `${l.text}\n`)
    .join('');
  return Buffer.from(text).subarray(0, limit);
}
