/** dangan classify train / predict / eval through the real CLI, on JSONL files. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jsonLines, runCli } from './cli-helpers.ts';

const MATTERS: Record<string, string[]> = {
  '建设项目审批/基础设施类': [
    '城市道路改造工程可行性研究报告',
    '供水管网改造工程初步设计',
    '跨河大桥新建工程项目建议书',
  ],
  环境影响评价: ['环境影响报告书', '污染防治措施', '竣工环境保护验收'],
  食品经营许可: ['食品经营许可证', '食品安全管理制度', '从业人员健康证明'],
};

function lines(count: number, offset: number, withLabel = true): string {
  const labels = Object.keys(MATTERS);
  return Array.from({ length: count }, (_, i) => {
    const label = labels[(i + offset) % labels.length]!;
    const words = MATTERS[label]!;
    const text = `关于某某公司第${i + offset}号申请：经审查，${words[i % 3]}和${words[(i + 1) % 3]}符合要求，予以批准。`;
    return JSON.stringify(withLabel ? { text, label } : { text });
  }).join('\n');
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dangan-classify-cli-'));
  await writeFile(join(dir, 'train.jsonl'), lines(120, 0));
  await writeFile(join(dir, 'test.jsonl'), lines(30, 500));
  await writeFile(join(dir, 'input.jsonl'), lines(7, 900, false));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('dangan classify', () => {
  it('trains a model, predicts one JSON line per input row in order, and evaluates it', async () => {
    const model = join(dir, 'model');
    const train = await runCli([
      'classify',
      'train',
      '--input',
      join(dir, 'train.jsonl'),
      '--model',
      model,
      '--json',
    ]);
    assert.equal(train.code, 0, train.stderr);
    const info = jsonLines<{ labels: string[]; training: { size: number } }>(train.stdout)[0]!;
    assert.equal(info.training.size, 120);
    assert.equal(info.labels.length, 3);

    const predict = await runCli([
      'classify',
      'predict',
      '--model',
      model,
      '--input',
      join(dir, 'input.jsonl'),
      '--json',
    ]);
    assert.equal(predict.code, 0, predict.stderr);
    const rows = jsonLines<{
      label: string;
      confidence: number;
      top: Array<{ label: string; confidence: number }>;
    }>(predict.stdout);
    assert.equal(rows.length, 7);
    const labels = Object.keys(MATTERS);
    rows.forEach((row, i) => {
      assert.equal(row.label, labels[(i + 900) % 3], `row ${i}`);
      assert.equal(row.top[0]!.label, row.label);
      assert.ok(row.confidence > 0 && row.confidence <= 1);
    });

    const evaluation = await runCli([
      'classify',
      'eval',
      '--model',
      model,
      '--input',
      join(dir, 'test.jsonl'),
    ]);
    assert.equal(evaluation.code, 0, evaluation.stderr);
    assert.match(evaluation.stdout, /准确率 \/ accuracy: 100\.00 %/);
    assert.match(evaluation.stdout, /macro-F1: 100\.00 %/);
    assert.match(evaluation.stdout, /混淆矩阵/);
  });

  it('refuses a training file with one class and writes no model', async () => {
    const one = join(dir, 'one.jsonl');
    await writeFile(one, `${JSON.stringify({ text: '关于施工许可的批复', label: '施工许可' })}\n`.repeat(5));
    const result = await runCli(['classify', 'train', '--input', one, '--model', join(dir, 'never')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /classify\.one_class/);
    await assert.rejects(readFile(join(dir, 'never', 'model.json')));
  });

  it('names the line of a malformed row and keeps the existing model', async () => {
    const model = join(dir, 'keep');
    assert.equal(
      (await runCli(['classify', 'train', '--input', join(dir, 'train.jsonl'), '--model', model])).code,
      0,
    );
    const before = await readFile(join(model, 'model.json'), 'utf8');
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, `${lines(3, 0)}\n{"text": "关于`);
    const result = await runCli(['classify', 'train', '--input', bad, '--model', model]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /classify\.bad_line/);
    assert.match(result.stderr, /第 4 行/);
    assert.equal(await readFile(join(model, 'model.json'), 'utf8'), before);
  });

  it('refuses a model folder from a newer version with a clear message', async () => {
    const model = join(dir, 'newer');
    assert.equal(
      (await runCli(['classify', 'train', '--input', join(dir, 'train.jsonl'), '--model', model])).code,
      0,
    );
    const path = join(model, 'model.json');
    const json = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...json, formatVersion: 2 }));
    const result = await runCli([
      'classify',
      'predict',
      '--model',
      model,
      '--input',
      join(dir, 'input.jsonl'),
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /classify\.model_too_new/);
    assert.match(result.stderr, /请升级 dangan/);
    assert.equal(result.stdout, '');
  });

  it('refuses to train from an archive that has no filed or reviewed records, writing nothing', async () => {
    const model = join(dir, 'from-archive');
    const result = await runCli([
      '--data',
      join(dir, 'archive'),
      'classify',
      'train',
      '--from-archive',
      '--model',
      model,
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /classify\.no_input/);
    await assert.rejects(readFile(join(model, 'model.json')));
  });

  it('refuses empty text in the prediction input, naming the line', async () => {
    const input = join(dir, 'empty-text.jsonl');
    await writeFile(input, `${lines(2, 0, false)}\n{"text": "   "}\n`);
    const result = await runCli(['classify', 'predict', '--model', join(dir, 'model'), '--input', input]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /classify\.empty_text/);
    assert.match(result.stderr, /第 3 行/);
  });
});
