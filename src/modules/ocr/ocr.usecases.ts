/**
 * Reading a whole scan: every page of an image file through an OcrEngine, page by page so memory
 * stays bounded, with a time limit per page. The document text joins the pages' lines in reading
 * order (no spaces added between Chinese characters).
 */
import { ocrAborted } from './ocr.errors.ts';
import { DEFAULT_DECODE_LIMITS, openImage, type DecodeLimits } from './ocr.image.ts';
import type { OcrEngine, OcrPage } from './ocr.port.ts';

export interface OcrDocument {
  engine: string;
  pages: OcrPage[];
  text: string;
}

export interface OcrFileOptions {
  limits?: DecodeLimits;
  /** most milliseconds one page may take */
  pageTimeoutMs?: number;
  signal?: AbortSignal;
  /** called after each page, e.g. for a progress bar */
  onPage?: (index: number, count: number) => void;
}

export const DEFAULT_PAGE_TIMEOUT_MS = 120_000;

/** Reads every page of an image file (PNG, JPEG, multi-page TIFF) given as a path or its bytes. */
export async function ocrFile(
  engine: OcrEngine,
  input: string | Buffer,
  name: string,
  options: OcrFileOptions = {},
): Promise<OcrDocument> {
  const source = await openImage(input, name, options.limits ?? DEFAULT_DECODE_LIMITS);
  const pages: OcrPage[] = [];
  for (let index = 0; index < source.pageCount; index++) {
    const timeout = AbortSignal.timeout(options.pageTimeoutMs ?? DEFAULT_PAGE_TIMEOUT_MS);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    if (signal.aborted) throw ocrAborted({}, { cause: signal.reason });
    const page = await source.page(index);
    pages.push(await engine.recognize(page, { signal }));
    options.onPage?.(index, source.pageCount);
  }
  return { engine: engine.name, pages, text: documentText(pages) };
}

/** Lines joined by newlines, pages separated by a form feed (as pdftotext does). */
export function documentText(pages: readonly OcrPage[]): string {
  return pages.map((page) => page.lines.map((line) => line.text).join('\n')).join('\n\f\n');
}

/** Pages whose confidence is below the threshold, with their doubtful lines, for human review. */
export function pagesForReview(
  document: OcrDocument,
  threshold: number,
): { page: number; confidence: number; lines: number[] }[] {
  return document.pages.flatMap((page, index) =>
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
