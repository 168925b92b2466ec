import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  alphabetFromDictionary,
  characterErrorRate,
  ctcDecode,
  readingOrder,
  regionsFromMap,
  tidyLine,
  type Box,
} from './ocr.models.ts';

describe('OCR models', () => {
  it('puts the CTC blank first and a space class last, as PaddleOCR dictionaries need', () => {
    const alphabet = alphabetFromDictionary('中\n国\n人\n');
    assert.deepEqual(alphabet, ['', '中', '国', '人', ' ']);
  });

  it('decodes CTC output: repeats merge, blanks separate, blanks vanish', () => {
    const alphabet = ['', '中', '国', ' '];
    // steps: 中 中 blank 中 国 blank
    const best = [1, 1, 0, 1, 2, 0];
    const probs = new Float32Array(best.length * 4);
    best.forEach((c, t) => {
      probs.fill(0.1 / 3, t * 4, t * 4 + 4);
      probs[t * 4 + c] = 0.9;
    });
    const { text, confidence } = ctcDecode(probs, 0, best.length, 4, alphabet);
    assert.equal(text, '中中国');
    assert.ok(Math.abs(confidence - 0.9) < 1e-6);
  });

  it('removes spaces next to Chinese characters and keeps them between Latin words', () => {
    assert.equal(tidyLine('行政 许可 法 Article 12 of  law'), '行政许可法Article 12 of law');
    assert.equal(tidyLine(' 第一条 　为了 '), '第一条为了');
  });

  it('undoes the usual punctuation confusions in Chinese lines and leaves numbers alone', () => {
    assert.equal(tidyLine('法律丶行政法规;其他(一)规定°'), '法律、行政法规；其他（一）规定。');
    assert.equal(tidyLine('投资1,250.00万元，温度30°C'), '投资1,250.00万元，温度30°C');
  });

  it('orders lines by rows, then left to right within a row', () => {
    const line = (text: string, box: Box) => ({ text, box });
    const ordered = readingOrder([
      line('c', [10, 100, 200, 130]),
      line('b', [300, 12, 500, 38]),
      line('a', [10, 10, 200, 40]),
    ]);
    assert.deepEqual(
      ordered.map((l) => l.text),
      ['a', 'b', 'c'],
    );
  });

  it('counts character errors without whitespace', () => {
    assert.deepEqual(characterErrorRate('行政 许可\n法', '行政许可去'), { errors: 1, length: 5 });
    assert.deepEqual(characterErrorRate('审批', ''), { errors: 2, length: 2 });
  });

  it('finds a skewed text line in a probability map as one rotated region', () => {
    const width = 200;
    const height = 100;
    const map = new Float32Array(width * height);
    const angle = (3 * Math.PI) / 180;
    for (let x = 20; x < 180; x++) {
      const yc = 50 + (x - 100) * Math.tan(angle);
      for (let y = Math.round(yc - 4); y <= Math.round(yc + 4); y++) map[y * width + x] = 0.9;
    }
    // A speck too faint to count.
    map[5 * width + 5] = 0.4;
    const regions = regionsFromMap(map, width, height);
    assert.equal(regions.length, 1);
    const [region] = regions;
    assert.ok(Math.abs(region!.angle - angle) < 0.01, `angle ${region!.angle}`);
    assert.ok(Math.abs(region!.cx - 100) < 2 && Math.abs(region!.cy - 50) < 2);
    assert.ok(region!.length > 160 && region!.thickness > 9, `${region!.length} × ${region!.thickness}`);
  });
});
