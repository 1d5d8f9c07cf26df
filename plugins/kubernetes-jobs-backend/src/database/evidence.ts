import { RunEvent, RunPod } from '@job-assistant/plugin-kubernetes-jobs-common';
import { Knex } from 'knex';
import { toIso } from '../util/dates';
import { Row, TABLE } from './rows';

/** What a run left behind, kept with its record for when Kubernetes has deleted the pods. */
export interface SavedEvidence {
  savedAt: string;
  /** The failure in plain words, for a failed run. */
  failureSummary?: string;
  attempts?: number;
  pods: RunPod[];
  /** The tail of each container's log. */
  logs: Array<{ pod: string; container: string; text: string }>;
  events: RunEvent[];
}

export async function saveEvidence(
  db: Knex,
  jobUid: string,
  evidence: SavedEvidence,
): Promise<boolean> {
  const { failureSummary, attempts, savedAt, ...kept } = evidence;
  const updated = await db<Row>(TABLE)
    .where({ job_uid: jobUid })
    .whereNull('evidence_saved_at')
    .update({
      evidence: JSON.stringify(kept),
      evidence_saved_at: new Date(savedAt),
      ...(failureSummary ? { failure_summary: failureSummary } : {}),
      ...(attempts !== undefined ? { attempts } : {}),
    });
  return updated > 0;
}

export async function getEvidence(
  db: Knex,
  jobUid: string,
): Promise<SavedEvidence | undefined> {
  const row = await db<Row>(TABLE)
    .where({ job_uid: jobUid })
    .whereNotNull('evidence_saved_at')
    .first('evidence', 'evidence_saved_at', 'failure_summary', 'attempts');
  if (!row?.evidence) return undefined;
  const kept = JSON.parse(row.evidence) as Omit<
    SavedEvidence,
    'savedAt' | 'failureSummary' | 'attempts'
  >;
  return {
    ...kept,
    savedAt: toIso(row.evidence_saved_at) ?? '',
    failureSummary: row.failure_summary ?? undefined,
    attempts: row.attempts ?? undefined,
  };
}
