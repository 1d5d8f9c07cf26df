/*
 * GET pods/{name}/log (recording 03): text/plain, `container`, `tailLines`,
 * `timestamps`, `sinceSeconds`, `sinceTime`, `limitBytes`, `previous`, and
 * `follow` streaming while the container runs.
 */
import { ServerResponse } from 'node:http';
import { badRequest } from '../api/errors';
import { goSliceV } from '../api/goFormat';
import { KubeObject } from '../api/types';
import { Clock } from '../controllers/clock';
import { Kubelet, LogLine } from '../controllers/kubelet';

/** Log query parameters. */
export interface LogOptions {
  container?: string;
  follow?: string;
  previous?: string;
  tailLines?: string;
  timestamps?: string;
  sinceSeconds?: string;
  sinceTime?: string;
  limitBytes?: string;
}

const truthy = (value: string | undefined) => value === 'true' || value === '1';

/** The kubelet's fixed-width RFC 3339 timestamp (nanoseconds). */
export function rfc3339Nano(ms: number): string {
  const whole = Math.floor(ms);
  const nanos = Math.round((ms - whole) * 1e6);
  const iso = new Date(whole).toISOString();
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}${String(nanos).padStart(
    6,
    '0',
  )}Z`;
}

function parseNonNegative(
  name: string,
  value: string | undefined,
): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!/^-?\d+$/.test(value) || Number(value) < 0) {
    throw badRequest(
      `${name}: Invalid value: ${value}: must be greater than or equal to 0`,
    );
  }
  return Number(value);
}

/**
 * Works out which container is meant and checks it can be read.
 *
 * @throws ApiError 400 as the apiserver/kubelet would
 */
export function resolveContainer(pod: KubeObject, options: LogOptions): string {
  const name = pod.metadata.name;
  const containers: string[] = (pod.spec?.containers ?? []).map(
    (c: any) => c.name,
  );
  const initContainers: string[] = (pod.spec?.initContainers ?? []).map(
    (c: any) => c.name,
  );
  let container = options.container;
  if (!container) {
    if (containers.length === 1 && !initContainers.length) {
      container = containers[0];
    } else {
      let message = `a container name must be specified for pod ${name}, choose one of: ${goSliceV(
        containers,
      )}`;
      if (initContainers.length) {
        message += ` or one of the init containers: ${goSliceV(
          initContainers,
        )}`;
      }
      throw badRequest(message);
    }
  }
  if (!containers.includes(container) && !initContainers.includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  }
  if (truthy(options.previous)) {
    throw badRequest(
      `previous terminated container "${container}" in pod "${name}" not found`,
    );
  }
  return container;
}

function select(
  lines: LogLine[],
  options: LogOptions,
  nowMs: number,
): LogLine[] {
  let selected = lines;
  const sinceSeconds = parseNonNegative('sinceSeconds', options.sinceSeconds);
  if (sinceSeconds !== undefined) {
    selected = selected.filter(l => l.timeMs >= nowMs - sinceSeconds * 1000);
  }
  if (options.sinceTime) {
    const since = Date.parse(options.sinceTime);
    if (Number.isNaN(since)) {
      throw badRequest(
        `sinceTime: Invalid value: "${options.sinceTime}": must be RFC 3339`,
      );
    }
    selected = selected.filter(l => l.timeMs >= since);
  }
  const tail = parseNonNegative('tailLines', options.tailLines);
  if (tail !== undefined) {
    selected = tail === 0 ? [] : selected.slice(-tail);
  }
  return selected;
}

function render(lines: LogLine[], timestamps: boolean): string {
  return lines
    .map(l => `${timestamps ? `${rfc3339Nano(l.timeMs)} ` : ''}${l.text}\n`)
    .join('');
}

/** Serves a log request for a pod the caller may read. */
export function serveLogs(
  res: ServerResponse,
  pod: KubeObject,
  options: LogOptions,
  kubelet: Kubelet,
  clock: Clock,
  onStart: (status: number) => void,
) {
  const container = resolveContainer(pod, options);
  const uid = pod.metadata.uid!;
  const logs = kubelet.logs(uid, container);
  if (!logs) {
    const isInit = (pod.spec?.initContainers ?? []).some(
      (c: any) => c.name === container,
    );
    if (isInit) {
      // Init containers are not simulated: they complete at once, silently.
      onStart(200);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end();
      return;
    }
    throw badRequest(
      `container "${container}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`,
    );
  }
  const timestamps = truthy(options.timestamps);
  const limit = parseNonNegative('limitBytes', options.limitBytes);
  let budget = limit ?? Infinity;
  const emit = (text: string): boolean => {
    if (budget <= 0) {
      return false;
    }
    const bytes = Buffer.from(text, 'utf8');
    const chunk = bytes.length > budget ? bytes.subarray(0, budget) : bytes;
    budget -= chunk.length;
    res.write(chunk);
    return budget > 0;
  };

  onStart(200);
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  const initial = select(logs.lines, options, clock.now());
  const more = emit(render(initial, timestamps));
  if (!truthy(options.follow) || !logs.running || !more) {
    res.end();
    return;
  }

  // Follow: keep writing lines as they appear until the container stops.
  let sent = logs.lines.length;
  let timer: (() => void) | undefined;
  const poll = () => {
    const current = kubelet.logs(uid, container);
    if (!current) {
      res.end();
      return;
    }
    const fresh = current.lines.slice(sent);
    sent = current.lines.length;
    if (!emit(render(fresh, timestamps)) || !current.running) {
      res.end();
      return;
    }
    // Wake up for the next line (or at least every second, to notice stops).
    const wait = Math.min(
      Math.max((current.nextChangeMs ?? Infinity) - clock.now(), 5),
      1000,
    );
    timer = clock.afterRealMs(wait, poll);
  };
  const wait = Math.min(
    Math.max((logs.nextChangeMs ?? Infinity) - clock.now(), 5),
    1000,
  );
  timer = clock.afterRealMs(wait, poll);
  res.on('close', () => timer?.());
}
