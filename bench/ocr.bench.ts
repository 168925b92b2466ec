/**
 * npm run bench:ocr [-- --per-category N --workers W --keep DIR --no-baseline]
 * npm run bench:ocr -- --long-pdf 1000   (only the bounded-memory check on a long PDF, ocr-long-pdf.ts)
 * Renders the test set, reads it through the OCR worker pool (W processes, one ONNX thread each)
 * and prints the character error rate (edit distance / reference length, whitespace removed)
 * overall and per category, CPU and wall seconds per page (medians), pages per minute and each
 * worker's peak RSS — first with the old settings as a same-run baseline, then the current ones.
 * On a shared machine wall time depends on the other load; CPU seconds per page do not.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { characterErrorRate, median } from '../src/modules/ocr/ocr.models.ts';
import { createOcrPool } from '../src/modules/ocr/ocr.pool.ts';
import type { PpOcrOptions } from '../src/modules/ocr/ppocr.adapter.ts';
import { CATEGORIES, loadLawParagraphs, planPages, renderTestPage, type Category } from './ocr-corpus.ts';

const { values } = parseArgs({
  options: {
    'per-category': { type: 'string', default: '4' },
    workers: { type: 'string', default: '2' },
    keep: { type: 'string' },
    laws: { type: 'string' },
    'long-pdf': { type: 'string' },
    // same run, the settings before the speed work: detection at 1280 px, six lines per batch
    baseline: { type: 'boolean', default: true },
  },
  allowNegative: true,
});
if (values['long-pdf']) {
  const { longPdfBench } = await import('./ocr-long-pdf.ts');
  await longPdfBench(Number(values['long-pdf']), await loadLawParagraphs(values.laws));
  process.exit(0);
}
const BASELINE: Partial<PpOcrOptions> = { detMaxSide: 1280, recBatch: 6 };
const perCategory = Number(values['per-category']);
const workerCount = Number(values.workers);
const dir = values.keep ?? (await mkdtemp(join(tmpdir(), 'dangan-ocr-bench-')));
await mkdir(dir, { recursive: true });

const laws = await loadLawParagraphs(values.laws);
const plan = planPages(laws, perCategory);
const references = new Map<
  string,
  {
    category: Category;
    variant?: 'ruled' | 'unruled';
    text: string;
    cells?: string;
    seals?: { box: number[]; text: string }[];
    path: string;
  }
>();
const renderStart = performance.now();
for (const page of plan) {
  const rendered = await renderTestPage(page);
  const path = join(dir, `${page.id}.${rendered.format === 'jpeg' ? 'jpg' : 'png'}`);
  await writeFile(path, rendered.image);
  await writeFile(join(dir, `${page.id}.txt`), rendered.text);
  references.set(page.id, {
    category: page.category,
    ...(page.variant ? { variant: page.variant } : {}),
    text: rendered.text,
    ...(rendered.seals ? { seals: rendered.seals } : {}),
    ...(rendered.cells ? { cells: rendered.cells.flat().join('\n') } : {}),
    path,
  });
}
console.error(
  `rendered ${plan.length} pages in ${((performance.now() - renderStart) / 1000).toFixed(1)} s → ${dir}`,
);

interface Result {
  id: string;
  text?: string;
  /** the cells of the tables found, row by row */
  cells?: string;
  /** the seals found: box and ring text read */
  seals?: { box: number[]; text?: string }[];
  seconds: number;
  cpuSeconds?: number;
  worker?: number;
  maxRss?: number;
  error?: string;
}

/** One pass over the test set through the production worker pool with the given engine settings. */
async function runPass(label: string, engine: Partial<PpOcrOptions>) {
  const pool = createOcrPool({ workers: workerCount, engine });
  const results: Result[] = [];
  const peakRss = Array.from({ length: workerCount }, () => 0);
  // Warm-up is not measured: wait until every worker has loaded its models.
  await Promise.all(
    Array.from({ length: workerCount }, () => pool.read(warmup, 'warmup.png').catch(() => undefined)),
  );
  const started = performance.now();
  await Promise.all(
    [...references.entries()].map(async ([id, ref]) => {
      const t = performance.now();
      try {
        const result = await pool.read(ref.path, id);
        peakRss[result.worker] = Math.max(peakRss[result.worker]!, result.maxRss);
        results.push({
          id,
          text: result.document.text,
          cells: result.document.pages
            .flatMap((p) => p.tables.flatMap((t) => t.rows.flatMap((row) => row.map((c) => c.text))))
            .join('\n'),
          seals: result.document.pages.flatMap((p) => p.seals),
          seconds: (performance.now() - t) / 1000,
          cpuSeconds: result.cpuSeconds,
          worker: result.worker,
        });
      } catch (error) {
        results.push({ id, seconds: (performance.now() - t) / 1000, error: String(error) });
      }
      const last = results.at(-1)!;
      const cer = last.text === undefined ? undefined : characterErrorRate(ref.text, last.text);
      console.error(
        `${label.padEnd(9)} ${id.padEnd(12)} ${last.error ?? `${(last.cpuSeconds ?? 0).toFixed(2)} s CPU  CER ${((100 * cer!.errors) / cer!.length).toFixed(2)} %`}`,
      );
    }),
  );
  const wall = (performance.now() - started) / 1000;
  await pool.close();
  return { label, engine, results, peakRss, wall };
}

