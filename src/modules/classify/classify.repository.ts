/** Database access for classification: texts of records, suggestions, the review queue, examples, models. */
import type { Database, Queryable } from '../../db/database.port.ts';
import type { BlobStore } from '../blobs/blobs.port.ts';
import type { LabelledText } from './classify.port.ts';

/** Texts beyond this are cut when read for classification: the model reads the start only. */
export const RECORD_TEXT_CHARS = 200_000;

/** The extracted or OCR text of a record, or null when it has none yet. */
export async function recordText(db: Queryable, blobs: BlobStore, recordId: string): Promise<string | null> {
  const { rows } = await db.query<{ blob_sha256: string }>(
    `SELECT blob_sha256 FROM components WHERE record_id = $1 AND role IN ('text', 'ocr_text')
      ORDER BY (role = 'text') DESC, created_at DESC LIMIT 1`,
    [recordId],
  );
  if (!rows[0]) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of await blobs.get(rows[0].blob_sha256)) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > RECORD_TEXT_CHARS * 4) break;
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, RECORD_TEXT_CHARS);
}

/** The class label of a record: its class path (category code first), e.g. "SP/JS/GH". */
export const LABEL_SQL = `trim(both '/' from cl.path)`;

/**
 * The archive's own training set: filed records with a class, and records whose label a person
 * reviewed (the reviewed label wins). Text is the extracted text, else the title.
 */
export async function archiveTrainingSet(deps: { db: Database; blobs: BlobStore }): Promise<LabelledText[]> {
  const { rows } = await deps.db.query<{ id: string; title: string; label: string }>(
    `SELECT r.id, r.title, coalesce(e.label, ${LABEL_SQL}) AS label
       FROM records r
       LEFT JOIN classify_examples e ON e.record_id = r.id
       LEFT JOIN classes cl ON cl.id = r.class_id
      WHERE e.label IS NOT NULL OR (r.status = 'filed' AND r.class_id IS NOT NULL)
      ORDER BY r.id`,
  );
  const out: LabelledText[] = [];
  for (const row of rows) {
    const text = (await recordText(deps.db, deps.blobs, row.id)) ?? '';
    out.push({ text: `${row.title}\n${text}`, label: row.label });
  }
  return out;
}
