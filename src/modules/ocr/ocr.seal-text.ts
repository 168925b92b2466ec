/**
 * The ring text of a round seal, laid out straight for the line recogniser: the seal's red ink
 * (ocr.image.ts `sealInk`) is unwrapped in polar coordinates into a strip whose top is the outer
 * edge, read clockwise from the end of the widest gap in the ring text (where the seal's own
 * horizontal text or nothing stands). Pure functions, no I/O.
 */
import type { GrayPage } from './ocr.port.ts';

export interface RingStrip {
  width: number;
  height: number;
  data: Uint8Array;
}

const INK = 128;
const ANGLES = 360;

/** The ring text band of a round seal as a strip `height` pixels high, or undefined if there is none. */
export function unwrapRing(ink: GrayPage, height: number): RingStrip | undefined {
  const bounds = inkBounds(ink);
  if (!bounds) return undefined;
  const cx = (bounds[0] + bounds[2]) / 2;
  const cy = (bounds[1] + bounds[3]) / 2;
  const outer = Math.min(bounds[2] - bounds[0], bounds[3] - bounds[1]) / 2;
  if (outer < 20) return undefined;
  // The border ring is the radius where ink goes all the way round; the text lies just inside it.
  const ring = ringRadius(ink, cx, cy, outer);
  const rOut = ring * 0.935;
  const rIn = ring * 0.64;
  // Ink per degree within the band; the widest empty run is where the text starts and ends.
  const profile = new Float32Array(ANGLES);
  const radial = 12;
  for (let a = 0; a < ANGLES; a++) {
    const theta = (a / ANGLES) * 2 * Math.PI;
    for (let k = 0; k < radial; k++) {
      const r = rIn + ((k + 0.5) / radial) * (rOut - rIn);
      if (pixel(ink, cx + r * Math.cos(theta), cy + r * Math.sin(theta)) < INK) profile[a]!++;
    }
  }
  const [gapStart, gapLength] = widestGap(profile);
  if (gapLength >= ANGLES - 20) return undefined; // no ring text
  // From the end of the gap, clockwise, to its start: the text with a little margin either side.
  const margin = 4;
  const start = ((gapStart + gapLength - margin) / ANGLES) * 2 * Math.PI;
  const span = ((ANGLES - gapLength + 2 * margin) / ANGLES) * 2 * Math.PI;
  const rMid = (rIn + rOut) / 2;
  const width = Math.max(16, Math.round((span * rMid * height) / (rOut - rIn)));
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const r = rOut - ((y + 0.5) / height) * (rOut - rIn);
    for (let x = 0; x < width; x++) {
      const theta = start + ((x + 0.5) / width) * span;
      data[y * width + x] = pixel(ink, cx + r * Math.cos(theta), cy + r * Math.sin(theta));
    }
  }
  return { width, height, data };
}

/** The radius between 0.7 and 1.0 of `outer` where the most ink lies on the circle. */
function ringRadius(ink: GrayPage, cx: number, cy: number, outer: number): number {
  let best = outer * 0.95;
  let bestCount = -1;
  for (let r = outer * 0.7; r <= outer; r += 1) {
    let count = 0;
    for (let a = 0; a < ANGLES; a += 2) {
      const theta = (a / ANGLES) * 2 * Math.PI;
      if (pixel(ink, cx + r * Math.cos(theta), cy + r * Math.sin(theta)) < INK) count++;
    }
    if (count > bestCount) {
      bestCount = count;
      best = r;
    }
  }
  return best;
}

/** Start and length (in degrees) of the longest circular run of angles with no ink. */
function widestGap(profile: Float32Array): [number, number] {
  let bestStart = 0;
  let bestLength = 0;
  for (let a = 0; a < ANGLES; a++) {
    if (profile[a]! > 0 || profile[(a + ANGLES - 1) % ANGLES]! === 0) continue;
    let length = 0;
    while (length < ANGLES && profile[(a + length) % ANGLES]! === 0) length++;
    if (length > bestLength) {
      bestLength = length;
      bestStart = a;
    }
  }
  if (bestLength === 0 && profile.every((v) => v === 0)) return [0, ANGLES];
  return [bestStart, bestLength];
}

function inkBounds(ink: GrayPage): [number, number, number, number] | undefined {
  let [x0, y0, x1, y1] = [ink.width, ink.height, -1, -1];
  for (let y = 0; y < ink.height; y++)
    for (let x = 0; x < ink.width; x++)
      if (ink.data[y * ink.width + x]! < INK) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  return x1 < 0 ? undefined : [x0, y0, x1 + 1, y1 + 1];
}

/** Bilinear sample, white outside. */
function pixel(page: GrayPage, x: number, y: number): number {
  const x0 = Math.floor(x - 0.5);
  const y0 = Math.floor(y - 0.5);
  const fx = x - 0.5 - x0;
  const fy = y - 0.5 - y0;
  const at = (xx: number, yy: number) =>
    xx < 0 || yy < 0 || xx >= page.width || yy >= page.height ? 255 : page.data[yy * page.width + xx]!;
  const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
  const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
  return Math.round(top * (1 - fy) + bottom * fy);
}
