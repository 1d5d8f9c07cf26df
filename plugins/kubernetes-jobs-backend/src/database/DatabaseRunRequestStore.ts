import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  DefinitionKind,
  DefinitionLocation,
  PENDING_REQUEST_STATES,
  RunRequestDecision,
  RunRequestState,
} from '@job-assistant/plugin-kubernetes-jobs-common';
import { Knex } from 'knex';
import { toDate, toIso } from '../util/dates';
import {
  DecisionOutcome,
  NewDecision,
  NewRunRequest,
  RunRequestStore,
  StoredRunRequest,
} from './RunRequestStore';

const REQUESTS = 'kubernetes_jobs_run_requests';
const DECISIONS = 'kubernetes_jobs_run_request_decisions';

type DbDate = Date | string | number | null;

interface RequestRow {
  id: string;
  cluster: string;
  namespace: string;
  definition_kind: string;
  definition_name: string;
  definition_uid: string;
  spec_fingerprint: string;
  entity_ref: string;
  requested_by: string;
  requested_at: DbDate;
  parameters: string | null;
  not_before: DbDate;
  approvals_required: number;
  approver_groups: string | null;
  approval_reason: string | null;
  expires_at: DbDate;
  state: string;
  state_reason: string | null;
  run_name: string | null;
  claimed_at: DbDate;
  updated_at: DbDate;
}

interface DecisionRow {
  id: number;
  request_id: string;
  decided_by: string;
  decided_at: DbDate;
  decision: string;
  comment: string | null;
}

/**
 * {@link RunRequestStore} on Backstage's database service. The tables come with the run
 * history's migrations (DatabaseRunStore runs them).
 */
