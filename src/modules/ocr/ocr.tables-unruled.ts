/**
 * Tables without ruling lines, found from alignment: text boxes are grouped into rows by their
 * vertical centres; three or more neighbouring rows that each hold two or more boxes, separated by
 * the same empty vertical gutters, make a table. The gutters (x-ranges no box of the fullest rows
 * crosses) give the columns; a box that covers several columns becomes a cell with a column span.
 * Row spans cannot be seen without rules and are always 1. Pure functions, no I/O.
 *
 * Two columns of running text also have one steady gutter: a two-column candidate is kept only
 * when one of its columns holds short boxes (cells), not wide lines of prose.
 */
import { median, type Box } from './ocr.models.ts';
import type { OcrLine } from './ocr.port.ts';
import { joinCellLines, type OcrTable } from './ocr.tables.ts';

interface Row {
  lines: OcrLine[];
  top: number;
  bottom: number;
  centre: number;
}

const MIN_ROWS = 3;

/** Tables from aligned lines; lines inside `exclude` (ruled tables, seals) are not considered. */
export function findUnruledTables(lines: readonly OcrLine[], exclude: readonly Box[] = []): OcrTable[] {
  const free = lines.filter((line) => !exclude.some((box) => contains(box, line.box)));
  if (free.length < MIN_ROWS * 2) return [];
  const lineHeight = median(free.map((l) => l.box[3] - l.box[1]));
  const rows = groupRows(free, lineHeight);
  const tables: OcrTable[] = [];
  let start = 0;
  while (start < rows.length) {
    if (rows[start]!.lines.length < 2) {
      start++;
      continue;
    }
    // A run of neighbouring rows with two or more boxes each, at a steady pitch.
    let end = start + 1;
    while (
      end < rows.length &&
      rows[end]!.lines.length >= 2 &&
      rows[end]!.top - rows[end - 1]!.bottom < lineHeight * 2.5
    )
      end++;
    const table = end - start >= MIN_ROWS ? tableFromRows(rows.slice(start, end), lineHeight) : undefined;
    if (table) tables.push(table);
    start = end;
  }
  return tables;
}

/** Lines whose vertical centres are within half a line height share a row; rows top to bottom. */
function groupRows(lines: readonly OcrLine[], lineHeight: number): Row[] {
  const sorted = [...lines].sort((a, b) => centreY(a.box) - centreY(b.box));
  const rows: Row[] = [];
  for (const line of sorted) {
    const last = rows.at(-1);
    if (last && Math.abs(centreY(line.box) - last.centre) <= lineHeight * 0.5) {
      last.lines.push(line);
      last.top = Math.min(last.top, line.box[1]);
      last.bottom = Math.max(last.bottom, line.box[3]);
      last.centre = (last.top + last.bottom) / 2;
    } else {
      rows.push({ lines: [line], top: line.box[1], bottom: line.box[3], centre: centreY(line.box) });
    }
  }
  for (const row of rows) row.lines.sort((a, b) => a.box[0] - b.box[0]);
  return rows;
}

function tableFromRows(rows: Row[], lineHeight: number): OcrTable | undefined {
  // Columns from the rows with the commonest number of boxes (a box split in two by the detector
  // stays an outlier): the x-ranges their boxes cover, merged.
  const counts = new Map<number, number>();
  for (const row of rows) counts.set(row.lines.length, (counts.get(row.lines.length) ?? 0) + 1);
  const common = [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]![0];
  const full = rows.filter((r) => r.lines.length === common);
  const columns = mergeIntervals(
    full.flatMap((r) => r.lines.map((l) => [l.box[0], l.box[2]] as [number, number])),
    lineHeight * 0.8,
  );
  if (columns.length < 2) return undefined;
  // Every row must respect the gutters (at most a spanning box may cross them) and fill ≥ 2 columns.
  const placed = rows.map((row) => row.lines.map((line) => ({ line, cols: columnsOf(line.box, columns) })));
  if (placed.some((cells) => new Set(cells.flatMap((c) => c.cols)).size < 2)) return undefined;
  const aligned = placed.filter((cells) => cells.every((c) => c.cols.length === 1)).length;
  if (aligned < MIN_ROWS) return undefined;
  if (columns.length === 2 && !narrowerThanColumns(placed, columns)) return undefined;

  const tableRows = placed.map((cells) => {
    const out: OcrTable['rows'][number] = [];
    let c = 0;
    while (c < columns.length) {
      const here = cells.filter((cell) => cell.cols[0] === c);
      if (here.length === 0) {
        // Nothing starts here: an empty cell, unless a box spanning from the left covers it.
        if (!cells.some((cell) => cell.cols.includes(c))) out.push({ text: '', rowSpan: 1, colSpan: 1 });
        c++;
        continue;
      }
      const span = Math.max(...here.map((cell) => cell.cols.length));
      out.push({ text: joinCellLines(here.map((cell) => cell.line)), rowSpan: 1, colSpan: span });
      c += span;
    }
    return out;
  });
  const boxes = rows.flatMap((r) => r.lines.map((l) => l.box));
  return {
    box: [
      Math.round(Math.min(...boxes.map((b) => b[0]))),
      Math.round(Math.min(...boxes.map((b) => b[1]))),
      Math.round(Math.max(...boxes.map((b) => b[2]))),
      Math.round(Math.max(...boxes.map((b) => b[3]))),
    ],
    rows: tableRows,
  };
}

/** Overlapping x-ranges joined (gaps narrower than `gap` too), left to right. */
function mergeIntervals(intervals: [number, number][], gap: number): [number, number][] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = merged.at(-1);
    if (last && a <= last[1] + gap) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}

/** The columns a box overlaps by more than a third of the narrower of the two. */
function columnsOf(box: Box, columns: readonly [number, number][]): number[] {
  const out: number[] = [];
  columns.forEach(([a, b], i) => {
    const overlap = Math.min(box[2], b) - Math.max(box[0], a);
    if (overlap > Math.min(box[2] - box[0], b - a) / 3) out.push(i);
  });
  if (out.length === 0) {
    // A box in a gutter: the nearest column by centre.
    const cx = (box[0] + box[2]) / 2;
    let best = 0;
    columns.forEach(([a, b], i) => {
      if (Math.abs((a + b) / 2 - cx) < Math.abs((columns[best]![0] + columns[best]![1]) / 2 - cx)) best = i;
    });
    out.push(best);
  }
  return out;
}

/**
 * True when the two columns look like cells, not prose: running text fills each column with wide
 * lines (each over a third of the whole width), a two-column table has at least one narrow column.
 */
function narrowerThanColumns(
  placed: { line: OcrLine; cols: number[] }[][],
  columns: readonly [number, number][],
): boolean {
  const whole = columns.at(-1)![1] - columns[0]![0];
  return columns.some((_, i) => {
    const widths = placed.flatMap((cells) =>
      cells.filter((c) => c.cols.length === 1 && c.cols[0] === i).map((c) => c.line.box[2] - c.line.box[0]),
    );
    return widths.length > 0 && median(widths) < whole / 3;
  });
}

function centreY(box: Box): number {
  return (box[1] + box[3]) / 2;
}

function contains(outer: Box, inner: Box): boolean {
  const cx = (inner[0] + inner[2]) / 2;
  const cy = (inner[1] + inner[3]) / 2;
  return cx >= outer[0] && cx <= outer[2] && cy >= outer[1] && cy <= outer[3];
}
