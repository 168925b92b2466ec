/**
 * Pure OCR geometry and text functions (no I/O): text-region boxes from a detection probability map,
 * CTC decoding, reading order, joining Chinese text, and the character error rate.
 */

/** A rotated rectangle: centre, unit direction along the text, length along it and thickness across. */
export interface TextRegion {
  cx: number;
  cy: number;
  /** angle of the text direction in radians (0 = left to right) */
  angle: number;
  length: number;
  thickness: number;
  /** mean detection probability inside the region */
  score: number;
}

export interface RegionOptions {
  /** probability above which a pixel belongs to text */
  threshold: number;
  /** mean probability a region needs to be kept */
  boxThreshold: number;
  /** how much the shrunk text kernel is grown back (DB "unclip" ratio) */
  unclipRatio: number;
  /** smallest thickness, in map pixels, of a region worth reading */
  minSize: number;
}

export const DEFAULT_REGION_OPTIONS: Readonly<RegionOptions> = Object.freeze({
  threshold: 0.3,
  boxThreshold: 0.6,
  unclipRatio: 1.6,
  minSize: 2,
});

/**
 * Connected components of the thresholded map, each fitted with a rotated rectangle by principal
 * axes (second moments). Short, squarish components (a single character) borrow the median angle
 * of the elongated ones, whose orientation is reliable, so that a skewed page stays consistent.
 */
export function regionsFromMap(
  prob: Float32Array,
  width: number,
  height: number,
  options: RegionOptions = DEFAULT_REGION_OPTIONS,
): TextRegion[] {
  const labels = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  const found: { pixels: number[]; region: TextRegion; elongated: boolean }[] = [];
  let next = 0;
  for (let start = 0; start < prob.length; start++) {
    if (labels[start] !== 0 || prob[start]! <= options.threshold) continue;
    next++;
    const pixels: number[] = [];
    let top = 0;
    stack[top++] = start;
    labels[start] = next;
    while (top > 0) {
      const p = stack[--top]!;
      pixels.push(p);
      const x = p % width;
      const y = (p - x) / width;
      // 8-connectivity: strokes of a skewed line touch only at corners.
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width || (dx === 0 && dy === 0)) continue;
          const q = ny * width + nx;
          if (labels[q] === 0 && prob[q]! > options.threshold) {
            labels[q] = next;
            stack[top++] = q;
          }
        }
      }
    }
    if (pixels.length < 4) continue;
    const fitted = fitRegion(pixels, width, prob);
    if (fitted.region.score < options.boxThreshold) continue;
    found.push({ pixels, ...fitted });
  }
  const angles = found.filter((f) => f.elongated).map((f) => f.region.angle);
  const pageAngle = angles.length > 0 ? median(angles) : 0;
  const regions: TextRegion[] = [];
  for (const f of found) {
    const region = f.elongated ? f.region : refit(f.pixels, width, pageAngle, f.region.score);
    // DB trains on kernels shrunk by (area × (1 − r²) / perimeter); grow them back the same way.
    const area = region.length * region.thickness;
    const grow = (area * options.unclipRatio) / (2 * (region.length + region.thickness));
    region.length += 2 * grow;
    region.thickness += 2 * grow;
    if (region.thickness - 2 * grow < options.minSize) continue;
    regions.push(region);
  }
  return regions;
}

function fitRegion(
  pixels: number[],
  width: number,
  prob: Float32Array,
): { region: TextRegion; elongated: boolean } {
  let sx = 0;
  let sy = 0;
  let sp = 0;
  for (const p of pixels) {
    sx += p % width;
    sy += Math.floor(p / width);
    sp += prob[p]!;
  }
  const n = pixels.length;
  const mx = sx / n;
  const my = sy / n;
  let cxx = 0;
  let cyy = 0;
  let cxy = 0;
  for (const p of pixels) {
    const dx = (p % width) - mx;
    const dy = Math.floor(p / width) - my;
    cxx += dx * dx;
    cyy += dy * dy;
    cxy += dx * dy;
  }
  let angle = 0.5 * Math.atan2(2 * cxy, cxx - cyy);
  const region = refit(pixels, width, angle, sp / n);
  const elongated = region.length >= 3 * region.thickness;
  if (!elongated) {
    // Keep the angle of a squarish blob near horizontal or vertical; its own axes mean little.
    angle = Math.abs(Math.sin(angle)) > Math.SQRT1_2 ? Math.PI / 2 : 0;
    return { region: refit(pixels, width, angle, sp / n), elongated };
  }
  return { region, elongated };
}

/** The rectangle around the pixels with its long side along `angle`. */
function refit(pixels: number[], width: number, angle: number, score: number): TextRegion {
  const ux = Math.cos(angle);
  const uy = Math.sin(angle);
  let minU = Infinity;
  let maxU = -Infinity;
  let minV = Infinity;
  let maxV = -Infinity;
  for (const p of pixels) {
    const x = p % width;
    const y = Math.floor(p / width);
    const u = x * ux + y * uy;
    const v = -x * uy + y * ux;
    if (u < minU) minU = u;
    if (u > maxU) maxU = u;
    if (v < minV) minV = v;
    if (v > maxV) maxV = v;
  }
  // Pixel centres span one pixel less than the pixels themselves.
  const length = maxU - minU + 1;
  const thickness = maxV - minV + 1;
  const cu = (minU + maxU) / 2;
  const cv = (minV + maxV) / 2;
  return {
    cx: cu * ux - cv * uy + 0.5,
    cy: cu * uy + cv * ux + 0.5,
    angle,
    length,
    thickness,
    score,
  };
}

