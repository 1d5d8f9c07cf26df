import {
  APPROVAL_ANNOTATION,
  APPROVERS_ANNOTATION,
  RunRequestApproval,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { ApprovalRule, approverRef } from '../config';
import type { DefinitionObject } from './model';

/** The most approvals an annotation may ask for: more is a typo, not a policy. */
const MAX_APPROVALS = 10;

/** What a definition needs before it runs: an approval policy, none, or why it cannot be read. */
export type ApprovalNeed =
  | { approval?: RunRequestApproval; error?: undefined }
  | { approval?: undefined; error: string };

const approvals = (n: number) => (n === 1 ? 'one approval' : `${n} approvals`);

/**
 * The approval a run of `definition` on `cluster` needs: the definition's annotations
 * (`job-assistant/approval: required` or a count, `job-assistant/approvers`) and the config's
 * rules for the cluster; the stricter wins (the larger count, the approver groups of both).
 * Never throws: an annotation that cannot be read is an error the caller refuses runs with, so
 * a typo never means "no approval".
 */
export function approvalFor(
  cluster: string,
  definition: DefinitionObject,
  rules: ApprovalRule[],
): ApprovalNeed {
  const annotations = definition.metadata?.annotations ?? {};
  const invalid = (why: string): ApprovalNeed => ({
    error: `approval annotations invalid: ${why}`,
  });

  let declared = 0;
  const value = annotations[APPROVAL_ANNOTATION]?.trim();
  if (value !== undefined && value !== '') {
    if (value === 'required') {
      declared = 1;
    } else if (/^\d+$/.test(value)) {
      declared = Number(value);
      if (declared < 1 || declared > MAX_APPROVALS) {
        return invalid(
          `${APPROVAL_ANNOTATION} must be 'required' or a number of approvals from 1 to ${MAX_APPROVALS}, not '${value}'`,
        );
      }
    } else {
      return invalid(
        `${APPROVAL_ANNOTATION} must be 'required' or a number of approvals, not '${value}'`,
      );
    }
  }

  const groups = new Set<string>();
  const listed = annotations[APPROVERS_ANNOTATION];
  for (const item of (listed ?? '').split(',').map(s => s.trim())) {
    if (!item) continue;
    const ref = approverRef(item);
    if (!ref) {
      return invalid(
        `${APPROVERS_ANNOTATION}: '${item}' is not a group ref like group:default/team-sre`,
      );
    }
    groups.add(ref);
  }
  // Naming approvers asks for approval: a list of approvers that nobody is asked is a mistake.
  if (groups.size && !declared) declared = 1;

  const reasons: string[] = [];
  let required = 0;
  if (declared) {
    required = declared;
    reasons.push(`the Job asks for ${approvals(declared)}`);
  }
  for (const rule of rules.filter(r => r.cluster === cluster)) {
    required = Math.max(required, rule.count);
    rule.approverGroups.forEach(g => groups.add(g));
    reasons.push(
      rule.count === 1
        ? `every run on cluster ${cluster} needs approval`
        : `every run on cluster ${cluster} needs ${approvals(rule.count)}`,
    );
  }
  if (!required) return {};
  return {
    approval: {
      required,
      approverGroups: [...groups].sort(),
      reason: reasons.join(' and '),
    },
  };
}
