/**
 * Ingest (接收): take one file in, check what it is, store it once, and create its draft record with
 * the processing jobs it needs — the bytes, the record, its component and its jobs become visible
 * together or not at all.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Config } from '../../app/config.ts';
import type { Database } from '../../db/database.port.ts';
import { authorize, forbidden, inScope, type Actor } from '../access/access.policy.ts';
import { isAppError } from '../../app/errors.ts';
import type { BlobStore } from '../blobs/blobs.port.ts';
import { inspectFile, type InspectedFile } from '../content/sniff.ts';
import { recordEvent } from '../events/events.ts';
import { recordStateEvent } from '../ledger/record-state.ts';
import { directLookups, type ReferenceLookups } from '../reference/reference.cache.ts';
import { checkExtraFields, recordYear, type RecordMetadataPatch } from '../records/records.models.ts';
import { findOriginalBySha } from '../records/records.repository.ts';
import {
  assignArchiveNo,
  readRecordView,
  resolvePlacement,
  type RecordView,
} from '../records/records.usecases.ts';
import type { Keyring } from '../keys/keyring.ts';
import { persistStaged, sealFor } from '../storage/intents.ts';
import { uploadTooLarge } from './ingest.errors.ts';

export interface IngestDeps {
  db: Database;
  blobs: BlobStore;
  config: Config;
  owner: string;
  /** present when encryption at rest is on */
  keyring?: Keyring | undefined;
  /** reference lookups, remembered briefly (createReferenceCache); straight to the database when absent */
  reference?: ReferenceLookups;
  /** wakes the job workers after a job was queued */
  notify?: () => void;
}

export interface IngestInput {
  source: Readable | AsyncIterable<Uint8Array>;
  /** the name the file came with; kept as metadata only, never used as a path */
  originalName: string;
  metadata?: RecordMetadataPatch;
  /** file the record at once (assign its 档号) when its metadata allows */
  file?: boolean;
  /**
   * 'full' (default): the outcome carries the stored record as a reader sees it; 'brief': only its id
   * and 档号 — batch ingest needs no more, and saves two queries per file.
   */
  view?: 'full' | 'brief';
  signal?: AbortSignal;
}

export type IngestOutcome =
  | {
      status: 'created';
      recordId: string;
      archiveNo: string | null;
      /** present unless the input asked for a brief view */
      record?: RecordView;
      nameMismatch: boolean;
      filingError?: { code: string; message: string };
    }
  | { status: 'duplicate'; existing: { id: string; archiveNo: string | null; title: string } };

/** The jobs a new original needs, by what it is. Classification adds its kind later. */
export function jobsFor(file: InspectedFile): string[] {
  switch (file.kind) {
    case 'pdf':
    case 'ofd':
    case 'docx':
    case 'xlsx':
    case 'txt':
    case 'md':
      return ['extract_text'];
    case 'tiff':
    case 'jpeg':
    case 'png':
      return ['ocr'];
  }
}

