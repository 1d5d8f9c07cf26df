import { SandboxRbacRule } from '@job-assistant/sandbox-cluster';
import { readFileSync } from 'fs';
import { resolve } from 'path';
import { parseAllDocuments } from 'yaml';

const README = resolve(__dirname, '../../../../README.md');

interface RoleDocument {
  kind: 'ClusterRole' | 'Role';
  metadata: { name: string; namespace?: string };
  rules: Array<{
    apiGroups: string[];
    resources: string[];
    verbs: string[];
  }>;
}

/**
 * The RBAC rules of a Role or ClusterRole named `name` in the repository's README, as sandbox
 * rules: the tests grant exactly what the README tells administrators to apply, so the two
 * cannot drift apart. A ClusterRole applies everywhere, a Role in its own namespace.
 */
export function readmeRole(
  kind: 'ClusterRole' | 'Role',
  name: string,
): SandboxRbacRule[] {
  const markdown = readFileSync(README, 'utf8');
  const blocks = [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map(
    m => m[1],
  );
  const roles = blocks
    .flatMap(block => parseAllDocuments(block).map(doc => doc.toJS()))
    .filter(
      (doc): doc is RoleDocument =>
        doc?.kind === kind && doc?.metadata?.name === name,
    );
  if (roles.length !== 1) {
    throw new Error(
      `README.md should hold exactly one ${kind} named ${name}, found ${roles.length}`,
    );
  }
  const role = roles[0];
  const namespaces =
    kind === 'Role' ? [role.metadata.namespace ?? 'default'] : undefined;
  return role.rules.map(rule => ({
    namespaces,
    apiGroups: rule.apiGroups,
    resources: rule.resources,
    verbs: rule.verbs,
  }));
}
