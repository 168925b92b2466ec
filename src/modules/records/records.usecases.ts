/** Reading, correcting and filing records. */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { Database } from '../../db/database.port.ts';
import { authorize, forbidden, inScope, type Actor } from '../access/access.policy.ts';
import type { BlobStore } from '../blobs/blobs.port.ts';
import { recordEvent } from '../events/events.ts';
import { recordStateEvent } from '../ledger/record-state.ts';
import { canWatermark, watermark, watermarkUnsupported } from '../watermark/watermark.ts';
import {
  findFonds,
  findLevel,
  findOrganisation,
  type CategoryRow,
} from '../reference/reference.repository.ts';
import { formatArchiveNo } from './archive-number.ts';
import { directLookups, type ReferenceLookups } from '../reference/reference.cache.ts';
import {
  componentNotFound,
  recordAlreadyFiled,
  recordFiledReadOnly,
  recordIncomplete,
  recordNotFound,
  recordVersionConflict,
} from './records.errors.ts';
import { checkExtraFields, recordYear, type RecordMetadataPatch } from './records.models.ts';
import {
  findComponents,
  findVisibleRecord,
  listVisibleRecords,
  type ComponentRow,
  type RecordFilter,
  type RecordRow,
} from './records.repository.ts';

export interface ComponentView {
  id: string;
  role: string;
  sourceId: string | null;
  fileName: string;
  mediaType: string;
  format: string;
  size: number;
  sha256: string;
  sm3: string;
  pageCount: number | null;
  createdAt: string;
}

export interface RecordView {
  id: string;
  status: 'draft' | 'filed';
  archiveNo: string | null;
  itemNo: number | null;
  fonds: string;
  category: string;
  categoryName: string;
  class: string | null;
  organisation: string;
  organisationName: string;
  title: string;
  responsible: string | null;
  docNumber: string | null;
  formedOn: string | null;
  year: number | null;
  pageCount: number | null;
  level: string;
  retention: string | null;
  keywords: string[];
  notes: string | null;
  extra: Record<string, unknown>;
  filedAt: string | null;
  filedBy: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  components?: ComponentView[];
}

export function toRecordView(row: RecordRow, components?: ComponentRow[]): RecordView {
  return {
    id: row.id,
    status: row.status,
    archiveNo: row.archive_no,
    itemNo: row.item_no,
    fonds: row.fonds_code,
    category: row.category_code,
    categoryName: row.category_name,
    class: row.class_code,
    organisation: row.organisation_code,
    organisationName: row.organisation_name,
    title: row.title,
    responsible: row.responsible,
    docNumber: row.doc_number,
    formedOn: row.formed_on,
    year: row.year,
    pageCount: row.page_count,
    level: row.secrecy_level,
    retention: row.retention_code,
    keywords: row.keywords,
    notes: row.notes,
    extra: row.extra,
    filedAt: row.filed_at?.toISOString() ?? null,
    filedBy: row.filed_by,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
    ...(components ? { components: components.map(toComponentView) } : {}),
  };
}

function toComponentView(c: ComponentRow): ComponentView {
  return {
    id: c.id,
    role: c.role,
    sourceId: c.source_id,
    fileName: c.file_name,
    mediaType: c.media_type,
    format: c.format,
    size: Number(c.size),
    sha256: c.content_sha256,
    sm3: c.sm3,
    pageCount: c.page_count,
    createdAt: c.created_at.toISOString(),
  };
}

async function requireRecord(db: Database, actor: Actor, idOrArchiveNo: string): Promise<RecordRow> {
  const row = await findVisibleRecord(db, actor, idOrArchiveNo);
  if (!row) throw recordNotFound({ record: idOrArchiveNo });
  return row;
}

/** A record with its files; the view is recorded. */
export async function getRecord(db: Database, actor: Actor, idOrArchiveNo: string): Promise<RecordView> {
  authorize(actor, 'record.read');
  const row = await requireRecord(db, actor, idOrArchiveNo);
  const components = await findComponents(db, row.id);
  await recordEvent(db, actor, 'record.view', { recordId: row.id });
  return toRecordView(row, components);
}

export interface RecordEventView {
  at: string;
  actor: string;
  action: string;
  outcome: string;
  details: Record<string, unknown>;
}

