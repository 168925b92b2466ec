/**
 * Fixity scrub (DA/T 70-2018 integrity check; PREMIS "fixity check" event): every replica of every
 * blob is read and checked against its digests, missing and damaged copies are reported and, with
 * repair, rewritten from a good one; bytes no row refers to (orphans) are reported and, with repair,
 * removed.
 */
import type { Database } from '../../db/database.port.ts';
import type { Actor } from '../access/access.policy.ts';
import type { BlobStore, ReplicaState } from '../blobs/blobs.port.ts';
import { recordEvent } from '../events/events.ts';

export interface VerifyReport {
  blobs: number;
  replicas: number;
  bytes: number;
  ok: number;
  missing: number;
  damaged: number;
  repaired: number;
  unrecoverable: number;
  orphans: number;
  orphansRemoved: number;
  seconds: number;
  mbPerSecond: number;
  problems: {
    sha256: string;
    replica: string;
    state: ReplicaState | 'orphan' | 'unrecoverable';
    repaired: boolean;
  }[];
}

export async function verifyStorage(
  deps: { db: Database; blobs: BlobStore },
  actor: Actor,
  options: { repair: boolean; concurrency?: number; onProgress?: (done: number, total: number) => void },
): Promise<VerifyReport> {
  const { db, blobs } = deps;
  const started = performance.now();
  const report: VerifyReport = {
    blobs: 0,
    replicas: blobs.replicas.length,
    bytes: 0,
    ok: 0,
    missing: 0,
    damaged: 0,
    repaired: 0,
    unrecoverable: 0,
    orphans: 0,
    orphansRemoved: 0,
    seconds: 0,
    mbPerSecond: 0,
    problems: [],
  };
  // Crypto-shredded blobs (blob_keys.wrapped_key cleared) are meant to be gone: not scanned, and
  // bytes of theirs found on a replica (say, restored from a backup) are orphans.
  const live = `NOT EXISTS (SELECT 1 FROM blob_keys bk WHERE bk.address = b.sha256 AND bk.wrapped_key IS NULL)`;
  const total = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM blobs b WHERE ${live}`))
    .rows[0]!.n;
  let after = '';
  const concurrency = options.concurrency ?? 2;
  for (;;) {
    const { rows } = await db.query<{ sha256: string; size: string }>(
      `SELECT b.sha256, b.size::text FROM blobs b WHERE b.sha256 > $1 AND ${live} ORDER BY b.sha256 LIMIT 500`,
      [after],
    );
    if (rows.length === 0) break;
    after = rows.at(-1)!.sha256;
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const row = rows[next++]!;
        await checkOne(row.sha256, Number(row.size));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    options.onProgress?.(report.blobs, total);
  }

  async function checkOne(sha256: string, size: number): Promise<void> {
    const states = await blobs.check(sha256);
    report.blobs++;
    report.bytes += size * states.length;
    const bad = states.filter((s) => s.state !== 'ok');
    report.ok += states.length - bad.length;
    if (bad.length === 0) return;
    let repaired: string[] = [];
    const lost = bad.length === states.length;
    if (lost) report.unrecoverable++;
    else if (options.repair) repaired = await blobs.repair(sha256);
    for (const replica of bad) {
      if (replica.state === 'missing') report.missing++;
      else report.damaged++;
      const fixed = repaired.includes(replica.replica);
      if (fixed) report.repaired++;
      report.problems.push({
        sha256,
        replica: replica.replica,
        state: lost ? 'unrecoverable' : replica.state,
        repaired: fixed,
      });
    }
  }

  // Orphans: bytes on a replica that no blob row and no in-flight write refers to.
  const batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const { rows } = await db.query<{ sha256: string }>(
      `SELECT x AS sha256 FROM unnest($1::text[]) x
        WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = x AND ${live})
          AND NOT EXISTS (SELECT 1 FROM blob_intents i WHERE i.sha256 = x)`,
      [batch.splice(0)],
    );
    for (const { sha256 } of rows) {
      report.orphans++;
      if (options.repair) {
        await blobs.remove(sha256);
        report.orphansRemoved++;
      }
      report.problems.push({ sha256, replica: '*', state: 'orphan', repaired: options.repair });
    }
  };
  for await (const sha256 of blobs.list()) {
    batch.push(sha256);
    if (batch.length >= 500) await flush();
  }
  await flush();

  report.seconds = (performance.now() - started) / 1000;
  report.mbPerSecond = report.seconds > 0 ? report.bytes / 1e6 / report.seconds : 0;
  const { problems, ...summary } = report;
  await recordEvent(db, actor, options.repair ? 'storage.verify_repair' : 'storage.verify', {
    ...summary,
    problems: problems.length,
  });
  return report;
}
