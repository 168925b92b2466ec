/**
 * Job step `ocr`: reads every page of a scanned original (PNG, JPEG, TIFF) and stores the text
 * (`ocr_text`) and the layout with lines, boxes, confidences and seals (`ocr_layout`) as derived
 * components linked to the original. Pages below the review threshold are listed in the layout for
 * a person to check. Re-running the job after a crash adds nothing twice.
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

export const OCR_REVIEW_THRESHOLD = 0.85;

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
    const done = await db.query<{ role: string }>(
      `SELECT role FROM components WHERE source_id = $1 AND role IN ('ocr_text', 'ocr_layout')`,
      [original.id],
    );
    const have = new Set(done.rows.map((r) => r.role));
    if (have.has('ocr_text') && have.has('ocr_layout')) return;

    await mkdir(deps.tmpDir, { recursive: true });
    const path = join(deps.tmpDir, `ocr-${process.pid}-${randomUUID()}`);
    try {
      await pipeline(await blobs.get(original.blob_sha256), createWriteStream(path), { signal });
      engine ??= deps.openEngine();
      // sharp and the decoders load with the first scan, not when the server starts.
      const { ocrFile, pagesForReview } = await import('./ocr.usecases.ts');
      let document;
      try {
        document = await ocrFile(await engine, path, original.file_name, { signal });
      } catch (error) {
        // A corrupt or oversized image will not read on a retry either; an abort is retried.
        if (isAppError(error) && error.code !== 'ocr.aborted')
          throw new PermanentJobError(error.message, { cause: error });
        throw error;
      }
      const stem = original.file_name.replace(/\.[^.]{1,10}$/, '');
      const layout = { ...document, review: pagesForReview(document, OCR_REVIEW_THRESHOLD) };
      const outputs = [
        {
          role: 'ocr_layout',
          bytes: JSON.stringify(layout),
          name: `${stem}.ocr.json`,
          media: 'application/json',
          format: 'json',
        },
        {
          role: 'ocr_text',
          bytes: document.text,
          name: `${stem}.ocr.txt`,
          media: 'text/plain; charset=utf-8',
          format: 'txt',
        },
      ];
      for (const output of outputs) {
        if (have.has(output.role)) continue;
        const staged = await blobs.stage(Readable.from([Buffer.from(output.bytes, 'utf8')]));
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
                output.role,
                original.id,
                blob.address,
                output.name,
                output.media,
                output.format,
                blob.size,
                document.pages.length,
              ],
            );
            await tx.query('UPDATE records SET page_count = coalesce(page_count, $2) WHERE id = $1', [
              job.record_id,
              document.pages.length,
            ]);
          },
          seal,
        );
      }
    } finally {
      await rm(path, { force: true });
    }
  };
}
