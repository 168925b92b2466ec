/**
 * Ingest and verify throughput of the real CLI (not a test): `npm run bench:ingest [-- options]`.
 *
 * Sets (generated once by corpus.ts into the corpus folder, deterministic, every file distinct):
 *   a  1,000 files of 100 KB (text, Markdown, PDF, DOCX, images)     → files/s
 *   b  100 large files of 5 MB (scan-like PDFs, photos, DOCX, Markdown) → MB/s
 *   c  1,000 files of mixed size, 10 KB – 5 MB log-uniform             → files/s and MB/s
 * For each run of each set: a fresh data folder with two volumes, `dangan migrate` (not timed: the
 * one-off creation of the embedded database), then `dangan ingest <set> --json` timed from spawn to
 * exit, its peak RSS (ru_maxrss, via bench/report-rss.ts), then `dangan verify --json` (MB/s of
 * replica bytes read and checked). The start-up of the command (an ingest of an empty folder on the
 * same data) is measured too, and the figures are given with and without it.
 * Baseline in the same run: the same files copied with copyFile to two folders and fsynced, at the
 * same concurrency, in a separate process — what the disk allows without hashing, compression,
 * type detection or a database. Medians over --runs.
 *
 * Options: --sets a,b,c  --runs 3  --concurrency 8  --corpus DIR (default: $TMPDIR/dangan-bench-corpus)
 *          --work DIR (default: $TMPDIR)  --count-a 1000 --count-b 100 --count-c 1000  --json
 *          --database-url postgres://… (a server instead of PGlite; a new database per run, dropped after)
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, open, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createPostgresTestDatabase } from '../src/db/testing.ts';
import { ensureSet, type CorpusSet, type SetName } from './corpus.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'src/cli/main.ts');
const rssHook = join(root, 'bench/report-rss.ts');

const { values } = parseArgs({
  options: {
    sets: { type: 'string', default: 'a,b,c' },
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
    corpus: { type: 'string' },
    work: { type: 'string' },
    'count-a': { type: 'string', default: '1000' },
    'count-b': { type: 'string', default: '100' },
    'count-c': { type: 'string', default: '1000' },
    json: { type: 'boolean', default: false },
    // a PostgreSQL server instead of the embedded PGlite: each run gets a new database on it
    'database-url': { type: 'string' },
    // internal: the baseline copier, run as a child process
    'baseline-copy': { type: 'string' },
    into: { type: 'string' },
  },
});

if (values['baseline-copy']) {
  await baselineCopy(values['baseline-copy'], values.into ?? '', Number(values.concurrency));
  process.exit(0);
}

const MB = 1_000_000;
const runs = Math.max(1, Number(values.runs));
const concurrency = Math.max(1, Number(values.concurrency));
const corpusDir = values.corpus ?? join(tmpdir(), 'dangan-bench-corpus');
const workDir = values.work ?? tmpdir();
const lawsDir = join(root, '../shared/data/lawrefbook-laws');
const log = (line: string) => process.stderr.write(`${line}\n`);

const params: Record<SetName, { count: number; size: number }> = {
  a: { count: Number(values['count-a']), size: 100_000 },
  b: { count: Number(values['count-b']), size: 5_000_000 },
  c: { count: Number(values['count-c']), size: 0 },
};

interface RunFigures {
  seconds: number;
  startupSeconds: number;
  peakRssMb: number;
  created: number;
  failed: number;
  verifySeconds: number;
  verifyBytes: number;
  verifyOk: boolean;
  baselineSeconds: number;
}

const results: Record<string, unknown>[] = [];
for (const set of values.sets.split(',').map((s) => s.trim()) as SetName[]) {
  if (!(set in params)) throw new Error(`unknown set ${set}: use a, b or c`);
  log(`set ${set}: preparing the corpus in ${corpusDir}`);
  const corpus = await ensureSet(
    { set, ...params[set], seed: 1 },
    { corpusDir, lawsDir: existsSync(lawsDir) ? lawsDir : undefined, log },
  );
  const figures: RunFigures[] = [];
  for (let run = 1; run <= runs; run++) {
    log(`set ${set}: run ${run}/${runs}`);
    figures.push(await measure(corpus));
  }
  results.push(summarise(corpus, figures));
}

if (values.json) {
  console.log(JSON.stringify({ concurrency, runs, results }, null, 2));
} else {
  console.log(
    `\ndangan ingest, two replicas, concurrency ${concurrency}, ${values['database-url'] ? 'PostgreSQL server' : 'embedded PGlite'}, medians of ${runs} run(s)\n`,
  );
  console.table(results);
}

async function measure(corpus: CorpusSet): Promise<RunFigures> {
  const data = await mkdtemp(join(workDir, 'dangan-bench-data-'));
  const empty = await mkdtemp(join(workDir, 'dangan-bench-empty-'));
  const copies = await mkdtemp(join(workDir, 'dangan-bench-copy-'));
  // A new database per run (migrated already; the timed commands do not migrate it again).
  const server = values['database-url']
    ? await createPostgresTestDatabase({ url: values['database-url'] })
    : undefined;
  const runCli = (args: string[]) => runCliOn(server ? ['--database-url', server.url, ...args] : args);
  try {
    await runCli(['--data', data, 'migrate']);
    const startup = await runCli(['--data', data, 'ingest', empty, '--json']);
    const ingest = await runCli([
      '--data',
      data,
      'ingest',
      corpus.dir,
      '--json',
      '--concurrency',
      String(concurrency),
    ]);
    const lines = ingest.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { status: string });
    const verify = await runCli(['--data', data, 'verify', '--json']);
    const report = JSON.parse(verify.stdout) as {
      bytes: number;
      seconds: number;
      missing: number;
      damaged: number;
      orphans: number;
    };

    const baselineStarted = performance.now();
    await runNode([
      fileURLToPath(import.meta.url),
      '--baseline-copy',
      corpus.dir,
      '--into',
      copies,
      '--concurrency',
      String(concurrency),
    ]);
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;

    return {
      seconds: ingest.seconds,
      startupSeconds: startup.seconds,
      peakRssMb: ingest.peakRssBytes / 1024 / 1024,
      created: lines.filter((l) => l.status === 'created').length,
      failed: lines.filter((l) => l.status === 'failed').length,
      // the scrub itself, as the command measures it (its start-up is measured separately above)
      verifySeconds: report.seconds,
      verifyBytes: report.bytes,
      verifyOk: report.missing === 0 && report.damaged === 0 && report.orphans === 0,
      baselineSeconds,
    };
  } finally {
    await server?.[Symbol.asyncDispose]();
    await Promise.all([data, empty, copies].map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

function summarise(corpus: CorpusSet, figures: RunFigures[]): Record<string, unknown> {
  const files = corpus.files.length;
  const mb = corpus.bytes / MB;
  const seconds = median(figures.map((f) => f.seconds));
  const net = median(figures.map((f) => Math.max(0.001, f.seconds - f.startupSeconds)));
  const baseline = median(figures.map((f) => f.baselineSeconds));
  return {
    set: corpus.set,
    files,
    MB: round(mb),
    'files/s': round(files / seconds),
    'MB/s': round(mb / seconds),
    'files/s net': round(files / net),
    'MB/s net': round(mb / net),
    'start-up s': round(median(figures.map((f) => f.startupSeconds))),
    'peak RSS MB': round(Math.max(...figures.map((f) => f.peakRssMb))),
    'copy×2 MB/s': round(mb / baseline),
    'time / copy': round(seconds / baseline),
    'verify MB/s': round(median(figures.map((f) => f.verifyBytes / MB / f.verifySeconds))),
    created: Math.min(...figures.map((f) => f.created)),
    failed: Math.max(...figures.map((f) => f.failed)),
    'verify clean': figures.every((f) => f.verifyOk),
  };
}

async function runCliOn(args: string[]) {
  const rssFile = join(
    workDir,
    `dangan-bench-rss-${process.pid}-${Math.random().toString(16).slice(2)}.json`,
  );
  const result = await runNode(['--liftoff-only', '--import', rssHook, cli, '--log-level', 'warn', ...args], {
    DANGAN_BENCH_RSS_FILE: rssFile,
  });
  const { maxRssBytes } = JSON.parse(await readFile(rssFile, 'utf8')) as { maxRssBytes: number };
  await rm(rssFile, { force: true });
  return { ...result, peakRssBytes: maxRssBytes };
}

function runNode(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ stdout: string; seconds: number }>((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0 && code !== 2) {
        reject(new Error(`${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString().slice(-2000)}`));
        return;
      }
      resolvePromise({ stdout: Buffer.concat(out).toString(), seconds });
    });
  });
}

/** The baseline: each file copied to two folders and fsynced, `width` files at a time. */
async function baselineCopy(from: string, into: string, width: number): Promise<void> {
  const names = (await readdir(from)).sort();
  const targets = [join(into, 'v1'), join(into, 'v2')];
  const { mkdir } = await import('node:fs/promises');
  await Promise.all(targets.map((dir) => mkdir(dir, { recursive: true })));
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++] as string;
      await Promise.all(
        targets.map(async (dir) => {
          const target = join(dir, name);
          await copyFile(join(from, name), target);
          const fh = await open(target, 'r+');
          await fh.sync();
          await fh.close();
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
