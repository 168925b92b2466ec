/**
 * bench:classify — the text classifier and field extraction.
 * (a) generated approval archive (classify-corpus.ts): full texts, titles alone, full texts after OCR noise;
 * (b) the national laws in ../shared/data/lawrefbook-laws, folder = category (stratified 80/20 split).
 * Each beside a plain TF-IDF + logistic-regression baseline measured in the same run. Then field
 * extraction precision and recall on generated documents, clean and OCR-noised.
 *
 *   npm run bench:classify -- [--train 10000] [--test 2000] [--runs 3] [--json]
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluate } from '../src/modules/classify/classify.metrics.ts';
import { trainClassifier } from '../src/modules/classify/classify.model.ts';
import type { LabelledText } from '../src/modules/classify/classify.port.ts';
import { saveModel } from '../src/modules/classify/classify.store.ts';
import { extractFields } from '../src/modules/extract/extract.ts';
import { TfidfLogReg } from './classify-baseline.ts';
import { generateApprovalDocs, ocrNoise, type GeneratedDoc } from './classify-corpus.ts';
import { rngFor } from './corpus.ts';

const { values: args } = parseArgs({
  options: {
    train: { type: 'string', default: '10000' },
    test: { type: 'string', default: '2000' },
    runs: { type: 'string', default: '3' },
    laws: { type: 'string', default: resolve(import.meta.dirname, '../../shared/data/lawrefbook-laws') },
    json: { type: 'boolean', default: false },
    sets: { type: 'string', default: 'a,b,x' },
  },
});
const nTrain = Number(args.train);
const nTest = Number(args.test);
const runs = Math.max(1, Number(args.runs));
const sets = new Set(args.sets.split(','));

/** CPU time (user + system) in ms: the machine is shared, wall time says more about the neighbours. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

interface Row {
  set: string;
  method: string;
  accuracy: number;
  macroF1: number;
  trainSeconds: number;
  trainCpuSecondsPer10k: number;
  predictMs: number;
  predictCpuMs: number;
  modelMB: number;
  train: number;
  test: number;
}
const results: Row[] = [];

async function measure(
  set: string,
  train: LabelledText[],
  test: LabelledText[],
  extraTests: Record<string, LabelledText[]> = {},
) {
  // ours
  const dir = await mkdtemp(join(tmpdir(), 'dangan-classify-bench-'));
  try {
    const trainTimes: number[] = [];
    const trainCpu: number[] = [];
    let model!: ReturnType<typeof trainClassifier>;
    for (let run = 0; run < runs; run++) {
      const t0 = performance.now();
      const c0 = cpuMs();
      model = trainClassifier(train);
      trainTimes.push((performance.now() - t0) / 1000);
      trainCpu.push((cpuMs() - c0) / 1000);
    }
    const { bytes } = await saveModel(model, join(dir, 'model'));
    for (const [name, rows] of [[set, test], ...Object.entries(extraTests)] as const) {
      const times: number[] = [];
      const cpu: number[] = [];
      let predicted: string[] = [];
      for (let run = 0; run < runs; run++) {
        const t0 = performance.now();
        const c0 = cpuMs();
        predicted = rows.map((r) => model.predict(r.text).label);
        times.push((performance.now() - t0) / rows.length);
        cpu.push((cpuMs() - c0) / rows.length);
      }
      const e = evaluate(
        rows.map((r) => r.label),
        predicted,
      );
      const trainSeconds = median(trainTimes);
      const trainCpuSeconds = median(trainCpu);
      results.push({
        set: name,
        method: 'dangan (n-gram+jieba logreg)',
        accuracy: e.accuracy,
        macroF1: e.macroF1,
        trainSeconds,
        trainCpuSecondsPer10k: (trainCpuSeconds * 10_000) / train.length,
        predictMs: median(times),
        predictCpuMs: median(cpu),
        modelMB: bytes / 1024 / 1024,
        train: train.length,
        test: rows.length,
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  // baseline
  const t0 = performance.now();
  const c0 = cpuMs();
  const base = new TfidfLogReg();
  base.train(train);
  const trainSeconds = (performance.now() - t0) / 1000;
  const trainCpuSeconds = (cpuMs() - c0) / 1000;
  for (const [name, rows] of [[set, test], ...Object.entries(extraTests)] as const) {
    const t1 = performance.now();
    const c1 = cpuMs();
    const predicted = rows.map((r) => base.predict(r.text));
    const ms = (performance.now() - t1) / rows.length;
    const cpu = (cpuMs() - c1) / rows.length;
    const e = evaluate(
      rows.map((r) => r.label),
      predicted,
    );
    results.push({
      set: name,
      method: 'baseline TF-IDF+LR',
      accuracy: e.accuracy,
      macroF1: e.macroF1,
      trainSeconds,
      trainCpuSecondsPer10k: (trainCpuSeconds * 10_000) / train.length,
      predictMs: ms,
      predictCpuMs: cpu,
      modelMB: base.sizeBytes() / 1024 / 1024,
      train: train.length,
      test: rows.length,
    });
  }
}

// ---- (a) generated approval archive ------------------------------------------------------------
if (sets.has('a')) {
  const docs = generateApprovalDocs(nTrain + nTest, 'bench-classify');
  const trainDocs = docs.slice(0, nTrain);
  const testDocs = docs.slice(nTrain);
  const full = (d: GeneratedDoc) => ({ text: d.text, label: d.label });
  const titleOnly = (d: GeneratedDoc) => ({ text: d.title, label: d.label });
  process.stderr.write(
    `(a) ${nTrain} train / ${nTest} test, ${new Set(docs.map((d) => d.label)).size} classes\n`,
  );
  await measure('(a) full text', trainDocs.map(full), testDocs.map(full), {
    '(a) full text, OCR noise': testDocs.map((d, i) => ({ text: ocrNoise(d.text, `t${i}`), label: d.label })),
  });
  await measure('(a) titles only', trainDocs.map(titleOnly), testDocs.map(titleOnly));
}

// ---- (b) lawrefbook-laws -----------------------------------------------------------------------
if (!sets.has('b')) {
  // not asked for
} else if (existsSync(args.laws)) {
  const byLabel = new Map<string, string[]>();
  for (const folder of readdirSync(args.laws).sort()) {
    const path = join(args.laws, folder);
    if (!statSync(path).isDirectory()) continue;
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir).sort()) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith('.md')) files.push(readFileSync(p, 'utf8'));
      }
    };
    walk(path);
    byLabel.set(folder, files);
  }
  const train: LabelledText[] = [];
  const test: LabelledText[] = [];
  const random = rngFor('bench-classify-laws');
  for (const [label, texts] of byLabel) {
    const shuffled = texts
      .map((t) => ({ t, k: random() }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.t);
    const cut = shuffled.length >= 5 ? Math.round(shuffled.length * 0.8) : shuffled.length;
    for (const [i, text] of shuffled.entries()) (i < cut ? train : test).push({ text, label });
  }
  process.stderr.write(
    `(b) lawrefbook-laws: ${train.length} train / ${test.length} test, ${byLabel.size} categories\n`,
  );
  await measure('(b) lawrefbook-laws', train, test);
} else {
  process.stderr.write(`(b) skipped: ${args.laws} not found\n`);
}

// ---- field extraction --------------------------------------------------------------------------
interface PR {
  field: string;
  variant: string;
  precision: number;
  recall: number;
  tp: number;
  fp: number;
  fn: number;
}
const extraction: PR[] = [];
const extractDocs = sets.has('x') ? generateApprovalDocs(2000, 'bench-extract') : [];
for (const variant of extractDocs.length ? (['clean', 'OCR noise'] as const) : []) {
  const counts: Record<string, { tp: number; fp: number; fn: number }> = {};
  let ms = 0;
  for (const [i, d] of extractDocs.entries()) {
    const text = variant === 'clean' ? d.text : ocrNoise(d.text, `x${i}`);
    const t0 = performance.now();
    const fields = extractFields(text).filter((f) => f.valid);
    ms += performance.now() - t0;
    const pairs: Array<[string, string[], string[]]> = [
      ['docNumber', [d.truth.docNumber], fields.filter((f) => f.field === 'docNumber').map((f) => f.value)],
      ['date', d.truth.dates, fields.filter((f) => f.field === 'date').map((f) => f.value)],
      ['creditCode', d.truth.creditCodes, fields.filter((f) => f.field === 'creditCode').map((f) => f.value)],
      [
        'projectCode',
        d.truth.projectCodes,
        fields.filter((f) => f.field === 'projectCode').map((f) => f.value),
      ],
    ];
    for (const [field, truth, found] of pairs) {
      const c = (counts[field] ??= { tp: 0, fp: 0, fn: 0 });
      const left = [...truth];
      for (const v of found) {
        const at = left.indexOf(v);
        if (at >= 0) {
          c.tp++;
          left.splice(at, 1);
        } else c.fp++;
      }
      c.fn += left.length;
    }
  }
  for (const [field, c] of Object.entries(counts))
    extraction.push({
      field,
      variant,
      precision: c.tp / (c.tp + c.fp || 1),
      recall: c.tp / (c.tp + c.fn || 1),
      ...c,
    });
  process.stderr.write(`extraction (${variant}): ${(ms / extractDocs.length).toFixed(3)} ms/document\n`);
}

if (args.json) {
  process.stdout.write(`${JSON.stringify({ classification: results, extraction })}\n`);
} else {
  const lines = [
    '',
    '| set | method | accuracy | macro-F1 | train s (wall) | train CPU s/10k | predict ms/rec (wall) | predict CPU ms/rec | model MB | train/test |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results)
    lines.push(
      `| ${r.set} | ${r.method} | ${pct(r.accuracy)} | ${pct(r.macroF1)} | ${r.trainSeconds.toFixed(2)} | ${r.trainCpuSecondsPer10k.toFixed(2)} | ${r.predictMs.toFixed(3)} | ${r.predictCpuMs.toFixed(3)} | ${r.modelMB.toFixed(1)} | ${r.train}/${r.test} |`,
    );
  lines.push('', '| field | text | precision | recall | tp | fp | fn |', '|---|---|---|---|---|---|---|');
  for (const e of extraction)
    lines.push(
      `| ${e.field} | ${e.variant} | ${pct(e.precision)} | ${pct(e.recall)} | ${e.tp} | ${e.fp} | ${e.fn} |`,
    );
  process.stdout.write(`${lines.join('\n')}\n`);
}
