/*
 * Builders for the `Status` bodies the apiserver returns.
 *
 * Field order, wording and `details` follow the recordings in
 * packages/sandbox-cluster/recordings (06-errors.json above all), because clients and the
 * plugin's own error handling key off `reason`, `code` and `details.kind`.
 */

/** `Status.details`. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: Array<{ reason?: string; message?: string; field?: string }>;
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

function failure(
  code: number,
  reason: string | undefined,
  message: string,
  details?: StatusDetails,
  metadata: Status['metadata'] = {},
): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata,
    status: 'Failure',
    message,
    ...(reason ? { reason } : {}),
    ...(details ? { details } : {}),
    code,
  });
}

/** `jobs.batch "x"` (or `jobs.batch` without a name) and the matching details. */
function subject(gr: GroupResource, name?: string) {
  const resource = gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
  const details: StatusDetails = {
    ...(name ? { name } : {}),
    ...(gr.group ? { group: gr.group } : {}),
    kind: gr.resource,
  };
  return { text: name ? `${resource} "${name}"` : resource, details };
}

/** 404 `jobs.batch "x" not found`. */
export function notFound(gr: GroupResource, name: string): ApiError {
  const { text, details } = subject(gr, name);
  return failure(404, 'NotFound', `${text} not found`, details);
}

/** 404 for a path the sandbox does not serve. */
export function pathNotFound(): ApiError {
  return failure(
    404,
    'NotFound',
    'the server could not find the requested resource',
    {},
  );
}

/** 409 `jobs.batch "x" already exists`. */
export function alreadyExists(gr: GroupResource, name: string): ApiError {
  const { text, details } = subject(gr, name);
  return failure(409, 'AlreadyExists', `${text} already exists`, details);
}

/** 409 `Operation cannot be fulfilled on jobs.batch "x": ...` (the optimistic lock). */
export function conflict(
  gr: GroupResource,
  name: string,
  message = 'the object has been modified; please apply your changes to the latest version and try again',
): ApiError {
  const { text, details } = subject(gr, name);
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${text}: ${message}`,
    details,
  );
}

/** 400 BadRequest without details. */
export function badRequest(message: string): ApiError {
  return failure(400, 'BadRequest', message);
}

/** 401, as returned for a missing or unknown bearer token. */
export function unauthorized(): ApiError {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

/** 403 from RBAC (or admission), with the apiserver's wording. */
export function forbidden(
  gr: GroupResource,
  name: string | undefined,
  reason: string,
): ApiError {
  const { text, details } = subject(gr, name);
  return failure(403, 'Forbidden', `${text} is forbidden: ${reason}`, details);
}

/** 415, with the apiserver's terse message. */
export function unsupportedMediaType(): ApiError {
  return failure(
    415,
    'UnsupportedMediaType',
    '415: Unsupported Media Type',
    {},
  );
}

/** 405 for a verb the sandbox does not serve on a resource. */
export function methodNotAllowed(): ApiError {
  return failure(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
    {},
  );
}

/** 410 Expired (too old resourceVersion or continue token), also inside watch streams. */
export function expired(
  message: string,
  metadata: Status['metadata'] = {},
): ApiError {
  return failure(410, 'Expired', message, undefined, metadata);
}

/**
 * 500 for errors the apiserver does not translate (no reason), e.g.
 * "resourceVersion should not be set on objects to be created".
 */
export function untranslated(message: string): ApiError {
  return failure(500, undefined, message);
}

/** 503 ServiceUnavailable (apierrors.NewServiceUnavailable). */
export function serviceUnavailable(message: string): ApiError {
  return failure(503, 'ServiceUnavailable', message);
}

/**
 * 429 TooManyRequests; the server turns `details.retryAfterSeconds` into a `Retry-After`
 * header, like the apiserver.
 */
export function tooManyRequests(
  message: string,
  retryAfterSeconds: number,
): ApiError {
  return failure(429, 'TooManyRequests', message, { retryAfterSeconds });
}

/** 500 InternalError: a sandbox bug, reported the way the apiserver would. */
export function internalError(message: string): ApiError {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ message }],
  });
}

/** Success Status returned by a DELETE that removed the object at once. */
export function deleteSuccess(
  gr: GroupResource,
  name: string,
  uid: string,
): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { ...subject(gr, name).details, uid },
  };
}

/** The kinds of field.Error of k8s.io/apimachinery, with their label and cause reason. */
const FIELD_ERRORS = {
  Required: ['Required value', 'FieldValueRequired'],
  Invalid: ['Invalid value', 'FieldValueInvalid'],
  NotSupported: ['Unsupported value', 'FieldValueNotSupported'],
  Duplicate: ['Duplicate value', 'FieldValueDuplicate'],
  TooLong: ['Too long', 'FieldValueTooLong'],
};

/** A field validation error (k8s.io/apimachinery/pkg/util/validation/field). */
export interface FieldError {
  type: keyof typeof FIELD_ERRORS;
  field: string;
  /** The offending value, already rendered the Go way (`"x"`, `3`, `map[...]`). */
  badValue?: string;
  detail?: string;
}

/** field.Error.ErrorBody(): `Invalid value: "x": detail`. */
function fieldErrorBody(error: FieldError): string {
  const shown = ['Invalid', 'NotSupported', 'Duplicate'].includes(error.type)
    ? error.badValue
    : undefined;
  return [FIELD_ERRORS[error.type][0], shown, error.detail]
    .filter(part => part !== undefined && part !== '')
    .join(': ');
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
};

/**
 * 422 Invalid, e.g. `Job.batch "x" is invalid: [a, b]`. Like utilerrors.NewAggregate,
 * identical messages are listed once in the message but every cause stays in `details.causes`.
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
  return failure(
    422,
    'Invalid',
    `${qualifiedKind} "${name}" is invalid: ${aggregate}`,
    {
      ...(name ? { name } : {}),
      ...(kind.group ? { group: kind.group } : {}),
      kind: kind.kind,
      causes: errors.map(e => ({
        reason: FIELD_ERRORS[e.type][1],
        message: fieldErrorBody(e),
        field: e.field,
      })),
    },
  );
}
