/*
 * Pod specs (pkg/apis/core/v1/defaults.go and pkg/apis/core/validation), shared by Pods and the
 * pod templates of Jobs and CronJobs, and the Pod strategy. Pods are created by the Job
 * controller only; no admission plugin (service account volume, tolerations) is simulated.
 */
import { FieldError, fieldErrors } from '../api/errors';
import { podSchema } from '../api/schema';
import { isPlainObject, JsonObject } from '../api/types';
import {
  validateLabelsAndAnnotations,
  validateName,
  validateObjectMeta,
} from '../api/validation';
import { Strategy } from './strategy';

/** imagePullPolicy defaults to Always for `:latest` or untagged images. */
function defaultPullPolicy(image: string | undefined): string {
  const last = image?.split('/').pop() ?? '';
  if (!image || last.includes('@')) {
    return 'IfNotPresent';
  }
  return /:(?!latest$)/.test(last) ? 'IfNotPresent' : 'Always';
}

/** SetDefaults_PodSpec and SetDefaults_Container. Mutates `spec`. */
function defaultPodSpec(spec: JsonObject) {
  spec.restartPolicy ||= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ||= 'default-scheduler';
  for (const list of ['initContainers', 'containers']) {
    for (const container of Array.isArray(spec[list]) ? spec[list] : []) {
      if (isPlainObject(container)) {
        container.resources ??= {};
        container.terminationMessagePath ||= '/dev/termination-log';
        container.terminationMessagePolicy ||= 'File';
        container.imagePullPolicy ||= defaultPullPolicy(container.image);
      }
    }
  }
}

/** Pod template defaults: `metadata.creationTimestamp: null` plus the pod spec's. */
export function defaultPodTemplate(template: JsonObject) {
  template.metadata = isPlainObject(template.metadata) ? template.metadata : {};
  if (!('creationTimestamp' in template.metadata)) {
    template.metadata.creationTimestamp = null;
  }
  template.spec = isPlainObject(template.spec) ? template.spec : {};
  defaultPodSpec(template.spec);
}

/** ValidatePodSpec, the parts that matter for Jobs. Templates may leave `image` empty. */
function validatePodSpec(
  spec: JsonObject | undefined,
  path: string,
  requireImage: boolean,
): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const validateContainers = (list: any[], field: string) =>
    list.forEach((container, i) => {
      const p = `${path}.${field}[${i}]`;
      const name = String(container?.name ?? '');
      if (!name) errors.push(fieldErrors.required(`${p}.name`));
      for (const msg of name ? validateName(name, true) : []) {
        errors.push(
          fieldErrors.invalid(`${p}.name`, JSON.stringify(name), msg),
        );
      }
      if (seen.has(name)) {
        errors.push(fieldErrors.duplicate(`${p}.name`, JSON.stringify(name)));
      }
      seen.add(name);
      if (requireImage && !container?.image) {
        errors.push(fieldErrors.required(`${p}.image`));
      }
    });
  validateContainers(spec?.initContainers ?? [], 'initContainers');
  if (!spec?.containers?.length) {
    errors.push(fieldErrors.required(`${path}.containers`));
  }
  validateContainers(spec?.containers ?? [], 'containers');
  const policies = ['Always', 'OnFailure', 'Never'];
  if (spec?.restartPolicy && !policies.includes(spec.restartPolicy)) {
    errors.push(
      fieldErrors.notSupported(
        `${path}.restartPolicy`,
        JSON.stringify(spec.restartPolicy),
        policies,
      ),
    );
  }
  return errors;
}

/** ValidatePodTemplateSpec: labels, annotations, spec. */
export function validatePodTemplate(
  template: JsonObject | undefined,
  path: string,
): FieldError[] {
  return [
    // The apiserver reports them as `spec.template.labels` (recording 06).
    ...validateLabelsAndAnnotations(template?.metadata ?? {}, `${path}.`),
    ...validatePodSpec(template?.spec, `${path}.spec`, false),
  ];
}

/** The Pod strategy. */
export const podStrategy: Strategy = {
  schema: podSchema,
  hasGeneration: false,

  applyDefaults(pod) {
    pod.spec = isPlainObject(pod.spec) ? pod.spec : {};
    defaultPodSpec(pod.spec);
  },

  prepareForCreate(pod) {
    pod.status = { phase: 'Pending' };
  },

  validate(pod) {
    return [
      ...validateObjectMeta(pod.metadata, true),
      ...validatePodSpec(pod.spec, 'spec', true),
    ];
  },
};
