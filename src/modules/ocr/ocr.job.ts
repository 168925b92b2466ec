/**
 * Job step `ocr`: reads every page of a scanned original (PNG, JPEG, TIFF, or a PDF with scanned
 * pages) and stores, as derived components linked to the original: the text (`ocr_text`), the
 * searchable PDF (`searchable_pdf`), one spreadsheet per table (`table_xlsx`) and the layout with
 * lines, boxes, confidences, tables, seals, signatures and the pages flagged for review
 * (`ocr_layout`). Re-running the job after a crash adds nothing twice.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isAppError } from '../../app/errors.ts';
import type { Database } from '../../db/database.port.ts';
import type { BlobStore } from '../blobs/blobs.port.ts';
import { PermanentJobError, type JobHandler } from '../jobs/jobs.worker.ts';
import type { Keyring } from '../keys/keyring.ts';
import { persistStaged, sealFor } from '../storage/intents.ts';
import type { OcrEngine } from './ocr.port.ts';
import { recordStateEvent, systemActor } from '../ledger/record-state.ts';

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
  /** opens the engine on first use; the models take a second and ~200 MB, so only when needed */
  openEngine: () => Promise<OcrEngine>;
}

export function ocrJob(deps: OcrJobDeps): JobHandler {
  let engine: Promise<OcrEngine> | undefined;
  return async (job, { signal }) => {
    const { db, blobs } = deps;
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
      [job.record_id],
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
    try {
      await pipeline(await blobs.get(original.blob_sha256), createWriteStream(path), { signal });
      engine ??= deps.openEngine();
      // sharp, pdfjs and the decoders load with the first scan, not when the server starts.
      const [{ ocrFile }, { ocrOutputs }] = await Promise.all([
        import('./ocr.usecases.ts'),
        import('./ocr.outputs.ts'),
      ]);
      let document;
      try {
        document = await ocrFile(await engine, path, original.file_name, { signal });
      } catch (error) {
        // A corrupt or oversized image will not read on a retry either; an abort is retried.
        if (isAppError(error) && error.code !== 'ocr.aborted')
          throw new PermanentJobError(error.message, { cause: error });
        throw error;
      }
      // A PDF whose every page has a text layer was covered by extract_text.
      if (!document.pages.some((page) => page.source !== 'text')) return;
      const outputs = await ocrOutputs(path, stem, document);
      outputs.sort((a, b) => Number(a.kind === 'layout') - Number(b.kind === 'layout'));
      for (const output of outputs) {
        if (have.has(output.name)) continue;
        const staged = await blobs.stage(Readable.from([Buffer.from(output.bytes)]));
        const seal = await sealFor(deps, original.secrecy_level, staged);
        await persistStaged(
          deps,
          staged,
          async (tx, blob) => {
            await tx.query(
              `INSERT INTO components (id, record_id, role, source_id, blob_sha256, file_name, media_type, format, size, page_count)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
              [
                randomUUID(),
                job.record_id,
                ROLES[output.kind],
                original.id,
                blob.address,
                output.name,
                output.mediaType,
                output.format,
                blob.size,
                output.kind === 'table' ? null : document.pages.length,
              ],
            );
            await tx.query('UPDATE records SET page_count = coalesce(page_count, $2) WHERE id = $1', [
              job.record_id,
              document.pages.length,
            ]);
            if (job.record_id)
              await recordStateEvent(tx, systemActor('ocr'), 'record.derive', { recordId: job.record_id });
          },
          seal,
        );
      }
    } finally {
      await rm(path, { force: true });
    }
  };
}
