/**
 * Decoding scans for OCR with sharp (libvips): size checked from the header before any pixel is
 * decoded, every page of a TIFF, EXIF orientation applied, alpha flattened onto white, and the red
 * channel kept as the grey page so that red seals and red stamps fade into the paper.
 */
import sharp, { type Metadata } from 'sharp';
import { ocrImageTooLarge, ocrUnreadableImage, ocrUnsupportedFile } from './ocr.errors.ts';
import { sealShape, splitOverlappingSeals } from './ocr.marks.ts';
import type { Box, GrayPage, OcrSeal } from './ocr.port.ts';

export interface DecodeLimits {
  /** most pixels of one page */
  maxPixels: number;
  /** longest side of one page */
  maxSide: number;
  /** most pages of a multi-page TIFF */
  maxPages: number;
}

// An A3 sheet at 600 dpi is about 7 000 × 9 900 = 70 M pixels; one grey page of that is 70 MB.
export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = Object.freeze({
  maxPixels: 100_000_000,
  maxSide: 20_000,
  maxPages: 2_000,
});

const FORMATS = new Set(['png', 'jpeg', 'tiff']);

export interface ImageSource {
  name: string;
  format: 'png' | 'jpeg' | 'tiff';
  pageCount: number;
  /** Decodes page `index` (0-based) as a preprocessed grey page. */
  page(index: number): Promise<GrayPage>;
}

/** Reads the header of an image file or buffer and checks it against the limits. */
export async function openImage(
  input: string | Buffer,
  name: string,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): Promise<ImageSource> {
  let meta: Metadata;
  try {
    // Header only: libvips reads dimensions without decoding pixels.
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    if (/unsupported image format/i.test((error as Error).message))
      throw ocrUnsupportedFile({ name }, { cause: error });
    throw ocrUnreadableImage({ name, reason: reasonOf(error) }, { cause: error });
  }
  if (!meta.format || !FORMATS.has(meta.format)) throw ocrUnsupportedFile({ name });
  const format = meta.format as ImageSource['format'];
  const pageCount = format === 'tiff' ? (meta.pages ?? 1) : 1;
  if (pageCount > limits.maxPages) throw ocrImageTooLarge({ name, width: meta.width, height: meta.height });
  // Multi-page TIFF metadata describes the first page; each page is checked again when decoded.
  checkSize(meta.width, meta.height, limits, name);
  const dpi = meta.density && meta.density > 0 ? meta.density : undefined;
  return {
    name,
    format,
    pageCount,
    async page(index) {
      if (index < 0 || index >= pageCount) throw new RangeError(`page ${index} of ${pageCount}`);
      const options = { page: index, limitInputPixels: limits.maxPixels, failOn: 'error' as const };
      try {
        if (index > 0) {
          const pageMeta = await sharp(input, options).metadata();
          checkSize(pageMeta.width, pageMeta.height, limits, name);
        }
        const { data, info } = await sharp(input, options)
          .rotate()
          .flatten({ background: '#ffffff' })
          .toColourspace('srgb')
          .raw()
          .toBuffer({ resolveWithObject: true });
        const { gray, seals, shapes, inks } = separateRed(data, info.width, info.height, info.channels);
        return {
          width: info.width,
          height: info.height,
          data: stretchContrast(gray),
          ...(dpi ? { dpi } : {}),
          seals: seals.map((box, i) => ({ box, color: 'red' as const, shape: shapes[i] })),
          sealInks: inks,
        };
      } catch (error) {
        if (ocrImageTooLarge.is(error)) throw error;
        if (/pixel limit/i.test((error as Error).message))
          throw ocrImageTooLarge({ name, width: meta.width, height: meta.height }, { cause: error });
        throw ocrUnreadableImage({ name, reason: reasonOf(error) }, { cause: error });
      }
    },
  };
}

function checkSize(width: number, height: number, limits: DecodeLimits, name: string): void {
  if (!(width > 0 && height > 0)) throw ocrUnreadableImage({ name, reason: 'no dimensions' });
  if (width > limits.maxSide || height > limits.maxSide || width * height > limits.maxPixels)
    throw ocrImageTooLarge({ name, width, height });
}

/**
 * Seal suppression: the red channel is the grey page (red ink is nearly as bright as paper there),
 * and pixels that are clearly red are lifted to white. Black text printed under a seal is dark in
 * every channel and stays. Red areas, counted on a coarse grid, give the seals' boxes.
 */
