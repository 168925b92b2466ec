/**
 * npm run bench:ledger — the tamper-evident ledger on embedded PGlite: appends per second (the
 * sequencer taking committed events in batches), and the time to generate and to verify an inclusion
 * and a consistency proof. Medians are printed, each beside a same-run baseline:
 * - appends: the database alone copying the same events into a scratch table (its floor);
 * - inclusion proofs: the service (ledger.inclusionProof: upper nodes cached, the few lower ones in
 *   one query) against the first design (all 17-odd nodes joined from the database on each proof).
 * Targets (issue 6): ≥ 5,000 appends/s on 2 cores; proof generation and verification < 1 ms.
 *
 *   node bench/ledger.bench.ts [--rounds 5] [--events 10000] [--proofs 500] [--hash sha256|sm3]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/app/logger.ts';
import { createTestDatabase } from '../src/db/testing.ts';
import { loadOrCreateSigningKey } from '../src/modules/ledger/ledger.keys.ts';
import {
  consistencyProof,
  consistencyRanges,
  inclusionProof,
  inclusionRanges,
  nodeKey,
  nodesFor,
  treeRoot,
  frontier,
  verifyConsistency,
  verifyInclusion,
} from '../src/modules/ledger/ledger.models.ts';
import { entriesPage, fetchNodes } from '../src/modules/ledger/ledger.repository.ts';
import { createLedger } from '../src/modules/ledger/ledger.usecases.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    events: { type: 'string', default: '10000' },
    proofs: { type: 'string', default: '500' },
    hash: { type: 'string', default: 'sha256' },
  },
});
const hash = values.hash === 'sm3' ? 'sm3' : 'sha256';
const rounds = Number(values.rounds);
const perRound = Number(values.events);
const proofs = Number(values.proofs);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

const dir = await mkdtemp(join(tmpdir(), 'dangan-ledger-bench-'));
await using db = await createTestDatabase();
const ledger = await createLedger({
  db,
  key: loadOrCreateSigningKey(join(dir, 'keys')),
  hashAlgorithm: hash,
  log: createLogger('silent'),
});
await db.query('CREATE TABLE bench_copy (LIKE events)');
console.log(
  `ledger bench: PGlite, ${cpus().length} CPUs, ${rounds} rounds × ${perRound} events, ${proofs} proofs`,
);

const rates: number[] = [];
const floor: number[] = [];
for (let round = 0; round < rounds; round++) {
  // Events as recordEvent writes them (not timed): one committed batch per round.
  await db.query(
    `INSERT INTO events (actor, action, record_id, outcome, ip, details)
     SELECT 'user:bench', 'record.view', gen_random_uuid(), 'ok', '10.0.0.1',
            jsonb_build_object('n', g, 'title', '关于建设工程规划许可证的批复 ' || g)
       FROM generate_series(1, $1::int) g`,
    [perRound],
  );
  const copyStarted = performance.now();
  const copied = await db.query(
    `INSERT INTO bench_copy SELECT * FROM events WHERE id > (SELECT coalesce(max(id), 0) FROM bench_copy)`,
  );
  floor.push(copied.rowCount / ((performance.now() - copyStarted) / 1000));
  const started = performance.now();
  const { appended } = await ledger.sync();
  const seconds = (performance.now() - started) / 1000;
  rates.push(appended / seconds);
  console.log(
    `  round ${round + 1}: ${appended} appends (+1 checkpoint) in ${(seconds * 1000).toFixed(0)} ms → ${(appended / seconds).toFixed(0)}/s`,
  );
}
const size = (await ledger.latestCheckpoint()).treeSize;
const edge = await fetchNodes(db, frontier(size));
const root = treeRoot(hash, size, (n) => edge.get(nodeKey(n)));

let seed = 42;
const random = (below: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % below;
};
/** The first design's node read, kept here as the baseline: a join with unnest() of every node. */
async function fetchNodesJoined(nodes: readonly { level: number; index: number }[]) {
  const { rows } = await db.query<{ level: number; idx: string; hash: Uint8Array }>(
    `SELECT n.level, n.idx, n.hash FROM ledger_nodes n
       JOIN unnest($1::smallint[], $2::bigint[]) AS w(l, i) ON n.level = w.l AND n.idx = w.i`,
    [nodes.map((n) => n.level), nodes.map((n) => n.index)],
  );
  return new Map(rows.map((r) => [nodeKey({ level: r.level, index: Number(r.idx) }), Buffer.from(r.hash)]));
}

const generate: number[] = [];
const baseline: number[] = [];
const verify: number[] = [];
const leaves = new Map<number, Buffer>();
for (let i = 0; i < proofs; i++) {
  const m = random(size);
  const page = await entriesPage(db, m, 1);
  leaves.set(m, page[0]!.leafHash!);
  const b0 = performance.now();
  const joined = await fetchNodesJoined(nodesFor(inclusionRanges(m, size)));
  const old = inclusionProof(hash, m, size, (n) => joined.get(nodeKey(n)));
  baseline.push(performance.now() - b0);
  const t0 = performance.now();
  const proof = await ledger.inclusionProof(m, size);
  const t1 = performance.now();
  const ok = verifyInclusion(hash, m, size, leaves.get(m)!, proof, root);
  const t2 = performance.now();
  if (!ok || proof.some((p, j) => !p.equals(old[j]!)))
    throw new Error(`inclusion proof of ${m} in ${size} failed`);
  generate.push(t1 - t0);
  verify.push(t2 - t1);
}
const cgenerate: number[] = [];
const cverify: number[] = [];
for (let i = 0; i < proofs; i++) {
  const first = 1 + random(size - 1);
  const t0 = performance.now();
  const nodes = await fetchNodes(db, [...nodesFor(consistencyRanges(first, size)), ...frontier(first)]);
  const lookup = (n: Parameters<typeof nodeKey>[0]) => nodes.get(nodeKey(n));
  const proof = consistencyProof(hash, first, size, lookup);
  const t1 = performance.now();
  const firstRoot = treeRoot(hash, first, lookup);
  const t2 = performance.now();
  const ok = verifyConsistency(hash, first, size, firstRoot, root, proof);
  const t3 = performance.now();
  if (!ok) throw new Error(`consistency proof ${first} → ${size} failed`);
  cgenerate.push(t1 - t0);
  cverify.push(t3 - t2);
}
const ms = (x: number) => `${x.toFixed(3)} ms`;
console.log(`
results (tree of ${size} entries, ${hash === 'sm3' ? 'SM3' : 'SHA-256'}):
  appends/s              median ${median(rates).toFixed(0)}  (min ${Math.min(...rates).toFixed(0)}, max ${Math.max(...rates).toFixed(0)})   target ≥ 5000
    baseline: db copy    median ${median(floor).toFixed(0)} rows/s   (INSERT … SELECT of the same events, no ledger)
  inclusion proof gen    median ${ms(median(generate))}  p95 ${ms(p95(generate))}   (ledger.inclusionProof)   target < 1 ms
    baseline: joined     median ${ms(median(baseline))}  p95 ${ms(p95(baseline))}   (every node joined from PGlite, the first design)
  inclusion proof verify median ${ms(median(verify))}  p95 ${ms(p95(verify))}   target < 1 ms
  consistency proof gen  median ${ms(median(cgenerate))}  p95 ${ms(p95(cgenerate))}
  consistency verify     median ${ms(median(cverify))}  p95 ${ms(p95(cverify))}`);
await ledger.stop();
await rm(dir, { recursive: true, force: true });
