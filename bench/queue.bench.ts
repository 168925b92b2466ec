/**
 * Job queue and storage totals at scale: `npm run bench:queue -- [--jobs 1000000] [--blobs 3000000]`.
 *
 * A server at a million records keeps a done job per step of every record and a blob per original,
 * text and scanned page. This fills a fresh embedded database with that many done jobs and blobs
 * and times, p50 of repeated calls, what runs on them all the time: a worker's claim (each worker
 * polls twice a second) with nothing ready and with a backlog queued, the status page's job counts,
 * and its storage totals. The reference rows read the whole table, as these statements did before
 * migrations 0015 and 0017, in the same database and run.
 */
import { parseArgs } from 'node:util';
import { createTestDatabase } from '../src/db/testing.ts';
import { claim, jobCounts } from '../src/modules/jobs/jobs.queue.ts';

const { values } = parseArgs({
  options: { jobs: { type: 'string', default: '1000000' }, blobs: { type: 'string', default: '3000000' } },
});
const JOBS = Number(values.jobs);
const BLOBS = Number(values.blobs);
const CALLS = 20;
const KINDS = ['extract_text', 'ocr', 'classify', 'search_sync'];

await using db = await createTestDatabase();
const p50 = async (run: () => Promise<unknown>) => {
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
};
const rows: [string, number][] = [];
const measure = async (label: string, run: () => Promise<unknown>) => {
  rows.push([label, await p50(run)]);
  process.stderr.write(`  ${label}: ${rows.at(-1)![1].toFixed(2)} ms\n`);
};

let started = performance.now();
for (let at = 0; at < JOBS; at += 200_000)
  await db.query(
    `INSERT INTO jobs (kind, state, attempts, finished_at)
     SELECT ($3::text[])[1 + g % 4], 'done', 1, now() - interval '3 days' FROM generate_series($1::int, $2::int) g`,
    [at, Math.min(JOBS, at + 200_000) - 1, KINDS],
  );
// Filled with the totals' trigger off (per row it made the fill take many minutes), then counted
// once, as migration 0017 seeds them.
await db.query('ALTER TABLE blobs DISABLE TRIGGER blobs_totals');
for (let at = 0; at < BLOBS; at += 250_000)
  await db.query(
    `INSERT INTO blobs (sha256, sm3, size, stored_size)
     SELECT substr('0123456789abcdef', 1 + g % 16, 1) || lpad(to_hex(g), 63, '0'), repeat('a', 64), 100000 + g % 5000, 100500 + g % 5000
       FROM generate_series($1::int, $2::int) g`,
    [at, Math.min(BLOBS, at + 250_000) - 1],
  );
await db.query('ALTER TABLE blobs ENABLE TRIGGER blobs_totals');
await db.query(
  `UPDATE blob_totals t SET blobs = s.n, bytes = s.b, stored_bytes = s.s
     FROM (SELECT blob_shard(sha256) AS shard, count(*) AS n, sum(size) AS b, sum(stored_size) AS s
             FROM blobs GROUP BY 1) s
    WHERE t.shard = s.shard`,
);
// As `dangan serve` has it a minute after start (db/upkeep.ts).
await db.query('VACUUM (ANALYZE)');
const fillMs = performance.now() - started;

await measure('claim, nothing ready', () => claim(db, 'bench:1:a', KINDS, 60));
await measure('job counts of the status page', () => jobCounts(db));
await measure('reference: reading every job', () => db.query('SELECT count(*) FROM jobs'));
// A backlog: 100,000 jobs queued at once (a bulk import), claimed one by one.
await db.query(`INSERT INTO jobs (kind, state) SELECT 'ocr', 'queued' FROM generate_series(1, 100000)`);
await db.query('ANALYZE jobs');
await measure('claim, 100,000 queued', () => claim(db, 'bench:1:a', KINDS, 60));
await measure('storage totals of the status page', () =>
  db.query('SELECT sum(blobs), sum(bytes), sum(stored_bytes) FROM blob_totals'),
);
await measure('reference: summing every blob', () =>
  db.query('SELECT count(*), coalesce(sum(size), 0), coalesce(sum(stored_size), 0) FROM blobs'),
);
started = performance.now();
const inserts = 2000;
for (let i = 0; i < inserts; i++)
  await db.query(`INSERT INTO blobs (sha256, sm3, size, stored_size) VALUES ($1, repeat('b', 64), 10, 10)`, [
    `e${(BLOBS + i).toString(16).padStart(63, '0')}`,
  ]);
const insertMs = (performance.now() - started) / inserts;

console.log(
  [
    `job queue and storage totals — ${JOBS.toLocaleString('en')} done jobs, ${BLOBS.toLocaleString('en')} blobs, embedded database, node ${process.version}`,
    `filled in ${(fillMs / 1000).toFixed(1)} s; a blob's insert (with the totals' trigger) ${insertMs.toFixed(2)} ms`,
    '',
    '| statement | p50 ms |',
    '|---|---|',
    ...rows.map(([label, ms]) => `| ${label} | ${ms.toFixed(2)} |`),
  ].join('\n'),
);
