/*
 * Validation shared by all resources: names, labels, annotations and owner references, with
 * the messages of k8s.io/apimachinery/pkg/util/validation and pkg/api/validation.
 */
import { FieldError, fieldErrors } from './errors';
import { ObjectMeta } from './types';

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const QUALIFIED_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = `(${QUALIFIED_NAME})?`;

const DNS1123_SUBDOMAIN_MSG = `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN}')`;
const DNS1123_LABEL_MSG = `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${DNS1123_LABEL}')`;
const QUALIFIED_NAME_MSG = `must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${QUALIFIED_NAME}')`;
const LABEL_VALUE_MSG = `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '${LABEL_VALUE}')`;

const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** Messages for `value` checked against a length and a pattern; empty when valid. */
function check(value: string, max: number, pattern: string, message: string) {
  return [
    ...(value.length > max ? [`must be no more than ${max} characters`] : []),
    ...(new RegExp(`^${pattern}$`).test(value) ? [] : [message]),
  ];
}

/** IsDNS1123Subdomain (most names) or, with `label`, IsDNS1123Label (Namespaces, containers). */
export function validateName(value: string, label = false): string[] {
  return label
    ? check(value, 63, DNS1123_LABEL, DNS1123_LABEL_MSG)
    : check(value, 253, DNS1123_SUBDOMAIN, DNS1123_SUBDOMAIN_MSG);
}

/** IsQualifiedName (label and annotation keys). */
export function validateQualifiedName(value: string): string[] {
  const parts = value.split('/');
  if (parts.length > 2) {
    return [
      `a qualified name ${QUALIFIED_NAME_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  const name = parts.pop()!;
  const errors: string[] = [];
  if (parts.length) {
    errors.push(
      ...(parts[0]
        ? validateName(parts[0]).map(msg => `prefix part ${msg}`)
        : ['prefix part must be non-empty']),
    );
  }
  if (!name) {
    return [...errors, 'name part must be non-empty'];
  }
  return [
    ...errors,
    ...check(name, 63, QUALIFIED_NAME, QUALIFIED_NAME_MSG).map(
      msg => `name part ${msg}`,
    ),
  ];
}

/** IsValidLabelValue */
export function validateLabelValue(value: string): string[] {
  return check(value, 63, LABEL_VALUE, LABEL_VALUE_MSG);
}

/** ValidateLabels and ValidateAnnotations, reported on the map's path. */
export function validateLabelsAndAnnotations(
  meta: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  },
  path: string,
): FieldError[] {
  const errors: FieldError[] = [];
  const labels = meta.labels ?? {};
  for (const key of Object.keys(labels).sort()) {
    for (const msg of validateQualifiedName(key)) {
      errors.push(
        fieldErrors.invalid(`${path}labels`, JSON.stringify(key), msg),
      );
    }
    for (const msg of validateLabelValue(labels[key])) {
      errors.push(
        fieldErrors.invalid(`${path}labels`, JSON.stringify(labels[key]), msg),
      );
    }
  }
  const annotations = meta.annotations ?? {};
  let size = 0;
  for (const key of Object.keys(annotations).sort()) {
    for (const msg of validateQualifiedName(key.toLowerCase())) {
      errors.push(
        fieldErrors.invalid(`${path}annotations`, JSON.stringify(key), msg),
      );
    }
    size += Buffer.byteLength(key) + Buffer.byteLength(annotations[key]);
  }
  if (size > ANNOTATIONS_MAX_BYTES) {
    errors.push({
      type: 'TooLong',
      field: `${path}annotations`,
      detail: `must have at most ${ANNOTATIONS_MAX_BYTES} bytes`,
    });
  }
  return errors;
}

function validateOwnerReferences(meta: ObjectMeta): FieldError[] {
  const errors: FieldError[] = [];
  const field = 'metadata.ownerReferences';
  for (const ref of meta.ownerReferences ?? []) {
    for (const key of ['apiVersion', 'kind', 'name', 'uid'] as const) {
      if (!ref[key]) {
        errors.push(
          fieldErrors.invalid(`${field}.${key}`, '""', 'must not be empty'),
        );
      }
    }
  }
  const controllers = (meta.ownerReferences ?? []).filter(r => r.controller);
  if (controllers.length > 1) {
    errors.push(
      fieldErrors.invalid(
        field,
        '[]v1.OwnerReference{...}',
        `Only one reference can have Controller set to true. Found "true" in references for ${controllers
          .slice(0, 2)
          .map(r => `${r.kind}/${r.name}`)
          .join(' and ')}`,
      ),
    );
  }
  return errors;
}

/**
 * ValidateObjectMeta for a new object (its name already generated from generateName, as the
 * apiserver does before validation); `label` for DNS-label names (Namespaces).
 */
export function validateObjectMeta(
  meta: ObjectMeta,
  namespaced: boolean,
  label = false,
): FieldError[] {
  const errors: FieldError[] = [];
  if (meta.generateName) {
    // A prefix may end with '-': the random suffix makes it valid.
    for (const msg of validateName(
      meta.generateName.replace(/-$/, 'a'),
      label,
    )) {
      errors.push(
        fieldErrors.invalid(
          'metadata.generateName',
          JSON.stringify(meta.generateName),
          msg,
        ),
      );
    }
  }
  if (!meta.name) {
    errors.push(
      fieldErrors.required('metadata.name', 'name or generateName is required'),
    );
  }
  for (const msg of meta.name ? validateName(meta.name, label) : []) {
    errors.push(
      fieldErrors.invalid('metadata.name', JSON.stringify(meta.name), msg),
    );
  }
  if (namespaced && !meta.namespace) {
    errors.push(fieldErrors.required('metadata.namespace'));
  }
  return [
    ...errors,
    ...validateLabelsAndAnnotations(meta, 'metadata.'),
    ...validateOwnerReferences(meta),
  ];
}

/** ValidateObjectMetaUpdate: labels, annotations, owners, and the fields that never change. */
export function validateObjectMetaUpdate(
  meta: ObjectMeta,
  old: ObjectMeta,
): FieldError[] {
  const errors = [
    ...validateLabelsAndAnnotations(meta, 'metadata.'),
    ...validateOwnerReferences(meta),
  ];
  for (const field of ['name', 'namespace', 'uid'] as const) {
    if (meta[field] !== old[field]) {
      errors.push(
        fieldErrors.invalid(
          `metadata.${field}`,
          JSON.stringify(meta[field] ?? ''),
          'field is immutable',
        ),
      );
    }
  }
  return errors;
}
