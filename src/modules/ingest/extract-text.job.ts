/**
 * Job step: text extraction from born-digital originals (PDF text layer, OFD, DOCX, XLSX, TXT, MD).
 * The text is stored as a derived component linked to its original, for search and classification.
 * Re-running the job after a crash adds nothing twice.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Database } from '../../db/database.port.ts';
import type { BlobStore } from '../blobs/blobs.port.ts';
import { extractText } from '../content/extract.ts';
import { inspectFile } from '../content/sniff.ts';
import { enqueue } from '../jobs/jobs.queue.ts';
import { PermanentJobError, type JobHandler } from '../jobs/jobs.worker.ts';
import type { Keyring } from '../keys/keyring.ts';
import { persistStaged, sealFor } from '../storage/intents.ts';
import { recordStateEvent, systemActor } from '../ledger/record-state.ts';

export function extractTextJob(deps: {
  db: Database;
  blobs: BlobStore;
  owner: string;
  tmpDir: string;
  keyring?: Keyring | undefined;
}): JobHandler {
  return async (job, { signal }) => {
    const { db, blobs } = deps;
    const { rows } = await db.query<{
      id: string;
      blob_sha256: string;
      file_name: string;
      page_count: number | null;
      secrecy_level: string;
    }>(
      `SELECT cp.id, cp.blob_sha256, cp.file_name, cp.page_count, r.secrecy_level
         FROM components cp JOIN records r ON r.id = cp.record_id
        WHERE cp.record_id = $1 AND cp.role = 'original' ORDER BY cp.created_at LIMIT 1`,
      [job.record_id],
    );
    const original = rows[0];
    if (!original) return; // the record was removed meanwhile: nothing to do
    const done = await db.query(`SELECT 1 FROM components WHERE source_id = $1 AND role = 'text'`, [
      original.id,
    ]);
    if (done.rowCount > 0) return;

    await mkdir(deps.tmpDir, { recursive: true });
    const path = join(deps.tmpDir, `extract-${process.pid}-${randomUUID()}`);
    try {
      await pipeline(await blobs.get(original.blob_sha256), createWriteStream(path), { signal });
      const inspected = await inspectFile(path, { originalName: original.file_name });
      let result;
      try {
        result = await extractText(path, inspected);
      } catch (error) {
        // A file that cannot be parsed will not parse on a retry either.
        throw new PermanentJobError((error as Error).message, { cause: error });
      }
      // Scanned pages in a PDF (little or no text layer) are read by the OCR job.
      if (inspected.kind === 'pdf' && (!result?.pages || result.pages.some((page) => !hasText(page.text)))) {
        const queued = await db.query(`SELECT 1 FROM jobs WHERE record_id = $1 AND kind = 'ocr'`, [
          job.record_id,
        ]);
        if (queued.rowCount === 0) await enqueue(db, { kind: 'ocr', recordId: job.record_id });
      }
      if (!result || result.text.trim() === '') return;
      const staged = await blobs.stage(Readable.from([Buffer.from(result.text, 'utf8')]));
      const stem = original.file_name.replace(/\.[^.]{1,10}$/, '');
      const seal = await sealFor(deps, original.secrecy_level, staged);
      await persistStaged(
        deps,
        staged,
        async (tx, blob) => {
          await tx.query(
            `INSERT INTO components (id, record_id, role, source_id, blob_sha256, file_name, media_type, format, size, page_count)
           VALUES ($1, $2, 'text', $3, $4, $5, 'text/plain; charset=utf-8', 'txt', $6, $7)`,
            [
              randomUUID(),
              job.record_id,
              original.id,
              blob.address,
              `${stem}.txt`,
              blob.size,
              result.pages?.length ?? null,
            ],
          );
          if (result.pages?.length && original.page_count === null) {
            await tx.query('UPDATE records SET page_count = coalesce(page_count, $2) WHERE id = $1', [
              job.record_id,
              result.pages.length,
            ]);
          }
          if (job.record_id)
            await recordStateEvent(tx, systemActor('extract_text'), 'record.derive', {
              recordId: job.record_id,
            });
        },
        seal,
      );
    } finally {
      await rm(path, { force: true });
    }
  };
}

/** As the OCR decides per page (ocr.pdf.ts): ten letters, digits or Han make a text page. */
function hasText(text: string): boolean {
  return (text.match(/[\p{L}\p{N}]/gu)?.length ?? 0) >= 10;
}
