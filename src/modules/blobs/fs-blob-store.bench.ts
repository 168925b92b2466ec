/**
 * Throughput check of the filesystem BlobStore (not a test): stage + commit of many small files and
 * of ~1 GB in 5 MB files on two volumes, then get() of everything.
 *
 *   node src/modules/blobs/fs-blob-store.bench.ts [directory] [--concurrency=8] [--chunk=1048576]
 *
 * The directory (default: the OS temp directory) should sit on the disk being measured; both
 * volumes are made inside it. Data is half random, half text, so both chunk encodings occur.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { compressible } from './blob-store.contract.ts';
import type { BlobStore } from './blobs.port.ts';
import { createFsBlobStore } from './fs-blob-store.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    concurrency: { type: 'string', default: '8' },
    chunk: { type: 'string', default: String(1024 * 1024) },
    level: { type: 'string', default: '3' },
  },
});
const concurrency = Number(values.concurrency);
const MB = 1_000_000;

/** Distinct files of `size` bytes: a random head (so no two are equal) then text or random bytes. */
function makeFile(size: number, i: number): Buffer {
  const head = randomBytes(Math.min(size, 64));
  const body = i % 2 === 0 ? compressible(size - head.length) : randomBytes(size - head.length);
  return Buffer.concat([head, body]);
}

async function* pieces(data: Buffer, size = 64 * 1024): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

/** Runs `work(i)` for i < count with `width` at a time. */
async function pool(count: number, width: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

async function ingest(store: BlobStore, label: string, count: number, size: number): Promise<string[]> {
  // Prepared up front so that generating test data is not measured (≈ 1 GB at most).
  const files = Array.from({ length: count }, (_, i) => makeFile(size, i));
  const addresses: string[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  await pool(count, concurrency, async (i) => {
    const staged = await store.stage(pieces(files[i] as Buffer));
    addresses.push((await staged.commit()).sha256);
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label}: ${count} × ${size / 1000} kB in ${seconds.toFixed(2)} s — ` +
      `${(count / seconds).toFixed(0)} files/s, ${((count * size) / MB / seconds).toFixed(0)} MB/s, ` +
      cpuSummary(cpu, seconds),
  );
  return addresses;
}

async function readBack(store: BlobStore, label: string, addresses: string[]): Promise<void> {
  let bytes = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await pool(addresses.length, concurrency, async (i) => {
    for await (const part of await store.get(addresses[i] as string)) bytes += (part as Buffer).length;
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label} get: ${(addresses.length / seconds).toFixed(0)} files/s, ` +
      `${(bytes / MB / seconds).toFixed(0)} MB/s, ${cpuSummary(cpu, seconds)}`,
  );
}

/** CPU used by this process since `since` (all threads), as a share of one core. */
function cpuSummary(since: NodeJS.CpuUsage, seconds: number): string {
  const used = process.cpuUsage(since);
  const total = (used.user + used.system) / 1e6;
  return `CPU ${total.toFixed(2)} s (${((100 * total) / seconds).toFixed(0)} % of one core)`;
}

const root = await mkdtemp(join(positionals[0] ?? tmpdir(), 'dangan-blob-bench-'));
try {
  const store = createFsBlobStore({
    volumes: [join(root, 'disk0'), join(root, 'disk1')],
    chunkSize: Number(values.chunk),
    compressionLevel: Number(values.level),
  });
  console.log(`concurrency ${concurrency}, chunk ${values.chunk} B, zstd level ${values.level}, 2 volumes`);
  const small = await ingest(store, 'small', 1000, 100_000);
  await readBack(store, 'small', small);
  const large = await ingest(store, 'large', 200, 5_000_000);
  await readBack(store, 'large', large);
} finally {
  await rm(root, { recursive: true, force: true });
}
