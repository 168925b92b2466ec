/**
 * The cost of encryption at rest (not a test): `npm run bench:crypto [-- options]`.
 *
 * Two measures, each against the same run without encryption, alternating plain and sealed runs so
 * that both see the same machine load; medians over --runs:
 *   store   the blob store alone, in-process: stage + commit of every corpus file on two volumes,
 *           in the clear vs sealed with AES-256-GCM and SM4-GCM (a fresh data key per blob)
 *   ingest  the real CLI, `dangan ingest <set> --json` on a fresh data folder (two volumes, embedded
 *           PGlite), DANGAN_ENCRYPTION=false vs true (key file, AES-256-GCM): sealing, the keyed
 *           address, the data key's wrap and its row — everything encryption adds. Target ≤ 15 %.
 *   holders the wrap and unwrap of one blob's 32-byte holder share for one holder, per algorithm
 *           (ECIES P-256, RSA-OAEP-SHA256 3072, SM2), against an AES-256-GCM wrap with a symmetric key
 *           in the same run (what a KEK wrap costs in the key file); microseconds per operation.
 * Sets as in bench:ingest (corpus.ts): a = 100 KB files, b = 5 MB files.
 *
 * Options: --sets a,b  --runs 3  --count-a 300  --count-b 30  --concurrency 8  --corpus DIR  --work DIR
 *          --skip-ingest  --holders-only  --holder-ops 200  --json
 */
import { spawn } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';

import { newDataKey } from '../src/modules/blobs/blob-seal.ts';
import type { CipherName } from '../src/modules/blobs/chunk-cipher.ts';
import { createFsBlobStore } from '../src/modules/blobs/fs-blob-store.ts';
import {
  HOLDER_ALGORITHMS,
  generateHolderKeyPair,
  unwrapAsHolder,
  wrapForHolder,
} from '../src/modules/keys/holder-crypto.ts';
import { ensureSet, type CorpusSet, type SetName } from './corpus.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'src/cli/main.ts');

const { values } = parseArgs({
  options: {
    sets: { type: 'string', default: 'a,b' },
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
    corpus: { type: 'string' },
    work: { type: 'string' },
    'count-a': { type: 'string', default: '300' },
    'count-b': { type: 'string', default: '30' },
    'skip-ingest': { type: 'boolean', default: false },
    'holders-only': { type: 'boolean', default: false },
    'holder-ops': { type: 'string', default: '200' },
    json: { type: 'boolean', default: false },
  },
});

const MB = 1_000_000;
const runs = Math.max(1, Number(values.runs));
const concurrency = Math.max(1, Number(values.concurrency));
const corpusDir = values.corpus ?? join(tmpdir(), 'dangan-bench-corpus');
const workDir = values.work ?? tmpdir();
const lawsDir = join(root, '../shared/data/lawrefbook-laws');
const log = (line: string) => process.stderr.write(`${line}\n`);
const params: Record<'a' | 'b', { count: number; size: number }> = {
  a: { count: Number(values['count-a']), size: 100_000 },
  b: { count: Number(values['count-b']), size: 5_000_000 },
};

type Mode = 'clear' | CipherName;
const results: Record<string, unknown>[] = [];
for (const set of values['holders-only'] ? [] : (values.sets.split(',').map((s) => s.trim()) as SetName[])) {
  if (set !== 'a' && set !== 'b') throw new Error(`unknown set ${set}: use a or b`);
  const corpus = await ensureSet(
    { set, ...params[set], seed: 1 },
    { corpusDir, lawsDir: existsSync(lawsDir) ? lawsDir : undefined, log },
  );
  const mb = corpus.bytes / MB;

  const store: Record<Mode, number[]> = { clear: [], 'aes-256-gcm': [], 'sm4-gcm': [] };
  for (let run = 1; run <= runs; run++) {
    for (const mode of ['clear', 'aes-256-gcm', 'sm4-gcm'] as const) {
      log(`set ${set}: store, ${mode}, run ${run}/${runs}`);
      store[mode].push(await storeRun(corpus, mode));
    }
  }
  const clear = median(store.clear);
  for (const mode of ['clear', 'aes-256-gcm', 'sm4-gcm'] as const) {
    const seconds = median(store[mode]);
    results.push({
      set,
      measure: 'store',
      mode,
      files: corpus.files.length,
      MB: round(mb),
      'median s': round(seconds, 3),
      'MB/s': round(mb / seconds),
      overhead: mode === 'clear' ? '' : `${round((seconds / clear - 1) * 100)} %`,
    });
  }

  if (!values['skip-ingest']) {
    const ingest: Record<'off' | 'on', number[]> = { off: [], on: [] };
    for (let run = 1; run <= runs; run++) {
      for (const mode of ['off', 'on'] as const) {
        log(`set ${set}: ingest, encryption ${mode}, run ${run}/${runs}`);
        ingest[mode].push(await ingestRun(corpus, mode === 'on'));
      }
    }
    const off = median(ingest.off);
    for (const mode of ['off', 'on'] as const) {
      const seconds = median(ingest[mode]);
      results.push({
        set,
        measure: 'ingest (CLI)',
        mode: mode === 'on' ? 'aes-256-gcm' : 'clear',
        files: corpus.files.length,
        MB: round(mb),
        'median s': round(seconds, 3),
        'MB/s': round(mb / seconds),
        overhead: mode === 'off' ? '' : `${round((seconds / off - 1) * 100)} %`,
      });
    }
  }
}

