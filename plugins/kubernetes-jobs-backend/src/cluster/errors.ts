import { ClusterTimeoutError } from '../errors';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ApiException } from '@kubernetes/client-node';

export { ClusterTimeoutError };

/** Calls that change the cluster: after a timeout, whether they happened is not known. */
const CHANGES = ['create', 'patch', 'delete'];

/** The error of a call that got no answer within `timeoutMs`. */
export function timeoutError(
  ctx: KubernetesCallContext,
  timeoutMs: number,
): ClusterTimeoutError {
  const seconds = Math.round(timeoutMs / 100) / 10;
  let unknown = '';
  if (ctx.action.startsWith('create')) {
    unknown =
      '; whether it was created is not known yet: if it was, it will show up in a moment';
  } else if (CHANGES.some(verb => ctx.action.startsWith(verb))) {
    unknown = '; whether it happened is not known yet: look again in a moment';
  }
  return new ClusterTimeoutError(
    `Cluster '${
      ctx.cluster
    }' did not answer within ${seconds} s to ${describeTarget(
      ctx,
      false,
    )}${unknown}`,
  );
}

/**
 * What a failed Kubernetes call was about, for the error message.
 */
export interface KubernetesCallContext {
  cluster: string;
  /** e.g. "create Job", "list Jobs", "read logs of Pod" */
  action: string;
  namespace?: string;
  /** Object name, or a generateName prefix followed by "*". */
  name?: string;
}

function describeTarget(
  ctx: KubernetesCallContext,
  withCluster = true,
): string {
  const where = ctx.namespace ? ` in namespace '${ctx.namespace}'` : '';
  const what = ctx.name ? ` '${ctx.name}'` : '';
  const cluster = withCluster ? ` on cluster '${ctx.cluster}'` : '';
  return `${ctx.action}${what}${where}${cluster}`;
}

/** The Kubernetes Status message, when the body is a Status; never raw bodies or headers. */
function statusMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (
    parsed &&
    typeof parsed === 'object' &&
    (parsed as { kind?: string }).kind === 'Status'
  ) {
    const message = (parsed as { message?: unknown }).message;
    return typeof message === 'string' ? message : undefined;
  }
  return undefined;
}

/**
 * The system error code of a connection that failed (`ECONNREFUSED`, `ECONNRESET`...), from
 * Node's HTTP client (`code`) or from the fetch the Kubernetes client uses (`cause.code`).
 */
export function connectionErrorCode(error: unknown): string | undefined {
  const code =
    (error as { code?: unknown })?.code ??
    (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof code === 'string' && /^E[A-Z_]+$/.test(code) ? code : undefined;
}

function convert(error: unknown, ctx: KubernetesCallContext): Error {
  const target = describeTarget(ctx);
  if (error instanceof ApiException) {
    const detail = statusMessage(error.body);
    const suffix = detail ? `: ${detail}` : '';
    switch (error.code) {
      case 400:
      case 422:
        return new InputError(`Kubernetes rejected ${target}${suffix}`);
      case 401:
        return new NotAllowedError(
          `Cluster '${ctx.cluster}' did not accept the kubernetes-jobs backend's credentials (${target})`,
        );
      case 403:
        return new NotAllowedError(
          `The kubernetes-jobs backend's Kubernetes RBAC does not allow it to ${target}${suffix}`,
        );
      case 404:
        return new NotFoundError(`Not found: ${target}${suffix}`);
      case 409:
        return new ConflictError(`Conflict: ${target}${suffix}`);
      default:
        return new ServiceUnavailableError(
          `Kubernetes answered ${error.code} to ${target}${suffix}`,
        );
    }
  }
  const code = connectionErrorCode(error);
  if (code) {
    return new ServiceUnavailableError(
      `Cluster '${
        ctx.cluster
      }' is unreachable (${code}) while trying to ${describeTarget(
        ctx,
        false,
      )}`,
    );
  }
  return new ServiceUnavailableError(
    `Could not ${target}: ${safeMessage(error)}`,
  );
}

/**
 * A client-side error message (TLS setup, a malformed answer), without URL credentials or
 * bearer tokens should a message ever carry them.
 */
function safeMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/\/\/[^/@\s]+@/g, '//')
    .replace(/bearer\s+\S+/gi, 'Bearer <redacted>')
    .slice(0, 300);
}

const KUBERNETES_STATUS = Symbol('kubernetesStatus');

/**
 * Turns a failed Kubernetes call into a Backstage error that names the cluster and object.
 * Messages are built from the Kubernetes Status message only: response headers, request
 * options and credentials never reach a response or a log line.
 */
export function toBackstageError(
  error: unknown,
  ctx: KubernetesCallContext,
): Error {
  const converted = convert(error, ctx);
  if (error instanceof ApiException) {
    Object.defineProperty(converted, KUBERNETES_STATUS, { value: error.code });
  }
  return converted;
}

/** The HTTP status Kubernetes answered, for an error made by {@link toBackstageError}. */
export function kubernetesStatusOf(error: unknown): number | undefined {
  return (error as { [KUBERNETES_STATUS]?: number } | undefined)?.[
    KUBERNETES_STATUS
  ];
}
