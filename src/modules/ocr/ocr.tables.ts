/**
 * Ruled tables from the page's lines: long dark horizontal and vertical strokes are traced
 * (following a slope of up to one pixel per step, so a slightly skewed scan still traces), joined
 * into grids where they cross, and each grid cell takes the recognised text whose centre lies in
 * it. A missing rule between two grid cells merges them, which gives row and column spans.
 * Pure functions, no I/O.
 */
import type { Box, GrayPage, OcrLine, OcrTableCell } from './ocr.port.ts';

export interface OcrTable {
  box: Box;
  rows: OcrTableCell[][];
}

/** A traced rule: from (a0, p0) to (a1, p1) along its direction (x for horizontal ones). */
interface Rule {
  a0: number;
  a1: number;
  /** position across the rule at a0 and a1 */
  p0: number;
  p1: number;
}

const DARK = 110;

/** Tables on a page, with the text of `lines` (in page coordinates) put into their cells. */
export function findTables(page: GrayPage, lines: readonly OcrLine[]): OcrTable[] {
  const minLength = Math.max(40, Math.round(Math.min(page.width, page.height) * 0.06));
  const horizontal = traceRules(page, false, minLength);
  if (horizontal.length < 2) return [];
  const vertical = traceRules(page, true, Math.round(minLength / 2));
  if (vertical.length < 2) return [];
  const tolerance = Math.max(4, Math.round(page.width / 250));
  const tables: OcrTable[] = [];
  for (const group of connectedGrids(horizontal, vertical, tolerance)) {
    const table = buildTable(group.h, group.v, tolerance, lines);
    if (table) tables.push(table);
  }
  return tables;
}

/** Long dark strokes along x (or along y when `vertical`), traced with a slope of ≤ 1 px a step. */
function traceRules(page: GrayPage, vertical: boolean, minLength: number): Rule[] {
  const { width, height, data } = page;
  const along = vertical ? height : width;
  const across = vertical ? width : height;
  const dark = (a: number, p: number) =>
    p >= 0 && p < across && a >= 0 && a < along && data[vertical ? a * width + p : p * width + a]! < DARK;
  const used = new Uint8Array(width * height);
  const mark = (a: number, p: number) => {
    if (p >= 0 && p < across) used[vertical ? a * width + p : p * width + a] = 1;
  };
  const isUsed = (a: number, p: number) => used[vertical ? a * width + p : p * width + a] === 1;
  const rules: Rule[] = [];
  // Every third line across is enough to meet every rule at least once.
  for (let p = 0; p < across; p += 2) {
    for (let a = 0; a < along; a++) {
      if (!dark(a, p) || isUsed(a, p)) continue;
      let cp = p;
      let end = a;
      let gap = 0;
      let x = a;
      while (x < along - 1 && gap <= 3) {
        x++;
        if (dark(x, cp)) {
          gap = 0;
          end = x;
        } else if (dark(x, cp - 1)) {
          cp--;
          gap = 0;
          end = x;
        } else if (dark(x, cp + 1)) {
          cp++;
          gap = 0;
          end = x;
        } else gap++;
      }
      if (end - a + 1 >= minLength) {
        rules.push({ a0: a, a1: end, p0: p, p1: cp });
        // Mark a band around the rule so its other pixel rows are not traced again.
        const slope = (cp - p) / Math.max(1, end - a);
        for (let s = a; s <= end; s++) {
          const c = Math.round(p + slope * (s - a));
          for (let d = -4; d <= 4; d++) mark(s, c + d);
        }
        a = end;
      } else {
        a = Math.max(a, end);
      }
    }
  }
  return rules;
}

function positionAt(rule: Rule, a: number): number {
  if (rule.a1 === rule.a0) return rule.p0;
  return rule.p0 + ((rule.p1 - rule.p0) * (a - rule.a0)) / (rule.a1 - rule.a0);
}

/** Whether a horizontal and a vertical rule cross (or touch within `tol`). */
function crosses(h: Rule, v: Rule, tol: number): boolean {
  const x = positionAt(v, positionAt(h, v.p0));
  const y = positionAt(h, x);
  return x >= h.a0 - tol && x <= h.a1 + tol && y >= v.a0 - tol && y <= v.a1 + tol;
}

/** Groups of rules that cross one another: one group per table. */
function connectedGrids(horizontal: Rule[], vertical: Rule[], tol: number): { h: Rule[]; v: Rule[] }[] {
  const n = horizontal.length + vertical.length;
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  horizontal.forEach((h, i) =>
    vertical.forEach((v, j) => {
      if (crosses(h, v, tol)) parent[find(i)] = find(horizontal.length + j);
    }),
  );
  const groups = new Map<number, { h: Rule[]; v: Rule[] }>();
  for (let i = 0; i < n; i++) {
    const root = find(i);
    if (!groups.has(root)) groups.set(root, { h: [], v: [] });
    const group = groups.get(root)!;
    if (i < horizontal.length) group.h.push(horizontal[i]!);
    else group.v.push(vertical[i - horizontal.length]!);
  }
  return [...groups.values()].filter((g) => g.h.length >= 2 && g.v.length >= 2);
}

