/*
 * Discovery documents (/api, /apis, /version, ...): enough for
 * @kubernetes/client-node and kubectl to find the served resources.
 */
import { RESOURCES } from '../registry/resources';

/** The version the sandbox claims to be (the recordings' version). */
export const KUBERNETES_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.6',
  gitCommit: 'sandbox',
  gitTreeState: 'clean',
  buildDate: '2025-06-17T00:00:00Z',
  goVersion: 'go1.23.10',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const AUTHORIZATION_GROUP = 'authorization.k8s.io';

function groups(): string[] {
  return [
    ...new Set(RESOURCES.map(r => r.group).filter(Boolean)),
    AUTHORIZATION_GROUP,
  ];
}

/** GET /api */
export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(name: string) {
  const version = { groupVersion: `${name}/v1`, version: 'v1' };
  return { name, versions: [version], preferredVersion: version };
}

/** GET /apis */
export function apiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups().map(groupDoc),
  };
}

/** GET /apis/{group}, or undefined if the group is not served. */
export function apiGroup(name: string) {
  if (!groups().includes(name)) {
    return undefined;
  }
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(name) };
}

/** GET /api/v1 or /apis/{group}/v1, or undefined if not served. */
export function apiResourceList(group: string, version: string) {
  if (version !== 'v1') {
    return undefined;
  }
  const groupVersion = group ? `${group}/${version}` : version;
  if (group === AUTHORIZATION_GROUP) {
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion,
      resources: [
        {
          name: 'selfsubjectaccessreviews',
          singularName: 'selfsubjectaccessreview',
          namespaced: false,
          kind: 'SelfSubjectAccessReview',
          verbs: ['create'],
        },
      ],
    };
  }
  const served = RESOURCES.filter(
    r => r.group === group && r.version === version,
  );
  if (!served.length) {
    return undefined;
  }
  const resources = served.flatMap(r => [
    {
      name: r.resource,
      singularName: r.kind.toLowerCase(),
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    },
    ...r.subresources.map(sub => ({
      name: `${r.resource}/${sub}`,
      singularName: '',
      namespaced: r.namespaced,
      kind: sub === 'log' ? 'Pod' : r.kind,
      verbs: sub === 'log' ? ['get'] : ['get', 'patch', 'update'],
    })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}
