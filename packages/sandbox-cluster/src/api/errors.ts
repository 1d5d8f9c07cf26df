/*
 * Builders for the `Status` bodies the apiserver returns.
 *
 * Field order, wording and `details` follow the recordings in
 * packages/sandbox-cluster/recordings (06-errors.json above all), because clients and the
 * plugin's own error handling key off `reason`, `code` and `details.kind`.
 */

/** A `Status` cause. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** `Status.details`. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A meta.k8s.io/v1 Status object. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string };
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

/** An API failure: thrown by the registry, rendered by the server. */
export class ApiError extends Error {
  constructor(
    readonly status: Status,
    /** Warning headers to send along with the error (e.g. the Job orphan warning). */
    readonly warnings: string[] = [],
  ) {
    super(status.message);
    this.name = 'ApiError';
  }

  get code(): number {
    return this.status.code ?? 500;
  }
}

/** A resource plus its API group, e.g. `jobs.batch` or `pods`. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** `jobs.batch`, or `pods` for the core group. */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function failure(
  code: number,
  reason: string | undefined,
  message: string,
  details?: StatusDetails,
  metadata: Status['metadata'] = {},
): Status {
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata,
    status: 'Failure',
    message,
  };
  if (reason) {
    status.reason = reason;
  }
  if (details) {
    status.details = details;
  }
  status.code = code;
  return status;
}

function resourceDetails(gr: GroupResource, name?: string): StatusDetails {
  const details: StatusDetails = {};
  if (name) {
    details.name = name;
  }
  if (gr.group) {
    details.group = gr.group;
  }
  details.kind = gr.resource;
  return details;
}

/** 404 `jobs.batch "x" not found`. */
export function notFound(gr: GroupResource, name: string): ApiError {
  return new ApiError(
    failure(
      404,
      'NotFound',
      `${qualifiedResource(gr)} "${name}" not found`,
      resourceDetails(gr, name),
    ),
  );
}

/** 404 for a path the server does not serve. */
export function pathNotFound(): ApiError {
  return new ApiError(
    failure(
      404,
      'NotFound',
      'the server could not find the requested resource',
      {},
    ),
  );
}

/** 409 `jobs.batch "x" already exists`. */
export function alreadyExists(gr: GroupResource, name: string): ApiError {
  return new ApiError(
    failure(
      409,
      'AlreadyExists',
      `${qualifiedResource(gr)} "${name}" already exists`,
      resourceDetails(gr, name),
    ),
  );
}

/** The optimistic-lock message of the apiserver. */
export const OPTIMISTIC_LOCK_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