/** Positions closer than `tol` become one (their mean). */
function cluster(values: number[], tol: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const result: number[][] = [];
  for (const value of sorted) {
    const last = result.at(-1);
    if (last && value - last.at(-1)! <= tol) last.push(value);
    else result.push([value]);
  }
  return result.map((c) => c.reduce((s, v) => s + v, 0) / c.length);
}

function buildTable(h: Rule[], v: Rule[], tol: number, lines: readonly OcrLine[]): OcrTable | undefined {
  const left = Math.min(...h.map((r) => r.a0));
  const right = Math.max(...h.map((r) => r.a1));
  const middleX = (left + right) / 2;
  const ys = cluster(
    h.map((r) => positionAt(r, middleX)),
    tol,
  );
  const top = Math.min(...v.map((r) => r.a0));
  const bottom = Math.max(...v.map((r) => r.a1));
  const middleY = (top + bottom) / 2;
  const xs = cluster(
    v.map((r) => positionAt(r, middleY)),
    tol,
  );
  if (ys.length < 2 || xs.length < 2) return undefined;
  const rowsN = ys.length - 1;
  const colsN = xs.length - 1;
  // A rule separates two grid cells when one covers the middle of their shared edge.
  const vAt = (x: number, y: number) =>
    v.some((r) => Math.abs(positionAt(r, y) - x) <= tol && y >= r.a0 - tol && y <= r.a1 + tol);
  const hAt = (x: number, y: number) =>
    h.some((r) => Math.abs(positionAt(r, x) - y) <= tol && x >= r.a0 - tol && x <= r.a1 + tol);
  const owner = new Int32Array(rowsN * colsN).fill(-1);
  const cells: { r: number; c: number; rowSpan: number; colSpan: number }[] = [];
  for (let r = 0; r < rowsN; r++) {
    for (let c = 0; c < colsN; c++) {
      if (owner[r * colsN + c]! >= 0) continue;
      const midY = (ys[r]! + ys[r + 1]!) / 2;
      let colSpan = 1;
      while (c + colSpan < colsN && !vAt(xs[c + colSpan]!, midY)) colSpan++;
      let rowSpan = 1;
      const spanMidX = (xs[c]! + xs[c + colSpan]!) / 2;
      while (r + rowSpan < rowsN && !hAt(spanMidX, ys[r + rowSpan]!)) rowSpan++;
      for (let dr = 0; dr < rowSpan; dr++)
        for (let dc = 0; dc < colSpan; dc++) owner[(r + dr) * colsN + c + dc] = cells.length;
      cells.push({ r, c, rowSpan, colSpan });
    }
  }
  const texts = cells.map(() => [] as OcrLine[]);
  for (const line of lines) {
    const cx = (line.box[0] + line.box[2]) / 2;
    const cy = (line.box[1] + line.box[3]) / 2;
    const c = xs.findIndex((x, i) => i < colsN && cx >= x && cx < xs[i + 1]!);
    const r = ys.findIndex((y, i) => i < rowsN && cy >= y && cy < ys[i + 1]!);
    if (c >= 0 && r >= 0) texts[owner[r * colsN + c]!]!.push(line);
  }
  const rows: OcrTableCell[][] = Array.from({ length: rowsN }, () => []);
  cells.forEach((cell, i) => {
    rows[cell.r]!.push({
      text: joinCellLines(texts[i]!),
      rowSpan: cell.rowSpan,
      colSpan: cell.colSpan,
    });
  });
  // A grid with a single cell is a frame (a box around a paragraph), not a table.
  if (cells.length < 2) return undefined;
  return {
    box: [Math.round(xs[0]!), Math.round(ys[0]!), Math.round(xs.at(-1)!), Math.round(ys.at(-1)!)],
    rows,
  };
}

const CJK_EDGE = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

/** A cell's lines top to bottom; no space where a Chinese character meets the next line. */
export function joinCellLines(lines: OcrLine[]): string {
  const ordered = [...lines].sort((a, b) => a.box[1] - b.box[1] || a.box[0] - b.box[0]);
  let text = '';
  for (const line of ordered) {
    if (text && !(CJK_EDGE.test(text.at(-1)!) || CJK_EDGE.test(line.text[0]!))) text += ' ';
    text += line.text;
  }
  return text;
}
