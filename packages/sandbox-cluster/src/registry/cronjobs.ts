/*
 * batch/v1 CronJob: defaults and validation (recording 08). The sandbox does
 * not schedule CronJobs; see README.
 */
import { FieldError, fieldErrors } from '../api/errors';
import { goLabelSelector, goQuote } from '../api/goFormat';
import { cronJobSchema } from '../api/schema';
import { isPlainObject, KubeObject } from '../api/types';
import {
  validateAnnotations,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../api/validation';
import { validateCronSchedule } from './cronSchedule';
import { defaultPodTemplate } from './podSpec';
import { validateJobSpecCommon } from './jobs';
import { metadataFields, Strategy } from './strategy';

function validateTimeZone(timeZone: unknown): FieldError[] {
  if (timeZone === undefined) {
    return [];
  }
  const zone = String(timeZone);
  try {
    if (!zone || zone.includes(' ')) {
      throw new Error();
    }
    // Throws a RangeError for zones the runtime (IANA database) does not know.
    Intl.DateTimeFormat('en-US', { timeZone: zone });
    return [];
  } catch {
    return [
      fieldErrors.invalid(
        'spec.timeZone',
        goQuote(zone),
        `unknown time zone ${zone}`,
      ),
    ];
  }
}

function validateCronJobSpec(cronJob: KubeObject): FieldError[] {
  const spec = cronJob.spec ?? {};
  const errors: FieldError[] = [];
  if (!spec.schedule) {
    errors.push(fieldErrors.required('spec.schedule'));
  } else {
    const problem = validateCronSchedule(spec.schedule);
    if (problem) {
      errors.push(
        fieldErrors.invalid('spec.schedule', goQuote(spec.schedule), problem),
      );
    }
  }
  errors.push(...validateTimeZone(spec.timeZone));
  if (
    typeof spec.startingDeadlineSeconds === 'number' &&
    spec.startingDeadlineSeconds < 0
  ) {
    errors.push(
      fieldErrors.invalid(
        'spec.startingDeadlineSeconds',
        String(spec.startingDeadlineSeconds),
        'must be greater than or equal to 0',
      ),
    );
  }
  const policies = ['Allow', 'Forbid', 'Replace'];
  if (!spec.concurrencyPolicy) {
    errors.push(fieldErrors.required('spec.concurrencyPolicy'));
  } else if (!policies.includes(spec.concurrencyPolicy)) {
    errors.push(
      fieldErrors.notSupported(
        'spec.concurrencyPolicy',
        goQuote(spec.concurrencyPolicy),
        policies,
      ),
    );
  }
  const jobTemplate = spec.jobTemplate ?? {};
  errors.push(
    ...validateLabels(
      jobTemplate.metadata?.labels,
      'spec.jobTemplate.metadata.labels',
    ),
    ...validateAnnotations(
      jobTemplate.metadata?.annotations,
      'spec.jobTemplate.metadata.annotations',
    ),
  );
  const jobSpec = jobTemplate.spec ?? {};
  errors.push(...validateJobSpecCommon(jobSpec, 'spec.jobTemplate.spec'));
  if (jobSpec.selector) {
    errors.push(
      fieldErrors.invalid(
        'spec.jobTemplate.spec.selector',
        goLabelSelector(jobSpec.selector),
        '`selector` will be auto-generated',
      ),
    );
  }
  if (jobSpec.manualSelector === true) {
    errors.push(
      fieldErrors.notSupported('spec.jobTemplate.spec.manualSelector', 'true', [
        'nil',
        'false',
      ]),
    );
  }
  for (const field of [
    'successfulJobsHistoryLimit',
    'failedJobsHistoryLimit',
  ]) {
    if (typeof spec[field] === 'number' && spec[field] < 0) {
      errors.push(
        fieldErrors.invalid(
          `spec.${field}`,
          String(spec[field]),
          'must be greater than or equal to 0',
        ),
      );
    }
  }
  return errors;
}

function validateName(cronJob: KubeObject): FieldError[] {
  // Jobs created by the CronJob controller append an 11-character suffix.
  const name = cronJob.metadata.name ?? '';
  if (name.length > 52) {
    return [
      fieldErrors.invalid(
        'metadata.name',
        goQuote(name),
        'must be no more than 52 characters',
      ),
    ];
  }
  return [];
}

/** The CronJob strategy. */
export const cronJobStrategy: Strategy = {
  schema: cronJobSchema,
  nameRule: 'subdomain',
  hasGeneration: true,

  applyDefaults(cronJob) {
    const spec = (cronJob.spec = isPlainObject(cronJob.spec)
      ? cronJob.spec
      : {});
    spec.concurrencyPolicy ||= 'Allow';
    spec.suspend ??= false;
    spec.successfulJobsHistoryLimit ??= 3;
    spec.failedJobsHistoryLimit ??= 1;
    const jobTemplate = (spec.jobTemplate = isPlainObject(spec.jobTemplate)
      ? spec.jobTemplate
      : {});
    jobTemplate.metadata = isPlainObject(jobTemplate.metadata)
      ? jobTemplate.metadata
      : {};
    if (!('creationTimestamp' in jobTemplate.metadata)) {
      jobTemplate.metadata.creationTimestamp = null;
    }
    // Only the pod template inside gets defaults; parallelism, completions
    // and backoffLimit stay unset until a Job is created from it.
    jobTemplate.spec = isPlainObject(jobTemplate.spec) ? jobTemplate.spec : {};
    jobTemplate.spec.template = isPlainObject(jobTemplate.spec.template)
      ? jobTemplate.spec.template
      : {};
    defaultPodTemplate(jobTemplate.spec.template);
  },

  prepareForCreate(cronJob) {
    cronJob.status = {};
  },

  validate(cronJob) {
    return [
      ...validateObjectMeta(cronJob.metadata, {
        namespaced: true,
        nameRule: 'subdomain',
      }),
      ...validateName(cronJob),
      ...validateCronJobSpec(cronJob),
    ];
  },

  prepareForUpdate(cronJob, old) {
    cronJob.status = old.status;
  },

  validateUpdate(cronJob, old) {
    return [
      ...validateObjectMetaUpdate(cronJob.metadata, old.metadata, {
        namespaced: true,
        nameRule: 'subdomain',
      }),
      ...validateCronJobSpec(cronJob),
    ];
  },

  emptyObject() {
    return {
      kind: 'CronJob',
      apiVersion: 'batch/v1',
      metadata: { creationTimestamp: null },
      spec: {
        schedule: '',
        jobTemplate: {
          metadata: { creationTimestamp: null },
          spec: {
            template: {
              metadata: { creationTimestamp: null },
              spec: { containers: null },
            },
          },
        },
      },
      status: {},
    };
  },

  fieldSet: metadataFields,
};
