/**
 * Tables found on the pages as spreadsheets (ExcelJS): one workbook per table, cells merged by
 * their row and column spans, text kept as text (a 统一社会信用代码 or 项目代码 must not turn into a
 * number or a date), thin borders as on the paper. Opens in WPS and Excel.
 */
import ExcelJS from 'exceljs';
import type { OcrTableCell } from './ocr.port.ts';

/** Places spanning cells on a grid: `rows[r]` lists the cells that start in row r, left to right. */
export function gridOf(
  rows: readonly (readonly OcrTableCell[])[],
): { r: number; c: number; cell: OcrTableCell }[] {
  const taken = new Set<string>();
  const placed: { r: number; c: number; cell: OcrTableCell }[] = [];
  rows.forEach((row, r) => {
    let c = 0;
    for (const cell of row) {
      while (taken.has(`${r},${c}`)) c++;
      placed.push({ r, c, cell });
      for (let dr = 0; dr < cell.rowSpan; dr++)
        for (let dc = 0; dc < cell.colSpan; dc++) taken.add(`${r + dr},${c + dc}`);
      c += cell.colSpan;
    }
  });
  return placed;
}

/** An xlsx workbook holding one table. */
export async function tableWorkbook(
  rows: readonly (readonly OcrTableCell[])[],
  sheetName = '表格',
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'dangan';
  const sheet = workbook.addWorksheet(sheetName);
  const border = { style: 'thin' as const };
  let columns = 0;
  for (const { r, c, cell } of gridOf(rows)) {
    const target = sheet.getCell(r + 1, c + 1);
    target.value = cell.text;
    target.numFmt = '@';
    target.alignment = { vertical: 'middle', wrapText: true };
    if (cell.rowSpan > 1 || cell.colSpan > 1)
      sheet.mergeCells(r + 1, c + 1, r + cell.rowSpan, c + cell.colSpan);
    for (let dr = 0; dr < cell.rowSpan; dr++)
      for (let dc = 0; dc < cell.colSpan; dc++)
        sheet.getCell(r + 1 + dr, c + 1 + dc).border = {
          top: border,
          left: border,
          bottom: border,
          right: border,
        };
    columns = Math.max(columns, c + cell.colSpan);
  }
  for (let c = 1; c <= columns; c++) {
    const widest = Math.max(
      8,
      ...gridOf(rows)
        .filter((p) => p.c + 1 === c && p.cell.colSpan === 1)
        .map((p) => [...p.cell.text].reduce((n, ch) => n + (ch.charCodeAt(0) > 0xff ? 2 : 1), 0)),
    );
    sheet.getColumn(c).width = Math.min(60, widest + 2);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
