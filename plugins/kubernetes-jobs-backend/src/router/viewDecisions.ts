import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { PolicyDecision } from '@backstage/plugin-permission-common';

/** The caller's decisions on reading entities in the catalog and on the permission asked. */
export interface Decisions {
  catalogRead: PolicyDecision;
  decision: PolicyDecision;
}

/** How many callers' decisions are kept: past it, the oldest go first. */
const MAX_CALLERS = 10_000;

/**
 * Whose decisions these are: the principal, and for a user the expiry of the token that says
 * who they are (a new token, with new group claims, is a new caller). Undefined for a caller
 * whose decisions are not kept.
 */
function callerKey(credentials: BackstageCredentials): string | undefined {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
    actor?: { subject?: string };
    accessRestrictions?: unknown;
  };
  switch (principal.type) {
    case 'user':
      return JSON.stringify([
        'user',
        principal.userEntityRef,
        principal.actor?.subject ?? null,
        credentials.expiresAt?.getTime() ?? null,
      ]);
    case 'service':
      return JSON.stringify([
        'service',
        principal.subject,
        principal.accessRestrictions ?? null,
      ]);
    case 'none':
      return '["none"]';
    default:
      return undefined;
  }
}

/**
 * The policy's decisions for views, kept per caller for at most `maxAgeMs`: the views of one
 * browser (a tab refetching after a hint, the pages of the Jobs page) ask the permission backend
 * once per that time instead of once per view. A view's entities come from a copy of the
 * catalog just as old (see `KubernetesEntities`), so a view may be that far behind both the
 * catalog and the policy, never further. A failed call to the policy is not kept. Changes never
 * come here: they are decided fresh.
 */
export class ViewDecisions {
  private readonly kept = new Map<
    string,
    { until: number; decisions: Promise<Decisions> }
  >();

  constructor(
    private readonly options: { maxAgeMs: number; now?: () => number },
  ) {}

  get(
    credentials: BackstageCredentials,
    ask: () => Promise<Decisions>,
  ): Promise<Decisions> {
    const key = callerKey(credentials);
    if (key === undefined || this.options.maxAgeMs <= 0) return ask();
    const now = this.now();
    const found = this.kept.get(key);
    if (found && found.until > now) return found.decisions;
    this.kept.delete(key);
    const decisions = ask();
    const entry = { until: now + this.options.maxAgeMs, decisions };
    this.kept.set(key, entry);
    decisions.catch(() => {
      if (this.kept.get(key) === entry) this.kept.delete(key);
    });
    if (this.kept.size > MAX_CALLERS) {
      this.kept.delete(this.kept.keys().next().value!);
    }
    return decisions;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