// Holder wraps: per-operation time of each algorithm against a symmetric AES-256-GCM wrap.
const holderOps = Math.max(1, Number(values['holder-ops']));
const holderTimes: Record<string, { wrap: number[]; unwrap: number[] }> = {};
for (let run = 1; run <= runs; run++) {
  for (const algorithm of ['aes-256-gcm (KEK-style)', ...HOLDER_ALGORITHMS]) {
    log(`holders: ${algorithm}, run ${run}/${runs}`);
    const times = (holderTimes[algorithm] ??= { wrap: [], unwrap: [] });
    const measured = holderRun(algorithm, holderOps);
    times.wrap.push(measured.wrap);
    times.unwrap.push(measured.unwrap);
  }
}
const baseline = holderTimes['aes-256-gcm (KEK-style)']!;
for (const [algorithm, times] of Object.entries(holderTimes)) {
  results.push({
    measure: 'holder wrap (µs/op)',
    mode: algorithm,
    ops: holderOps,
    'wrap µs': round(median(times.wrap)),
    'unwrap µs': round(median(times.unwrap)),
    'vs AES wrap':
      algorithm === 'aes-256-gcm (KEK-style)' ? '' : `${round(median(times.wrap) / median(baseline.wrap))}×`,
    'vs AES unwrap':
      algorithm === 'aes-256-gcm (KEK-style)'
        ? ''
        : `${round(median(times.unwrap) / median(baseline.unwrap))}×`,
  });
}

if (values.json) console.log(JSON.stringify({ runs, concurrency, results }, null, 2));
else {
  console.log(`\nencryption at rest: medians of ${runs} run(s), two replicas, concurrency ${concurrency}\n`);
  console.table(results);
}

/** Wraps then unwraps `ops` random shares for one holder; microseconds per operation. */
function holderRun(algorithm: string, ops: number): { wrap: number; unwrap: number } {
  const context = Buffer.from(`dangan.holder-share\0${'a'.repeat(64)}\0aes-256-gcm`);
  const shares = Array.from({ length: ops }, () => randomBytes(32));
  if (algorithm === 'aes-256-gcm (KEK-style)') {
    const kek = randomBytes(32);
    let started = performance.now();
    const wrapped = shares.map((share) => {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', kek, nonce).setAAD(context);
      return Buffer.concat([nonce, cipher.update(share), cipher.final(), cipher.getAuthTag()]);
    });
    const wrap = ((performance.now() - started) * 1000) / ops;
    started = performance.now();
    for (const w of wrapped) {
      const decipher = createDecipheriv('aes-256-gcm', kek, w.subarray(0, 12)).setAAD(context);
      decipher.setAuthTag(w.subarray(w.length - 16));
      Buffer.concat([decipher.update(w.subarray(12, w.length - 16)), decipher.final()]);
    }
    return { wrap, unwrap: ((performance.now() - started) * 1000) / ops };
  }
  const pair = generateHolderKeyPair(algorithm as (typeof HOLDER_ALGORITHMS)[number]);
  let started = performance.now();
  const wrapped = shares.map((share) => wrapForHolder(pair.publicKey, share, context));
  const wrap = ((performance.now() - started) * 1000) / ops;
  started = performance.now();
  for (const w of wrapped) unwrapAsHolder(pair.privateKey, w, context);
  return { wrap, unwrap: ((performance.now() - started) * 1000) / ops };
}

/** Stage and commit every file of the set into a fresh two-volume store; seconds. */
async function storeRun(corpus: CorpusSet, mode: Mode): Promise<number> {
  const dir = await mkdtemp(join(workDir, 'dangan-bench-crypto-'));
  try {
    const blobs = createFsBlobStore({ volumes: [join(dir, 'v1'), join(dir, 'v2')] });
    const names = (await readdir(corpus.dir)).sort();
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < names.length) {
        const name = names[next++] as string;
        const staged = await blobs.stage(Readable.from([await readFile(join(corpus.dir, name))]));
        await staged.commit(
          mode === 'clear'
            ? undefined
            : { address: randomBytes(32).toString('hex'), cipher: mode, key: newDataKey(mode) },
        );
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return (performance.now() - started) / 1000;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `dangan ingest` of the set on a fresh data folder (migrated first, not timed); seconds. */
async function ingestRun(corpus: CorpusSet, encrypted: boolean): Promise<number> {
  const data = await mkdtemp(join(workDir, 'dangan-bench-crypto-data-'));
  const env = {
    DANGAN_ENCRYPTION: String(encrypted),
    DANGAN_MASTER_KEY: randomBytes(32).toString('hex'),
  };
  try {
    // migrate, and create the key file and level keys: one-off set-up, not per-file cost
    await runNode(['--liftoff-only', cli, '--log-level', 'warn', '--data', data, 'migrate'], env);
    await runNode(['--liftoff-only', cli, '--log-level', 'warn', '--data', data, 'keys', 'status'], env);
    const started = performance.now();
    await runNode(
      [
        '--liftoff-only',
        cli,
        '--log-level',
        'warn',
        '--data',
        data,
        'ingest',
        corpus.dir,
        '--json',
        '--concurrency',
        String(concurrency),
      ],
      env,
    );
    return (performance.now() - started) / 1000;
  } finally {
    await rm(data, { recursive: true, force: true });
  }
}

function runNode(args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const err: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && code !== 2)
        reject(new Error(`${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString().slice(-2000)}`));
      else resolvePromise();
    });
  });
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
