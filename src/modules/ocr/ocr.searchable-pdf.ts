/**
 * The searchable PDF: each page is the original page image (a copy of the original PDF page, or
 * the scanned image itself) with the recognised lines laid over it as invisible text (text render
 * mode 3), one text object per line, squeezed to the line's width, in a subset of a CJK font from
 * the system. Selecting or copying gives the recognised text; Chinese comes out without spaces
 * because each line is one run whose glyph advances fill exactly its box. Made from scanned images
 * it is PDF/A-2b (ocr.pdfa.ts).
 */
import { readFile } from 'node:fs/promises';
import {
  beginText,
  endText,
  PDFDocument,
  rotateAndSkewTextRadiansAndTranslate,
  setCharacterSqueeze,
  setFontAndSize,
  setTextRenderingMode,
  showText,
  TextRenderingMode,
  type PDFFont,
  type PDFPage,
} from 'pdf-lib';
import sharp from 'sharp';
import { findCjkFont, fontkitFor } from './ocr.fonts.ts';
import { markPdfA2b, srgbProfile } from './ocr.pdfa.ts';
import type { OcrPage } from './ocr.port.ts';
import type { OcrDocument } from './ocr.usecases.ts';

/** Resolution assumed for an image without density metadata when sizing its PDF page. */
const DEFAULT_DPI = 200;

/**
 * Builds the searchable PDF of a document read by `ocrFile` from `input` (the same file).
 */
export async function searchablePdf(input: string | Buffer, document: OcrDocument): Promise<Uint8Array> {
  const format = document.format;
  const out = await PDFDocument.create();
  const cjk = await findCjkFont();
  out.registerFontkit(fontkitFor(cjk));
  const font = await out.embedFont(cjk.bytes, { subset: true });
  out.setProducer('dangan OCR');
  out.setCreator('dangan');

  if (format === 'pdf') {
    const bytes = typeof input === 'string' ? await readFile(input) : input;
    const original = await PDFDocument.load(bytes, { updateMetadata: false });
    const copied = await out.copyPages(
      original,
      document.pages.map((_, i) => i),
    );
    copied.forEach((page, i) => {
      out.addPage(page);
      const ocr = document.pages[i]!;
      // Born-digital pages already carry their text.
      if (ocr.source !== 'text') overlayOnPdfPage(page, ocr, font);
    });
  } else {
    for (const [index, ocr] of document.pages.entries()) {
      const image = await pageImage(input, format, index, ocr.rotation);
      const embedded = image.jpeg ? await out.embedJpg(image.bytes) : await out.embedPng(image.bytes);
      const dpi = ocr.dpi ?? DEFAULT_DPI;
      const width = (ocr.width * 72) / dpi;
      const height = (ocr.height * 72) / dpi;
      const page = out.addPage([width, height]);
      page.drawImage(embedded, { x: 0, y: 0, width, height });
      overlay(page, ocr, font, (x, y) => [(x * 72) / dpi, height - (y * 72) / dpi], 0, 72 / dpi);
    }
    // Built only from images and our embedded font: PDF/A-2b. Pages copied from an original PDF
    // bring whatever it holds (fonts not embedded, encryption leftovers), so no claim is made there.
    const icc = await srgbProfile();
    if (icc) markPdfA2b(out, icc, { producer: 'dangan OCR', creator: 'dangan' });
  }
  return out.save();
}

/** The page image upright as OCR read it: the original JPEG bytes when nothing needs turning. */
async function pageImage(
  input: string | Buffer,
  format: 'png' | 'jpeg' | 'tiff',
  index: number,
  rotation: number,
): Promise<{ bytes: Uint8Array; jpeg: boolean }> {
  const image = sharp(input, { page: index, limitInputPixels: false });
  const meta = await image.metadata();
  const exifTurned = (meta.orientation ?? 1) > 1;
  if (format === 'jpeg' && rotation === 0 && !exifTurned) {
    return {
      bytes: typeof input === 'string' ? await readFile(input) : input,
      jpeg: true,
    };
  }
  const upright = image.rotate().rotate(rotation);
  return format === 'jpeg'
    ? { bytes: await upright.jpeg({ quality: 90 }).toBuffer(), jpeg: true }
    : { bytes: await upright.png({ compressionLevel: 6 }).toBuffer(), jpeg: false };
}

/**
 * On a copied PDF page: OCR pixels were rendered at `ocr.dpi` from the page's visible box, turned
 * clockwise by the page's /Rotate, then by the OCR's own rotation; map back through both.
 */
function overlayOnPdfPage(page: PDFPage, ocr: OcrPage, font: PDFFont): void {
  const box = page.getCropBox();
  const turn = (((page.getRotation().angle + ocr.rotation) % 360) + 360) % 360;
  const quarter = turn === 90 || turn === 270;
  const scale = ocr.width / (quarter ? box.height : box.width);
  const w = box.width * scale;
  const h = box.height * scale;
  const toUser = (x: number, y: number): [number, number] => {
    let u: number;
    let v: number;
    if (turn === 90) [u, v] = [y, h - x];
    else if (turn === 180) [u, v] = [w - x, h - y];
    else if (turn === 270) [u, v] = [w - y, x];
    else [u, v] = [x, y];
    return [box.x + u / scale, box.y + box.height - v / scale];
  };
  overlay(page, ocr, font, toUser, turn, 1 / scale);
}

function overlay(
  page: PDFPage,
  ocr: OcrPage,
  font: PDFFont,
  toUser: (x: number, y: number) => [number, number],
  turnDegrees: number,
  pointsPerPixel: number,
): void {
  const key = page.node.newFontDictionary(font.name, font.ref);
  const angle = (turnDegrees * Math.PI) / 180;
  for (const line of ocr.lines) {
    const text = line.text.replace(/\s+/g, ' ');
    if (text.trim() === '') continue;
    const [x0, y0, x1, y1] = line.box;
    const size = Math.max(1, (y1 - y0) * 0.8 * pointsPerPixel);
    const natural = font.widthOfTextAtSize(text, size);
    const target = (x1 - x0) * pointsPerPixel;
    const squeeze = natural > 0 ? Math.max(1, Math.min(1000, (100 * target) / natural)) : 100;
    // The baseline sits a little above the box's bottom, where the descenders end.
    const [x, y] = toUser(x0, y1 - (y1 - y0) * 0.15);
    page.pushOperators(
      beginText(),
      setFontAndSize(key, size),
      setTextRenderingMode(TextRenderingMode.Invisible),
      setCharacterSqueeze(Math.round(squeeze * 100) / 100),
      rotateAndSkewTextRadiansAndTranslate(angle, 0, 0, x, y),
      showText(font.encodeText(text)),
      endText(),
    );
  }
}
