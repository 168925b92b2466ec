import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Box } from './ocr.models.ts';
import type { OcrLine } from './ocr.port.ts';
import { findUnruledTables } from './ocr.tables-unruled.ts';

/** A line of text at (x, y), 30 px high, 30 px per character. */
const line = (text: string, x: number, y: number): OcrLine => ({
  text,
  box: [x, y, x + 30 * [...text].length, y + 30] as Box,
  confidence: 0.99,
});
const texts = (rows: { text: string; colSpan: number }[][]) =>
  rows.map((row) => row.map((c) => (c.colSpan > 1 ? `${c.text}[${c.colSpan}]` : c.text)));

const paragraph = (y: number) => [
  line('第一条为了规范行政许可的设定和实施保护公民法人和其他组织的合法权益维护公共利益', 100, y),
  line('和社会秩序保障和监督行政机关有效实施行政管理根据宪法制定本法', 100, y + 50),
];

describe('tables found from alignment, without ruling lines', () => {
  it('finds columns from aligned boxes across rows, with an empty cell and a spanning cell', () => {
    const lines = [
      ...paragraph(100),
      line('项目名称', 100, 300),
      line('项目代码', 500, 300),
      line('金额', 1000, 300),
      line('食品经营许可', 100, 360),
      line('2020-01-02', 500, 360),
      line('489.22', 1000, 360),
      line('环境影响报告表', 100, 420),
      line('1987.06', 1000, 420),
      line('合计（大写）：人民币贰仟肆佰柒拾陆元', 100, 480),
      line('2476.28', 1000, 480),
      ...paragraph(600),
    ];
    const tables = findUnruledTables(lines);
    assert.equal(tables.length, 1);
    assert.deepEqual(texts(tables[0]!.rows), [
      ['项目名称', '项目代码', '金额'],
      ['食品经营许可', '2020-01-02', '489.22'],
      ['环境影响报告表', '', '1987.06'],
      ['合计（大写）：人民币贰仟肆佰柒拾陆元[2]', '2476.28'],
    ]);
    assert.deepEqual(tables[0]!.box, [100, 300, 1210, 510]);
  });

  it('finds nothing in running text, in two rows of pairs, or in lines inside an excluded box', () => {
    assert.deepEqual(findUnruledTables([...paragraph(100), ...paragraph(300), ...paragraph(500)]), []);
    const pairs = [
      line('甲方', 100, 300),
      line('乙方', 800, 300),
      line('签字', 100, 360),
      line('签字', 800, 360),
    ];
    assert.deepEqual(findUnruledTables([...paragraph(100), ...pairs]), []);
    const grid = [0, 1, 2].flatMap((r) => [line('名称', 100, 300 + r * 60), line('金额', 600, 300 + r * 60)]);
    assert.equal(findUnruledTables(grid).length, 1);
    assert.deepEqual(findUnruledTables(grid, [[90, 290, 800, 500]]), []);
  });

  it('takes two columns of running text for prose, not a table', () => {
    const column = (x: number) =>
      Array.from({ length: 8 }, (_, i) => line('两栏排版的正文每一行都写满了整个栏宽', x, 100 + i * 50));
    assert.deepEqual(findUnruledTables([...column(100), ...column(750)]), []);
  });
});
