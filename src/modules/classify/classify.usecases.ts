/**
 * Classification operations for people: the review queue, a record's suggestions, confirming or
 * correcting them (the reviewed label becomes a training example), retraining and rollback.
 * Every query that touches records carries the visibility condition.
 */
import type { Database } from '../../db/database.port.ts';
import { authorize, recordVisibility, type Actor } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';
import { enqueue } from '../jobs/jobs.queue.ts';
import { checkLabel } from './classify.dataset.ts';
import { suggestionNotFound } from './classify.errors.ts';
import type { ExtractedField } from '../extract/extract.types.ts';
import type { LabelScore } from './classify.port.ts';
import { activateVersion, listVersions } from './classify.versions.ts';

export interface SuggestionView {
  recordId: string;
  title: string;
  archiveNo: string | null;
  status: 'review' | 'accepted' | 'confirmed' | 'corrected' | 'fields_only';
  label: string | null;
  classId: string | null;
  confidence: number | null;
  top: LabelScore[];
  year: number | null;
  organisationId: string | null;
  retentionCode: string | null;
  modelVersion: number | null;
  fields: ExtractedField[];
  createdAt: string;
  reviewedAt: string | null;
  reviewedBy: string | null;
}

interface SuggestionRow {
  record_id: string;
  title: string;
  archive_no: string | null;
  status: SuggestionView['status'];
  label: string | null;
  class_id: string | null;
  confidence: number | null;
  top: LabelScore[];
  year: number | null;
  organisation_id: string | null;
  retention_code: string | null;
  model_version: number | null;
  fields: ExtractedField[];
  created_at: Date;
  reviewed_at: Date | null;
  reviewed_by: string | null;
}

const SELECT = `SELECT s.record_id, r.title, r.archive_no, s.status, s.label, s.class_id, s.confidence, s.top, s.year,
       s.organisation_id, s.retention_code, s.model_version, s.fields, s.created_at, s.reviewed_at, s.reviewed_by
  FROM classify_suggestions s JOIN records r ON r.id = s.record_id`;

function view(row: SuggestionRow, withFields: boolean): SuggestionView {
  return {
    recordId: row.record_id,
    title: row.title,
    archiveNo: row.archive_no,
    status: row.status,
    label: row.label,
    classId: row.class_id,
    confidence: row.confidence,
    top: row.top,
    year: row.year,
    organisationId: row.organisation_id,
    retentionCode: row.retention_code,
    modelVersion: row.model_version,
    fields: withFields ? row.fields : [],
    createdAt: row.created_at.toISOString(),
    reviewedAt: row.reviewed_at?.toISOString() ?? null,
    reviewedBy: row.reviewed_by,
  };
}

/** Suggestions waiting for a person, oldest first, among the records the actor may see. */
export async function listReviewQueue(
  db: Database,
  actor: Actor,
  page: { limit: number; offset: number },
): Promise<{ total: number; items: SuggestionView[] }> {
  authorize(actor, 'record.update');
  const params: unknown[] = [];
  const visible = recordVisibility(actor, 'r', params);
  const where = `WHERE s.status = 'review' AND ${visible}`;
  const total = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM classify_suggestions s JOIN records r ON r.id = s.record_id ${where}`,
    params,
  );
  const { rows } = await db.query<SuggestionRow>(
    `${SELECT} ${where} ORDER BY s.created_at, s.record_id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, page.limit, page.offset],
  );
  return { total: Number(total.rows[0]!.n), items: rows.map((r) => view(r, false)) };
}

async function visibleSuggestion(db: Database, actor: Actor, recordId: string): Promise<SuggestionRow> {
  const params: unknown[] = [recordId];
  const visible = recordVisibility(actor, 'r', params);
  const { rows } = await db.query<SuggestionRow>(`${SELECT} WHERE s.record_id = $1 AND ${visible}`, params);
  // Not visible and not there answer alike: the reply must not reveal that a hidden record exists.
  if (!rows[0]) throw suggestionNotFound();
  return rows[0];
}

export async function getSuggestions(db: Database, actor: Actor, recordId: string): Promise<SuggestionView> {
  authorize(actor, 'record.read');
  return view(await visibleSuggestion(db, actor, recordId), true);
}

/** Confirms the suggested label, or corrects it; the reviewed label is kept as a training example. */
export async function reviewSuggestion(
  db: Database,
  actor: Actor,
  recordId: string,
  input: { label?: string | undefined },
): Promise<SuggestionView> {
  authorize(actor, 'record.update');
  const current = await visibleSuggestion(db, actor, recordId);
  const label = input.label !== undefined ? checkLabel(input.label) : current.label;
  if (!label) throw suggestionNotFound();
  const corrected = label !== current.label;
  await db.transaction(async (tx) => {
    const classId =
      (await tx.query<{ id: string }>(`SELECT id FROM classes WHERE trim(both '/' from path) = $1`, [label]))
        .rows[0]?.id ?? null;
    await tx.query(
      `UPDATE classify_suggestions SET status = $2, label = $3, class_id = $4, reviewed_at = now(), reviewed_by = $5
        WHERE record_id = $1`,
      [recordId, corrected ? 'corrected' : 'confirmed', label, classId, actor.label],
    );
    await tx.query(
      `INSERT INTO classify_examples (record_id, label, created_by) VALUES ($1, $2, $3)
       ON CONFLICT (record_id) DO UPDATE SET label = EXCLUDED.label, created_by = EXCLUDED.created_by, created_at = now()`,
      [recordId, label, actor.label],
    );
    await recordEvent(tx, actor, corrected ? 'classify.corrected' : 'classify.confirmed', {
      recordId,
      label,
      suggested: current.label,
    });
  });
  return view(await visibleSuggestion(db, actor, recordId), true);
}

export async function requestRetrain(db: Database, actor: Actor): Promise<{ jobId: string }> {
  authorize(actor, 'record.file');
  const jobId = await enqueue(db, {
    kind: 'classify_train',
    payload: { requestedBy: actor.label },
    maxAttempts: 2,
  });
  await recordEvent(db, actor, 'classify.retrain_requested', { jobId });
  return { jobId };
}

export async function modelVersions(db: Database, actor: Actor) {
  authorize(actor, 'record.file');
  return (await listVersions(db)).map((v) => ({
    version: v.version,
    active: v.active,
    labels: v.labels,
    trainingSize: v.training_size,
    eval: v.eval,
    bytes: Number(v.bytes),
    createdBy: v.created_by,
    createdAt: v.created_at.toISOString(),
  }));
}

export async function rollbackTo(db: Database, actor: Actor, version: number): Promise<void> {
  authorize(actor, 'record.file');
  await activateVersion(db, version);
  await recordEvent(db, actor, 'classify.model_activated', { version });
}
