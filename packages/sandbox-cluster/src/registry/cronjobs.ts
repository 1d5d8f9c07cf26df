/*
 * batch/v1 CronJob: defaults and validation (recording 08). The sandbox does not schedule
 * CronJobs, nor parse their schedules: see README.
 */
import { fieldErrors } from '../api/errors';
import { goLabelSelector } from '../api/goFormat';
import { cronJobSchema } from '../api/schema';
import { isPlainObject, KubeObject } from '../api/types';
import {
  validateLabelsAndAnnotations,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../api/validation';
import { validateJobSpecCommon } from './jobs';
import { defaultPodTemplate } from './pods';
import { Strategy } from './strategy';

function validateCronJobSpec(cronJob: KubeObject) {
  const spec = cronJob.spec ?? {};
  const jobTemplate = spec.jobTemplate ?? {};
  const errors = [
    ...(spec.schedule ? [] : [fieldErrors.required('spec.schedule')]),
    ...validateLabelsAndAnnotations(
      jobTemplate.metadata ?? {},
      'spec.jobTemplate.metadata.',
    ),
    ...validateJobSpecCommon(jobTemplate.spec ?? {}, 'spec.jobTemplate.spec'),
  ];
  if (jobTemplate.spec?.selector) {
    errors.push(
      fieldErrors.invalid(
        'spec.jobTemplate.spec.selector',
        goLabelSelector(jobTemplate.spec.selector),
        '`selector` will be auto-generated',
      ),
    );
  }
  return errors;
}

/** The CronJob strategy. */
export const cronJobStrategy: Strategy = {
  schema: cronJobSchema,
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
    const name = cronJob.metadata.name ?? '';
    return [
      ...validateObjectMeta(cronJob.metadata, true),
      // Jobs created by the CronJob controller append an 11-character suffix.
      ...(name.length > 52
        ? [
            fieldErrors.invalid(
              'metadata.name',
              JSON.stringify(name),
              'must be no more than 52 characters',
            ),
          ]
        : []),
      ...validateCronJobSpec(cronJob),
    ];
  },

  validateUpdate(cronJob, old) {
    return [
      ...validateObjectMetaUpdate(cronJob.metadata, old.metadata),
      ...validateCronJobSpec(cronJob),
    ];
  },
};
