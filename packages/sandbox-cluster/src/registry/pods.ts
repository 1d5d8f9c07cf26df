/*
 * core/v1 Pod: what the apiserver and its admission plugins add to a new pod
 * (service account token volume, default tolerations, priority), and the
 * narrow set of fields a pod update may change.
 */
import { FieldError, fieldErrors } from '../api/errors';
import { podSchema } from '../api/schema';
import { deepEqual, isPlainObject, KubeObject } from '../api/types';
import {
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../api/validation';
import { randomSuffix } from './names';
import { defaultPodSpec, validatePodSpec } from './podSpec';
import { metadataFields, Strategy } from './strategy';

const SERVICE_ACCOUNT_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

const DEFAULT_TOLERATIONS = [
  {
    key: 'node.kubernetes.io/not-ready',
    operator: 'Exists',
    effect: 'NoExecute',
    tolerationSeconds: 300,
  },
  {
    key: 'node.kubernetes.io/unreachable',
    operator: 'Exists',
    effect: 'NoExecute',
    tolerationSeconds: 300,
  },
];

function qosClass(spec: any): string {
  const containers: any[] = [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
  ];
  const hasAny = containers.some(
    c =>
      Object.keys(c.resources?.requests ?? {}).length ||
      Object.keys(c.resources?.limits ?? {}).length,
  );
  if (!hasAny) {
    return 'BestEffort';
  }
  const guaranteed = containers.every(c => {
    const limits = c.resources?.limits ?? {};
    const requests = c.resources?.requests ?? limits;
    return (
      limits.cpu !== undefined &&
      limits.memory !== undefined &&
      String(requests.cpu) === String(limits.cpu) &&
      String(requests.memory) === String(limits.memory)
    );
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** ServiceAccount admission: the projected token volume and its mounts. */
function addServiceAccountVolume(spec: any) {
  spec.serviceAccountName ||= 'default';
  spec.serviceAccount = spec.serviceAccountName;
  if (spec.automountServiceAccountToken === false) {
    return;
  }
  const volumeName = `kube-api-access-${randomSuffix()}`;
  spec.volumes = [
    ...(Array.isArray(spec.volumes) ? spec.volumes : []),
    {
      name: volumeName,
      projected: {
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          {
            configMap: {
              name: 'kube-root-ca.crt',
              items: [{ key: 'ca.crt', path: 'ca.crt' }],
            },
          },
          {
            downwardAPI: {
              items: [
                {
                  path: 'namespace',
                  fieldRef: {
                    apiVersion: 'v1',
                    fieldPath: 'metadata.namespace',
                  },
                },
              ],
            },
          },
        ],
        defaultMode: 420,
      },
    },
  ];
  for (const list of ['initContainers', 'containers']) {
    for (const container of spec[list] ?? []) {
      const mounts: any[] = Array.isArray(container.volumeMounts)
        ? container.volumeMounts
        : [];
      if (!mounts.some(m => m.mountPath === SERVICE_ACCOUNT_MOUNT)) {
        container.volumeMounts = [
          ...mounts,
          {
            name: volumeName,
            readOnly: true,
            mountPath: SERVICE_ACCOUNT_MOUNT,
          },
        ];
      }
    }
  }
}

const UPDATABLE_SPEC_MESSAGE =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** The spec without the fields a pod update may change. */
function frozenSpec(spec: any): any {
  const copy = structuredClone(spec ?? {});
  for (const list of ['initContainers', 'containers']) {
    for (const container of copy[list] ?? []) {
      delete container.image;
    }
  }
  delete copy.activeDeadlineSeconds;
  delete copy.tolerations;
  return copy;
}

/** The Pod strategy. */
export const podStrategy: Strategy = {
  schema: podSchema,
  nameRule: 'subdomain',
  hasGeneration: false,

  applyDefaults(pod) {
    pod.spec = isPlainObject(pod.spec) ? pod.spec : {};
    defaultPodSpec(pod.spec);
  },

  prepareForCreate(pod) {
    const spec = pod.spec;
    addServiceAccountVolume(spec);
    const tolerations: any[] = Array.isArray(spec.tolerations)
      ? spec.tolerations
      : [];
    for (const toleration of DEFAULT_TOLERATIONS) {
      if (
        !tolerations.some(
          t => t.key === toleration.key && t.effect === toleration.effect,
        )
      ) {
        tolerations.push({ ...toleration });
      }
    }
    spec.tolerations = tolerations;
    spec.priority ??= 0;
    spec.enableServiceLinks ??= true;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
    pod.status = { phase: 'Pending', qosClass: qosClass(spec) };
  },

  validate(pod) {
    return [
      ...validateObjectMeta(pod.metadata, {
        namespaced: true,
        nameRule: 'subdomain',
      }),
      ...validatePodSpec(pod.spec, 'spec', true),
    ];
  },

  prepareForUpdate(pod, old) {
    pod.status = old.status;
  },

  validateUpdate(pod, old) {
    const errors: FieldError[] = validateObjectMetaUpdate(
      pod.metadata,
      old.metadata,
      {
        namespaced: true,
        nameRule: 'subdomain',
      },
    );
    if (!deepEqual(frozenSpec(pod.spec), frozenSpec(old.spec))) {
      errors.push(fieldErrors.forbidden('spec', UPDATABLE_SPEC_MESSAGE));
    }
    return errors;
  },

  emptyObject() {
    return {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { creationTimestamp: null },
      spec: { containers: null },
      status: {},
    };
  },

  fieldSet(pod: KubeObject) {
    return {
      ...metadataFields(pod),
      'spec.nodeName': pod.spec?.nodeName ?? '',
      'spec.restartPolicy': pod.spec?.restartPolicy ?? '',
      'spec.schedulerName': pod.spec?.schedulerName ?? '',
      'spec.serviceAccountName': pod.spec?.serviceAccountName ?? '',
      'spec.hostNetwork': String(pod.spec?.hostNetwork ?? false),
      'status.phase': pod.status?.phase ?? '',
      'status.podIP': pod.status?.podIP ?? '',
      'status.nominatedNodeName': pod.status?.nominatedNodeName ?? '',
    };
  },
};
