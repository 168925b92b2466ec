/**
 * PostgreSQL statement benchmark: `npm run bench:db -- [--records 3000] [--calls 300] [--url postgres://…]`.
 *
 * Per-call latency of statements HTTP routes run on every request, against a PostgreSQL server
 * (TEST_DATABASE_URL or --url; `export "$(bash scripts/ci-postgres.sh)"` starts one on loopback),
 * through the PostgreSQL adapter with prepared statements (the default) and, in the same run, with
 * preparation off (every statement parsed and planned on every call) as the baseline:
 * - credential: the credential look-up of every authenticated request (users.usecases authenticate);
 * - related: the related-records statement (related.repository.ts), a different record each call;
 * - search: the statement after a search (search.repository.ts recordSearch: audit entry, facet
 *   labels, visibility of a page of 20 hits);
 * - by id: a one-row SELECT by primary key, the cheapest statement there is.
 * A fresh database is migrated and filled through the real app (users, organisations) and in bulk
 * (records, search-corpus.ts), then dropped. Both adapters hold one connection each and run the
 * same calls in alternating blocks. Prints p50/p95 per mode and the memory the prepared
 * connection's cached plans take on the server.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Database } from '../src/db/database.port.ts';
import { openPostgres } from '../src/db/postgres.adapter.ts';
import { relatedStatement } from '../src/modules/search/related.repository.ts';
import { recordSearch } from '../src/modules/search/search.repository.ts';
import { authenticate } from '../src/modules/users/sessions.usecases.ts';
import { createSignedInUser, createTestContext, signIn } from '../test/helpers.ts';
import { rngFor } from './corpus.ts';
import { recordGenerator, storeGenerated, type Generated, type Organisation } from './search-corpus.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '3000' },
    calls: { type: 'string', default: '300' },
    url: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const N = Number(values.records);
const CALLS = Number(values.calls);
const BLOCK = 25;
const url = values.url ?? process.env['TEST_DATABASE_URL'];
if (!url) {
  console.error('No PostgreSQL server: run `export "$(bash scripts/ci-postgres.sh)"` or pass --url.');
  process.exit(2);
}
process.env['TEST_DATABASE_URL'] = url;
process.env['DANGAN_TEST_BACKEND'] = 'postgres';

const log = (line: string) => process.stderr.write(`${line}\n`);
log(`db bench: ${N} records, ${CALLS} calls per statement and mode, on ${new URL(url).host}`);

const ctx = await createTestContext({ rateLimit: 1_000_000 });
const dbUrl = (ctx.services.db as Database & { url: string }).url;
let prepared: Database | undefined;
let unprepared: Database | undefined;
try {
  const admin = (await signIn(ctx.app, 'admin', ctx.adminPassword)).authorization;
  const token = (
    await createSignedInUser(ctx, admin, {
      username: 'bench-archivist',
      roles: ['archivist'],
      clearance: 'sensitive',
    })
  ).replace(/^Bearer /, '');

  // ---- records ----------------------------------------------------------------------------------
  const db = ctx.services.db;
  const { rows: orgRows } = await db.query<{ id: string; code: string; path: string }>(
    'SELECT id, code, path FROM organisations ORDER BY code',
  );
  const organisations: Organisation[] = orgRows.map((o) => ({ ...o, prefix: '呼审批发', region: '150100' }));
  const generate = recordGenerator({
    organisations,
    dataDir: resolve(import.meta.dirname, '../../shared/data'),
  });
  const records: Generated[] = [];
  for (let from = 0; from < N; from += 1000) {
    const batch = Array.from({ length: Math.min(1000, N - from) }, (_, i) => generate(from + i));
    records.push(...batch);
    await storeGenerated(db, batch);
  }
  await db.exec('ANALYZE');

  // ---- the statements ---------------------------------------------------------------------------
  prepared = await openPostgres({ url: dbUrl, max: 1 });
  unprepared = await openPostgres({ url: dbUrl, max: 1, preparedStatements: 0 });
  const { actor } = await authenticate(prepared, token);
  const rnd = rngFor('db-bench');
  const anyRecord = () => records[Math.floor(rnd() * records.length)]!;
  const statements: Record<string, (on: Database) => Promise<unknown>> = {
    credential: (on) => authenticate(on, token),
    related: (on) => {
      const params: unknown[] = [];
      const statement = relatedStatement(actor, anyRecord().doc.id, 50, params);
      return on.query(`WITH ${statement.with} ${statement.select}`, params);
    },
    search: (on) =>
      recordSearch(on, actor, {
        details: { query: '许可证', hits: 20 },
        organisationIds: organisations.map((o) => o.id),
        hitIds: Array.from({ length: 20 }, () => anyRecord().doc.id),
      }),
    'by id': (on) =>
      on.query('SELECT id, title, archive_no FROM records WHERE id = $1', [anyRecord().doc.id]),
  };

  // Both modes give the same answers (a different plan must never mean a different result).
  for (let i = 0; i < 20; i++) {
    const id = anyRecord().doc.id;
    const params: unknown[] = [];
    const statement = relatedStatement(actor, id, 50, params);
    const sql = `WITH ${statement.with} ${statement.select}`;
    const [off, on] = [await unprepared.query(sql, params), await prepared.query(sql, params)];
    if (JSON.stringify(off.rows) !== JSON.stringify(on.rows))
      throw new Error(`related ${id}: the modes disagree`);
  }

  const results: Record<string, Record<'off' | 'on', { p50: number; p95: number }>> = {};
  for (const [name, run] of Object.entries(statements)) {
    const times = { off: [] as number[], on: [] as number[] };
    for (const mode of ['off', 'on'] as const)
      for (let i = 0; i < 10; i++) await run(mode === 'on' ? prepared : unprepared);
    for (let done = 0; done < CALLS; done += BLOCK) {
      for (const mode of done % (2 * BLOCK) === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        const on = mode === 'on' ? prepared : unprepared;
        for (let i = 0; i < BLOCK; i++) {
          const started = performance.now();
          await run(on);
          times[mode].push(performance.now() - started);
        }
      }
    }
    results[name] = { off: percentiles(times.off), on: percentiles(times.on) };
  }
  const kept = (await prepared.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_prepared_statements'))
    .rows[0]!.n;
  // The cached plans' memory is readable by superusers and pg_read_all_stats only.
  const kib = await prepared
    .query<{ kib: number }>(
      `SELECT (sum(total_bytes) / 1024)::int AS kib FROM pg_backend_memory_contexts
        WHERE name IN ('CachedPlanSource', 'CachedPlanQuery', 'CachedPlan')`,
    )
    .then(
      (result) => result.rows[0]!.kib,
      () => null,
    );
  const memory = { statements: kept, kib };

  if (values.json) {
    console.log(JSON.stringify({ records: N, calls: CALLS, results, memory }, null, 2));
  } else {
    const ms = (v: number) => v.toFixed(3).padStart(8);
    console.log(`\nper call, ms (${CALLS} calls each; baseline = preparation off, same run)`);
    console.log(`${'statement'.padEnd(12)}  p50 off   p50 on   p95 off   p95 on   p50 on/off`);
    for (const [name, r] of Object.entries(results)) {
      console.log(
        `${name.padEnd(12)}${ms(r.off.p50)} ${ms(r.on.p50)}  ${ms(r.off.p95)} ${ms(r.on.p95)}   ${(r.on.p50 / r.off.p50).toFixed(2).padStart(6)}`,
      );
    }
    console.log(
      `server memory of the prepared connection's cached statements: ${memory.statements} statements, ${memory.kib ?? 'n/a (needs pg_read_all_stats)'} KiB`,
    );
  }
} finally {
  await prepared?.close();
  await unprepared?.close();
  await ctx.close();
}

function percentiles(times: number[]): { p50: number; p95: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95) };
}
