/**
 * Job step: text extraction from born-digital originals (PDF text layer, OFD, DOCX, XLSX, TXT, MD).
 * The text is stored as a derived component linked to its original, for search and classification.
 * Re-running the job after a crash adds nothing twice.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Database } from '../../db/database.port.ts';
import type { BlobStore } from '../blobs/blobs.port.ts';
import { extractText } from '../content/extract.ts';
import { inspectFile } from '../content/sniff.ts';
import { enqueue } from '../jobs/jobs.queue.ts';
import { PermanentJobError, type JobHandler } from '../jobs/jobs.worker.ts';
import type { Keyring } from '../keys/keyring.ts';
import { storeDerivedComponent } from '../storage/derived.ts';

export function extractTextJob(deps: {
  db: Database;
  blobs: BlobStore;
  owner: string;
  tmpDir: string;
  keyring?: Keyring | undefined;
}): JobHandler {
  return async (job, { signal }) => {
    const { db, blobs } = deps;
    const recordId = job.record_id;
    if (!recordId) return;
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
      [recordId],
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
        const queued = await db.query(`SELECT 1 FROM jobs WHERE record_id = $1 AND kind = 'ocr'`, [recordId]);
        if (queued.rowCount === 0) await enqueue(db, { kind: 'ocr', recordId });
      }
      if (!result || result.text.trim() === '') return;
      await storeDerivedComponent(deps, {
        recordId,
        sourceId: original.id,
        secrecyLevel: original.secrecy_level,
        role: 'text',
        fileName: `${original.file_name.replace(/\.[^.]{1,10}$/, '')}.txt`,
        mediaType: 'text/plain; charset=utf-8',
        format: 'txt',
        pageCount: result.pages?.length ?? null,
        recordPageCount: original.page_count === null ? result.pages?.length : null,
        job: 'extract_text',
        bytes: Buffer.from(result.text, 'utf8'),
      });
    } finally {
      await rm(path, { force: true });
    }
  };
}

/** As the OCR decides per page (ocr.pdf.ts): ten letters, digits or Han make a text page. */
function hasText(text: string): boolean {
  return (text.match(/[\p{L}\p{N}]/gu)?.length ?? 0) >= 10;
}
