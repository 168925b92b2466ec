/**
 * npm run bench:ocr [-- --per-category N --workers W --keep DIR]
 * Renders the test set, reads it with W worker processes (one ONNX thread each) and prints the
 * character error rate (edit distance / reference length, whitespace removed) overall and per
 * category, seconds per page, pages per minute and each worker's peak RSS.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { characterErrorRate } from '../src/modules/ocr/ocr.models.ts';
import { CATEGORIES, loadLawParagraphs, planPages, renderTestPage, type Category } from './ocr-corpus.ts';

const { values } = parseArgs({
  options: {
    'per-category': { type: 'string', default: '4' },
    workers: { type: 'string', default: '2' },
    keep: { type: 'string' },
    laws: { type: 'string' },
  },
});
const perCategory = Number(values['per-category']);
const workerCount = Number(values.workers);
const dir = values.keep ?? (await mkdtemp(join(tmpdir(), 'dangan-ocr-bench-')));
await mkdir(dir, { recursive: true });

const laws = await loadLawParagraphs(values.laws);
const plan = planPages(laws, perCategory);
const references = new Map<string, { category: Category; text: string; path: string }>();
const renderStart = performance.now();
for (const page of plan) {
  const rendered = await renderTestPage(page);
  const path = join(dir, `${page.id}.${rendered.format === 'jpeg' ? 'jpg' : 'png'}`);
  await writeFile(path, rendered.image);
  await writeFile(join(dir, `${page.id}.txt`), rendered.text);
  references.set(page.id, { category: page.category, text: rendered.text, path });
}
console.error(
  `rendered ${plan.length} pages in ${((performance.now() - renderStart) / 1000).toFixed(1)} s → ${dir}`,
);

interface Result {
  id: string;
  text?: string;
  seconds?: number;
  maxRss?: number;
  error?: string;
}

const workerScript = join(import.meta.dirname, 'ocr.worker.ts');
const queue = [...references.keys()];
const results: Result[] = [];
const peakRss: number[] = [];
const started = performance.now();
await Promise.all(
  Array.from({ length: workerCount }, (_, w) => {
    const child: ChildProcess = fork(workerScript, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    peakRss[w] = 0;
    return new Promise<void>((resolve, reject) => {
      const next = () => {
        const id = queue.shift();
        if (id === undefined) child.send('stop');
        else child.send({ id, path: references.get(id)!.path });
      };
      child.on('message', (message: Result | 'ready') => {
        if (message !== 'ready') {
          results.push(message);
          peakRss[w] = Math.max(peakRss[w]!, message.maxRss ?? 0);
          const ref = references.get(message.id)!;
          const cer = message.text === undefined ? undefined : characterErrorRate(ref.text, message.text);
          console.error(
            `${message.id.padEnd(12)} ${message.error ?? `${(message.seconds ?? 0).toFixed(2)} s  CER ${((100 * cer!.errors) / cer!.length).toFixed(2)} %`}`,
          );
        }
        next();
      });
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`worker ${w} exited with ${code}`)),
      );
    });
  }),
);
const wall = (performance.now() - started) / 1000;

const rows: [string, number, number, number][] = [];
let totalErrors = 0;
let totalLength = 0;
for (const category of CATEGORIES) {
  let errors = 0;
  let length = 0;
  let pages = 0;
  for (const result of results) {
    const ref = references.get(result.id)!;
    if (ref.category !== category) continue;
    const cer = characterErrorRate(ref.text, result.text ?? '');
    errors += cer.errors;
    length += cer.length;
    pages++;
  }
  totalErrors += errors;
  totalLength += length;
  rows.push([category, pages, length, errors / Math.max(1, length)]);
}
const seconds = results.map((r) => r.seconds ?? 0);
console.log(`\nOCR benchmark: ${results.length} pages, ${totalLength} characters, ${workerCount} worker(s)`);
console.log('category   pages   chars    CER');
for (const [category, pages, length, cer] of rows)
  console.log(
    `${category.padEnd(10)} ${String(pages).padStart(5)} ${String(length).padStart(7)} ${(cer * 100).toFixed(2).padStart(6)} %`,
  );
console.log(
  `${'overall'.padEnd(10)} ${String(results.length).padStart(5)} ${String(totalLength).padStart(7)} ${((100 * totalErrors) / Math.max(1, totalLength)).toFixed(2).padStart(6)} %`,
);
console.log(
  `seconds per page (per worker): mean ${(seconds.reduce((a, b) => a + b, 0) / seconds.length).toFixed(2)}, max ${Math.max(...seconds).toFixed(2)}`,
);
console.log(`throughput: ${((results.length / wall) * 60).toFixed(1)} pages/min (wall ${wall.toFixed(1)} s)`);
console.log(`peak RSS per worker: ${peakRss.map((b) => `${(b / 1024 / 1024).toFixed(0)} MB`).join(', ')}`);
const failed = results.filter((r) => r.error);
if (failed.length > 0) console.log(`failed pages: ${failed.map((r) => `${r.id} (${r.error})`).join('; ')}`);
if (!values.keep) await rm(dir, { recursive: true, force: true });
