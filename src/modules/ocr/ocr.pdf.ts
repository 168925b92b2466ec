/**
 * PDF input for OCR, page by page: a page whose text layer holds real text is read from it (a
 * born-digital page), any other page is rendered with pdfjs-dist onto an @napi-rs/canvas and read
 * like a scan. pdfjs reads the file by ranges and each page is released before the next, so a
 * 1,000-page PDF never sits in memory whole.
 *
 * Why pdfjs + @napi-rs/canvas rather than poppler's pdftoppm: pdfjs already opens every PDF at
 * ingest (page count, encryption, text layer), so one parser decides "text or scan" and renders
 * with the same view of the page; both come from npm (no Debian package at run time, no child
 * process per page), and a rendered A4 page at 200 dpi takes ~0.1 s, small beside recognition.
 */
import type * as PdfJsModule from 'pdfjs-dist/legacy/build/pdf.mjs';
import { openPdfDocument } from '../content/pdf-task.ts';
import { joinCjkAware } from '../content/text-normalize.ts';
import { ocrImageTooLarge, ocrPdfEncrypted, ocrUnreadablePdf } from './ocr.errors.ts';
import { separateRed, stretchContrast, type DecodeLimits } from './ocr.image.ts';
import type { Box, GrayPage, OcrLine, OcrPage } from './ocr.port.ts';

/** Resolution scanned PDF pages are rendered at for recognition. */
export const PDF_RENDER_DPI = 200;

/** A page is born-digital when its text layer has at least this many letters, digits or Han. */
const MIN_TEXT_CHARACTERS = 10;

export type PdfPageContent = { kind: 'text'; page: OcrPage } | { kind: 'scan'; gray: GrayPage };

export interface PdfSource {
  pageCount: number;
  page(index: number): Promise<PdfPageContent>;
  close(): Promise<void>;
}

/** True when the bytes start like a PDF (the header may follow a little junk, as readers allow). */
export function looksLikePdf(head: Uint8Array): boolean {
  return Buffer.from(head.subarray(0, 1024)).includes('%PDF-');
}

/** Opens a PDF for page-by-page OCR; encrypted and broken files fail with stable codes. */
export async function openPdf(
  input: string | Buffer,
  name: string,
  limits: DecodeLimits,
): Promise<PdfSource> {
  const task = await openPdfDocument(input);
  let document: PdfJsModule.PDFDocumentProxy;
  try {
    document = await task.promise;
  } catch (error) {
    await task.destroy();
    if (error instanceof Error && error.name === 'PasswordException')
      throw ocrPdfEncrypted({ name }, { cause: error });
    throw ocrUnreadablePdf({ name, reason: reasonOf(error) }, { cause: error });
  }
  if (document.numPages > limits.maxPages) {
    await task.destroy();
    throw ocrImageTooLarge({ name, width: document.numPages, height: 0 });
  }
  return {
    pageCount: document.numPages,
    async page(index) {
      let page: PdfJsModule.PDFPageProxy;
      try {
        page = await document.getPage(index + 1);
      } catch (error) {
        throw ocrUnreadablePdf({ name, reason: reasonOf(error) }, { cause: error });
      }
      try {
        const text = await textLayer(page);
        if (text) return { kind: 'text', page: text };
        return await renderScan(page, name, limits);
      } catch (error) {
        if (ocrImageTooLarge.is(error)) throw error;
        throw ocrUnreadablePdf({ name, reason: reasonOf(error) }, { cause: error });
      } finally {
        page.cleanup();
      }
    },
    async close() {
      await task.destroy();
    },
  };
}

