import {
  ConflictError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';

/*
 * The plugin's one error model. A failure is thrown as a typed error where it is known; every
 * door answers it the same way, because every door hands it to Backstage's error handling:
 * the HTTP routes (through createRouter's error middleware and then Backstage's), the actions
 * registry (the same handler), MCP (which shows `name: message` for Backstage's error names) and
 * templates (which see the registry's answer). So each error here is one of Backstage's kinds by
 * name, and says its HTTP status in `statusCode` where that differs from the kind's own.
 *
 * - InputError 400: the request is malformed (router/validation.ts).
 * - NotAllowedError 403: the policy, or the cluster's RBAC, refuses it.
 * - NotFoundError 404: no such cluster, entity, definition or run.
 * - ConflictError 409: the state forbids it (a run is active; a schedule may not be changed).
 * - DefinitionInvalidError 422: the definition's annotation must be fixed by its author.
 * - ServiceUnavailableError 503: a cluster, or the history database, cannot answer.
 * - ClusterTimeoutError 504: a cluster did not answer in time; for a change, the outcome is
 *   not known yet (cluster/errors.ts says so in the message).
 */

/**
 * A cluster that did not answer in time (HTTP 504). Named a ServiceUnavailableError, the kind
 * MCP clients and templates know; its status says it was a timeout.
 */
export class ClusterTimeoutError extends ServiceUnavailableError {
  readonly statusCode = 504;
}

/**
 * A definition that cannot run as declared (HTTP 422): its author must fix it. Named a
 * ConflictError (the definition's state forbids the request), the kind MCP clients know.
 */
export class DefinitionInvalidError extends ConflictError {
  readonly statusCode = 422;
}

/**
 * A run refused because another run of the definition is active (HTTP 409, a ConflictError):
 * names that run, so a run request that cannot start can say which one was still going.
 */
export class ActiveRunError extends ConflictError {
  constructor(message: string, readonly activeRun?: string) {
    super(message);
  }
}

const STATUS_BY_NAME: Record<string, number> = {
  InputError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  NotImplementedError: 501,
  ServiceUnavailableError: 503,
};

/** The HTTP status of an error, as Backstage's error handler reads it (500 when unknown). */
export function statusCodeOf(error: unknown): number {
  const statusCode = (error as { statusCode?: unknown })?.statusCode;
  if (typeof statusCode === 'number') return statusCode;
  return isError(error) ? STATUS_BY_NAME[error.name] ?? 500 : 500;
}

/**
 * Whether a failure says something about a cluster or a definition (a 422, 503 or 504) rather
 * than about the backend: such failures are answered without an error log each time; the
 * watch logs a cluster's state changes once.
 */
export function isStateOfTheWorld(error: unknown): boolean {
  return [422, 503, 504].includes(statusCodeOf(error));
}