/** Maps a region found on a resized map back to the page (scale factors page/map per axis). */
export function scaleRegion(region: TextRegion, sx: number, sy: number): TextRegion {
  const ux = Math.cos(region.angle) * sx;
  const uy = Math.sin(region.angle) * sy;
  const vx = -Math.sin(region.angle) * sx;
  const vy = Math.cos(region.angle) * sy;
  return {
    cx: region.cx * sx,
    cy: region.cy * sy,
    angle: Math.atan2(uy, ux),
    length: region.length * Math.hypot(ux, uy),
    thickness: region.thickness * Math.hypot(vx, vy),
    score: region.score,
  };
}

/** The axis-aligned box [x0, y0, x1, y1] around a region, clipped to the page. */
export function regionBox(region: TextRegion, pageWidth: number, pageHeight: number): Box {
  const hx =
    Math.abs(Math.cos(region.angle)) * region.length + Math.abs(Math.sin(region.angle)) * region.thickness;
  const hy =
    Math.abs(Math.sin(region.angle)) * region.length + Math.abs(Math.cos(region.angle)) * region.thickness;
  return [
    clamp(Math.round(region.cx - hx / 2), 0, pageWidth),
    clamp(Math.round(region.cy - hy / 2), 0, pageHeight),
    clamp(Math.round(region.cx + hx / 2), 0, pageWidth),
    clamp(Math.round(region.cy + hy / 2), 0, pageHeight),
  ];
}

export type Box = [number, number, number, number];

/** Greedy CTC decoding: best class per step, repeats merged, blanks (class 0) dropped. */
export function ctcDecode(
  probs: Float32Array,
  offset: number,
  steps: number,
  classes: number,
  alphabet: readonly string[],
): { text: string; confidence: number } {
  let text = '';
  let sum = 0;
  let count = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const base = offset + t * classes;
    let best = 0;
    let bestP = probs[base]!;
    for (let c = 1; c < classes; c++) {
      const p = probs[base + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += alphabet[best] ?? '';
      sum += bestP;
      count++;
    }
    previous = best;
  }
  return { text, confidence: count > 0 ? sum / count : 0 };
}

/** PaddleOCR alphabets: the CTC blank at index 0, the dictionary, then a space class. */
export function alphabetFromDictionary(dictionary: string): string[] {
  const keys = dictionary.split(/\r?\n/);
  if (keys.at(-1) === '') keys.pop();
  return ['', ...keys, ' '];
}

const CJK = /[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/;

const HALF_TO_FULL: Record<string, string> = {
  ',': '，',
  ';': '；',
  ':': '：',
  '?': '？',
  '!': '！',
  '(': '（',
  ')': '）',
};
const HAN = /[\u3400-\u9fff]/;

/**
 * Removes spaces that touch a CJK character or full-width punctuation (keeps them between Latin
 * words) and undoes the recogniser's usual punctuation confusions in Chinese text: 丶 (a radical
 * no modern text uses) for the enumeration comma 、, half-width marks beside Chinese characters,
 * and a degree sign after a Chinese character for the full stop 。.
 */
export function tidyLine(text: string): string {
  const chars = [...text.replace(/丶/g, '、')];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const before = chars[i - 1] ?? '';
    const after = chars[i + 1] ?? '';
    const full = HALF_TO_FULL[ch];
    if (full && (HAN.test(before) || HAN.test(after) || /[（）]/.test(before))) chars[i] = full;
    else if (ch === '°' && HAN.test(before) && !/[CcF℃]/.test(after)) chars[i] = '。';
  }
  return chars
    .join('')
    .replace(/\s+/g, ' ')
    .replace(/ (?=.)/g, (space, index: number, whole: string) => {
      const before = whole[index - 1] ?? '';
      const after = whole[index + 1] ?? '';
      return CJK.test(before) || CJK.test(after) ? '' : space;
    })
    .trim();
}

export interface PlacedLine {
  box: Box;
}

/**
 * Reading order for horizontal pages: lines whose vertical extents overlap by more than half of the
 * smaller one form a row, read left to right; rows are read top to bottom.
 */
export function readingOrder<T extends PlacedLine>(lines: readonly T[]): T[] {
  const sorted = [...lines].sort((a, b) => a.box[1] + a.box[3] - (b.box[1] + b.box[3]));
  const rows: T[][] = [];
  for (const line of sorted) {
    const row = rows.at(-1);
    const anchor = row?.[0];
    if (row && anchor && verticalOverlap(anchor.box, line.box) > 0.5) row.push(line);
    else rows.push([line]);
  }
  return rows.flatMap((row) => row.sort((a, b) => a.box[0] - b.box[0]));
}

function verticalOverlap(a: Box, b: Box): number {
  const overlap = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  const smaller = Math.min(a[3] - a[1], b[3] - b[1]);
  return smaller > 0 ? overlap / smaller : 0;
}

/** Levenshtein distance over Unicode code points. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[y.length]!;
}

/** Character error rate: edit distance over reference length, whitespace removed from both. */
export function characterErrorRate(
  reference: string,
  hypothesis: string,
): { errors: number; length: number } {
  const ref = reference.replace(/\s+/g, '');
  const hyp = hypothesis.replace(/\s+/g, '');
  return { errors: editDistance(ref, hyp), length: [...ref].length };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/**
 * A "line" of one or two characters stretched far wider than print is: a pen stroke (a
 * signature's flourish) that the recogniser took for a letter. Printed characters are about as
 * wide as high (Latin about half).
 */
export function implausibleLine(text: string, box: Box, confidence: number): boolean {
  const n = [...text].length;
  if (n > 2 || confidence >= 0.97) return false;
  const width = box[2] - box[0];
  const height = Math.max(1, box[3] - box[1]);
  return width / height / n > 2;
}