export async function ingestFile(deps: IngestDeps, actor: Actor, input: IngestInput): Promise<IngestOutcome> {
  authorize(actor, 'record.create');
  const { db, blobs, config } = deps;
  const meta = input.metadata ?? {};

  // Resolve and check the metadata before reading any bytes: a bad request costs no disk.
  const ref = deps.reference ?? directLookups(db);
  const fonds = await ref.fonds(meta.fonds ?? config.bootstrap.fondsCode);
  const organisation = meta.organisation
    ? await ref.organisation(meta.organisation)
    : await defaultOrganisation(db, ref, actor, fonds.organisation_id);
  const placement = await resolvePlacement(ref, {
    ...meta,
    fonds: fonds.id,
    organisation: organisation.id,
    category: meta.category ?? 'WS',
  });
  checkExtraFields(meta.extra, placement.category.extra_fields);
  const level = await ref.level(meta.level ?? config.ingest.defaultLevel);
  // Nobody may store a record above their own clearance, or outside their scope: they could not see
  // it afterwards, and could plant records in another organisation's archive.
  if (level.rank > actor.clearanceRank) throw forbidden({ level: level.code });
  if (!inScope(actor, organisation.path)) throw forbidden({ organisation: organisation.code });

  let staged;
  try {
    staged = await blobs.stage(input.source, { maxBytes: config.ingest.maxFileBytes, signal: input.signal });
  } catch (error) {
    if ((error as { code?: string }).code === 'blob.too_large')
      throw uploadTooLarge({ limit: config.ingest.maxFileBytes });
    throw error;
  }
  let inspected: InspectedFile;
  try {
    inspected = await inspectFile(staged.path, { originalName: input.originalName });
  } catch (error) {
    await staged.discard();
    await recordEvent(db, actor, 'record.ingest', {
      outcome: 'failed',
      name: input.originalName,
      error: (error as { code?: string }).code,
    });
    throw error;
  }

  // The storage address depends on the level (keyring.ts), so a duplicate is found only among
  // records of the same level: nothing reveals that a file equals one at another level.
  let seal;
  try {
    seal = await sealFor({ db, blobs, owner: deps.owner, keyring: deps.keyring }, level.code, staged);
  } catch (error) {
    await staged.discard();
    throw error;
  }
  // Early check to avoid storing the bytes again and creating a second record for the same file.
  const existing = await findOriginalBySha(db, actor, seal?.address ?? staged.sha256);
  if (existing) {
    await staged.discard();
    return {
      status: 'duplicate',
      existing: { id: existing.id, archiveNo: existing.archive_no, title: existing.title },
    };
  }

  const recordId = randomUUID();
  const title = meta.title ?? titleFromName(input.originalName);
  await persistStaged(
    { db, blobs, owner: deps.owner, keyring: deps.keyring },
    staged,
    async (tx, blob) => {
      // The record, its original and its jobs in one statement: on the embedded database every
      // statement is a round trip through one worker thread, and batch ingest is bound by them.
      // The foreign keys of components and jobs are checked at the end of the statement.
      await tx.query(
        `WITH rec AS (
         INSERT INTO records (id, status, fonds_id, category_id, class_id, organisation_id, title, responsible,
           doc_number, formed_on, year, page_count, secrecy_level, retention_code, keywords, notes, extra, created_by)
         VALUES ($1, 'draft', $2, $3, $4, $5, $6, $7, $8, $9::date, $10, $11, $12, $13, $14, $15, $16, $17)
         RETURNING id),
       comp AS (
         INSERT INTO components (id, record_id, role, blob_sha256, file_name, media_type, format, size, page_count)
         SELECT $18, rec.id, 'original', $19, $20, $21, $22, $23, $24 FROM rec)
       INSERT INTO jobs (kind, record_id, payload, state, max_attempts)
       SELECT kind, rec.id, '{}'::jsonb, 'queued', 5 FROM rec, unnest($25::text[]) AS kind`,
        [
          recordId,
          placement.fondsId,
          placement.categoryId,
          placement.classId,
          placement.organisationId,
          title,
          meta.responsible ?? null,
          meta.docNumber ?? null,
          meta.formedOn ?? null,
          recordYear(meta.year, meta.formedOn),
          meta.pageCount ?? inspected.pageCount ?? null,
          level.code,
          meta.retention ?? null,
          meta.keywords ?? [],
          meta.notes ?? null,
          JSON.stringify(meta.extra ?? {}),
          actor.label,
          randomUUID(),
          blob.address,
          input.originalName.normalize('NFC').slice(0, 1000),
          inspected.mime,
          inspected.kind,
          blob.size,
          inspected.pageCount ?? null,
          jobsFor(inspected),
        ],
      );
      await recordStateEvent(tx, actor, 'record.ingest', {
        recordId,
        name: input.originalName,
        sha256: blob.sha256,
        size: blob.size,
        format: inspected.kind,
      });
    },
    seal,
  );
  deps.notify?.();

  const nameMismatch = inspected.nameMismatch ?? false;
  const brief = input.view === 'brief';
  let archiveNo: string | null = null;
  let filingError: { code: string; message: string } | undefined;
  if (input.file) {
    try {
      archiveNo = (await assignArchiveNo(db, actor, recordId)).archiveNo;
    } catch (error) {
      // The record is stored either way; filing waits until its description is complete.
      if (!isAppError(error)) throw error;
      filingError = { code: error.code, message: error.zh };
    }
  }
  return {
    status: 'created',
    recordId,
    archiveNo,
    ...(brief ? {} : { record: await readRecordView(db, actor, recordId) }),
    nameMismatch,
    ...(filingError ? { filingError } : {}),
  };
}

async function defaultOrganisation(
  db: Database,
  ref: ReferenceLookups,
  actor: Actor,
  fondsOrganisationId: string,
) {
  // A signed-in user files under their own organisation; the local operator under the fonds' owner.
  if (actor.userId) {
    const { rows } = await db.query<{ organisation_id: string }>(
      'SELECT organisation_id FROM users WHERE id = $1',
      [actor.userId],
    );
    if (rows[0]) return ref.organisation(rows[0].organisation_id);
  }
  return ref.organisation(fondsOrganisationId);
}

/** The title a record gets before anyone describes it: the file name without its extension. */
export function titleFromName(name: string): string {
  const base = (name.split(/[/\\]/).pop() ?? '').normalize('NFC');
  const stem = base.replace(/\.[A-Za-z0-9]{1,10}$/, '');
  // Control characters never belong in a title, whatever the uploaded name held.
  const clean = stem
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return [...(clean || '未命名文件')].slice(0, 1000).join('');
}