export function separateRed(
  data: Uint8Array,
  width: number,
  height: number,
  channels: number,
): { gray: Uint8Array; seals: Box[]; shapes: OcrSeal['shape'][]; inks: GrayPage[] } {
  const gray = new Uint8Array(width * height);
  const cell = Math.max(4, Math.round(Math.min(width, height) / 200));
  const gw = Math.ceil(width / cell);
  const gh = Math.ceil(height / cell);
  const counts = new Uint32Array(gw * gh);
  for (let y = 0, i = 0; y < height; y++) {
    const row = Math.floor(y / cell) * gw;
    for (let x = 0; x < width; x++, i++) {
      const at = i * channels;
      const r = data[at]!;
      if (channels >= 3) {
        const g = data[at + 1]!;
        const b = data[at + 2]!;
        // Mixed text-and-seal pixels are darker than 140 in red: they stay as text.
        if (r > 140 && r - g > 60 && r - b > 60) {
          gray[i] = 255;
          counts[row + Math.floor(x / cell)]!++;
          continue;
        }
      }
      gray[i] = r;
    }
  }
  const seals: Box[] = [];
  if (channels < 3) return { gray, seals, shapes: [], inks: [] };
  const marked = counts.map((n) => (n > cell * cell * 0.03 ? 1 : 0));
  const minSide = Math.min(width, height) * 0.04;
  const seen = new Uint8Array(gw * gh);
  for (let start = 0; start < marked.length; start++) {
    if (!marked[start] || seen[start]) continue;
    const stack = [start];
    seen[start] = 1;
    let [x0, y0, x1, y1] = [gw, gh, 0, 0];
    while (stack.length > 0) {
      const p = stack.pop()!;
      const x = p % gw;
      const y = (p - x) / gw;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x + 1);
      y1 = Math.max(y1, y + 1);
      // A ring seal's stroke can break: bridge gaps of one cell.
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= gw || ny >= gh) continue;
          const q = ny * gw + nx;
          if (marked[q] && !seen[q]) {
            seen[q] = 1;
            stack.push(q);
          }
        }
      }
    }
    seals.push([x0 * cell, y0 * cell, Math.min(width, x1 * cell), Math.min(height, y1 * cell)]);
  }
  // A seal's star and ring text are separate red areas inside its ring: merge overlapping boxes.
  const merged = mergeOverlapping(seals).filter(
    (box) => box[2] - box[0] >= minSide && box[3] - box[1] >= minSide,
  );
  // The lifted pixels are exactly the white ones of `gray` that were not white in every channel.
  const red = (x: number, y: number) => {
    const at = (y * width + x) * channels;
    return gray[y * width + x] === 255 && data[at]! - data[at + 1]! > 60;
  };
  const boxes: Box[] = [];
  const shapes: OcrSeal['shape'][] = [];
  const inks: GrayPage[] = [];
  for (const box of merged) {
    const shape = sealShape(box, red);
    // Two round seals over each other: each ring on its own, its ink cut to its circle.
    const split = shape === 'rectangle' ? [box] : splitOverlappingSeals(box, red);
    for (const part of split) {
      boxes.push(part);
      shapes.push(split.length > 1 ? 'round' : shape);
      inks.push(sealInk(data, width, channels, part, split.length > 1));
    }
  }
  return { gray, seals: boxes, shapes, inks };
}

/**
 * The seal's own ink inside its box, dark on white: how much redder than green and blue a pixel is.
 * Black text under the seal is white here, so the ring text can be read on its own (ocr.seal-text.ts).
 */
function sealInk(data: Uint8Array, width: number, channels: number, box: Box, circle: boolean): GrayPage {
  const [x0, y0, x1, y1] = box.map(Math.round) as Box;
  const w = x1 - x0;
  const h = y1 - y0;
  const ink = new Uint8Array(w * h).fill(255);
  const r2 = (Math.min(w, h) / 2) ** 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Cut to the circle: the other seal's ink crossing this box is left out.
      if (circle && (x - w / 2) ** 2 + (y - h / 2) ** 2 > r2) continue;
      const at = ((y0 + y) * width + x0 + x) * channels;
      const r = data[at]!;
      const redness = r - Math.max(data[at + 1]!, data[at + 2]!);
      ink[y * w + x] = r < 100 ? 255 : Math.max(0, Math.min(255, 255 - 2 * redness));
    }
  }
  return { width: w, height: h, data: ink };
}

function mergeOverlapping(boxes: Box[]): Box[] {
  const result = [...boxes];
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 0; i < result.length && !changed; i++) {
      for (let j = i + 1; j < result.length && !changed; j++) {
        const a = result[i]!;
        const b = result[j]!;
        if (a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]) {
          result[i] = [
            Math.min(a[0], b[0]),
            Math.min(a[1], b[1]),
            Math.max(a[2], b[2]),
            Math.max(a[3], b[3]),
          ];
          result.splice(j, 1);
          changed = true;
        }
      }
    }
  }
  return result;
}

/**
 * Contrast normalisation: maps the 0.5th and 99.5th percentiles to black and white, so grey,
 * faded or dark scans reach the recogniser with the contrast it was trained on.
 */
export function stretchContrast(data: Uint8Array): Uint8Array {
  const histogram = new Uint32Array(256);
  // An indexed loop: the array iterator was ~10 × slower on a 9-megapixel page.
  for (let i = 0; i < data.length; i++) histogram[data[i]!]!++;
  const cut = data.length * 0.005;
  let low = 0;
  for (let seen = 0; low < 255 && seen + histogram[low]! <= cut; low++) seen += histogram[low]!;
  let high = 255;
  for (let seen = 0; high > 0 && seen + histogram[high]! <= cut; high--) seen += histogram[high]!;
  // A blank page or one already spanning the range stays as it is.
  if (high - low < 32 || (low <= 5 && high >= 250)) return data;
  const table = new Uint8Array(256);
  for (let v = 0; v < 256; v++)
    table[v] = Math.round(Math.min(255, Math.max(0, ((v - low) * 255) / (high - low))));
  for (let i = 0; i < data.length; i++) data[i] = table[data[i]!]!;
  return data;
}

function reasonOf(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  return message.split('\n')[0]!.slice(0, 200);
}