export class DatabaseRunRequestStore implements RunRequestStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseRunRequestStore> {
    return new DatabaseRunRequestStore(await options.database.getClient());
  }

  constructor(private readonly db: Knex) {}

  async create(request: NewRunRequest): Promise<StoredRunRequest> {
    await this.db<RequestRow>(REQUESTS).insert({
      id: request.id,
      cluster: request.key.cluster,
      namespace: request.key.namespace,
      definition_kind: request.key.kind,
      definition_name: request.key.name,
      definition_uid: request.definitionUid,
      spec_fingerprint: request.specFingerprint,
      entity_ref: request.entityRef,
      requested_by: request.requestedBy,
      requested_at: request.requestedAt,
      parameters:
        request.parameters && Object.keys(request.parameters).length
          ? JSON.stringify(request.parameters)
          : null,
      not_before: request.notBefore ?? null,
      approvals_required: request.approval?.required ?? 0,
      approver_groups: request.approval
        ? JSON.stringify(request.approval.approverGroups)
        : null,
      approval_reason: request.approval?.reason ?? null,
      expires_at: request.expiresAt ?? null,
      state: request.state,
      state_reason: null,
      run_name: null,
      claimed_at: null,
      updated_at: request.requestedAt,
    });
    return (await this.get(request.id))!;
  }

  async get(id: string): Promise<StoredRunRequest | undefined> {
    const row = await this.db<RequestRow>(REQUESTS).where({ id }).first();
    return row ? (await this.withDecisions(this.db, [row]))[0] : undefined;
  }

  async listForDefinition(
    key: DefinitionLocation,
    options: { limit: number },
  ): Promise<StoredRunRequest[]> {
    const rows = await this.db<RequestRow>(REQUESTS)
      .where({
        cluster: key.cluster,
        namespace: key.namespace,
        definition_kind: key.kind,
        definition_name: key.name,
      })
      .orderByRaw('CASE WHEN state IN (?, ?) THEN 0 ELSE 1 END', [
        ...PENDING_REQUEST_STATES,
      ])
      .orderBy('requested_at', 'desc')
      .orderBy('id')
      .limit(options.limit);
    return this.withDecisions(this.db, rows);
  }

  async listPending(options: {
    waitingForApproval?: boolean;
    limit: number;
  }): Promise<StoredRunRequest[]> {
    const rows = await this.db<RequestRow>(REQUESTS)
      .whereIn(
        'state',
        options.waitingForApproval
          ? ['WaitingForApproval']
          : [...PENDING_REQUEST_STATES],
      )
      .orderBy('requested_at', 'desc')
      .orderBy('id')
      .limit(options.limit);
    return this.withDecisions(this.db, rows);
  }

  decide(id: string, decision: NewDecision): Promise<DecisionOutcome> {
    return this.db.transaction(async tx => {
      // The guarded update locks the row: deciders on other replicas wait here, and then
      // count the approvals this one committed.
      const locked = await tx<RequestRow>(REQUESTS)
        .where({ id, state: 'WaitingForApproval' })
        .update({ updated_at: decision.at });
      const row = await tx<RequestRow>(REQUESTS).where({ id }).first();
      if (!row) return { status: 'not-found' };
      const current = async () => (await this.withDecisions(tx, [row]))[0];
      if (!locked) return { status: 'not-waiting', request: await current() };
      const expiresAt = toDate(row.expires_at);
      if (expiresAt && expiresAt.getTime() <= decision.at.getTime()) {
        return { status: 'expired', request: await current() };
      }
      const earlier = await tx<DecisionRow>(DECISIONS)
        .where({ request_id: id, decided_by: decision.by })
        .first('id');
      if (earlier) {
        return { status: 'already-decided', request: await current() };
      }
      await tx<DecisionRow>(DECISIONS).insert({
        request_id: id,
        decided_by: decision.by,
        decided_at: decision.at,
        decision: decision.decision,
        comment: decision.comment ?? null,
      });
      let status: 'recorded' | 'approved' | 'rejected' = 'recorded';
      if (decision.decision === 'reject') {
        await tx<RequestRow>(REQUESTS)
          .where({ id })
          .update({
            state: 'Rejected',
            state_reason: decision.reason ?? null,
            updated_at: decision.at,
          });
        status = 'rejected';
      } else {
        const [{ n }] = await tx<DecisionRow>(DECISIONS)
          .where({ request_id: id, decision: 'approve' })
          .count({ n: '*' });
        if (Number(n) >= row.approvals_required) {
          await tx<RequestRow>(REQUESTS)
            .where({ id })
            .update({ state: 'Scheduled', updated_at: decision.at });
          status = 'approved';
        }
      }
      const after = await tx<RequestRow>(REQUESTS).where({ id }).first();
      return { status, request: (await this.withDecisions(tx, [after!]))[0] };
    });
  }

  async cancel(
    id: string,
    options: { reason: string; at: Date },
  ): Promise<boolean> {
    const updated = await this.db<RequestRow>(REQUESTS)
      .where({ id })
      .whereIn('state', [...PENDING_REQUEST_STATES])
      .whereNull('claimed_at')
      .update({
        state: 'Cancelled',
        state_reason: options.reason,
        updated_at: options.at,
      });
    return updated === 1;
  }

  async expireDue(now: Date): Promise<StoredRunRequest[]> {
    const due = await this.db<RequestRow>(REQUESTS)
      .where({ state: 'WaitingForApproval' })
      .where('expires_at', '<=', now)
      .select('id', 'expires_at', 'not_before');
    const expired: string[] = [];
    for (const row of due) {
      const beforeItsTime =
        toDate(row.not_before) &&
        toDate(row.not_before)!.getTime() <= toDate(row.expires_at)!.getTime();
      const updated = await this.db<RequestRow>(REQUESTS)
        .where({ id: row.id, state: 'WaitingForApproval' })
        .update({
          state: 'Expired',
          state_reason: beforeItsTime
            ? 'nobody approved it before the time it was to run'
            : 'nobody approved it in time',
          updated_at: now,
        });
      if (updated === 1) expired.push(row.id);
    }
    return this.byIds(expired);
  }

  async dueIds(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db<RequestRow>(REQUESTS)
      .where({ state: 'Scheduled' })
      .whereNull('claimed_at')
      .where(q => q.whereNull('not_before').orWhere('not_before', '<=', now))
      .orderByRaw('COALESCE(not_before, requested_at)')
      .limit(limit)
      .select('id');
    return rows.map(r => r.id);
  }

  async claim(id: string, at: Date): Promise<boolean> {
    const updated = await this.db<RequestRow>(REQUESTS)
      .where({ id, state: 'Scheduled' })
      .whereNull('claimed_at')
      .update({ claimed_at: at, updated_at: at });
    return updated === 1;
  }

  async unclaim(id: string): Promise<void> {
    await this.db<RequestRow>(REQUESTS)
      .where({ id, state: 'Scheduled' })
      .update({ claimed_at: null });
  }

  async finish(
    id: string,
    outcome:
      | { state: 'Started'; runName: string }
      | { state: 'NotStarted'; reason: string },
    at: Date,
  ): Promise<StoredRunRequest | undefined> {
    await this.db<RequestRow>(REQUESTS)
      .where({ id, state: 'Scheduled' })
      .whereNotNull('claimed_at')
      .update({
        state: outcome.state,
        run_name: outcome.state === 'Started' ? outcome.runName : null,
        state_reason: outcome.state === 'NotStarted' ? outcome.reason : null,
        updated_at: at,
      });
    return this.get(id);
  }

  async staleClaims(before: Date): Promise<StoredRunRequest[]> {
    const rows = await this.db<RequestRow>(REQUESTS)
      .where({ state: 'Scheduled' })
      .where('claimed_at', '<', before);
    return this.withDecisions(this.db, rows);
  }

  async cleanup(olderThan: Date): Promise<number> {
    return this.db<RequestRow>(REQUESTS)
      .whereNotIn('state', [...PENDING_REQUEST_STATES])
      .where('updated_at', '<', olderThan)
      .delete();
  }

  private async byIds(ids: string[]): Promise<StoredRunRequest[]> {
    if (!ids.length) return [];
    const rows = await this.db<RequestRow>(REQUESTS).whereIn('id', ids);
    return this.withDecisions(this.db, rows);
  }

  private async withDecisions(
    db: Knex,
    rows: RequestRow[],
  ): Promise<StoredRunRequest[]> {
    const decisions = rows.length
      ? await db<DecisionRow>(DECISIONS)
          .whereIn(
            'request_id',
            rows.map(r => r.id),
          )
          .orderBy('decided_at')
          .orderBy('id')
      : [];
    return rows.map(row =>
      toRequest(
        row,
        decisions.filter(d => d.request_id === row.id),
      ),
    );
  }
}

