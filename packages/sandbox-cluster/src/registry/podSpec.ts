/*
 * Defaults and validation of pod specs, shared by Pods and by the pod
 * templates inside Jobs and CronJobs (pkg/apis/core/v1/defaults.go and
 * pkg/apis/core/validation).
 */
import { FieldError, fieldErrors } from '../api/errors';
import { goQuote } from '../api/goFormat';
import { isPlainObject, JsonObject } from '../api/types';
import {
  validateAnnotations,
  validateDns1123Label,
  validateLabels,
} from '../api/validation';

/** imagePullPolicy defaults to Always for `:latest` or untagged images. */
function defaultPullPolicy(image: string | undefined): string {
  if (!image) {
    return 'IfNotPresent';
  }
  const lastSegment = image.split('/').pop() ?? image;
  if (lastSegment.includes('@')) {
    return 'IfNotPresent';
  }
  const colon = lastSegment.indexOf(':');
  if (colon < 0) {
    return 'Always';
  }
  return lastSegment.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: any) {
  if (!isPlainObject(probe)) {
    return;
  }
  probe.timeoutSeconds ??= 1;
  probe.periodSeconds ??= 10;
  probe.successThreshold ??= 1;
  probe.failureThreshold ??= 3;
  if (isPlainObject(probe.httpGet)) {
    probe.httpGet.scheme ??= 'HTTP';
  }
}

function defaultContainer(container: JsonObject) {
  container.resources ??= {};
  container.terminationMessagePath ||= '/dev/termination-log';
  container.terminationMessagePolicy ||= 'File';
  container.imagePullPolicy ||= defaultPullPolicy(container.image);
  for (const port of Array.isArray(container.ports) ? container.ports : []) {
    if (isPlainObject(port)) {
      port.protocol ||= 'TCP';
    }
  }
  for (const env of Array.isArray(container.env) ? container.env : []) {
    if (isPlainObject(env?.valueFrom?.fieldRef)) {
      env.valueFrom.fieldRef.apiVersion ||= 'v1';
    }
  }
  defaultProbe(container.livenessProbe);
  defaultProbe(container.readinessProbe);
  defaultProbe(container.startupProbe);
}

function defaultVolume(volume: any) {
  if (!isPlainObject(volume)) {
    return;
  }
  for (const source of ['configMap', 'secret', 'projected', 'downwardAPI']) {
    if (isPlainObject(volume[source])) {
      volume[source].defaultMode ??= 420;
    }
  }
}

/**
 * SetDefaults_PodSpec and friends. Mutates `spec`.
 */
export function defaultPodSpec(spec: JsonObject) {
  spec.restartPolicy ||= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ||= 'default-scheduler';
  for (const list of ['initContainers', 'containers']) {
    for (const container of Array.isArray(spec[list]) ? spec[list] : []) {
      if (isPlainObject(container)) {
        defaultContainer(container);
      }
    }
  }
  for (const volume of Array.isArray(spec.volumes) ? spec.volumes : []) {
    defaultVolume(volume);
  }
}

/**
 * Defaults of a pod template: `metadata.creationTimestamp: null` (a zero
 * metav1.Time) plus the pod spec defaults.
 */
export function defaultPodTemplate(template: JsonObject) {
  template.metadata = isPlainObject(template.metadata) ? template.metadata : {};
  if (!('creationTimestamp' in template.metadata)) {
    template.metadata.creationTimestamp = null;
  }
  template.spec = isPlainObject(template.spec) ? template.spec : {};
  defaultPodSpec(template.spec);
}

