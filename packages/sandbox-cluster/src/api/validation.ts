/*
 * Validation shared by all resources: names, labels, annotations, owner
 * references and finalizers, with the messages of
 * k8s.io/apimachinery/pkg/util/validation and pkg/api/validation.
 */
import { FieldError, fieldErrors } from './errors';
import { goQuote } from './goFormat';
import { ObjectMeta } from './types';

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const QUALIFIED_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = `(${QUALIFIED_NAME})?`;

const DNS1123_SUBDOMAIN_MSG = `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN}')`;
const DNS1123_LABEL_MSG = `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${DNS1123_LABEL}')`;
const QUALIFIED_NAME_MSG = `must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${QUALIFIED_NAME}')`;
const LABEL_VALUE_MSG = `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '${LABEL_VALUE}')`;

const whole = (pattern: string) => new RegExp(`^${pattern}$`);
const dns1123LabelRe = whole(DNS1123_LABEL);
const dns1123SubdomainRe = whole(DNS1123_SUBDOMAIN);
const qualifiedNameRe = whole(QUALIFIED_NAME);
const labelValueRe = whole(LABEL_VALUE);

/** Finalizers the apiserver accepts without a domain prefix. */
const STANDARD_FINALIZERS = new Set([
  'kubernetes',
  'orphan',
  'foregroundDeletion',
]);

/** IsDNS1123Subdomain: messages, empty when valid. */
export function validateDns1123Subdomain(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 253) {
    errors.push('must be no more than 253 characters');
  }
  if (!dns1123SubdomainRe.test(value)) {
    errors.push(DNS1123_SUBDOMAIN_MSG);
  }
  return errors;
}

/** IsDNS1123Label: messages, empty when valid. */
export function validateDns1123Label(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) {
    errors.push('must be no more than 63 characters');
  }
  if (!dns1123LabelRe.test(value)) {
    errors.push(DNS1123_LABEL_MSG);
  }
  return errors;
}