/** The page's text layer as OCR lines (at PDF_RENDER_DPI), or undefined if it has no real text. */
async function textLayer(page: PdfJsModule.PDFPageProxy): Promise<OcrPage | undefined> {
  const content = await page.getTextContent();
  const viewport = page.getViewport({ scale: PDF_RENDER_DPI / 72 });
  const lines: OcrLine[] = [];
  let text = '';
  let box: Box | undefined;
  const flush = () => {
    const clean = joinCjkAware(text).trim();
    if (clean && box) lines.push({ text: clean, box: box.map(Math.round) as Box, confidence: 1 });
    text = '';
    box = undefined;
  };
  for (const item of content.items) {
    if (!('str' in item)) continue;
    text += item.str;
    if (item.str.trim() !== '') {
      const [a, b, , , e, f] = item.transform as number[];
      const size = Math.hypot(a!, b!);
      const corners = [
        viewport.convertToViewportPoint(e!, f! - size * 0.2),
        viewport.convertToViewportPoint(e! + item.width, f! + size * 0.9),
      ];
      const xs = corners.map((p) => p[0]!);
      const ys = corners.map((p) => p[1]!);
      const itemBox: Box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
      box = box
        ? [
            Math.min(box[0], itemBox[0]),
            Math.min(box[1], itemBox[1]),
            Math.max(box[2], itemBox[2]),
            Math.max(box[3], itemBox[3]),
          ]
        : itemBox;
    }
    if (item.hasEOL) flush();
  }
  flush();
  const meaningful = lines.reduce(
    (n, line) => n + (line.text.match(/[\p{L}\p{N}]/gu)?.length ?? 0) - privateUse(line.text),
    0,
  );
  if (meaningful < MIN_TEXT_CHARACTERS) return undefined;
  const width = Math.round(viewport.width);
  const height = Math.round(viewport.height);
  for (const line of lines) {
    line.box = [
      clamp(line.box[0], 0, width),
      clamp(line.box[1], 0, height),
      clamp(line.box[2], 0, width),
      clamp(line.box[3], 0, height),
    ];
  }
  return {
    width,
    height,
    dpi: PDF_RENDER_DPI,
    rotation: 0,
    source: 'text',
    confidence: 1,
    lines,
    tables: [],
    seals: [],
    signatures: [],
  };
}

// Fonts without a Unicode mapping give private-use code points: not real text.
function privateUse(text: string): number {
  return text.match(/[\ue000-\uf8ff]/gu)?.length ?? 0;
}

async function renderScan(
  page: PdfJsModule.PDFPageProxy,
  name: string,
  limits: DecodeLimits,
): Promise<PdfPageContent> {
  const { createCanvas } = await import('@napi-rs/canvas');
  let scale = PDF_RENDER_DPI / 72;
  const unit = page.getViewport({ scale: 1 });
  // Huge page sizes (a PDF can say 200 × 200 inches) are rendered smaller, not refused.
  const longest = Math.max(unit.width, unit.height) * scale;
  if (longest > limits.maxSide) scale *= limits.maxSide / longest;
  const area = unit.width * unit.height * scale * scale;
  if (area > limits.maxPixels) scale *= Math.sqrt(limits.maxPixels / area);
  const viewport = page.getViewport({ scale });
  const width = Math.max(1, Math.floor(viewport.width));
  const height = Math.max(1, Math.floor(viewport.height));
  if (width < 8 || height < 8) throw ocrImageTooLarge({ name, width, height });
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  // @napi-rs/canvas implements the DOM's 2D canvas API in Node, as pdfjs expects.
  await page.render({ canvas, canvasContext: context, viewport }).promise;
  const rgba = context.getImageData(0, 0, width, height).data;
  const { gray, seals, shapes, inks } = separateRed(rgba as unknown as Uint8Array, width, height, 4);
  return {
    kind: 'scan',
    gray: {
      width,
      height,
      data: stretchContrast(gray),
      dpi: Math.round(scale * 72),
      seals: seals.map((box, i) => ({ box, color: 'red' as const, shape: shapes[i] })),
      sealInks: inks,
    },
  };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function reasonOf(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  return message.split('\n')[0]!.slice(0, 200).replace(/\.$/, '');
}
