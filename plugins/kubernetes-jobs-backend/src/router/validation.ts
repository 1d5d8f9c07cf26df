import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  DEFAULT_PARAMETER_MAX_LENGTH,
  DefinitionKind,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { z } from 'zod';

// RFC 1123 label (namespaces, container names) and subdomain (object names), as Kubernetes checks them.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Cluster names are Backstage config names; they are only ever looked up, never used in a URL.
const CLUSTER_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

const namespace = z
  .string()
  .max(63)
  .regex(
    DNS_LABEL,
    'must be an RFC 1123 label (lower case letters, digits and -)',
  );
const objectName = z
  .string()
  .max(253)
  .regex(
    DNS_SUBDOMAIN,
    'must be an RFC 1123 subdomain (lower case letters, digits, - and .)',
  );
const cluster = z
  .string()
  .max(253)
  .regex(CLUSTER_NAME, 'is not a valid cluster name');

// kind:name or kind:namespace/name, with the characters the catalog allows in each part.
const ENTITY_REF =
  /^[A-Za-z0-9][-A-Za-z0-9_.]*:([A-Za-z0-9][-A-Za-z0-9_.]*\/)?[A-Za-z0-9][-A-Za-z0-9_.]*$/;

const entityRef = z
  .string({
    required_error: 'is required (for example component:default/shop)',
  })
  .regex(ENTITY_REF, 'is not an entity reference like component:default/shop')
  .transform((value, ctx) => {
    try {
      return stringifyEntityRef(parseEntityRef(value));
    } catch {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'is not an entity reference like component:default/shop',
      });
      return z.NEVER;
    }
  });

const kind = z
  .enum(['job', 'cronjob'], {
    errorMap: () => ({ message: "must be 'job' or 'cronjob'" }),
  })
  .transform(
    (value): DefinitionKind => (value === 'cronjob' ? 'CronJob' : 'Job'),
  );

export const definitionParams = z.object({
  cluster,
  namespace,
  kind,
  name: objectName,
});
export const runParams = z.object({ cluster, namespace, name: objectName });
export const entityQuery = z.object({ entityRef });
/**
 * `GET /definitions`: one entity's definitions (`entityRef`), or every definition the caller may
 * see, whole or, when any of `limit`, `cursor`, `q`, the filters or `sort` is given, one page
 * (`limit` 50 by default).
 */
export const definitionListQuery = z
  .object({
    entityRef: entityRef.optional(),
    limit: z.coerce
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(200, 'must be at most 200')
      .optional(),
    cursor: z
      .string()
      .max(1000, 'must be a cursor returned by a previous page')
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor returned by a previous page')
      .optional(),
    q: z.string().max(200, 'must be at most 200 characters').optional(),
    cluster: cluster.optional(),
    namespace: namespace.optional(),
    owner: entityRef.optional(),
    state: z
      .enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Killed', 'never'], {
        errorMap: () => ({
          message:
            "must be one of Pending, Running, Succeeded, Failed, Killed or 'never'",
        }),
      })
      .optional(),
    sort: z
      .enum(['name', 'lastRun'], {
        errorMap: () => ({ message: "must be 'name' or 'lastRun'" }),
      })
      .optional(),
  })
  .superRefine((query, ctx) => {
    const { entityRef: ref, ...paging } = query;
    if (ref && Object.values(paging).some(v => v !== undefined)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message:
          "paging and filters are for the list of every Job: an entity's Jobs come whole",
        path: ['entityRef'],
      });
    }
  });
export const entityBody = z.object(
  { entityRef },
  {
    required_error: 'a JSON body { "entityRef": "..." } is required',
    invalid_type_error: 'the body must be a JSON object { "entityRef": "..." }',
  },
);
export const runBody = entityBody.extend({
  parameters: z
    .record(
      z.union([
        z.string().max(DEFAULT_PARAMETER_MAX_LENGTH),
        z.number(),
        z.boolean(),
      ]),
      {
        invalid_type_error:
          'must be an object of parameter names to text, numbers or true/false',
      },
    )
    .optional(),
});
export const requestBody = runBody.extend({
  at: z
    .string()
    .datetime({
      offset: true,
      message:
        'must be a date and time with its zone, like 2026-12-24T02:00:00Z or 2026-12-24T03:00:00+01:00',
    })
    .optional(),
});
const comment = z.string().max(1000, 'must be at most 1000 characters');
export const decisionBody = entityBody.extend({ comment: comment.optional() });
export const requestParams = z.object({
  id: z
    .string()
    .regex(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      'is not a run request id',
    ),
});
export const pendingQuery = z.object({
  waitingForMe: z
    .enum(['true', 'false'], {
      errorMap: () => ({ message: "must be 'true' or 'false'" }),
    })
    .transform(value => value === 'true')
    .optional(),
});
export const scheduleBody = entityBody.extend({
  suspend: z.boolean({
    required_error:
      'is required: true to pause the schedule, false to resume it',
  }),
});
export const logsQuery = z.object({
  entityRef,
  pod: objectName.optional(),
  container: z
    .string()
    .max(63)
    .regex(DNS_LABEL, 'must be an RFC 1123 label')
    .optional(),
  tailLines: z.coerce
    .number()
    .int('must be a whole number')
    .min(1)
    .max(10000)
    .optional(),
});

/** Parses input, or throws an InputError naming each field that is wrong and why. */
export function parse<T extends z.ZodTypeAny>(
  schema: T,
  input: unknown,
  where: string,
): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map(issue => {
      const field = issue.path.join('.');
      return field ? `${field} ${issue.message}` : issue.message;
    });
    throw new InputError(`Invalid ${where}: ${problems.join('; ')}`);
  }
  return result.data;
}

export const historyQuery = z.object({
  entityRef,
  limit: z.coerce
    .number()
    .int('must be a whole number')
    .min(1)
    .max(200)
    .default(50),
  cursor: z
    .string()
    .regex(/^\d+$/, 'must be a cursor returned by a previous page')
    .optional(),
});
