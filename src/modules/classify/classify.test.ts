import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseRow, readJsonl } from './classify.dataset.ts';
import { evaluate } from './classify.metrics.ts';
import { trainClassifier } from './classify.model.ts';
import { loadModel, saveModel } from './classify.store.ts';
import { trainInWorker } from './classify.train.ts';
import type { LabelledText } from './classify.port.ts';

const MATTERS: Record<string, string[]> = {
  施工许可: ['建筑工程施工许可证', '施工条件', '施工图审查合格', '监理单位已确定'],
  食品经营许可: ['食品经营许可证', '食品安全管理制度', '健康证明', '预包装食品销售'],
  企业变更登记: ['变更登记', '法定代表人变更', '换领营业执照', '注册资本变更'],
};

function rows(count: number, offset = 0): LabelledText[] {
  const labels = Object.keys(MATTERS);
  return Array.from({ length: count }, (_, i) => {
    const label = labels[(i + offset) % labels.length]!;
    const words = MATTERS[label]!;
    const text = `关于某某公司第${i + offset}号申请的处理意见：经审查，${words[i % 4]}、${words[(i + 1) % 4]}符合要求，准予办理。`;
    return { text, label };
  });
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dangan-classify-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the linear classifier', () => {
  it('learns matters from labelled Chinese text and predicts held-out rows with calibrated confidences', () => {
    const model = trainClassifier(rows(150));
    const test = rows(30, 1000);
    const predicted = test.map((r) => model.predict(r.text));
    const e = evaluate(
      test.map((r) => r.label),
      predicted.map((p) => p.label),
    );
    assert.equal(e.accuracy, 1);
    for (const p of predicted) {
      assert.equal(p.top[0]!.label, p.label);
      assert.ok(p.confidence > 0.5 && p.confidence <= 1);
      const sum = p.top.reduce((a, t) => a + t.confidence, 0);
      assert.ok(Math.abs(sum - 1) < 0.01, `top confidences sum to ${sum}`);
    }
    assert.ok(model.info.eval && model.info.eval.size >= 10);
  });
  it('is deterministic for the same data and seed', () => {
    const a = trainClassifier(rows(60), { params: { seed: 7 } });
    const b = trainClassifier(rows(60), { params: { seed: 7 } });
    assert.deepEqual(a.weights.w, b.weights.w);
  });
  it('trains on a worker thread to the same model as in-process, and reports one class as such', async () => {
    const inWorker = await trainInWorker(rows(60), { seed: 7 });
    const inProcess = trainClassifier(rows(60), { params: { seed: 7 } });
    assert.deepEqual(inWorker.weights.w, inProcess.weights.w);
    await assert.rejects(
      trainInWorker(rows(9).filter((r) => r.label === '施工许可')),
      (e: Error & { code?: string }) => e.code === 'classify.one_class',
    );
  });
  it('refuses a training set with one class', () => {
    assert.throws(
      () => trainClassifier(rows(9).filter((r) => r.label === '施工许可')),
      (e: Error & { code?: string }) => e.code === 'classify.one_class',
    );
  });
});

describe('the model folder', () => {
  it('round-trips a model and keeps its metadata', async () => {
    const model = trainClassifier(rows(60));
    await saveModel(model, join(dir, 'm1'));
    const loaded = await loadModel(join(dir, 'm1'));
    assert.deepEqual(loaded.info.labels, model.info.labels);
    assert.equal(loaded.info.training.size, 60);
    const text = rows(1, 5)[0]!.text;
    assert.deepEqual(loaded.predict(text), model.predict(text));
  });
  it('refuses a model from a newer format version and leaves it as it is', async () => {
    const model = trainClassifier(rows(60));
    await saveModel(model, join(dir, 'm2'));
    const path = join(dir, 'm2', 'model.json');
    const json = JSON.parse(await readFile(path, 'utf8')) as { formatVersion: number };
    json.formatVersion = 99;
    await writeFile(path, JSON.stringify(json));
    await assert.rejects(
      loadModel(join(dir, 'm2')),
      (e: Error & { code?: string }) => e.code === 'classify.model_too_new',
    );
    assert.equal((JSON.parse(await readFile(path, 'utf8')) as { formatVersion: number }).formatVersion, 99);
  });
  it('detects damaged weights', async () => {
    const model = trainClassifier(rows(60));
    await saveModel(model, join(dir, 'm3'));
    const weights = join(dir, 'm3', 'weights.bin');
    const bytes = await readFile(weights);
    bytes[100] = bytes[100]! ^ 0xff;
    await writeFile(weights, bytes);
    await assert.rejects(
      loadModel(join(dir, 'm3')),
      (e: Error & { code?: string }) => e.code === 'classify.model_invalid',
    );
  });
  it('does not overwrite a folder that is not a model, and leaves no temporary folders', async () => {
    const other = join(dir, 'other');
    await (await import('node:fs/promises')).mkdir(other);
    await writeFile(join(other, 'notes.txt'), 'keep me');
    await assert.rejects(
      saveModel(trainClassifier(rows(30)), other),
      (e: Error & { code?: string }) => e.code === 'classify.not_model_folder',
    );
    assert.equal(await readFile(join(other, 'notes.txt'), 'utf8'), 'keep me');
    assert.deepEqual(
      (await readdir(dir)).filter((n) => n.startsWith('.')),
      [],
    );
  });
});

describe('reading JSONL', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return [(e as { code: string }).code, (e as { details?: { line?: number } }).details?.line];
    }
    return null;
  };
  it('names the line of a malformed, empty, non-Chinese or oddly labelled row', () => {
    assert.deepEqual(
      code(() => parseRow('{"text": "关于', 3, true)),
      ['classify.bad_line', 3],
    );
    assert.deepEqual(
      code(() => parseRow('[1]', 4, true)),
      ['classify.bad_line', 4],
    );
    assert.deepEqual(
      code(() => parseRow('{"text": "  ", "label": "a"}', 5, true)),
      ['classify.empty_text', 5],
    );
    assert.deepEqual(
      code(() => parseRow('{"text": "The quick brown fox", "label": "a"}', 6, true)),
      ['classify.not_chinese', 6],
    );
    assert.deepEqual(
      code(() => parseRow('{"text": "行政许可决定书", "label": "a\\u0000b"}', 7, true)),
      ['classify.bad_label', 7],
    );
    assert.deepEqual(
      code(() => parseRow('{"text": "行政许可决定书", "label": "<script>"}', 8, true)),
      ['classify.bad_label', 8],
    );
    assert.deepEqual(
      code(() => parseRow('{"text": "行政许可决定书"}', 9, true)),
      ['classify.bad_line', 9],
    );
    assert.equal(
      code(() => parseRow('{"text": "行政许可决定书", "label": "建设项目审批/基础设施类"}', 1, true)),
      null,
    );
  });
  it('refuses a text longer than the limit', () => {
    const big = JSON.stringify({ text: '审'.repeat(2_000_001), label: 'a' });
    assert.deepEqual(
      code(() => parseRow(big, 2, true)),
      ['classify.text_too_long', 2],
    );
  });
  it('refuses an input with no rows', async () => {
    const path = join(dir, 'empty.jsonl');
    await writeFile(path, '\n\n');
    await assert.rejects(
      readJsonl(path, true),
      (e: Error & { code?: string }) => e.code === 'classify.no_input',
    );
  });
});