function validateContainers(
  containers: any[],
  path: string,
  seen: Set<string>,
  requireImage: boolean,
): FieldError[] {
  const errors: FieldError[] = [];
  containers.forEach((container, i) => {
    const p = `${path}[${i}]`;
    const name = String(container?.name ?? '');
    if (!name) {
      errors.push(fieldErrors.required(`${p}.name`));
    } else {
      for (const msg of validateDns1123Label(name)) {
        errors.push(fieldErrors.invalid(`${p}.name`, goQuote(name), msg));
      }
      if (seen.has(name)) {
        errors.push(fieldErrors.duplicate(`${p}.name`, goQuote(name)));
      }
      seen.add(name);
    }
    const image = container?.image;
    if (!image && requireImage) {
      errors.push(fieldErrors.required(`${p}.image`));
    } else if (typeof image === 'string' && image !== image.trim()) {
      errors.push(
        fieldErrors.invalid(
          `${p}.image`,
          goQuote(image),
          'must not have leading or trailing whitespace',
        ),
      );
    }
    const pullPolicy = container?.imagePullPolicy;
    if (
      pullPolicy &&
      !['Always', 'IfNotPresent', 'Never'].includes(pullPolicy)
    ) {
      errors.push(
        fieldErrors.notSupported(`${p}.imagePullPolicy`, goQuote(pullPolicy), [
          'Always',
          'IfNotPresent',
          'Never',
        ]),
      );
    }
    const messagePolicy = container?.terminationMessagePolicy;
    if (
      messagePolicy &&
      !['File', 'FallbackToLogsOnError'].includes(messagePolicy)
    ) {
      errors.push(
        fieldErrors.notSupported(
          `${p}.terminationMessagePolicy`,
          goQuote(messagePolicy),
          ['File', 'FallbackToLogsOnError'],
        ),
      );
    }
    (Array.isArray(container?.env) ? container.env : []).forEach(
      (env: any, j: number) => {
        if (!env?.name) {
          errors.push(fieldErrors.required(`${p}.env[${j}].name`));
        }
      },
    );
  });
  return errors;
}

/**
 * ValidatePodSpec (the parts that matter for Jobs).
 *
 * @param requireImage - Pods need an image; templates may leave it empty.
 */
export function validatePodSpec(
  spec: JsonObject | undefined,
  path: string,
  requireImage: boolean,
): FieldError[] {
  const errors: FieldError[] = [];
  const s = spec ?? {};
  const seen = new Set<string>();
  const initContainers = Array.isArray(s.initContainers)
    ? s.initContainers
    : [];
  const containers = Array.isArray(s.containers) ? s.containers : [];
  errors.push(
    ...validateContainers(
      initContainers,
      `${path}.initContainers`,
      seen,
      requireImage,
    ),
  );
  if (!containers.length) {
    errors.push(fieldErrors.required(`${path}.containers`));
  }
  errors.push(
    ...validateContainers(containers, `${path}.containers`, seen, requireImage),
  );
  if (
    s.restartPolicy &&
    !['Always', 'OnFailure', 'Never'].includes(s.restartPolicy)
  ) {
    errors.push(
      fieldErrors.notSupported(
        `${path}.restartPolicy`,
        goQuote(s.restartPolicy),
        ['Always', 'OnFailure', 'Never'],
      ),
    );
  }
  const dnsPolicies = [
    'ClusterFirstWithHostNet',
    'ClusterFirst',
    'Default',
    'None',
  ];
  if (s.dnsPolicy && !dnsPolicies.includes(s.dnsPolicy)) {
    errors.push(
      fieldErrors.notSupported(
        `${path}.dnsPolicy`,
        goQuote(s.dnsPolicy),
        dnsPolicies,
      ),
    );
  }
  if (
    typeof s.terminationGracePeriodSeconds === 'number' &&
    s.terminationGracePeriodSeconds < 0
  ) {
    errors.push(
      fieldErrors.invalid(
        `${path}.terminationGracePeriodSeconds`,
        String(s.terminationGracePeriodSeconds),
        'must be greater than or equal to 0',
      ),
    );
  }
  if (
    typeof s.activeDeadlineSeconds === 'number' &&
    s.activeDeadlineSeconds < 1
  ) {
    errors.push(
      fieldErrors.invalid(
        `${path}.activeDeadlineSeconds`,
        String(s.activeDeadlineSeconds),
        'must be between 1 and 2147483647, inclusive',
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
  const meta = template?.metadata ?? {};
  return [
    ...validateLabels(meta.labels, `${path}.labels`),
    ...validateAnnotations(meta.annotations, `${path}.annotations`),
    ...validatePodSpec(template?.spec, `${path}.spec`, false),
  ];
}