function report({ label, engine, results, peakRss, wall }: Awaited<ReturnType<typeof runPass>>) {
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
  // Table cell text: the cells found against the cells printed (a missed table counts in full).
  const cellRows: [string, number, number][] = [];
  for (const variant of ['ruled', 'unruled'] as const) {
    let cellErrors = 0;
    let cellLength = 0;
    for (const result of results) {
      const ref = references.get(result.id)!;
      if (ref.cells === undefined || ref.variant !== variant) continue;
      const cer = characterErrorRate(ref.cells, result.cells ?? '');
      cellErrors += cer.errors;
      cellLength += cer.length;
    }
    cellRows.push([`cells ${variant}`, cellLength, cellErrors / Math.max(1, cellLength)]);
  }
  // Seal ring text: each printed seal against the seal found whose box centre is nearest (within
  // a quarter of its width); a seal not found, or found without text, counts as wrong in full.
  let ringExact = 0;
  let ringSeals = 0;
  let ringErrors = 0;
  let ringLength = 0;
  for (const result of results) {
    for (const printed of references.get(result.id)!.seals ?? []) {
      const [x0, y0, x1, y1] = printed.box as [number, number, number, number];
      const found = result.seals?.find(
        (s) =>
          Math.hypot(
            (s.box[0]! + s.box[2]!) / 2 - (x0 + x1) / 2,
            (s.box[1]! + s.box[3]!) / 2 - (y0 + y1) / 2,
          ) <
          (x1 - x0) / 4,
      );
      const cer = characterErrorRate(printed.text, found?.text ?? '');
      ringSeals++;
      ringErrors += cer.errors;
      ringLength += cer.length;
      if (found?.text === printed.text) ringExact++;
    }
  }
  const cpu = results.map((r) => r.cpuSeconds ?? 0);
  console.log(
    `\n${label}: ${JSON.stringify(engine)} — ${results.length} pages, ${totalLength} characters, ${workerCount} worker(s)`,
  );
  console.log('category   pages   chars    CER');
  for (const [category, pages, length, cer] of rows)
    console.log(
      `${category.padEnd(10)} ${String(pages).padStart(5)} ${String(length).padStart(7)} ${(cer * 100).toFixed(2).padStart(6)} %`,
    );
  console.log(
    `${'overall'.padEnd(10)} ${String(results.length).padStart(5)} ${String(totalLength).padStart(7)} ${((100 * totalErrors) / Math.max(1, totalLength)).toFixed(2).padStart(6)} %`,
  );
  for (const [name, length, cer] of cellRows)
    console.log(
      `${name.padEnd(13)} ${String(length).padStart(7)} ${(cer * 100).toFixed(2).padStart(6)} %  (table cell text)`,
    );
  console.log(
    `seal ring text: ${ringExact}/${ringSeals} seals read exactly, CER ${((100 * ringErrors) / Math.max(1, ringLength)).toFixed(1)} % over ${ringLength} characters (a seal not found counts as missed in full)`,
  );
  const cpuMedian = median(cpu);
  console.log(
    `CPU seconds per page (one ONNX thread): median ${cpuMedian.toFixed(2)}, max ${Math.max(...cpu).toFixed(2)}` +
      ` → ${((60 / cpuMedian) * workerCount).toFixed(1)} pages/min on ${workerCount} free core(s)`,
  );
  console.log(
    `throughput on this machine now (wall clock, shared with its other load): ${((results.length / wall) * 60).toFixed(1)} pages/min (wall ${wall.toFixed(1)} s, load average ${loadavg()[0]!.toFixed(1)})`,
  );
  console.log(`peak RSS per worker: ${peakRss.map((b) => `${(b / 1024 / 1024).toFixed(0)} MB`).join(', ')}`);
  const failed = results.filter((r) => r.error);
  if (failed.length > 0) console.log(`failed pages: ${failed.map((r) => `${r.id} (${r.error})`).join('; ')}`);
}

const warmup = join(dir, 'warmup.png');
await writeFile(
  warmup,
  await sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } })
    .png()
    .toBuffer(),
);
const passes = [];
if (values.baseline) passes.push(await runPass('baseline', BASELINE));
passes.push(await runPass('current', {}));
for (const pass of passes) report(pass);
if (!values.keep) await rm(dir, { recursive: true, force: true });