/**
 * The event trail of one record, newest first (history of versions, filing, views, downloads), for
 * whoever may read the record. Reading it is itself recorded.
 */
export async function recordHistory(
  db: Database,
  actor: Actor,
  idOrArchiveNo: string,
  limit: number,
): Promise<RecordEventView[]> {
  authorize(actor, 'record.read');
  const row = await requireRecord(db, actor, idOrArchiveNo);
  const { rows } = await db.query<{
    at: Date | string;
    actor: string;
    action: string;
    outcome: string;
    details: Record<string, unknown>;
  }>(
    'SELECT at, actor, action, outcome, details FROM events WHERE record_id = $1 ORDER BY id DESC LIMIT $2',
    [row.id, limit],
  );
  await recordEvent(db, actor, 'record.history', { recordId: row.id });
  return rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    outcome: r.outcome,
    details: r.details ?? {},
  }));
}

/** A record with its files as the actor sees it, without recording a view (for replies to a write). */
export async function readRecordView(db: Database, actor: Actor, id: string): Promise<RecordView> {
  const row = await requireRecord(db, actor, id);
  return toRecordView(row, await findComponents(db, row.id));
}

export async function listRecords(
  db: Database,
  actor: Actor,
  filter: RecordFilter,
  page: { limit: number; cursor?: string | undefined },
): Promise<{
  total: number;
  byStatus: { draft: number; filed: number };
  items: RecordView[];
  nextCursor: string | null;
}> {
  authorize(actor, 'record.read');
  const after = page.cursor ? decodeCursor(page.cursor) : undefined;
  const { rows, total, byStatus } = await listVisibleRecords(db, actor, filter, { limit: page.limit, after });
  await recordEvent(db, actor, 'record.list', { filter, count: rows.length, total });
  const last = rows.at(-1);
  return {
    total,
    byStatus,
    items: rows.map((r) => toRecordView(r)),
    nextCursor: rows.length === page.limit && last ? encodeCursor(last) : null,
  };
}

function encodeCursor(row: RecordRow): string {
  return Buffer.from(JSON.stringify([row.created_at.toISOString(), row.id])).toString('base64url');
}
function decodeCursor(cursor: string): { createdAt: string; id: string } | undefined {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    if (typeof createdAt === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(createdAt)))
      return { createdAt, id };
  } catch {
    // An unreadable cursor starts from the beginning rather than failing the listing.
  }
  return undefined;
}

// Fields that make up the archive number, or the record's placement, cannot change once filed.
const FROZEN_WHEN_FILED = ['fonds', 'category', 'year', 'formedOn', 'retention', 'organisation'] as const;

/** Corrects a record's metadata. `version` guards against overwriting someone else's change. */
export async function updateRecord(
  db: Database,
  actor: Actor,
  idOrArchiveNo: string,
  patch: RecordMetadataPatch,
  expectedVersion?: number,
): Promise<RecordView> {
  authorize(actor, 'record.update');
  const updated = await db.transaction(async (tx) => {
    const current = await findVisibleRecord(tx, actor, idOrArchiveNo);
    if (!current) throw recordNotFound({ record: idOrArchiveNo });
    if (expectedVersion !== undefined && current.version !== expectedVersion)
      throw recordVersionConflict({ version: current.version });
    if (current.status === 'filed') {
      for (const field of FROZEN_WHEN_FILED)
        if (patch[field] !== undefined) throw recordFiledReadOnly({ field });
    }
    const resolved = await resolvePlacement(directLookups(tx), patch, current);
    if (patch.organisation !== undefined) {
      // Moving a record out of one's scope would hand it to people not cleared by its owner.
      const target = await findOrganisation(tx, resolved.organisationId);
      if (!inScope(actor, target.path)) throw forbidden({ organisation: target.code });
    }
    if (patch.level !== undefined && patch.level !== current.secrecy_level) {
      const level = await findLevel(tx, patch.level);
      // Nobody may lift a record to a level above their own clearance and so lock themselves out of it.
      if (level.rank > actor.clearanceRank) throw recordNotFound({ record: idOrArchiveNo });
      // Anyone handling a record may mark it more sensitive; lowering it (降密、解密) releases it to
      // more people and is an archivist's decision (record.classify).
      const currentRank = (await findLevel(tx, current.secrecy_level)).rank;
      if (level.rank < currentRank) authorize(actor, 'record.classify');
    }
    const extra = patch.extra === undefined ? current.extra : { ...current.extra, ...patch.extra };
    checkExtraFields(extra, resolved.category.extra_fields);
    await tx.query(
      `UPDATE records SET
         title = coalesce($2, title), responsible = coalesce($3, responsible), doc_number = coalesce($4, doc_number),
         formed_on = coalesce($5::date, formed_on), year = coalesce($6, year), page_count = coalesce($7, page_count),
         secrecy_level = coalesce($8, secrecy_level), retention_code = coalesce($9, retention_code),
         keywords = coalesce($10, keywords), notes = coalesce($11, notes), extra = $12,
         fonds_id = $13, category_id = $14, class_id = $15, organisation_id = $16,
         updated_at = now(), version = version + 1
       WHERE id = $1`,
      [
        current.id,
        patch.title ?? null,
        patch.responsible ?? null,
        patch.docNumber ?? null,
        patch.formedOn ?? null,
        patch.year ?? null,
        patch.pageCount ?? null,
        patch.level ?? null,
        patch.retention ?? null,
        patch.keywords ?? null,
        patch.notes ?? null,
        JSON.stringify(extra),
        resolved.fondsId,
        resolved.categoryId,
        resolved.classId,
        resolved.organisationId,
      ],
    );
    await recordStateEvent(tx, actor, 'record.update', { recordId: current.id, fields: Object.keys(patch) });
    return current.id;
  });
  return getRecord(db, actor, updated);
}

