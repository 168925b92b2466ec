/**
 * OCR review (OCR 校对): a person corrects or accepts the recognised lines of one page, and the
 * result is stored as a new version of the derived text and layout — never over the machine output.
 *
 * Versions form a chain through components.source_id: the job's `ocr_text` / `ocr_layout` point at the
 * original; each corrected version points at the version it replaced. The current version is the one
 * nothing points at (with the same role). Search indexes only current text components, and a new
 * `ocr_text` row fires the search and classify outbox triggers (0003_search.sql, 0004_classify.sql),
 * so the record is re-indexed with the corrected words. Who corrected which lines of which page is in
 * the record's event trail (record.ocr_review, ledger-logged); the text itself stays out of the trail.
 */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../db/database.port.ts';
import { authorize, type Actor } from '../access/access.policy.ts';
import type { BlobStore } from '../blobs/blobs.port.ts';
import type { Keyring } from '../keys/keyring.ts';
import { recordStateEvent } from '../ledger/record-state.ts';
import { recordNotFound } from '../records/records.errors.ts';
import { findVisibleRecord, type RecordRow } from '../records/records.repository.ts';
import { persistStaged, sealFor } from '../storage/intents.ts';
import { ocrLinesMismatch, ocrNoResult, ocrPageNotFound, ocrReviewConflict } from './ocr.errors.ts';
import type { OcrPage } from './ocr.port.ts';
import { documentText, type OcrDocument, type ReviewItem } from './ocr.usecases.ts';

export interface OcrReviewDeps {
  db: Database;
  blobs: BlobStore;
  owner: string;
  /** present when encryption at rest is on */
  keyring?: Keyring | undefined;
}

/** A page of the stored layout, with who reviewed it last. */
export type ReviewedPage = OcrPage & { reviewedBy?: string; reviewedAt?: string; corrected?: number[] };
export type StoredLayout = Omit<OcrDocument, 'pages' | 'review'> & {
  pages: ReviewedPage[];
  review?: ReviewItem[];
};

interface CurrentRow {
  id: string;
  role: 'ocr_text' | 'ocr_layout';
  blob_sha256: string;
  file_name: string;
  page_count: number | null;
}

/** The current (latest) OCR text and layout components of a record, if it has been read. */
export async function currentOcrComponents(
  db: Queryable,
  recordId: string,
): Promise<{ text?: CurrentRow; layout?: CurrentRow }> {
  const { rows } = await db.query<CurrentRow>(
    `SELECT cp.id, cp.role, cp.blob_sha256, cp.file_name, cp.page_count FROM components cp
      WHERE cp.record_id = $1 AND cp.role IN ('ocr_text', 'ocr_layout')
        AND NOT EXISTS (SELECT 1 FROM components n WHERE n.source_id = cp.id AND n.role = cp.role)
      ORDER BY cp.created_at`,
    [recordId],
  );
  return {
    text: rows.findLast((r) => r.role === 'ocr_text'),
    layout: rows.findLast((r) => r.role === 'ocr_layout'),
  };
}

export interface SavePageInput {
  /** the corrected text of every line of the page, in the layout's order */
  lines: string[];
  /** the layout component the correction was made on; a newer one means someone else saved first */
  base?: string | undefined;
}

export interface SavePageResult {
  page: number;
  /** indexes of the lines whose text changed */
  changed: number[];
  layoutId: string;
  textId: string;
  version: number;
}

/**
 * Stores the reviewed lines of page `pageNo` (1-based) as a new version of the OCR text and layout.
 * Saving an unchanged page records the page as reviewed (accepted). Authorised like a record edit.
 */