/** 409 `Operation cannot be fulfilled on jobs.batch "x": ...`. */
export function conflict(
  gr: GroupResource,
  name: string,
  message: string = OPTIMISTIC_LOCK_MESSAGE,
): ApiError {
  return new ApiError(
    failure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(
        gr,
      )} "${name}": ${message}`,
      resourceDetails(gr, name),
    ),
  );
}

/** 400 BadRequest without details. */
export function badRequest(message: string): ApiError {
  return new ApiError(failure(400, 'BadRequest', message));
}

/** 401, as returned for a missing or unknown bearer token. */
export function unauthorized(): ApiError {
  return new ApiError(failure(401, 'Unauthorized', 'Unauthorized'));
}

/** 403 from RBAC (or admission), with the apiserver's wording. */
export function forbidden(
  gr: GroupResource,
  name: string | undefined,
  reason: string,
): ApiError {
  const subject = name
    ? `${qualifiedResource(gr)} "${name}"`
    : qualifiedResource(gr);
  return new ApiError(
    failure(
      403,
      'Forbidden',
      `${subject} is forbidden: ${reason}`,
      resourceDetails(gr, name),
    ),
  );
}

/** 403 for a non-resource URL (e.g. /version). */
export function forbiddenPath(message: string): ApiError {
  return new ApiError(failure(403, 'Forbidden', message, {}));
}

/** 415, with the apiserver's terse message. */
export function unsupportedMediaType(
  message = '415: Unsupported Media Type',
): ApiError {
  return new ApiError(failure(415, 'UnsupportedMediaType', message, {}));
}

/** 405 for a verb the resource does not support. */
export function methodNotAllowed(): ApiError {
  return new ApiError(
    failure(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
      {},
    ),
  );
}

/** 406 for an Accept header the sandbox cannot serve. */
export function notAcceptable(): ApiError {
  return new ApiError(
    failure(
      406,
      'NotAcceptable',
      'only the following media types are accepted: application/json',
      {},
    ),
  );
}

/** 410 Expired (too old resourceVersion / continue token). */
export function expired(
  message: string,
  metadata: Status['metadata'] = {},
): ApiError {
  return new ApiError(failure(410, 'Expired', message, undefined, metadata));
}

/** The Status body of a 410 inside a watch stream (ERROR event). */
export function expiredStatus(message: string): Status {
  return failure(410, 'Expired', message);
}

/** 413 for oversized bodies (the apiserver limit is 3 MiB). */
export function tooLarge(limit: number): ApiError {
  return new ApiError(
    failure(
      413,
      'RequestEntityTooLarge',
      `Request entity too large: limit is ${limit}`,
    ),
  );
}

/** 504 when a client asks for a resourceVersion the sandbox has not reached. */
export function tooLargeResourceVersion(
  requested: number,
  current: number,
): ApiError {
  return new ApiError(
    failure(
      504,
      'Timeout',
      `Timeout: Too large resource version: ${requested}, current: ${current}`,
      {
        causes: [
          {
            reason: 'ResourceVersionTooLarge',
            message: 'Too large resource version',
          },
        ],
        retryAfterSeconds: 1,
      },
    ),
  );
}

/**
 * 500 for errors the apiserver does not translate (no reason), e.g.
 * "resourceVersion should not be set on objects to be created".
 */
export function untranslated(message: string): ApiError {
  return new ApiError(failure(500, undefined, message));
}

/** 503 ServiceUnavailable (apierrors.NewServiceUnavailable). */
export function serviceUnavailable(message: string): ApiError {
  return new ApiError(failure(503, 'ServiceUnavailable', message));
}

/**
 * 429 TooManyRequests (apierrors.NewTooManyRequests); the server turns
 * `details.retryAfterSeconds` into a `Retry-After` header, like the apiserver.
 */
export function tooManyRequests(
  message: string,
  retryAfterSeconds: number,
): ApiError {
  return new ApiError(
    failure(429, 'TooManyRequests', message, { retryAfterSeconds }),
  );
}

/** 500 InternalError: a sandbox bug, reported the way the apiserver would. */
export function internalError(message: string): ApiError {
  return new ApiError(
    failure(500, 'InternalError', `Internal error occurred: ${message}`, {
      causes: [{ message }],
    }),
  );
}

/** Success Status returned by a DELETE that removed the object at once. */
export function deleteSuccess(
  gr: GroupResource,
  name: string,
  uid: string,
): Status {
  const details = resourceDetails(gr, name);
  details.uid = uid;
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details,
  };
}

/** The kinds of field.Error of k8s.io/apimachinery. */
export type FieldErrorType =
  | 'Required'
  | 'Invalid'
  | 'NotSupported'
  | 'Duplicate'
  | 'Forbidden'
  | 'TooLong'
  | 'TooMany';

/** A field validation error (k8s.io/apimachinery/pkg/util/validation/field). */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  /** The offending value, already rendered the Go way (`"x"`, `3`, `map[...]`). */
  badValue?: string;
  detail?: string;
}

const FIELD_ERROR_LABEL: Record<FieldErrorType, string> = {
  Required: 'Required value',
  Invalid: 'Invalid value',
  NotSupported: 'Unsupported value',
  Duplicate: 'Duplicate value',
  Forbidden: 'Forbidden',
  TooLong: 'Too long',
  TooMany: 'Too many',
};

const FIELD_ERROR_REASON: Record<FieldErrorType, string> = {
  Required: 'FieldValueRequired',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Duplicate: 'FieldValueDuplicate',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
};

/** field.Error.ErrorBody(): `Invalid value: "x": detail`. */
export function fieldErrorBody(error: FieldError): string {
  let body = FIELD_ERROR_LABEL[error.type];
  const showsValue =
    error.type !== 'Required' &&
    error.type !== 'Forbidden' &&
    error.type !== 'TooLong' &&
    error.badValue !== undefined;
  if (showsValue) {
    body += `: ${error.badValue}`;
  }
  if (error.detail) {
    body += `: ${error.detail}`;
  }
  return body;
}

/** Shorthand constructors mirroring field.Required / field.Invalid / ... */
export const fieldErrors = {
  required: (field: string, detail?: string): FieldError => ({
    type: 'Required',
    field,
    detail,
  }),
  invalid: (field: string, badValue: string, detail?: string): FieldError => ({
    type: 'Invalid',
    field,
    badValue,
    detail,
  }),
  notSupported: (
    field: string,
    badValue: string,
    supported: string[],
  ): FieldError => ({
    type: 'NotSupported',
    field,
    badValue,
    detail: `supported values: ${supported
      .map(s => JSON.stringify(s))
      .join(', ')}`,
  }),
  duplicate: (field: string, badValue: string): FieldError => ({
    type: 'Duplicate',
    field,
    badValue,
  }),
  forbidden: (field: string, detail: string): FieldError => ({
    type: 'Forbidden',
    field,
    detail,
  }),
};

/**
 * 422 Invalid, e.g. `Job.batch "x" is invalid: [a, b]`.
 *
 * Like utilerrors.NewAggregate, identical messages are listed once in the
 * message but every cause stays in `details.causes`.
 */
export function invalid(
  kind: { kind: string; group: string },
  name: string,
  errors: FieldError[],
): ApiError {
  const lines = [
    ...new Set(errors.map(e => `${e.field}: ${fieldErrorBody(e)}`)),
  ];
  const aggregate = lines.length === 1 ? lines[0] : `[${lines.join(', ')}]`;
  const qualifiedKind = kind.group ? `${kind.kind}.${kind.group}` : kind.kind;
  const details: StatusDetails = {};
  if (name) {
    details.name = name;
  }
  if (kind.group) {
    details.group = kind.group;
  }
  details.kind = kind.kind;
  details.causes = errors.map(e => ({
    reason: FIELD_ERROR_REASON[e.type],
    message: fieldErrorBody(e),
    field: e.field,
  }));
  return new ApiError(
    failure(
      422,
      'Invalid',
      `${qualifiedKind} "${name}" is invalid: ${aggregate}`,
      details,
    ),
  );
}

/** The generic 422 of a JSON patch that cannot be applied (recording 05). */
export function unprocessablePatch(): ApiError {
  return new ApiError(
    failure(
      422,
      'Invalid',
      'the server rejected our request due to an error in our request',
      {},
    ),
  );
}