/**
 * Resolves codes in a patch to ids, keeping the current placement where the patch is silent. Returns
 * the rows it looked up, so that callers need not look them up again.
 */
export async function resolvePlacement(
  ref: ReferenceLookups,
  patch: RecordMetadataPatch,
  current?: Pick<RecordRow, 'fonds_id' | 'category_id' | 'class_id' | 'organisation_id'>,
): Promise<{
  fondsId: string;
  categoryId: string;
  classId: string | null;
  organisationId: string;
  category: CategoryRow;
}> {
  // One after the other: inside a transaction the statements share one connection anyway.
  const fonds = await ref.fonds(patch.fonds ?? current?.fonds_id ?? '');
  const category = await ref.category(patch.category ?? current?.category_id ?? '');
  const organisation = await ref.organisation(patch.organisation ?? current?.organisation_id ?? '');
  const classId = patch.class
    ? (await ref.class(category.id, patch.class)).id
    : category.id === current?.category_id
      ? current.class_id
      : null;
  if (patch.retention) await ref.retention(patch.retention);
  return { fondsId: fonds.id, categoryId: category.id, classId, organisationId: organisation.id, category };
}

/**
 * Files a draft (归档): checks the metadata the archive number needs and assigns the next item
 * number of its bucket. The counter row is locked by the upsert, so concurrent filings in one bucket
 * queue up and get consecutive numbers; a rolled-back filing rolls its number back too — no gaps.
 */
export async function fileRecord(db: Database, actor: Actor, idOrArchiveNo: string): Promise<RecordView> {
  const { id } = await assignArchiveNo(db, actor, idOrArchiveNo);
  return getRecord(db, actor, id);
}

