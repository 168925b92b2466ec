/**
 * Reading a whole scan: every page of an image file through an OcrEngine, page by page so memory
 * stays bounded, with a time limit per page. The document text joins the pages' lines in reading
 * order (no spaces added between Chinese characters).
 */
import { open } from 'node:fs/promises';
import { ocrAborted, ocrPageTimeout, ocrUnreadableImage } from './ocr.errors.ts';
import { DEFAULT_DECODE_LIMITS, openImage, type DecodeLimits } from './ocr.image.ts';
import { looksLikePdf, openPdf } from './ocr.pdf.ts';
import type { GrayPage, OcrEngine, OcrPage } from './ocr.port.ts';

export interface OcrDocument {
  engine: string;
  /** the input's format, found from its content */
  format: 'pdf' | 'png' | 'jpeg' | 'tiff';
  pages: OcrPage[];
  text: string;
  /** pages below the review threshold, with the indexes of their doubtful lines */
  review: ReviewItem[];
}

export interface ReviewItem {
  /** 1-based page number */
  page: number;
  confidence: number;
  /** indexes into the page's lines */
  lines: number[];
}

/** Pages whose confidence is below this are flagged for a person to check. */
export const OCR_REVIEW_THRESHOLD = 0.85;

export interface OcrFileOptions {
  limits?: DecodeLimits;
  /** most milliseconds one page may take */
  pageTimeoutMs?: number;
  signal?: AbortSignal;
  /** pages below this confidence are flagged for review (default OCR_REVIEW_THRESHOLD) */
  reviewThreshold?: number;
  /** called after each page, e.g. for a progress bar */
  onPage?: (index: number, count: number) => void;
}

export const DEFAULT_PAGE_TIMEOUT_MS = 120_000;

/** One page to read: a decoded image, or a born-digital PDF page already read from its text. */
export type SourcePage = { kind: 'scan'; gray: GrayPage } | { kind: 'text'; page: OcrPage };

/** The pages of a scan file, decoded one at a time. */
export interface PageSource {
  format: 'pdf' | 'png' | 'jpeg' | 'tiff';
  pageCount: number;
  page(index: number): Promise<SourcePage>;
  close(): Promise<void>;
}

/** Opens a PDF or an image (PNG, JPEG, TIFF) by its content, not its name. */
export async function openPages(
  input: string | Buffer,
  name: string,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): Promise<PageSource> {
  if (looksLikePdf(await head(input, name))) {
    const pdf = await openPdf(input, name, limits);
    return { format: 'pdf', ...pdf };
  }
  const image = await openImage(input, name, limits);
  return {
    format: image.format,
    pageCount: image.pageCount,
    page: async (index) => ({ kind: 'scan', gray: await image.page(index) }),
    close: async () => {},
  };
}

async function head(input: string | Buffer, name: string): Promise<Uint8Array> {
  if (typeof input !== 'string') return input.subarray(0, 1024);
  try {
    const file = await open(input, 'r');
    try {
      const buffer = Buffer.alloc(1024);
      const { bytesRead } = await file.read(buffer, 0, 1024, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch (error) {
    throw ocrUnreadableImage({ name, reason: (error as Error).message }, { cause: error });
  }
}

/**
 * Reads every page of a scan file (PDF, PNG, JPEG, multi-page TIFF) given as a path or its bytes.
 * PDF pages with a real text layer keep their text; every other page goes through the engine.
 */
export async function ocrFile(
  engine: OcrEngine,
  input: string | Buffer,
  name: string,
  options: OcrFileOptions = {},
): Promise<OcrDocument> {
  const source = await openPages(input, name, options.limits ?? DEFAULT_DECODE_LIMITS);
  try {
    const pages: OcrPage[] = [];
    const limitMs = options.pageTimeoutMs ?? DEFAULT_PAGE_TIMEOUT_MS;
    for (let index = 0; index < source.pageCount; index++) {
      const timeout = AbortSignal.timeout(limitMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      try {
        if (signal.aborted) throw ocrAborted({}, { cause: signal.reason });
        const page = await source.page(index);
        pages.push(
          page.kind === 'text'
            ? page.page
            : { ...(await engine.recognize(page.gray, { signal })), source: 'ocr' },
        );
      } catch (error) {
        // The page's own limit, not a shutdown: a stable code that says which page.
        if (ocrAborted.is(error) && timeout.aborted && !options.signal?.aborted)
          throw ocrPageTimeout({ name, page: index + 1, seconds: limitMs / 1000 }, { cause: error });
        throw error;
      }
      options.onPage?.(index, source.pageCount);
    }
    const review = pagesForReview(pages, options.reviewThreshold ?? OCR_REVIEW_THRESHOLD);
    return { engine: engine.name, format: source.format, pages, text: documentText(pages), review };
  } finally {
    await source.close();
  }
}

/** Lines joined by newlines, pages separated by a form feed (as pdftotext does). */
export function documentText(pages: readonly OcrPage[]): string {
  return pages.map((page) => page.lines.map((line) => line.text).join('\n')).join('\n\f\n');
}

/** Pages whose confidence is below the threshold, with their doubtful lines, for human review. */
export function pagesForReview(pages: readonly OcrPage[], threshold: number): ReviewItem[] {
  return pages.flatMap((page, index) =>
    page.confidence < threshold
      ? [
          {
            page: index + 1,
            confidence: page.confidence,
            lines: page.lines.flatMap((line, i) => (line.confidence < threshold ? [i] : [])),
          },
        ]
      : [],
  );
}
