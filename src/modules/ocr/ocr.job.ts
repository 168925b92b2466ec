/**
 * Job step `ocr`: reads every page of a scanned original (PNG, JPEG, TIFF, or a PDF with scanned
 * pages) in the OCR worker pool (ocr.pool.ts: one process and one ONNX thread per worker, a time
 * limit per page, a memory ceiling) and stores, as derived components linked to the original: the
 * text (`ocr_text`), the searchable PDF (`searchable_pdf`), one spreadsheet per table
 * (`table_xlsx`) and the layout with lines, boxes, confidences, tables, seals, signatures and the
 * pages flagged for review (`ocr_layout`). Re-running the job after a crash adds nothing twice.
 * A page that overruns its limit or a worker that dies fails the job with a stable code.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isAppError } from '../../app/errors.ts';
import type { Database } from '../../db/database.port.ts';
import type { BlobStore } from '../blobs/blobs.port.ts';
import { PermanentJobError, type JobHandler } from '../jobs/jobs.worker.ts';
import type { Keyring } from '../keys/keyring.ts';
import { storeDerivedComponent } from '../storage/derived.ts';
import type { OcrPool } from './ocr.pool.ts';

const ROLES = {
  text: 'ocr_text',
  layout: 'ocr_layout',
  searchable_pdf: 'searchable_pdf',
  table: 'table_xlsx',
} as const;

export interface OcrJobDeps {
  db: Database;
  blobs: BlobStore;
  owner: string;
  tmpDir: string;
  keyring?: Keyring | undefined;
  /** the worker pool, started on first use: the models take a second and ~300 MB per worker */
  pool: () => Promise<OcrPool>;
}

/** Codes a retry will not cure: the same file fails the same way. A crashed worker or an abort may. */
const RETRYABLE = new Set(['ocr.aborted', 'ocr.worker_crashed']);

export function ocrJob(deps: OcrJobDeps): JobHandler {
  return async (job, { signal }) => {
    const { db, blobs } = deps;
    const recordId = job.record_id;
    if (!recordId) return;
    const { rows } = await db.query<{
      id: string;
      blob_sha256: string;
      file_name: string;
      format: string;
      secrecy_level: string;
    }>(
      `SELECT cp.id, cp.blob_sha256, cp.file_name, cp.format, r.secrecy_level
         FROM components cp JOIN records r ON r.id = cp.record_id
        WHERE cp.record_id = $1 AND cp.role = 'original' ORDER BY cp.created_at LIMIT 1`,
      [recordId],
    );
    const original = rows[0];
    if (!original) return; // the record was removed meanwhile: nothing to do
    const done = await db.query<{ file_name: string }>(
      `SELECT file_name FROM components WHERE source_id = $1 AND role IN ('ocr_text', 'ocr_layout', 'searchable_pdf', 'table_xlsx')`,
      [original.id],
    );
    const have = new Set(done.rows.map((r) => r.file_name));
    // The layout is written last: once it is there, everything is.
    const stem = original.file_name.replace(/\.[^.]{1,10}$/, '');
    if (have.has(`${stem}.json`)) return;

    await mkdir(deps.tmpDir, { recursive: true });
    const path = join(deps.tmpDir, `ocr-${process.pid}-${randomUUID()}`);
    const outDir = `${path}.out`;
    try {
      await pipeline(await blobs.get(original.blob_sha256), createWriteStream(path), { signal });
      let result;
      try {
        result = await (await deps.pool()).read(path, original.file_name, { outDir, stem, signal });
      } catch (error) {
        if (isAppError(error) && !RETRYABLE.has(error.code))
          throw new PermanentJobError(error.message, { cause: error });
        throw error;
      }
      const { document } = result;
      // A PDF whose every page has a text layer was covered by extract_text.
      if (!document.pages.some((page) => page.source !== 'text')) return;
      const outputs = [...result.outputs].sort(
        (a, b) => Number(a.kind === 'layout') - Number(b.kind === 'layout'),
      );
      for (const output of outputs) {
        if (have.has(output.name)) continue;
        await storeDerivedComponent(deps, {
          recordId,
          sourceId: original.id,
          secrecyLevel: original.secrecy_level,
          role: ROLES[output.kind],
          fileName: output.name,
          mediaType: output.mediaType,
          format: output.format,
          pageCount: output.kind === 'table' ? null : document.pages.length,
          recordPageCount: document.pages.length,
          job: 'ocr',
          bytes: createReadStream(join(outDir, output.name)),
        });
      }
    } finally {
      await rm(path, { force: true });
      await rm(outDir, { recursive: true, force: true });
    }
  };
}