/** The filing transaction of fileRecord, answering only the record's id and its new 档号. */
export async function assignArchiveNo(
  db: Database,
  actor: Actor,
  idOrArchiveNo: string,
): Promise<{ id: string; archiveNo: string }> {
  authorize(actor, 'record.file');
  return db.transaction(async (tx) => {
    const visible = await findVisibleRecord(tx, actor, idOrArchiveNo);
    if (!visible) throw recordNotFound({ record: idOrArchiveNo });
    // Lock the record so that two filings of the same draft cannot both pass the status check.
    await tx.query('SELECT 1 FROM records WHERE id = $1 FOR UPDATE', [visible.id]);
    const row = (await findVisibleRecord(tx, actor, visible.id))!;
    if (row.status === 'filed') throw recordAlreadyFiled({ archiveNo: row.archive_no });
    const year = recordYear(row.year, row.formed_on);
    const missing = [
      ...(year === null ? ['年度或形成日期 (year/formedOn)'] : []),
      ...(row.retention_code === null ? ['保管期限 (retention)'] : []),
    ];
    if (missing.length > 0) throw recordIncomplete({ fields: missing.join('、') });
    const { rows } = await tx.query<{ last_item: number }>(
      `INSERT INTO archive_counters (fonds_id, category_id, year, retention_code, organisation_id, last_item)
       VALUES ($1, $2, $3, $4, $5, 1)
       ON CONFLICT (fonds_id, category_id, year, retention_code, organisation_id)
       DO UPDATE SET last_item = archive_counters.last_item + 1
       RETURNING last_item`,
      [row.fonds_id, row.category_id, year, row.retention_code, row.organisation_id],
    );
    const item = rows[0]!.last_item;
    const format = (await findFonds(tx, row.fonds_id)).archive_no_format;
    const archiveNo = formatArchiveNo(format, {
      fonds: row.fonds_code,
      category: row.category_code,
      year: year!,
      retention: row.retention_code!,
      org: row.organisation_code,
      item,
    });
    await tx.query(
      `UPDATE records SET status = 'filed', year = $2, item_no = $3, archive_no = $4, filed_at = now(), filed_by = $5,
         updated_at = now(), version = version + 1 WHERE id = $1`,
      [row.id, year, item, archiveNo, actor.label],
    );
    await recordStateEvent(tx, actor, 'record.file', { recordId: row.id, archiveNo });
    return { id: row.id, archiveNo };
  });
}

/** Opens one file of a record for download (whole or a byte range); the download is recorded. */
export interface DownloadOptions {
  /** the rank from which copies are served watermarked (config security.watermarkFromLevel) */
  watermarkFromRank?: number | undefined;
  /** the purpose the user gave; printed in the mark and kept in the audit entry */
  purpose?: string | undefined;
}

/**
 * A component's bytes for download. At or above the watermark rank the caller gets a marked copy
 * (the whole file, not a range; the stored blob is untouched); a type that cannot carry a visible
 * mark is refused, and the refusal is audited.
 */
export async function openComponent(
  db: Database,
  blobs: BlobStore,
  actor: Actor,
  idOrArchiveNo: string,
  componentId: string,
  range?: { start: number; end: number },
  options: DownloadOptions = {},
): Promise<{
  component: ComponentView;
  record: RecordRow;
  stream: Readable;
  /** set when the stream is a watermarked copy: its size */
  watermarked?: { size: number };
}> {
  authorize(actor, 'record.download');
  const record = await requireRecord(db, actor, idOrArchiveNo);
  const component = (await findComponents(db, record.id)).find(
    (c) => c.id === componentId || (componentId === 'original' && c.role === 'original'),
  );
  if (!component) throw componentNotFound({ component: componentId });
  const purpose = options.purpose ? { purpose: options.purpose } : {};
  if (
    options.watermarkFromRank !== undefined &&
    (await findLevel(db, record.secrecy_level)).rank >= options.watermarkFromRank
  ) {
    if (!canWatermark(component.media_type)) {
      // Content that was crypto-shredded answers as gone (key.content_destroyed), whatever its type:
      // opening the blob checks its key before a byte is read.
      if (Number(component.size) > 0)
        (await blobs.get(component.blob_sha256, { start: 0, end: 0 })).destroy();
      await recordEvent(db, actor, 'record.download', {
        recordId: record.id,
        componentId: component.id,
        outcome: 'denied',
        reason: 'watermark_unsupported',
        ...purpose,
      });
      throw watermarkUnsupported({ mediaType: component.media_type });
    }
    const original = await buffer(await blobs.get(component.blob_sha256));
    const copy = await watermark(original, component.media_type, {
      account: actor.label,
      at: new Date(),
      archiveNo: record.archive_no ?? record.id,
      purpose: options.purpose,
    });
    await recordEvent(db, actor, 'record.download', {
      recordId: record.id,
      componentId: component.id,
      watermarked: true,
      copySha256: createHash('sha256').update(copy).digest('hex'),
      ...purpose,
    });
    return {
      component: toComponentView(component),
      record,
      stream: Readable.from([copy]),
      watermarked: { size: copy.length },
    };
  }
  const stream = await blobs.get(component.blob_sha256, range);
  await recordEvent(db, actor, 'record.download', {
    recordId: record.id,
    componentId: component.id,
    ...(range ? { range: `${range.start}-${range.end}` } : {}),
    ...purpose,
  });
  return { component: toComponentView(component), record, stream };
}
