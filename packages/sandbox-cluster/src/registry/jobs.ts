/*
 * batch/v1 Job: defaults (pkg/apis/batch/v1/defaults.go), selector
 * generation (pkg/registry/batch/job/strategy.go) and validation
 * (pkg/apis/batch/validation), as observed in recordings 01, 03 and 06.
 */
import { FieldError, fieldErrors } from '../api/errors';
import {
  goLabelSelector,
  goPodTemplate,
  goQuote,
  goStringMap,
} from '../api/goFormat';
import { jobSchema } from '../api/schema';
import { matchesSelectorObject } from '../api/selectors';
import { deepEqual, isPlainObject, JsonObject, KubeObject } from '../api/types';
import {
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../api/validation';
import { defaultPodTemplate, validatePodTemplate } from './podSpec';
import { metadataFields, Strategy } from './strategy';

/** Labels the apiserver puts on a Job's pod template (and so on its pods). */
export const JOB_LABELS = {
  controllerUid: 'batch.kubernetes.io/controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
  legacyControllerUid: 'controller-uid',
  legacyJobName: 'job-name',
};

/**
 * SetDefaults_Job, plus the pod template defaults. Shared with the Job
 * templates of CronJobs only for the template part.
 */
export function defaultJobSpec(spec: JsonObject, metadata?: JsonObject) {
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??=
    spec.backoffLimitPerIndex !== undefined ? 2147483647 : 6;
  // A Job without labels gets the labels of its pod template (the user's
  // template labels, before the generated selector labels are added).
  const templateLabels = spec.template?.metadata?.labels;
  if (
    metadata &&
    templateLabels &&
    !Object.keys(metadata.labels ?? {}).length
  ) {
    metadata.labels = { ...templateLabels };
  }
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
 * generateSelector: adds the job-name / controller-uid labels to the pod
 * template (unless the user set them, which validation then rejects) and
 * selects on the controller uid.
 */
function generateSelector(job: KubeObject) {
  const template = job.spec.template;
  template.metadata ??= {};
  const labels: Record<string, string> = (template.metadata.labels ??= {});
  for (const key of [JOB_LABELS.legacyJobName, JOB_LABELS.jobName]) {
    if (!(key in labels)) {
      labels[key] = job.metadata.name ?? '';
    }
  }
  for (const key of [
    JOB_LABELS.legacyControllerUid,
    JOB_LABELS.controllerUid,
  ]) {
    if (!(key in labels)) {
      labels[key] = job.metadata.uid ?? '';
    }
  }
  job.spec.selector ??= {};
  job.spec.selector.matchLabels ??= {};
  if (!(JOB_LABELS.controllerUid in job.spec.selector.matchLabels)) {
    job.spec.selector.matchLabels[JOB_LABELS.controllerUid] = job.metadata.uid;
  }
}

function validateHasLabel(
  labels: Record<string, string> | undefined,
  key: string,
  expected: string,
): FieldError[] {
  const field = `spec.template.metadata.labels[${key}]`;
  if (!labels || !(key in labels)) {
    return [fieldErrors.required(field, `must be '${expected}'`)];
  }
  if (labels[key] !== expected) {
    return [
      fieldErrors.invalid(field, goStringMap(labels), `must be '${expected}'`),
    ];
  }
  return [];
}

/** validateGeneratedSelector (skipped when manualSelector is true). */
function validateGeneratedSelector(job: KubeObject): FieldError[] {
  if (job.spec?.manualSelector === true || !job.spec?.selector) {
    return [];
  }
  const labels = job.spec.template?.metadata?.labels;
  const uid = job.metadata.uid ?? '';
  const name = job.metadata.name ?? '';
  const errors = [
    ...validateHasLabel(labels, JOB_LABELS.legacyControllerUid, uid),
    ...validateHasLabel(labels, JOB_LABELS.legacyJobName, name),
    ...validateHasLabel(labels, JOB_LABELS.controllerUid, uid),
    ...validateHasLabel(labels, JOB_LABELS.jobName, name),
  ];
  const expected = {
    [JOB_LABELS.controllerUid]: uid,
    [JOB_LABELS.jobName]: name,
  };
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

function nonNegative(
  spec: JsonObject,
  field: string,
  path: string,
): FieldError[] {
  const value = spec[field];
  if (typeof value === 'number' && value < 0) {
    return [
      fieldErrors.invalid(
        `${path}.${field}`,
        String(value),
        'must be greater than or equal to 0',
      ),
    ];
  }
  return [];
}

/**
 * validateJobSpec: the checks shared by Jobs and CronJob job templates.
 */
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
    errors.push(...nonNegative(spec, field, path));
  }
  if (
    spec.completionMode &&
    !['NonIndexed', 'Indexed'].includes(spec.completionMode)
  ) {
    errors.push(
      fieldErrors.notSupported(
        `${path}.completionMode`,
        goQuote(spec.completionMode),
        ['NonIndexed', 'Indexed'],
      ),
    );
  }
  if (spec.completionMode === 'Indexed' && spec.completions === undefined) {
    errors.push(
      fieldErrors.required(
        `${path}.completions`,
        'when completion mode is Indexed',
      ),
    );
  }
  if (
    spec.podReplacementPolicy &&
    !['Failed', 'TerminatingOrFailed'].includes(spec.podReplacementPolicy)
  ) {
    errors.push(
      fieldErrors.notSupported(
        `${path}.podReplacementPolicy`,
        goQuote(spec.podReplacementPolicy),
        ['Failed', 'TerminatingOrFailed'],
      ),
    );
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

/**
 * Template fields a suspended Job that never started may still change
 * (JobMutableSchedulingDirectives).
 */
function withoutSchedulingDirectives(template: any): any {
  const copy = structuredClone(template ?? {});
  if (copy.metadata) {
    delete copy.metadata.labels;
    delete copy.metadata.annotations;
  }
  if (copy.spec) {
    delete copy.spec.nodeSelector;
    delete copy.spec.tolerations;
    delete copy.spec.affinity;
    delete copy.spec.schedulingGates;
  }
  return copy;
}

function immutable(
  field: string,
  value: unknown,
  old: unknown,
  render: (v: any) => string,
): FieldError[] {
  if (deepEqual(value, old)) {
    return [];
  }
  return [fieldErrors.invalid(field, render(value), 'field is immutable')];
}

const renderNumber = (v: unknown) => (v === undefined ? 'null' : String(v));
const renderString = (v: unknown) =>
  v === undefined ? 'null' : goQuote(String(v));

/** The Job strategy. */
export const jobStrategy: Strategy = {
  schema: jobSchema,
  nameRule: 'subdomain',
  hasGeneration: true,

  applyDefaults(job) {
    job.spec = isPlainObject(job.spec) ? job.spec : {};
    defaultJobSpec(job.spec, job.metadata);
  },

  prepareForCreate(job) {
    job.status = {};
    if (job.spec.manualSelector !== true) {
      generateSelector(job);
    }
  },

  defaultStored(job) {
    // The apiserver defaults again when it decodes the stored object, so a
    // Job created without labels ends up with its template's labels,
    // generated ones included (recording 06: "warned", "dup-name").
    if (
      !Object.keys(job.metadata.labels ?? {}).length &&
      job.spec?.template?.metadata?.labels
    ) {
      job.metadata.labels = { ...job.spec.template.metadata.labels };
    }
  },

  validate(job) {
    return [
      ...validateObjectMeta(job.metadata, {
        namespaced: true,
        nameRule: 'subdomain',
      }),
      ...validateGeneratedSelector(job),
      ...validateJobSpec(job.spec ?? {}),
    ];
  },

  prepareForUpdate(job, old) {
    job.status = old.status;
  },

  validateUpdate(job, old) {
    const spec = job.spec ?? {};
    const oldSpec = old.spec ?? {};
    const errors = [
      ...validateObjectMetaUpdate(job.metadata, old.metadata, {
        namespaced: true,
        nameRule: 'subdomain',
      }),
      ...validateJobSpec(spec),
    ];
    const elasticIndexed =
      spec.completionMode === 'Indexed' &&
      spec.completions === spec.parallelism &&
      oldSpec.completions === oldSpec.parallelism;
    if (!elasticIndexed) {
      errors.push(
        ...immutable(
          'spec.completions',
          spec.completions,
          oldSpec.completions,
          renderNumber,
        ),
      );
    }
    errors.push(
      ...immutable(
        'spec.selector',
        spec.selector,
        oldSpec.selector,
        goLabelSelector,
      ),
    );
    const mayChangeScheduling =
      oldSpec.suspend === true && !old.status?.startTime;
    const [template, oldTemplate] = mayChangeScheduling
      ? [
          withoutSchedulingDirectives(spec.template),
          withoutSchedulingDirectives(oldSpec.template),
        ]
      : [spec.template, oldSpec.template];
    if (!deepEqual(template, oldTemplate)) {
      errors.push(
        fieldErrors.invalid(
          'spec.template',
          goPodTemplate(spec.template),
          'field is immutable',
        ),
      );
    }
    errors.push(
      ...immutable(
        'spec.completionMode',
        spec.completionMode,
        oldSpec.completionMode,
        renderString,
      ),
      ...immutable(
        'spec.podFailurePolicy',
        spec.podFailurePolicy,
        oldSpec.podFailurePolicy,
        () => 'v1.PodFailurePolicy{...}',
      ),
      ...immutable(
        'spec.backoffLimitPerIndex',
        spec.backoffLimitPerIndex,
        oldSpec.backoffLimitPerIndex,
        renderNumber,
      ),
      ...immutable(
        'spec.managedBy',
        spec.managedBy,
        oldSpec.managedBy,
        renderString,
      ),
      ...immutable(
        'spec.successPolicy',
        spec.successPolicy,
        oldSpec.successPolicy,
        () => 'v1.SuccessPolicy{...}',
      ),
    );
    return errors;
  },

  emptyObject() {
    return {
      kind: 'Job',
      apiVersion: 'batch/v1',
      metadata: { creationTimestamp: null },
      spec: {
        template: {
          metadata: { creationTimestamp: null },
          spec: { containers: null },
        },
      },
      status: {},
    };
  },

  fieldSet(job) {
    return {
      ...metadataFields(job),
      'status.successful': String(job.status?.succeeded ?? 0),
    };
  },
};
