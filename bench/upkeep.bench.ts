/**
 * Embedded database upkeep benchmark: `npm run bench:upkeep -- [--changes 500000] [--step 100000]`.
 *
 * PGlite has no autovacuum (src/db/upkeep.ts). This churns the search outbox as record changes do
 * (a row per change, deleted once indexed) and the job queue as the search_sync job does (a job
 * queued, claimed and done per batch of 500 changes), and times the statements every search and
 * every record change run against them — the outbox check of a search and the trigger's look for a
 * queued job — before any churn, after each step of churn, and after the upkeep's vacuum of the
 * churning tables, in one fresh database. Prints p50 per point and the tables' size.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../src/app/logger.ts';
import { createTestDatabase } from '../src/db/testing.ts';
import { startUpkeep } from '../src/db/upkeep.ts';

const { values } = parseArgs({
  options: { changes: { type: 'string', default: '500000' }, step: { type: 'string', default: '100000' } },
});
const CHANGES = Number(values.changes);
const STEP = Number(values.step);
const CALLS = 200;

await using db = await createTestDatabase();
const statements = {
  'outbox check (every search)': 'SELECT EXISTS (SELECT 1 FROM search_pending) AS pending',
  'queued sync job (every record change)': `SELECT EXISTS (SELECT 1 FROM jobs WHERE kind = 'search_sync' AND state = 'queued') AS queued`,
};
const p50 = async (sql: string) => {
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    await db.query(sql);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
};
const size = async () =>
  (
    await db.query<{ mb: string }>(
      `SELECT round((pg_total_relation_size('search_pending') + pg_total_relation_size('jobs')) / 1e6, 1)::text AS mb`,
    )
  ).rows[0]!.mb;
const rows: string[][] = [];
const measure = async (label: string) => {
  const row = [label];
  for (const sql of Object.values(statements)) row.push((await p50(sql)).toFixed(2));
  row.push(await size());
  rows.push(row);
  process.stderr.write(`  ${row.join(' | ')}\n`);
};

await measure('no churn');
for (let done = 0; done < CHANGES;) {
  const n = Math.min(STEP, CHANGES - done);
  for (let at = 0; at < n; at += 500) {
    const batch = Math.min(500, n - at);
    await db.query(
      `INSERT INTO search_pending (record_id) SELECT gen_random_uuid() FROM generate_series(1, $1)`,
      [batch],
    );
    await db.query(`INSERT INTO jobs (kind, state, max_attempts) VALUES ('search_sync', 'queued', 100)`);
    await db.query(`UPDATE jobs SET state = 'running' WHERE kind = 'search_sync' AND state = 'queued'`);
    await db.query('DELETE FROM search_pending');
    await db.query(
      `UPDATE jobs SET state = 'done', finished_at = now() WHERE kind = 'search_sync' AND state = 'running'`,
    );
  }
  done += n;
  await measure(`after ${done.toLocaleString('en')} changes`);
}
const upkeep = startUpkeep(db, { log: createLogger('silent') });
const vacuumMs = await upkeep.churned();
await upkeep.stop();
await measure(`after the upkeep's vacuum (${vacuumMs.toFixed(0)} ms)`);

process.stdout.write(
  [
    `embedded database upkeep — PGlite, ${CHANGES.toLocaleString('en')} record changes through the search outbox, node ${process.version}`,
    '',
    `| point | ${Object.keys(statements).join(' p50 ms | ')} p50 ms | outbox + jobs MB |`,
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n'),
);
