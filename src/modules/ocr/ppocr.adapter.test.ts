import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ocrEngineContract, renderGray } from './ocr.contract.ts';
import { characterErrorRate } from './ocr.models.ts';
import type { OcrEngine } from './ocr.port.ts';
import { createPpOcrEngine, rotateBox, rotateGray } from './ppocr.adapter.ts';
import { sealText } from './testing/render.ts';

ocrEngineContract('PP-OCRv4 on onnxruntime-node', () => createPpOcrEngine());

describe('PP-OCRv4 adapter', () => {
  let engine: OcrEngine;
  before(async () => {
    engine = await createPpOcrEngine();
  });
  after(async () => engine.close());

  it('keeps the text under a red seal and leaves the seal text out', async () => {
    const { page, text } = await renderGray({ seals: 2, seed: 7 });
    assert.equal(page.seals?.length, 2);
    const result = await engine.recognize(page);
    const read = result.lines.map((l) => l.text).join('\n');
    const { errors, length } = characterErrorRate(text, read);
    assert.ok(errors / length < 0.02, `CER ${errors}/${length}\n${read}`);
    assert.doesNotMatch(read, /专用章|审批服务局/);
    assert.equal(result.seals.length, 2);
    assert.deepEqual(
      result.seals.map((s) => s.shape),
      ['round', 'round'],
    );
  });

  it('reads the ring text of a round seal on its own, as the seal text', async () => {
    const { page, text } = await renderGray({ seals: 1, seed: 11, maxLines: 4 });
    const result = await engine.recognize(page);
    assert.equal(result.seals.length, 1);
    const ring = result.seals[0]!.text ?? '';
    const { errors, length } = characterErrorRate(sealText(0), ring);
    assert.ok(errors / length <= 0.2, `ring text ${ring}`);
    const read = result.lines.map((l) => l.text).join('\n');
    assert.doesNotMatch(read, /专用章|审批服务局/);
    assert.ok(characterErrorRate(text, read).errors / text.length < 0.03, read);
  });

  it('reads a page skewed by 3° with noise in reading order', async () => {
    const { page, text } = await renderGray({ skew: 3, noise: 12, seed: 3 });
    const result = await engine.recognize(page);
    assert.ok(Math.abs(result.skew! - 3) < 0.5, `skew ${result.skew}`);
    const read = result.lines.map((l) => l.text).join('\n');
    const { errors, length } = characterErrorRate(text, read);
    assert.ok(errors / length < 0.03, `CER ${errors}/${length}\n${read}`);
  });

  it('reads a page turned a quarter and says so', async () => {
    const { page, text } = await renderGray({ maxLines: 4 });
    const result = await engine.recognize(rotateGray(page, 90));
    assert.equal(result.rotation, 270);
    const read = result.lines.map((l) => l.text).join('\n');
    assert.ok(characterErrorRate(text, read).errors / text.length < 0.05, read);
  });

  it('finds a ruled table with its cells, a header spanning every column, and no table elsewhere', async () => {
    const table = [
      ['建设项目审批信息表'],
      ['项目名称', '项目代码', '金额（万元）'],
      ['食品经营许可', '2024-330102-47-01-123456', '1250.00'],
    ];
    const { page } = await renderGray({ maxLines: 3, table });
    const result = await engine.recognize(page);
    assert.equal(result.tables.length, 1);
    const rows = result.tables[0]!.rows;
    assert.deepEqual(
      rows.map((row) => row.map((cell) => [cell.rowSpan, cell.colSpan])),
      [
        [[1, 3]],
        [
          [1, 1],
          [1, 1],
          [1, 1],
        ],
        [
          [1, 1],
          [1, 1],
          [1, 1],
        ],
      ],
    );
    const found = rows.flatMap((row) => row.map((cell) => cell.text)).join('\n');
    const { errors, length } = characterErrorRate(table.flat().join('\n'), found);
    assert.ok(errors / length <= 0.02, `cell CER ${errors}/${length}\n${found}`);
    const plain = await engine.recognize((await renderGray({ maxLines: 6 })).page);
    assert.deepEqual(plain.tables, []);
  });

  it('finds an unruled table from the alignment of its columns', async () => {
    const table = [
      ['项目名称', '项目代码', '金额（万元）'],
      ['食品经营许可', '2024-330102-47-01-123456', '1250.00'],
      ['建设工程规划许可', '2024-330102-47-02-654321', '36.50'],
    ];
    const { page } = await renderGray({ maxLines: 3, table, tableStyle: 'unruled' });
    const result = await engine.recognize(page);
    assert.equal(result.tables.length, 1);
    const rows = result.tables[0]!.rows;
    assert.deepEqual(
      rows.map((row) => row.length),
      [3, 3, 3],
    );
    const found = rows.flatMap((row) => row.map((cell) => cell.text)).join('\n');
    const { errors, length } = characterErrorRate(table.flat().join('\n'), found);
    assert.ok(errors / length <= 0.02, `cell CER ${errors}/${length}\n${found}`);
  });

  it('marks a handwritten signature as a region and keeps it out of the text', async () => {
    const { page, text } = await renderGray({ maxLines: 8, signature: true });
    const result = await engine.recognize(page);
    assert.equal(result.signatures.length, 1);
    const [x0, y0, x1, y1] = result.signatures[0]!.box;
    // renderPage puts it 2.2 inches left of the right margin, under the text (150 dpi here).
    assert.ok(
      x0 >= page.width - 0.9 * 150 - 2.2 * 150 - 20 && x1 <= page.width - 0.9 * 150 + 20,
      `${x0}–${x1}`,
    );
    const textBottom = Math.max(...result.lines.filter((l) => l.text.length >= 5).map((l) => l.box[3]));
    assert.ok(y1 > y0 && y0 >= textBottom, `${y0} below ${textBottom}`);
    const read = result.lines.map((l) => l.text).join('\n');
    const { errors, length } = characterErrorRate(text, read);
    assert.ok(errors / length < 0.01, read);
    assert.deepEqual((await engine.recognize((await renderGray({ maxLines: 8 })).page)).signatures, []);
  });

  it('turns boxes with the page', () => {
    assert.deepEqual(rotateBox([10, 20, 30, 40], 100, 200, 90), [160, 10, 180, 30]);
    assert.deepEqual(rotateBox([10, 20, 30, 40], 100, 200, 180), [70, 160, 90, 180]);
    assert.deepEqual(rotateBox([10, 20, 30, 40], 100, 200, 270), [20, 70, 40, 90]);
    const page = { width: 3, height: 2, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
    assert.deepEqual([...rotateGray(page, 90).data], [4, 1, 5, 2, 6, 3]);
    assert.deepEqual([...rotateGray(page, 270).data], [3, 6, 2, 5, 1, 4]);
  });
});