export async function saveOcrPage(
  deps: OcrReviewDeps,
  actor: Actor,
  idOrArchiveNo: string,
  pageNo: number,
  input: SavePageInput,
): Promise<SavePageResult> {
  authorize(actor, 'record.update');
  const record = await findVisibleRecord(deps.db, actor, idOrArchiveNo);
  if (!record) throw recordNotFound({ record: idOrArchiveNo });
  const current = await currentOcrComponents(deps.db, record.id);
  if (!current.layout || !current.text) throw ocrNoResult({ record: idOrArchiveNo });
  if (input.base && input.base !== current.layout.id) throw ocrReviewConflict({});
  const layout = JSON.parse(
    (await buffer(await deps.blobs.get(current.layout.blob_sha256))).toString('utf8'),
  ) as StoredLayout;
  const page = layout.pages[pageNo - 1];
  if (!page) throw ocrPageNotFound({ page: pageNo, count: layout.pages.length });
  if (input.lines.length !== page.lines.length)
    throw ocrLinesMismatch({ given: input.lines.length, expected: page.lines.length });

  const changed = page.lines.flatMap((line, i) => (line.text !== input.lines[i] ? [i] : []));
  const at = new Date().toISOString();
  page.lines = page.lines.map((line, i) => ({ ...line, text: input.lines[i]! }));
  page.corrected = [...new Set([...(page.corrected ?? []), ...changed])].sort((a, b) => a - b);
  page.reviewedBy = actor.label;
  page.reviewedAt = at;
  layout.text = documentText(layout.pages);
  if (layout.review) layout.review = layout.review.filter((item) => item.page !== pageNo);

  const version = (await versionOf(deps.db, current.layout.id)) + 1;
  const stem = current.layout.file_name.replace(/(\.v\d+)?\.json$/, '');
  const details = { page: pageNo, changed, version };
  // The text first: if it cannot be written the layout stays as it was, and the review is not lost
  // half-way (the layout is what the review page reads).
  const textId = await writeVersion(
    deps,
    record,
    current.text,
    {
      role: 'ocr_text',
      name: `${stem}.v${version}.txt`,
      mediaType: 'text/plain; charset=utf-8',
      format: 'txt',
      bytes: Buffer.from(`${layout.text}\n`, 'utf8'),
    },
    async (tx, id) =>
      recordStateEvent(tx, actor, 'record.ocr_review', { recordId: record.id, ...details, textId: id }),
  );
  const layoutId = await writeVersion(
    deps,
    record,
    current.layout,
    {
      role: 'ocr_layout',
      name: `${stem}.v${version}.json`,
      mediaType: 'application/json',
      format: 'json',
      bytes: Buffer.from(`${JSON.stringify(layout)}\n`, 'utf8'),
    },
    async (tx, id) =>
      recordStateEvent(tx, actor, 'record.derive', { recordId: record.id, ...details, layoutId: id }),
  );
  return { page: pageNo, changed, layoutId, textId, version };
}

/** How many versions came before this component (the machine output is version 1). */
async function versionOf(db: Queryable, componentId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH RECURSIVE chain AS (
       SELECT id, source_id, role FROM components WHERE id = $1
       UNION ALL
       SELECT c.id, c.source_id, c.role FROM components c JOIN chain ON c.id = chain.source_id AND c.role = chain.role)
     SELECT count(*)::int AS n FROM chain`,
    [componentId],
  );
  return rows[0]?.n ?? 1;
}

async function writeVersion(
  deps: OcrReviewDeps,
  record: RecordRow,
  previous: CurrentRow,
  output: { role: string; name: string; mediaType: string; format: string; bytes: Buffer },
  after?: (tx: Queryable, id: string) => Promise<void>,
): Promise<string> {
  const staged = await deps.blobs.stage(Readable.from([output.bytes]));
  const seal = await sealFor(deps, record.secrecy_level, staged);
  const id = randomUUID();
  await persistStaged(
    deps,
    staged,
    async (tx, blob) => {
      // One writer at a time per record; whoever comes second finds a newer version and must reload.
      await tx.query('SELECT 1 FROM records WHERE id = $1 FOR UPDATE', [record.id]);
      const { rows } = await tx.query<{ id: string }>(
        'SELECT id FROM components WHERE source_id = $1 AND role = $2 LIMIT 1',
        [previous.id, output.role],
      );
      if (rows.length > 0) throw ocrReviewConflict({});
      await tx.query(
        `INSERT INTO components (id, record_id, role, source_id, blob_sha256, file_name, media_type, format, size, page_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          id,
          record.id,
          output.role,
          previous.id,
          blob.address,
          output.name,
          output.mediaType,
          output.format,
          blob.size,
          previous.page_count,
        ],
      );
      await after?.(tx, id);
    },
    seal,
  );
  return id;
}