function toRequest(row: RequestRow, decisions: DecisionRow[]) {
  const request: StoredRunRequest = {
    id: row.id,
    cluster: row.cluster,
    namespace: row.namespace,
    definition: {
      kind: row.definition_kind as DefinitionKind,
      name: row.definition_name,
    },
    entityRef: row.entity_ref,
    requestedBy: row.requested_by,
    requestedAt: toIso(row.requested_at)!,
    parameters: row.parameters ? JSON.parse(row.parameters) : undefined,
    notBefore: toIso(row.not_before),
    approval: row.approvals_required
      ? {
          required: row.approvals_required,
          approverGroups: JSON.parse(row.approver_groups ?? '[]'),
          reason: row.approval_reason ?? '',
        }
      : undefined,
    decisions: decisions.map(
      (d): RunRequestDecision => ({
        by: d.decided_by,
        at: toIso(d.decided_at)!,
        decision: d.decision as RunRequestDecision['decision'],
        ...(d.comment ? { comment: d.comment } : {}),
      }),
    ),
    expiresAt: toIso(row.expires_at),
    state: row.state as RunRequestState,
    stateReason: row.state_reason ?? undefined,
    run: row.run_name ? { name: row.run_name } : undefined,
    updatedAt: toIso(row.updated_at)!,
    definitionUid: row.definition_uid,
    specFingerprint: row.spec_fingerprint,
    claimedAt: toIso(row.claimed_at),
  };
  return request;
}