/** IsQualifiedName (label keys, annotation keys, finalizers). */
export function validateQualifiedName(value: string): string[] {
  const errors: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const [prefix] = parts;
    name = parts[1];
    if (prefix.length === 0) {
      errors.push('prefix part must be non-empty');
    } else {
      errors.push(
        ...validateDns1123Subdomain(prefix).map(msg => `prefix part ${msg}`),
      );
    }
  } else {
    return [
      `a qualified name ${QUALIFIED_NAME_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) {
    errors.push('name part must be non-empty');
  } else if (name.length > 63) {
    errors.push('name part must be no more than 63 characters');
  }
  if (name.length && !qualifiedNameRe.test(name)) {
    errors.push(`name part ${QUALIFIED_NAME_MSG}`);
  }
  return errors;
}

/** IsValidLabelValue */
export function validateLabelValue(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 63) {
    errors.push('must be no more than 63 characters');
  }
  if (!labelValueRe.test(value)) {
    errors.push(LABEL_VALUE_MSG);
  }
  return errors;
}

/** ValidateLabels: keys and values, reported on the map's path. */
export function validateLabels(
  labels: Record<string, string> | undefined,
  field: string,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of Object.keys(labels ?? {}).sort()) {
    for (const msg of validateQualifiedName(key)) {
      errors.push(fieldErrors.invalid(field, goQuote(key), msg));
    }
    for (const msg of validateLabelValue(labels![key])) {
      errors.push(fieldErrors.invalid(field, goQuote(labels![key]), msg));
    }
  }
  return errors;
}

const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** ValidateAnnotations: qualified keys and the 256 KiB total. */
export function validateAnnotations(
  annotations: Record<string, string> | undefined,
  field: string,
): FieldError[] {
  const errors: FieldError[] = [];
  let size = 0;
  for (const key of Object.keys(annotations ?? {}).sort()) {
    for (const msg of validateQualifiedName(key.toLowerCase())) {
      errors.push(fieldErrors.invalid(field, goQuote(key), msg));
    }
    size += Buffer.byteLength(key) + Buffer.byteLength(annotations![key]);
  }
  if (size > ANNOTATIONS_MAX_BYTES) {
    errors.push({
      type: 'TooLong',
      field,
      detail: `must have at most ${ANNOTATIONS_MAX_BYTES} bytes`,
    });
  }
  return errors;
}

function validateOwnerReferences(meta: ObjectMeta): FieldError[] {
  const errors: FieldError[] = [];
  const field = 'metadata.ownerReferences';
  let controller = '';
  for (const ref of meta.ownerReferences ?? []) {
    const apiVersion = ref.apiVersion ?? '';
    const version = apiVersion.includes('/')
      ? apiVersion.split('/')[1]
      : apiVersion;
    if (!version) {
      errors.push(
        fieldErrors.invalid(
          `${field}.apiVersion`,
          goQuote(apiVersion),
          'version must not be empty',
        ),
      );
    }
    if (!ref.kind) {
      errors.push(
        fieldErrors.invalid(`${field}.kind`, goQuote(''), 'must not be empty'),
      );
    }
    if (!ref.name) {
      errors.push(
        fieldErrors.invalid(`${field}.name`, goQuote(''), 'must not be empty'),
      );
    }
    if (!ref.uid) {
      errors.push(
        fieldErrors.invalid(`${field}.uid`, goQuote(''), 'must not be empty'),
      );
    }
    if (ref.controller) {
      const current = `${ref.kind}/${ref.name}`;
      if (controller) {
        errors.push(
          fieldErrors.invalid(
            field,
            '[]v1.OwnerReference{...}',
            `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${current}`,
          ),
        );
      } else {
        controller = current;
      }
    }
  }
  return errors;
}

function validateFinalizers(meta: ObjectMeta): FieldError[] {
  const errors: FieldError[] = [];
  for (const finalizer of meta.finalizers ?? []) {
    const messages = validateQualifiedName(finalizer);
    for (const msg of messages) {
      errors.push(
        fieldErrors.invalid('metadata.finalizers', goQuote(finalizer), msg),
      );
    }
    if (
      !messages.length &&
      !STANDARD_FINALIZERS.has(finalizer) &&
      !finalizer.includes('/')
    ) {
      errors.push(
        fieldErrors.invalid(
          'metadata.finalizers',
          goQuote(finalizer),
          'name is neither a standard finalizer name nor is it fully qualified',
        ),
      );
    }
  }
  return errors;
}

/** How object names are validated: DNS subdomain (Jobs, Pods) or label (Namespaces). */
export type NameRule = 'subdomain' | 'label';

function validateName(rule: NameRule, name: string): string[] {
  return rule === 'label'
    ? validateDns1123Label(name)
    : validateDns1123Subdomain(name);
}

/**
 * ValidateObjectMeta for a new object (name already generated from
 * generateName, as the apiserver does before validation).
 */
export function validateObjectMeta(
  meta: ObjectMeta,
  options: { namespaced: boolean; nameRule: NameRule },
): FieldError[] {
  const errors: FieldError[] = [];
  if (meta.generateName) {
    // A prefix may end with '-': the random suffix makes it valid.
    const masked = meta.generateName.endsWith('-')
      ? `${meta.generateName.slice(0, -1)}a`
      : meta.generateName;
    for (const msg of validateName(options.nameRule, masked)) {
      errors.push(
        fieldErrors.invalid(
          'metadata.generateName',
          goQuote(meta.generateName),
          msg,
        ),
      );
    }
  }
  if (!meta.name) {
    errors.push(
      fieldErrors.required('metadata.name', 'name or generateName is required'),
    );
  } else {
    for (const msg of validateName(options.nameRule, meta.name)) {
      errors.push(
        fieldErrors.invalid('metadata.name', goQuote(meta.name), msg),
      );
    }
  }
  if (options.namespaced) {
    if (!meta.namespace) {
      errors.push(fieldErrors.required('metadata.namespace'));
    }
  } else if (meta.namespace) {
    errors.push(
      fieldErrors.forbidden('metadata.namespace', 'not allowed on this type'),
    );
  }
  errors.push(...validateLabels(meta.labels, 'metadata.labels'));
  errors.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  errors.push(...validateOwnerReferences(meta));
  errors.push(...validateFinalizers(meta));
  return errors;
}

/** ValidateObjectMetaUpdate: the fields that can never change. */
export function validateObjectMetaUpdate(
  meta: ObjectMeta,
  old: ObjectMeta,
  options: { namespaced: boolean; nameRule: NameRule },
): FieldError[] {
  const errors = validateObjectMeta(
    { ...meta, generateName: undefined },
    options,
  ).filter(e => e.field !== 'metadata.name' || meta.name !== old.name);
  const immutable = (field: keyof ObjectMeta, render: (v: any) => string) => {
    if (meta[field] !== old[field]) {
      errors.push(
        fieldErrors.invalid(
          `metadata.${String(field)}`,
          render(meta[field]),
          'field is immutable',
        ),
      );
    }
  };
  immutable('name', v => goQuote(String(v ?? '')));
  immutable('namespace', v => goQuote(String(v ?? '')));
  immutable('uid', v => goQuote(String(v ?? '')));
  return errors;
}
