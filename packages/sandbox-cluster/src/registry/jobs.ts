/*
 * batch/v1 Job: defaults (pkg/apis/batch/v1/defaults.go), selector generation
 * (pkg/registry/batch/job/strategy.go) and validation (pkg/apis/batch/validation), as observed
 * in recordings 01, 03 and 06.
 */
import { FieldError, fieldErrors } from '../api/errors';
import { goLabelSelector, goPodTemplate, goStringMap } from '../api/goFormat';
import { jobSchema } from '../api/schema';
import { matchesSelectorObject } from '../api/selectors';
import { deepEqual, isPlainObject, JsonObject, KubeObject } from '../api/types';
import {
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../api/validation';
import { defaultPodTemplate, validatePodTemplate } from './pods';
import { Strategy } from './strategy';

/** Labels the apiserver puts on a Job's pod template (and so on its pods). */
export const JOB_LABELS = {
  controllerUid: 'batch.kubernetes.io/controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
  legacyControllerUid: 'controller-uid',
  legacyJobName: 'job-name',
};

/** A Job without labels gets the labels of its pod template. */
function labelsFromTemplate(job: KubeObject) {
  const templateLabels = job.spec?.template?.metadata?.labels;
  if (templateLabels && !Object.keys(job.metadata.labels ?? {}).length) {
    job.metadata.labels = { ...templateLabels };
  }
}

/** SetDefaults_Job, plus the pod template defaults. */
function defaultJobSpec(spec: JsonObject) {
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??=
    spec.backoffLimitPerIndex !== undefined ? 2147483647 : 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= spec.podFailurePolicy
    ? 'Failed'
    : 'TerminatingOrFailed';
  spec.manualSelector ??= false;
  spec.template = isPlainObject(spec.template) ? spec.template : {};
  defaultPodTemplate(spec.template);
}

/**
 * generateSelector: adds the job-name / controller-uid labels to the pod template (unless the
 * user set them, which validation then rejects) and selects on the controller uid.
 */
function generateSelector(job: KubeObject) {
  const template = job.spec.template;
  template.metadata ??= {};
  const labels: Record<string, string> = (template.metadata.labels ??= {});
  const { name = '', uid = '' } = job.metadata;
  labels[JOB_LABELS.legacyJobName] ??= name;
  labels[JOB_LABELS.jobName] ??= name;
  labels[JOB_LABELS.legacyControllerUid] ??= uid;
  labels[JOB_LABELS.controllerUid] ??= uid;
  job.spec.selector ??= {};
  job.spec.selector.matchLabels ??= {};
  job.spec.selector.matchLabels[JOB_LABELS.controllerUid] ??= uid;
}

/** validateGeneratedSelector (skipped when manualSelector is true). */
function validateGeneratedSelector(job: KubeObject): FieldError[] {
  if (job.spec?.manualSelector === true || !job.spec?.selector) {
    return [];
  }
  const labels = job.spec.template?.metadata?.labels;
  const { uid = '', name = '' } = job.metadata;
  const expected: Record<string, string> = {
    [JOB_LABELS.legacyControllerUid]: uid,
    [JOB_LABELS.legacyJobName]: name,
    [JOB_LABELS.controllerUid]: uid,
    [JOB_LABELS.jobName]: name,
  };
  const errors = Object.entries(expected).flatMap(([key, value]) => {
    const field = `spec.template.metadata.labels[${key}]`;
    if (!labels || !(key in labels)) {
      return [fieldErrors.required(field, `must be '${value}'`)];
    }
    return labels[key] === value
      ? []
      : [fieldErrors.invalid(field, goStringMap(labels), `must be '${value}'`)];
  });
  if (!matchesSelectorObject(job.spec.selector, expected)) {
    errors.push(
      fieldErrors.invalid(
        'spec.selector',
        goLabelSelector(job.spec.selector),
        '`selector` not auto-generated',
      ),
    );
  }
  return errors;
}

/** validateJobSpec: the checks shared by Jobs and CronJob job templates. */
export function validateJobSpecCommon(
  spec: JsonObject,
  path: string,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of [
    'parallelism',
    'completions',
    'activeDeadlineSeconds',
    'backoffLimit',
    'ttlSecondsAfterFinished',
  ]) {
    if (spec[field] < 0) {
      errors.push(
        fieldErrors.invalid(
          `${path}.${field}`,
          String(spec[field]),
          'must be greater than or equal to 0',
        ),
      );
    }
  }
  errors.push(...validatePodTemplate(spec.template, `${path}.template`));
  const restartPolicy = spec.template?.spec?.restartPolicy;
  if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errors.push(
      fieldErrors.required(
        `${path}.template.spec.restartPolicy`,
        'valid values: "OnFailure", "Never"',
      ),
    );
  }
  return errors;
}

function validateJobSpec(spec: JsonObject): FieldError[] {
  const errors = validateJobSpecCommon(spec, 'spec');
  if (!spec.selector) {
    errors.push(fieldErrors.required('spec.selector'));
  } else if (
    !matchesSelectorObject(spec.selector, spec.template?.metadata?.labels)
  ) {
    // Whether generated or manual, the selector must match the pods it makes.
    errors.push(
      fieldErrors.invalid(
        'spec.template.metadata.labels',
        goStringMap(spec.template?.metadata?.labels),
        '`selector` does not match template `labels`',
      ),
    );
  }
  return errors;
}

/** The Job strategy. */
export const jobStrategy: Strategy = {
  schema: jobSchema,
  hasGeneration: true,

  applyDefaults(job) {
    job.spec = isPlainObject(job.spec) ? job.spec : {};
    // The user's template labels, before the generated selector labels are added.
    labelsFromTemplate(job);
    defaultJobSpec(job.spec);
  },

  prepareForCreate(job) {
    job.status = {};
    if (job.spec.manualSelector !== true) {
      generateSelector(job);
    }
  },

  defaultStored(job) {
    // The apiserver defaults again when it decodes the stored object, so a Job created
    // without labels ends up with its template's labels, generated ones included
    // (recording 06: "warned", "dup-name").
    labelsFromTemplate(job);
  },

  validate(job) {
    return [
      ...validateObjectMeta(job.metadata, true),
      ...validateGeneratedSelector(job),
      ...validateJobSpec(job.spec ?? {}),
    ];
  },

  validateUpdate(job, old) {
    const spec = job.spec ?? {};
    const oldSpec = old.spec ?? {};
    const errors = [
      ...validateObjectMetaUpdate(job.metadata, old.metadata),
      ...validateJobSpec(spec),
    ];
    if (spec.completions !== oldSpec.completions) {
      errors.push(
        fieldErrors.invalid(
          'spec.completions',
          String(spec.completions ?? 'null'),
          'field is immutable',
        ),
      );
    }
    if (!deepEqual(spec.selector, oldSpec.selector)) {
      errors.push(
        fieldErrors.invalid(
          'spec.selector',
          goLabelSelector(spec.selector),
          'field is immutable',
        ),
      );
    }
    if (!deepEqual(spec.template, oldSpec.template)) {
      errors.push(
        fieldErrors.invalid(
          'spec.template',
          goPodTemplate(spec.template),
          'field is immutable',
        ),
      );
    }
    return errors;
  },
};
