/*
 * Bearer-token authentication and a small RBAC authorizer, with the
 * apiserver's 401/403 wording (recording 06).
 */
import { forbidden, unauthorized } from '../api/errors';

/**
 * An RBAC rule granted to a sandbox user (a Role / ClusterRole rule plus
 * where it is bound).
 *
 * @public
 */
export interface SandboxRbacRule {
  /** Namespaces the rule applies in; undefined = every namespace and cluster-scoped requests. */
  namespaces?: string[];
  /** API groups ('' = core, 'batch', '*'). */
  apiGroups: string[];
  /** Resources, with subresources as `pods/log`; '*' for all. */
  resources: string[];
  /** get, list, watch, create, update, patch, delete, deletecollection, '*'. */
  verbs: string[];
}

/**
 * A user the sandbox authenticates by bearer token.
 *
 * @public
 */
export interface SandboxUser {
  name: string;
  groups?: string[];
  /** Undefined = cluster admin (everything allowed). */
  rules?: SandboxRbacRule[];
}

/** What a request wants to do, as the authorizer sees it. */
export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** Resolves the user of a request. @throws ApiError 401 */
export function authenticate(
  header: string | undefined,
  tokens: Record<string, SandboxUser>,
): SandboxUser {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const user = match ? tokens[match[1]] : undefined;
  if (!user) {
    throw unauthorized();
  }
  return user;
}

function ruleAllows(rule: SandboxRbacRule, attrs: ResourceAttributes): boolean {
  const resource = attrs.subresource
    ? `${attrs.resource}/${attrs.subresource}`
    : attrs.resource;
  const matches = (list: string[], value: string) =>
    list.includes('*') || list.includes(value);
  if (
    !matches(rule.verbs, attrs.verb) ||
    !matches(rule.apiGroups, attrs.group)
  ) {
    return false;
  }
  if (!matches(rule.resources, resource)) {
    return false;
  }
  if (!rule.namespaces) {
    return true;
  }
  // A namespaced binding never grants cluster-scoped or all-namespace access.
  return !!attrs.namespace && rule.namespaces.includes(attrs.namespace);
}

/** Checks RBAC. @throws ApiError 403 with the apiserver's message */
export function authorize(user: SandboxUser, attrs: ResourceAttributes) {
  if (user.rules && !user.rules.some(rule => ruleAllows(rule, attrs))) {
    throw forbiddenRequest(user, attrs);
  }
}

/** The 403 the apiserver answers when RBAC refuses `attrs` to `user`. */
export function forbiddenRequest(user: SandboxUser, attrs: ResourceAttributes) {
  const resource = attrs.subresource
    ? `${attrs.resource}/${attrs.subresource}`
    : attrs.resource;
  const scope = attrs.namespace
    ? `in the namespace "${attrs.namespace}"`
    : 'at the cluster scope';
  return forbidden(
    { group: attrs.group, resource: attrs.resource },
    attrs.name,
    `User "${user.name}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.group}" ${scope}`,
  );
}
