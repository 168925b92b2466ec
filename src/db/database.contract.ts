/**
 * The contract every Database adapter passes, so that code tested on PGlite behaves the same on a
 * PostgreSQL server: the value conventions of database.port.ts, parameters, errors, transactions
 * under concurrency, the event loop staying free, and the migration runner.
 *
 * open() must give a database the suite may change freely (it creates tables and drops
 * schema_migrations); the suite closes (or disposes of) every database it opens.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isAppError } from '../app/errors.ts';
import type { Database } from './database.port.ts';
import { DatabaseError } from './database.port.ts';
import { statementContract } from './database.contract.statements.ts';
import { migrate, migrationStatus } from './migrate.ts';

/** Registers the contract's tests (node:test) for one adapter under the title `name`. */
export function runDatabaseContract(name: string, open: () => Promise<Database>): void {
  describe(`Database contract: ${name}`, () => {
    let db: Database;
    before(async () => {
      db = await open();
    });
    after(async () => {
      await dispose(db);
    });

    describe('values', () => {
      test('each type comes back as the port says', async () => {
        const { rows } = await db.query(`SELECT
          32767::int2 AS i2, 2147483647::int4 AS i4, 9223372036854775807::int8 AS i8,
          12345678901234567890.123456789::numeric AS num, 1.5::float8 AS f8,
          true AS yes, false AS no, NULL::text AS nothing,
          '2024-05-01 08:30:00.123456+08'::timestamptz AS ts,
          '2024-05-01'::date AS d, '2024-05-01 08:30:00'::timestamp AS local,
          '{"a": [1, "二"], "b": null}'::jsonb AS j, '[1, 2]'::jsonb AS jarr,
          '\\x00ff10'::bytea AS bin,
          ARRAY[1, 2, NULL]::int4[] AS ai4, ARRAY['9223372036854775807']::int8[] AS ai8,
          ARRAY[1.10, 2]::numeric[] AS anum, ARRAY['a', 'b,c', '"q"', NULL]::text[] AS atext,
          ARRAY['2024-05-01']::date[] AS adate,
          ARRAY['2024-05-01 00:00:00+00']::timestamptz[] AS ats,
          interval '1 day 02:00:00' AS iv,
          '8f14e45f-ceea-467f-a0e6-3b1c6d8a2f10'::uuid AS id`);
        const row = rows[0]!;
        assert.equal(row['i2'], 32767);
        assert.equal(row['i4'], 2147483647);
        assert.equal(row['i8'], '9223372036854775807');
        assert.equal(row['num'], '12345678901234567890.123456789');
        assert.equal(row['f8'], 1.5);
        assert.equal(row['yes'], true);
        assert.equal(row['no'], false);
        assert.equal(row['nothing'], null);
        assert.ok(row['ts'] instanceof Date);
        assert.equal(row['ts'].toISOString(), '2024-05-01T00:30:00.123Z');
        assert.equal(row['d'], '2024-05-01');
        assert.equal(row['local'], '2024-05-01 08:30:00');
        assert.deepEqual(row['j'], { a: [1, '二'], b: null });
        assert.deepEqual(row['jarr'], [1, 2]);
        assert.ok(row['bin'] instanceof Uint8Array);
        assert.deepEqual([...row['bin']], [0, 255, 16]);
        assert.deepEqual(row['ai4'], [1, 2, null]);
        assert.deepEqual(row['ai8'], ['9223372036854775807']);
        assert.deepEqual(row['anum'], ['1.10', '2']);
        assert.deepEqual(row['atext'], ['a', 'b,c', '"q"', null]);
        assert.deepEqual(row['adate'], ['2024-05-01']);
        assert.deepEqual(
          (row['ats'] as Date[]).map((value) => value.toISOString()),
          ['2024-05-01T00:00:00.000Z'],
        );
        assert.equal(row['iv'], '1 day 02:00:00');
        assert.equal(row['id'], '8f14e45f-ceea-467f-a0e6-3b1c6d8a2f10');
      });

      test('text in Chinese, emoji and GB18030-only characters round-trips unchanged', async () => {
        await db.exec('CREATE TABLE contract_text (id int PRIMARY KEY, body text NOT NULL)');
        const samples = [
          '电子档案管理系统',
          '表情😀👨‍👩‍👧‍👦',
          '𠀀𠀁𪚥', // CJK Extension B: outside the BMP, in GB18030 but not in GBK
          '㐀䶵', // CJK Extension A
          'é vs é', // precomposed and combining: kept apart, not normalised
          "quote ' and backslash \\ and $1",
        ];
        for (const [index, body] of samples.entries()) {
          await db.query('INSERT INTO contract_text (id, body) VALUES ($1, $2)', [index, body]);
        }
        const { rows } = await db.query<{ body: string; chars: number; bytes: number }>(
          'SELECT body, length(body) AS chars, octet_length(body) AS bytes FROM contract_text ORDER BY id',
        );
        assert.deepEqual(
          rows.map((row) => row.body),
          samples,
        );
        assert.equal(rows[2]!.chars, 3, '𠀀 is one character to PostgreSQL');
        assert.equal(rows[2]!.bytes, 12, '…and four bytes of UTF-8');
        const found = await db.query('SELECT id FROM contract_text WHERE body = $1', ['𠀀𠀁𪚥']);
        assert.deepEqual(found.rows, [{ id: 2 }]);
      });

      test('the session time zone is UTC', async () => {
        const { rows } = await db.query(
          "SELECT current_setting('TimeZone') AS tz, '2024-05-01 00:30:00+08'::timestamptz::date AS day",
        );
        assert.deepEqual(rows, [{ tz: 'UTC', day: '2024-04-30' }]);
      });

      test('null and undefined parameters are NULL', async () => {
        const { rows } = await db.query('SELECT $1::text IS NULL AS a, $2::int IS NULL AS b', [
          null,
          undefined,
        ]);
        assert.deepEqual(rows, [{ a: true, b: true }]);
      });
    });

    describe('parameters', () => {
      test('values of each kind are accepted as parameters', async () => {
        const bytes = new Uint8Array([0, 1, 254, 255]);
        const when = new Date('2024-05-01T00:30:00.123Z');
        const { rows } = await db.query(
          `SELECT $1::int8 + 1 AS big, $2::int8 AS from_bigint, $3::numeric * 2 AS num,
             $4::timestamptz AS ts, $5::jsonb AS obj, $6::jsonb AS list, $7::bytea AS bin,
             $8::int4[] AS ints, $9::text[] AS texts, $10::boolean AS flag, $11::date AS d,
             $1::int8 = $1::int8 AS reused`,
          [
            '9007199254740993',
            123n,
            '0.1',
            when,
            { 名称: '档案', n: 1 },
            JSON.stringify([1, 'two']),
            bytes,
            [1, null, 3],
            ['a,b', 'c"d', 'e\\f', null],
            true,
            '2024-02-29',
          ],
        );
        const row = rows[0]!;
        assert.equal(row['big'], '9007199254740994');
        assert.equal(row['from_bigint'], '123');
        assert.equal(row['num'], '0.2');
        assert.equal((row['ts'] as Date).getTime(), when.getTime());
        assert.deepEqual(row['obj'], { 名称: '档案', n: 1 });
        assert.deepEqual(row['list'], [1, 'two']);
        assert.deepEqual([...(row['bin'] as Uint8Array)], [0, 1, 254, 255]);
        assert.deepEqual(row['ints'], [1, null, 3]);
        assert.deepEqual(row['texts'], ['a,b', 'c"d', 'e\\f', null]);
        assert.equal(row['flag'], true);
        assert.equal(row['d'], '2024-02-29');
        assert.equal(row['reused'], true);
      });

      test('a parameter is never SQL', async () => {
        const { rows } = await db.query('SELECT $1::text AS value', ["'); DROP TABLE contract_text; --"]);
        assert.equal(rows[0]!['value'], "'); DROP TABLE contract_text; --");
      });
    });

    describe('errors', () => {
      test('a failed statement rejects with a DatabaseError carrying the SQLSTATE', async () => {
        await db.exec('CREATE TABLE contract_unique (code text CONSTRAINT contract_unique_code UNIQUE)');
        await db.query('INSERT INTO contract_unique VALUES ($1)', ['A']);
        await assert.rejects(db.query('INSERT INTO contract_unique VALUES ($1)', ['A']), (error) => {
          assert.ok(error instanceof DatabaseError);
          assert.equal(error.sqlState, '23505');
          assert.equal(error.constraint, 'contract_unique_code');
          assert.equal(error.table, 'contract_unique');
          return true;
        });
        await assert.rejects(db.query('SELEC 1'), sqlState('42601'));
        await assert.rejects(db.query('SELECT 1 / 0'), sqlState('22012'));
        await assert.rejects(db.query('SELECT * FROM contract_no_such_table'), sqlState('42P01'));
        await assert.rejects(db.query("SELECT 'x'::int"), sqlState('22P02'));
        // The connection is still good after every one of them.
        assert.deepEqual((await db.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
      });

      test('query() runs exactly one statement', async () => {
        await assert.rejects(db.query('SELECT 1; SELECT 2'), sqlState('42601'));
      });
    });

    describe('rowCount and exec', () => {
      test('rowCount counts the rows a statement touched or returned', async () => {
        await db.exec('CREATE TABLE contract_count (n int)');
        assert.equal((await db.query('INSERT INTO contract_count SELECT generate_series(1, 3)')).rowCount, 3);
        assert.equal((await db.query('UPDATE contract_count SET n = n + 1 WHERE n > 1')).rowCount, 2);
        assert.equal((await db.query('SELECT * FROM contract_count')).rowCount, 3);
        assert.equal((await db.query('DELETE FROM contract_count WHERE n = 1')).rowCount, 1);
        assert.equal((await db.query('CREATE INDEX contract_count_n ON contract_count (n)')).rowCount, 0);
      });

      test('exec runs a script of several statements, dollar quotes included', async () => {
        await db.exec(`
          CREATE TABLE contract_script (n int);
          CREATE FUNCTION contract_twice(x int) RETURNS int LANGUAGE plpgsql AS $$
            BEGIN
              RETURN x * 2; -- a semicolon inside the body
            END;
          $$;
          INSERT INTO contract_script VALUES (contract_twice(21));
        `);
        assert.deepEqual((await db.query('SELECT n FROM contract_script')).rows, [{ n: 42 }]);
      });

      test('a script that fails leaves nothing behind and reports the SQLSTATE', async () => {
        await assert.rejects(
          db.exec('CREATE TABLE contract_half (n int); INSERT INTO contract_half VALUES (1 / 0);'),
          sqlState('22012'),
        );
        const { rows } = await db.query("SELECT to_regclass('contract_half') IS NULL AS absent");
        assert.deepEqual(rows, [{ absent: true }]);
      });
    });

    describe('transactions', () => {
      before(async () => {
        await db.exec('CREATE TABLE contract_tx (id int PRIMARY KEY, note text)');
      });

      test('commits when fn resolves, and returns its value', async () => {
        const value = await db.transaction(async (tx) => {
          await tx.query("INSERT INTO contract_tx VALUES (1, 'one')");
          await tx.query("INSERT INTO contract_tx VALUES (2, 'two')");
          return 'done';
        });
        assert.equal(value, 'done');
        assert.equal(await count(db, 'contract_tx WHERE id IN (1, 2)'), 2);
      });

      test('a thrown error rolls back every statement and rejects with that error', async () => {
        const thrown = new Error('changed my mind');
        await assert.rejects(
          db.transaction(async (tx) => {
            await tx.query("INSERT INTO contract_tx VALUES (10, 'ten')");
            await tx.exec("INSERT INTO contract_tx VALUES (11, 'eleven'); UPDATE contract_tx SET note = 'x'");
            throw thrown;
          }),
          (error) => error === thrown,
        );
        assert.equal(await count(db, 'contract_tx WHERE id IN (10, 11)'), 0);
        assert.equal(await count(db, "contract_tx WHERE note = 'x'"), 0);
      });

      test('a failing statement rolls back the transaction', async () => {
        await assert.rejects(
          db.transaction(async (tx) => {
            await tx.query("INSERT INTO contract_tx VALUES (20, 'twenty')");
            await tx.query("INSERT INTO contract_tx VALUES (1, 'duplicate')");
          }),
          sqlState('23505'),
        );
        assert.equal(await count(db, 'contract_tx WHERE id = 20'), 0);
      });

      test('a caught statement error still fails the commit (25P02) and commits nothing', async () => {
        await assert.rejects(
          db.transaction(async (tx) => {
            await tx.query("INSERT INTO contract_tx VALUES (30, 'thirty')");
            await tx.query('SELECT 1 / 0').catch(() => undefined);
          }),
          sqlState('25P02'),
        );
        assert.equal(await count(db, 'contract_tx WHERE id = 30'), 0);
      });

      test('the tx handle refuses statements once its transaction has ended', async () => {
        let handle: { query(sql: string): Promise<unknown> } | undefined;
        await db.transaction(async (tx) => {
          handle = tx;
        });
        await assert.rejects(handle!.query('SELECT 1'), appError('database.transaction_finished'));
      });

      test('the database itself is refused from inside its transaction (it would deadlock on PGlite)', async () => {
        await db.transaction(async () => {
          await assert.rejects(db.query('SELECT 1'), appError('database.outside_transaction'));
          await assert.rejects(db.exec('SELECT 1'), appError('database.outside_transaction'));
          await assert.rejects(
            db.transaction(async () => undefined),
            appError('database.outside_transaction'),
          );
        });
      });

      test('a statement outside a transaction never sees its uncommitted changes', async () => {
        let inserted!: () => void;
        const insertedSignal = new Promise<void>((resolve) => (inserted = resolve));
        let committed = false;
        const transaction = db.transaction(async (tx) => {
          await tx.query("INSERT INTO contract_tx VALUES (40, 'forty')");
          inserted();
          // Long enough for a server to answer the outside query before the commit.
          await new Promise((resolve) => setTimeout(resolve, 150));
        });
        void transaction.then(() => (committed = true));
        await insertedSignal;
        const outside = db
          .query<{ n: number }>('SELECT count(*)::int AS n FROM contract_tx WHERE id = 40')
          .then((result) => ({ n: result.rows[0]!.n, afterCommit: committed }));
        await transaction;
        const seen = await outside;
        // A server answers at once and sees nothing; PGlite waits for the commit and sees the row.
        assert.equal(seen.n, seen.afterCommit ? 1 : 0);
      });

      test('50 concurrent transactions increment a counter to 1..50, each value once', async () => {
        await db.exec(
          'CREATE TABLE contract_counter (n int NOT NULL); INSERT INTO contract_counter VALUES (0);',
        );
        const values = await Promise.all(
          Array.from({ length: 50 }, () =>
            db.transaction(async (tx) => {
              const { rows } = await tx.query<{ n: number }>(
                'UPDATE contract_counter SET n = n + 1 RETURNING n',
              );
              return rows[0]!.n;
            }),
          ),
        );
        assert.deepEqual(
          values.sort((a, b) => a - b),
          Array.from({ length: 50 }, (_, index) => index + 1),
        );
      });

      test('read-modify-write transactions do not interleave their statements', async () => {
        await db.exec(
          'CREATE TABLE contract_balance (n int NOT NULL); INSERT INTO contract_balance VALUES (0);',
        );
        await Promise.all(
          Array.from({ length: 20 }, () =>
            db.transaction(async (tx) => {
              const { rows } = await tx.query<{ n: number }>('SELECT n FROM contract_balance FOR UPDATE');
              await new Promise((resolve) => setImmediate(resolve));
              await tx.query('UPDATE contract_balance SET n = $1', [rows[0]!.n + 1]);
            }),
          ),
        );
        assert.deepEqual((await db.query('SELECT n FROM contract_balance')).rows, [{ n: 20 }]);
      });

      test('SELECT … FOR UPDATE SKIP LOCKED hands each job to one worker', async () => {
        await db.exec(
          'CREATE TABLE contract_jobs (id int PRIMARY KEY, claimed_by int); ' +
            'INSERT INTO contract_jobs SELECT generate_series(1, 10);',
        );
        const claims = await Promise.all(
          Array.from({ length: 10 }, (_, worker) =>
            db.transaction(async (tx) => {
              const { rows } = await tx.query<{ id: number }>(
                'SELECT id FROM contract_jobs WHERE claimed_by IS NULL ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED',
              );
              const job = rows[0];
              if (!job) return undefined;
              // Hold the row lock a moment so that, on a server, the other workers overlap.
              await tx.query('SELECT pg_sleep(0.02)');
              await tx.query('UPDATE contract_jobs SET claimed_by = $1 WHERE id = $2', [worker, job.id]);
              return job.id;
            }),
          ),
        );
        const claimed = claims.filter((id) => id !== undefined).sort((a, b) => a - b);
        assert.equal(new Set(claimed).size, claimed.length, 'no job is claimed twice');
        assert.equal(await count(db, 'contract_jobs WHERE claimed_by IS NULL'), 10 - claimed.length);
        assert.ok(claimed.length >= 1);
      });
    });

    statementContract(() => db);

    describe('the event loop', () => {
      for (const [label, sql] of [
        ['pg_sleep(0.5)', 'SELECT pg_sleep(0.5)'],
        ['a CPU-heavy query', 'SELECT count(*) FROM generate_series(1, 3000000) AS g WHERE g % 7 = 3'],
      ] as const) {
        test(`stays free during ${label}`, async (t) => {
          const started = performance.now();
          let last = started;
          let longestGap = 0;
          let ticks = 0;
          const timer = setInterval(() => {
            const now = performance.now();
            longestGap = Math.max(longestGap, now - last);
            last = now;
            ticks++;
          }, 10);
          try {
            await db.query(sql);
          } finally {
            clearInterval(timer);
          }
          const elapsed = performance.now() - started;
          t.diagnostic(
            `${label}: ${elapsed.toFixed(0)} ms, ${ticks} timer ticks, longest gap ${longestGap.toFixed(0)} ms`,
          );
          // A query on the main thread would hold the loop for its whole duration.
          assert.ok(longestGap < 300, `the event loop stalled for ${longestGap.toFixed(0)} ms`);
          if (label.startsWith('pg_sleep')) assert.ok(ticks >= 15, `only ${ticks} ticks in ${elapsed} ms`);
        });
      }
    });

    describe('close', () => {
      test('after close() every call rejects with database.unavailable; close() twice is fine', async () => {
        const own = await open();
        await own.query('SELECT 1');
        await own.close();
        await own.close();
        await assert.rejects(own.query('SELECT 1'), appError('database.unavailable', 503));
        await assert.rejects(
          own.transaction(async () => undefined),
          appError('database.unavailable', 503),
        );
        await dispose(own);
      });
    });

    describe('migrations', () => {
      let dir: string;
      before(async () => {
        dir = await mkdtemp(join(tmpdir(), 'dangan-contract-migrations-'));
      });
      after(async () => {
        await rm(dir, { recursive: true, force: true });
      });

      /** A new database and migration folder per test: schema_migrations is one per database. */
      async function setUp(files: Record<string, string>): Promise<{ db: Database; dir: string }> {
        const fresh = await open();
        await fresh.exec('DROP TABLE IF EXISTS schema_migrations');
        const folder = await mkdtemp(join(dir, 'case-'));
        await writeFiles(folder, files);
        return { db: fresh, dir: folder };
      }

      test('applies pending files in order, once; a second run is a no-op', async () => {
        const { db: mdb, dir: folder } = await setUp({
          '0001_first.sql': 'CREATE TABLE contract_m_a (id int PRIMARY KEY);',
          '0002_second.sql':
            'CREATE TABLE contract_m_b (id int REFERENCES contract_m_a);\nINSERT INTO contract_m_a VALUES (1);',
          'README.md': 'not a migration',
        });
        try {
          assert.deepEqual(await migrate(mdb, folder), {
            applied: ['0001_first', '0002_second'],
            current: '0002_second',
          });
          assert.deepEqual(await migrate(mdb, folder), { applied: [], current: '0002_second' });
          const { rows } = await mdb.query<{
            version: number;
            name: string;
            checksum: string;
            applied_at: Date;
          }>('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version');
          assert.deepEqual(
            rows.map((row) => [row.version, row.name]),
            [
              [1, 'first'],
              [2, 'second'],
            ],
          );
          assert.match(rows[0]!.checksum, /^[0-9a-f]{64}$/);
          assert.ok(rows[0]!.applied_at instanceof Date);
          assert.equal(await count(mdb, 'contract_m_a'), 1);

          await writeFiles(folder, { '0003_third.sql': 'ALTER TABLE contract_m_a ADD COLUMN note text;' });
          const status = await migrationStatus(mdb, folder);
          assert.deepEqual(status.pending, ['0003_third']);
          assert.equal(status.current, '0002_second');
          assert.deepEqual(await migrate(mdb, folder), { applied: ['0003_third'], current: '0003_third' });
          // Line endings alone are not a change (a Windows checkout).
          await writeFiles(folder, {
            '0002_second.sql':
              '\uFEFFCREATE TABLE contract_m_b (id int REFERENCES contract_m_a);\r\nINSERT INTO contract_m_a VALUES (1);',
          });
          assert.deepEqual(await migrate(mdb, folder), { applied: [], current: '0003_third' });
        } finally {
          await dispose(mdb);
        }
      });

      test('refuses to run when an applied file changed', async () => {
        const { db: mdb, dir: folder } = await setUp({
          '0001_first.sql': 'CREATE TABLE contract_m_c (id int);',
        });
        try {
          await migrate(mdb, folder);
          await writeFiles(folder, {
            '0001_first.sql': 'CREATE TABLE contract_m_c (id bigint);',
            '0002_second.sql': 'CREATE TABLE contract_m_d (id int);',
          });
          await assert.rejects(migrate(mdb, folder), (error) => {
            assert.ok(isAppError(error));
            assert.equal(error.code, 'database.migration_changed');
            assert.equal(error.details?.['file'], '0001_first.sql');
            return true;
          });
          assert.deepEqual((await migrationStatus(mdb, folder)).changed, ['0001_first']);
          const { rows } = await mdb.query("SELECT to_regclass('contract_m_d') IS NULL AS absent");
          assert.deepEqual(rows, [{ absent: true }], 'nothing after the refusal was applied');
        } finally {
          await dispose(mdb);
        }
      });

      test('a failing migration is reported with its file and leaves no trace', async () => {
        const { db: mdb, dir: folder } = await setUp({
          '0001_first.sql': 'CREATE TABLE contract_m_e (id int);',
          '0002_broken.sql': 'CREATE TABLE contract_m_f (id int);\nINSERT INTO contract_m_f VALUES (1 / 0);',
        });
        try {
          await assert.rejects(migrate(mdb, folder), (error) => {
            assert.ok(isAppError(error));
            assert.equal(error.code, 'database.migration_failed');
            assert.equal(error.details?.['file'], '0002_broken.sql');
            assert.match(error.en, /0002_broken\.sql.*division by zero/);
            assert.equal((error.cause as DatabaseError).sqlState, '22012');
            return true;
          });
          const { rows } = await mdb.query(
            "SELECT to_regclass('contract_m_e') IS NOT NULL AS first, to_regclass('contract_m_f') IS NULL AS broken_absent",
          );
          assert.deepEqual(rows, [{ first: true, broken_absent: true }]);
          assert.deepEqual((await migrationStatus(mdb, folder)).pending, ['0002_broken']);
          await writeFiles(folder, { '0002_broken.sql': 'CREATE TABLE contract_m_f (id int);' });
          assert.deepEqual(await migrate(mdb, folder), { applied: ['0002_broken'], current: '0002_broken' });
        } finally {
          await dispose(mdb);
        }
      });

      test('refuses a database with a migration the program lacks (a newer schema)', async () => {
        const { db: mdb, dir: folder } = await setUp({
          '0001_first.sql': 'CREATE TABLE contract_m_g (id int);',
          '0002_second.sql': 'CREATE TABLE contract_m_h (id int);',
        });
        try {
          await migrate(mdb, folder);
          await rm(join(folder, '0002_second.sql'));
          await assert.rejects(migrate(mdb, folder), (error) => {
            assert.ok(isAppError(error));
            assert.equal(error.code, 'database.migration_missing');
            assert.match(error.en, /0002_second/);
            return true;
          });
          assert.deepEqual((await migrationStatus(mdb, folder)).missing, ['0002_second']);
        } finally {
          await dispose(mdb);
        }
      });

      test('refuses a pending file numbered below an applied one', async () => {
        const { db: mdb, dir: folder } = await setUp({
          '0001_first.sql': 'SELECT 1;',
          '0003_third.sql': 'SELECT 3;',
        });
        try {
          await migrate(mdb, folder);
          await writeFiles(folder, { '0002_second.sql': 'SELECT 2;' });
          await assert.rejects(migrate(mdb, folder), appError('database.migration_out_of_order'));
        } finally {
          await dispose(mdb);
        }
      });
    });
  });
}

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
}

async function count(db: Database, from: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${from}`);
  return rows[0]!.n;
}

async function dispose(db: Database): Promise<void> {
  const disposeFn = (db as Partial<AsyncDisposable>)[Symbol.asyncDispose];
  if (disposeFn) await disposeFn.call(db);
  else await db.close();
}

function sqlState(expected: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof DatabaseError, `expected a DatabaseError, got ${String(error)}`);
    assert.equal(error.sqlState, expected, error.message);
    return true;
  };
}

function appError(code: string, status?: number) {
  return (error: unknown): boolean => {
    assert.ok(isAppError(error), `expected the AppError ${code}, got ${String(error)}`);
    assert.equal(error.code, code);
    if (status !== undefined) assert.equal(error.status, status);
    return true;
  };
}
