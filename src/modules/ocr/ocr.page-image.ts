/**
 * One page of a scan as a PNG for the review page: any page of a PDF (rendered with pdfjs onto an
 * @napi-rs/canvas, as OCR does) or of a multi-page TIFF, and plain PNG/JPEG images, scaled down so the
 * longer side is at most MAX_SIDE pixels. The drawing of lines on it uses the layout's page size as
 * its coordinate system, so any proportional scale lines up.
 *
 * The original is copied to a temporary file (it may be sealed; pdfjs then reads it by ranges), and
 * originals above MAX_SOURCE_BYTES are refused. Viewing a page is a download: authorised and audited
 * the same way, and watermarked at the configured level (the PNG carries the visible mark).
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Database } from '../../db/database.port.ts';
import { authorize, type Actor } from '../access/access.policy.ts';
import type { BlobStore } from '../blobs/blobs.port.ts';
import { openPdfDocument } from '../content/pdf-task.ts';
import { recordEvent } from '../events/events.ts';
import { componentNotFound, recordNotFound } from '../records/records.errors.ts';
import { findComponents, findVisibleRecord } from '../records/records.repository.ts';
import { findLevel } from '../reference/reference.repository.ts';
import { watermark } from '../watermark/watermark.ts';
import {
  ocrImageTooLarge,
  ocrPageImageTooLarge,
  ocrPageNotFound,
  ocrUnreadableImage,
  ocrUnreadablePdf,
  ocrUnsupportedFile,
} from './ocr.errors.ts';
import { DEFAULT_DECODE_LIMITS } from './ocr.image.ts';
import { looksLikePdf } from './ocr.pdf.ts';

/** Longest side of a page image sent to the browser. */
export const MAX_SIDE = 2000;
/** Largest original a page image is made from (a bigger file is downloaded instead). */
export const MAX_SOURCE_BYTES = 512 * 1024 ** 2;

export interface PageImageDeps {
  db: Database;
  blobs: BlobStore;
  tmpDir: string;
  /** the rank from which copies are watermarked (config security.watermarkFromLevel) */
  watermarkFromRank?: number | undefined;
}

export interface PageImage {
  png: Buffer;
  width: number;
  height: number;
  pageCount: number;
  watermarked: boolean;
}

/** Page `pageNo` (1-based) of the record's original as a PNG. */
export async function pageImage(
  deps: PageImageDeps,
  actor: Actor,
  idOrArchiveNo: string,
  pageNo: number,
  options: { purpose?: string | undefined } = {},
): Promise<PageImage> {
  authorize(actor, 'record.download');
  const record = await findVisibleRecord(deps.db, actor, idOrArchiveNo);
  if (!record) throw recordNotFound({ record: idOrArchiveNo });
  const original = (await findComponents(deps.db, record.id)).find((c) => c.role === 'original');
  if (!original) throw componentNotFound({ component: 'original' });
  if (Number(original.size) > MAX_SOURCE_BYTES) throw ocrPageImageTooLarge({ size: original.size });
  await mkdir(deps.tmpDir, { recursive: true });
  const path = join(deps.tmpDir, `page-${process.pid}-${randomUUID()}`);
  try {
    await pipeline(await deps.blobs.get(original.blob_sha256), createWriteStream(path));
    const rendered = (await isPdf(path))
      ? await renderPdfPage(path, original.file_name, pageNo)
      : await renderImagePage(path, original.file_name, pageNo);
    const mark =
      deps.watermarkFromRank !== undefined &&
      (await findLevel(deps.db, record.secrecy_level)).rank >= deps.watermarkFromRank;
    const png = mark
      ? await watermark(rendered.png, 'image/png', {
          account: actor.label,
          at: new Date(),
          archiveNo: record.archive_no ?? record.id,
          purpose: options.purpose,
        })
      : rendered.png;
    await recordEvent(deps.db, actor, 'record.download', {
      recordId: record.id,
      componentId: original.id,
      page: pageNo,
      rendered: 'png',
      ...(mark ? { watermarked: true } : {}),
      ...(options.purpose ? { purpose: options.purpose } : {}),
    });
    return { ...rendered, png, watermarked: mark };
  } finally {
    await rm(path, { force: true });
  }
}

async function isPdf(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(1024);
    const { bytesRead } = await file.read(head, 0, 1024, 0);
    return looksLikePdf(head.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}

type Rendered = Omit<PageImage, 'watermarked'>;

async function renderImagePage(path: string, name: string, pageNo: number): Promise<Rendered> {
  const { default: sharp } = await import('sharp');
  const limits = { limitInputPixels: DEFAULT_DECODE_LIMITS.maxPixels, failOn: 'error' as const };
  let pageCount: number;
  try {
    const meta = await sharp(path, limits).metadata();
    pageCount = meta.format === 'tiff' ? (meta.pages ?? 1) : 1;
  } catch (error) {
    if (/unsupported image format/i.test((error as Error).message))
      throw ocrUnsupportedFile({ name }, { cause: error });
    throw ocrUnreadableImage({ name, reason: reasonOf(error) }, { cause: error });
  }
  if (pageNo > pageCount) throw ocrPageNotFound({ page: pageNo, count: pageCount });
  try {
    // Oriented as OCR read it (EXIF rotation applied), so the layout's boxes fall where they belong.
    const { data, info } = await sharp(path, { ...limits, page: pageNo - 1 })
      .rotate()
      .flatten({ background: '#ffffff' })
      .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .png({ compressionLevel: 6 })
      .toBuffer({ resolveWithObject: true });
    return { png: data, width: info.width, height: info.height, pageCount };
  } catch (error) {
    if (/pixel limit/i.test((error as Error).message))
      throw ocrImageTooLarge({ name, width: '?', height: '?' }, { cause: error });
    throw ocrUnreadableImage({ name, reason: reasonOf(error) }, { cause: error });
  }
}

async function renderPdfPage(path: string, name: string, pageNo: number): Promise<Rendered> {
  const [task, { createCanvas }] = await Promise.all([openPdfDocument(path), import('@napi-rs/canvas')]);
  try {
    let document;
    try {
      document = await task.promise;
    } catch (error) {
      throw ocrUnreadablePdf({ name, reason: reasonOf(error) }, { cause: error });
    }
    const pageCount = document.numPages;
    if (pageNo > pageCount) throw ocrPageNotFound({ page: pageNo, count: pageCount });
    const page = await document.getPage(pageNo);
    try {
      const unit = page.getViewport({ scale: 1 });
      const scale = Math.min(MAX_SIDE / Math.max(unit.width, unit.height), 200 / 72);
      const viewport = page.getViewport({ scale });
      const width = Math.max(1, Math.floor(viewport.width));
      const height = Math.max(1, Math.floor(viewport.height));
      const canvas = createCanvas(width, height);
      const context = canvas.getContext('2d');
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, width, height);
      await page.render({ canvas, canvasContext: context, viewport }).promise;
      return { png: await canvas.encode('png'), width, height, pageCount };
    } catch (error) {
      throw ocrUnreadablePdf({ name, reason: reasonOf(error) }, { cause: error });
    } finally {
      page.cleanup();
    }
  } finally {
    await task.destroy();
  }
}

function reasonOf(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  return message.split('\n')[0]!.slice(0, 200);
}
