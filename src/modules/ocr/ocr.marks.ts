/**
 * Marks on the page that are not text: handwritten signatures (ink left over once the recognised
 * lines, tables and seals are taken away, in sparse curved strokes) and the shape of red seals.
 * Pure functions, no I/O.
 */
import type { Box, GrayPage, OcrLine, OcrSeal } from './ocr.port.ts';

const INK = 110;

function inside(box: Box, x: number, y: number, margin: number): boolean {
  return x >= box[0] - margin && x < box[2] + margin && y >= box[1] - margin && y < box[3] + margin;
}

/**
 * Handwritten signatures: connected ink outside every recognised line, table and seal, larger
 * than a character, and sparse (pen strokes cover little of their box, print covers more).
 */
export function findSignatures(
  page: GrayPage,
  lines: readonly OcrLine[],
  excluded: readonly Box[],
): { box: Box }[] {
  const { width, height, data } = page;
  const cell = Math.max(4, Math.round(Math.min(width, height) / 200));
  const gw = Math.ceil(width / cell);
  const gh = Math.ceil(height / cell);
  const counts = new Uint32Array(gw * gh);
  const skip = [...lines.map((l) => l.box), ...excluded];
  const margin = cell;
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      const cx = gx * cell + cell / 2;
      const cy = gy * cell + cell / 2;
      if (skip.some((box) => inside(box, cx, cy, margin))) continue;
      let n = 0;
      for (let y = gy * cell; y < Math.min(height, (gy + 1) * cell); y++)
        for (let x = gx * cell; x < Math.min(width, (gx + 1) * cell); x++)
          if (data[y * width + x]! < INK) n++;
      counts[gy * gw + gx] = n;
    }
  }
  const marked = counts.map((n) => (n >= Math.max(2, cell * cell * 0.04) ? 1 : 0));
  const seen = new Uint8Array(gw * gh);
  const found: { box: Box }[] = [];
  const minWidth = Math.min(width, height) * 0.08;
  const minHeight = Math.min(width, height) * 0.015;
  for (let start = 0; start < marked.length; start++) {
    if (!marked[start] || seen[start]) continue;
    const stack = [start];
    seen[start] = 1;
    let [x0, y0, x1, y1] = [gw, gh, 0, 0];
    let ink = 0;
    let cells = 0;
    while (stack.length > 0) {
      const p = stack.pop()!;
      const x = p % gw;
      const y = (p - x) / gw;
      ink += counts[p]!;
      cells++;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x + 1);
      y1 = Math.max(y1, y + 1);
      // Pen strokes lift between letters: bridge gaps of two cells.
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
    const box: Box = [x0 * cell, y0 * cell, Math.min(width, x1 * cell), Math.min(height, y1 * cell)];
    const bw = box[2] - box[0];
    const bh = box[3] - box[1];
    const coverage = ink / (bw * bh);
    // A ruled line is thin; a dark block (a photo, a stamp pad smear) is dense.
    if (bw >= minWidth && bh >= minHeight && bh <= bw * 1.5 && coverage < 0.2 && cells >= 8)
      found.push({ box });
  }
  return found;
}

/**
 * A seal's shape from its red mask: a round or oval seal leaves the corners of its box empty, a
 * rectangular one fills them. `red(x, y)` tells whether a pixel is seal red.
 */
export function sealShape(box: Box, red: (x: number, y: number) => boolean): OcrSeal['shape'] {
  const [x0, y0, x1, y1] = box;
  const w = x1 - x0;
  const h = y1 - y0;
  let corner = 0;
  let edge = 0;
  const step = Math.max(1, Math.round(Math.min(w, h) / 60));
  for (let y = y0; y < y1; y += step) {
    for (let x = x0; x < x1; x += step) {
      if (!red(x, y)) continue;
      const u = (2 * (x - x0)) / w - 1;
      const v = (2 * (y - y0)) / h - 1;
      // Beyond the inscribed ellipse, well inside the corners.
      if (u * u + v * v > 1.3) corner++;
      else edge++;
    }
  }
  if (corner > 0.05 * (corner + edge)) return 'rectangle';
  return Math.abs(w - h) <= 0.15 * Math.max(w, h) ? 'round' : 'oval';
}

/**
 * Two round seals printed over each other make one red area (its box square when they are offset
 * diagonally). A circle Hough transform over the red pixels finds the ring of each seal (one
 * radius, the strongest two centres); returns the seals' boxes, or the box itself when only one
 * ring stands out.
 */
export function splitOverlappingSeals(box: Box, red: (x: number, y: number) => boolean): Box[] {
  const [bx, by, bx1, by1] = box;
  const w = bx1 - bx;
  const h = by1 - by;
  const short = Math.min(w, h);
  const step = Math.max(1, Math.round(short / 120));
  const gw = Math.ceil(w / step);
  const gh = Math.ceil(h / step);
  const points: number[] = [];
  for (let gy = 0; gy < gh; gy++)
    for (let gx = 0; gx < gw; gx++) if (red(bx + gx * step, by + gy * step)) points.push(gx, gy);
  const ANGLES = 72;
  const cos = Float64Array.from({ length: ANGLES }, (_, k) => Math.cos((2 * Math.PI * k) / ANGLES));
  const sin = Float64Array.from({ length: ANGLES }, (_, k) => Math.sin((2 * Math.PI * k) / ANGLES));
  let best: { r: number; acc: Uint16Array; score: number } | undefined;
  for (let r = Math.round((0.3 * short) / step); r <= Math.ceil((0.52 * short) / step); r++) {
    const acc = new Uint16Array(gw * gh);
    for (let p = 0; p < points.length; p += 2) {
      for (let k = 0; k < ANGLES; k++) {
        const cx = Math.round(points[p]! - r * cos[k]!);
        const cy = Math.round(points[p + 1]! - r * sin[k]!);
        if (cx >= 0 && cy >= 0 && cx < gw && cy < gh) acc[cy * gw + cx]!++;
      }
    }
    // A ring votes for its centre from every angle: the peak, per unit of circumference.
    const score = Math.max(...acc) / r;
    if (!best || score > best.score) best = { r, acc, score };
  }
  if (!best) return [box];
  const { r, acc } = best;
  const peak = (skip?: [number, number]) => {
    let at = -1;
    for (let i = 0; i < acc.length; i++) {
      if (skip && Math.hypot((i % gw) - skip[0], Math.floor(i / gw) - skip[1]) < Math.max(3, r / 4)) continue;
      if (at < 0 || acc[i]! > acc[at]!) at = i;
    }
    return { x: at % gw, y: Math.floor(at / gw), votes: at < 0 ? 0 : acc[at]! };
  };
  const first = peak();
  const second = peak([first.x, first.y]);
  if (second.votes < first.votes * 0.6) return [box];
  // The ring's stroke lies at the radius found; the seal's edge a little outside it.
  const radius = r * step * 1.06;
  return [first, second].map(({ x, y }) => {
    const cx = bx + x * step;
    const cy = by + y * step;
    return [
      Math.max(bx, Math.round(cx - radius)),
      Math.max(by, Math.round(cy - radius)),
      Math.min(bx1, Math.round(cx + radius)),
      Math.min(by1, Math.round(cy + radius)),
    ] as Box;
  });
}
