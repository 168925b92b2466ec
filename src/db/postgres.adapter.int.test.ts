import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isAppError } from '../app/errors.ts';
import { runDatabaseContract } from './database.contract.ts';
import { DatabaseError } from './database.port.ts';
import { openDatabase } from './open.ts';
import { openPostgres, type PostgresDatabase } from './postgres.adapter.ts';
import { createPostgresTestDatabase, testDatabaseUrl } from './testing.ts';

// Integration tests run against a real server; a missing one is a failure, never a skip.
const url = testDatabaseUrl();
if (!url) {
  throw new Error(
    'TEST_DATABASE_URL is not set. Start a server with `export "$(bash scripts/ci-postgres.sh)"` and run again.',
  );
}
const serverUrl = url;

const emptyMigrations = await mkdtemp(join(tmpdir(), 'dangan-no-migrations-'));
after(() => rm(emptyMigrations, { recursive: true, force: true }));

runDatabaseContract('PostgreSQL', () =>
  createPostgresTestDatabase({ url: serverUrl, migrationsDir: emptyMigrations }),
);

describe('PostgreSQL adapter', () => {
  test('openDatabase with a URL gives the PostgreSQL adapter in UTC', async () => {
    const db = await openDatabase({ url: serverUrl, dataDir: '/nonexistent/unused' });
    try {
      assert.equal(db.kind, 'postgres');
      assert.deepEqual((await db.query("SELECT current_setting('TimeZone') AS tz")).rows, [{ tz: 'UTC' }]);
    } finally {
      await db.close();
    }
  });

  test('an unreachable server is database.unavailable (503) naming host:port, not the password', async () => {
    await assert.rejects(
      openDatabase({ url: 'postgres://dangan:s3cret-pw@127.0.0.1:1/dangan_test', dataDir: '/unused' }),
      (error) => {
        assert.ok(isAppError(error));
        assert.equal(error.code, 'database.unavailable');
        assert.equal(error.status, 503);
        assert.match(error.en, /127\.0\.0\.1:1\/dangan_test/);
        assert.match(error.zh, /127\.0\.0\.1:1/);
        assert.doesNotMatch(`${error.en} ${error.zh} ${JSON.stringify(error.details)}`, /s3cret-pw/);
        return true;
      },
    );
  });

  test('wrong credentials are database.unavailable without the password', async () => {
    const wrong = new URL(serverUrl);
    wrong.password = 'definitely-wrong-pw';
    await assert.rejects(openDatabase({ url: wrong.href, dataDir: '/unused' }), (error) => {
      assert.ok(isAppError(error));
      assert.equal(error.code, 'database.unavailable');
      assert.match(error.en, new RegExp(`${wrong.hostname}:${wrong.port}`));
      assert.match(error.en, /password authentication failed/);
      assert.doesNotMatch(`${error.en} ${JSON.stringify(error.details)}`, /definitely-wrong-pw/);
      return true;
    });
  });

  test('a missing database is database.unavailable', async () => {
    const missing = new URL(serverUrl);
    missing.pathname = '/dangan_no_such_database';
    await assert.rejects(
      openDatabase({ url: missing.href, dataDir: '/unused' }),
      (error) =>
        isAppError(error) &&
        error.code === 'database.unavailable' &&
        /dangan_no_such_database/.test(error.en),
    );
  });

  test('two processes migrating one database at once apply each migration exactly once', async () => {
    await using db = await createPostgresTestDatabase({ url: serverUrl, migrationsDir: emptyMigrations });
    await db.exec('DROP TABLE schema_migrations');
    const folder = await mkdtemp(join(tmpdir(), 'dangan-race-'));
    try {
      for (let version = 1; version <= 4; version++) {
        // The sleep keeps each migration's lock held long enough for the other process to queue.
        await writeFile(
          join(folder, `000${version}_step${version}.sql`),
          `SELECT pg_sleep(0.2);\nCREATE TABLE race_${version} (id int);\nINSERT INTO race_${version} VALUES (${version});`,
        );
      }
      const migrateModule = new URL('./migrate.ts', import.meta.url).href;
      const openModule = new URL('./open.ts', import.meta.url).href;
      const script = `
        import { migrate } from ${JSON.stringify(migrateModule)};
        import { openDatabase } from ${JSON.stringify(openModule)};
        const db = await openDatabase({ url: process.argv[1], dataDir: '/unused' });
        try { console.log(JSON.stringify(await migrate(db, process.argv[2]))); } finally { await db.close(); }`;
      const results = await Promise.all([
        runNode(script, [db.url, folder]),
        runNode(script, [db.url, folder]),
      ]);
      const applied = results.flatMap((result) => (JSON.parse(result) as { applied: string[] }).applied);
      assert.deepEqual(applied.sort(), ['0001_step1', '0002_step2', '0003_step3', '0004_step4']);
      for (const result of results) assert.equal(JSON.parse(result).current, '0004_step4');
      const { rows } = await db.query('SELECT count(*)::int AS n FROM schema_migrations');
      assert.deepEqual(rows, [{ n: 4 }]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('PostgreSQL adapter: prepared statements', () => {
  /** The connection's prepared statements (the pool of `on` must hold one connection). */
  const preparedOn = async (on: PostgresDatabase) =>
    (await on.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')).rows.map(
      (row) => row.statement,
    );
  const pidOf = async (on: PostgresDatabase) =>
    (await on.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

  test('each text is prepared once per connection, at most the bound are kept, evicted ones are deallocated', async () => {
    await using db = await createPostgresTestDatabase({ url: serverUrl, migrationsDir: emptyMigrations });
    const small = await openPostgres({ url: db.url, max: 1, preparedStatements: 8 });
    try {
      const plusOne = 'SELECT $1::int + 1 AS n';
      for (let i = 0; i < 5; i++) assert.deepEqual((await small.query(plusOne, [i])).rows, [{ n: i + 1 }]);
      assert.equal((await preparedOn(small)).filter((text) => text === plusOne).length, 1);
      const plus = (k: number) => `SELECT $1::int + ${k} AS n`;
      for (let k = 0; k < 50; k++)
        assert.deepEqual((await small.query(plus(k), [100])).rows, [{ n: 100 + k }]);
      const kept = await preparedOn(small);
      // the bound, and the one this very query evicted (deallocated once it is done)
      assert.ok(kept.length <= 8 + 1, `${kept.length} statements kept: ${kept.join(' | ')}`);
      assert.equal(new Set(kept).size, kept.length, 'no text twice');
      assert.ok(!kept.includes(plus(0)), 'the least recently used is gone');
      for (const k of [0, 1, 49]) assert.deepEqual((await small.query(plus(k), [1])).rows, [{ n: 1 + k }]);
    } finally {
      await small.close();
    }
  });

  test('with preparation off nothing is prepared', async () => {
    await using db = await createPostgresTestDatabase({ url: serverUrl, migrationsDir: emptyMigrations });
    const off = await openPostgres({ url: db.url, max: 1, preparedStatements: 0 });
    try {
      for (let i = 0; i < 3; i++)
        assert.deepEqual((await off.query('SELECT $1::int AS n', [i])).rows, [{ n: i }]);
      assert.deepEqual(await preparedOn(off), []);
    } finally {
      await off.close();
    }
  });

  test("after another process's ALTER TABLE a cached statement is prepared again, also as a transaction's first", async () => {
    await using db = await createPostgresTestDatabase({ url: serverUrl, migrationsDir: emptyMigrations });
    const mine = await openPostgres({ url: db.url, max: 1 });
    const other = await openPostgres({ url: db.url, max: 1 });
    try {
      await mine.exec(
        'CREATE TABLE alter_elsewhere (id int PRIMARY KEY, v int NOT NULL); INSERT INTO alter_elsewhere VALUES (1, 5);',
      );
      const sql = 'SELECT v FROM alter_elsewhere WHERE id = $1';
      for (let i = 0; i < 7; i++) assert.deepEqual((await mine.query(sql, [1])).rows, [{ v: 5 }]);

      await other.exec("ALTER TABLE alter_elsewhere ALTER COLUMN v TYPE text USING 'v' || v");
      assert.deepEqual((await mine.query(sql, [1])).rows, [{ v: 'v5' }]);
      assert.equal(
        (await preparedOn(mine)).filter((text) => text === sql).length,
        1,
        'the refused one is deallocated',
      );

      await other.exec('ALTER TABLE alter_elsewhere ALTER COLUMN v TYPE int USING substr(v, 2)::int');
      const inside = await mine.transaction(async (tx) => {
        const first = (await tx.query(sql, [1])).rows;
        await tx.query('UPDATE alter_elsewhere SET v = v + 1');
        return { first, second: (await tx.query(sql, [1])).rows };
      });
      assert.deepEqual(inside, { first: [{ v: 5 }], second: [{ v: 6 }] });
      assert.deepEqual((await mine.query(sql, [1])).rows, [{ v: 6 }], 'committed once');
    } finally {
      await mine.close();
      await other.close();
    }
  });

  test('a replaced connection prepares its statements again', async () => {
    await using db = await createPostgresTestDatabase({ url: serverUrl, migrationsDir: emptyMigrations });
    const mine = await openPostgres({ url: db.url, max: 1 });
    const other = await openPostgres({ url: db.url, max: 1 });
    try {
      const sql = "SELECT $1::text || '!' AS said";
      for (let i = 0; i < 3; i++)
        assert.deepEqual((await mine.query(sql, [`a${i}`])).rows, [{ said: `a${i}!` }]);
      const pid = await pidOf(mine);
      await other.query('SELECT pg_terminate_backend($1)', [pid]);
      // The pool hears its idle connection closing and drops it.
      for (let wait = 0; wait < 50; wait++) {
        const { rows } = await other.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
        if (rows.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual((await mine.query(sql, ['b'])).rows, [{ said: 'b!' }]);
      assert.notEqual(await pidOf(mine), pid);
      assert.deepEqual(await mine.transaction(async (tx) => (await tx.query(sql, ['c'])).rows), [
        { said: 'c!' },
      ]);
    } finally {
      await mine.close();
      await other.close();
    }
  });

  test('a parameter that cannot be sent fails its call only; the statement keeps running right', async () => {
    await using db = await createPostgresTestDatabase({ url: serverUrl, migrationsDir: emptyMigrations });
    const mine = await openPostgres({ url: db.url, max: 1 });
    try {
      const sql = 'SELECT $1::jsonb AS j';
      const circular: Record<string, unknown> = {};
      circular['self'] = circular;
      assert.deepEqual((await mine.query(sql, [{ a: 1 }])).rows, [{ j: { a: 1 } }]);
      await assert.rejects(mine.query(sql, [circular]), TypeError);
      assert.deepEqual((await mine.query(sql, [{ a: 2 }])).rows, [{ j: { a: 2 } }]);
      const inside = await mine.transaction(async (tx) => {
        await assert.rejects(tx.query(sql, [circular]), TypeError);
        return (await tx.query(sql, [{ a: 3 }])).rows;
      });
      assert.deepEqual(inside, [{ j: { a: 3 } }]);
      assert.deepEqual((await mine.query(sql, [{ a: 4 }])).rows, [{ j: { a: 4 } }]);
      assert.ok((await preparedOn(mine)).length <= 2);
    } finally {
      await mine.close();
    }
  });

  test('a statement refused inside a transaction after its first aborts that transaction only', async () => {
    await using db = await createPostgresTestDatabase({ url: serverUrl, migrationsDir: emptyMigrations });
    const mine = await openPostgres({ url: db.url, max: 1 });
    const other = await openPostgres({ url: db.url, max: 1 });
    try {
      await mine.exec(
        'CREATE TABLE alter_late (id int PRIMARY KEY, v int NOT NULL); INSERT INTO alter_late VALUES (1, 5);',
      );
      const sql = 'SELECT * FROM alter_late WHERE id = $1';
      for (let i = 0; i < 3; i++) await mine.query(sql, [1]);
      await other.exec('ALTER TABLE alter_late ADD COLUMN w int NOT NULL DEFAULT 0');
      // The documented limit: another process changed the table while this one kept a statement on it.
      await assert.rejects(
        mine.transaction(async (tx) => {
          await tx.query('UPDATE alter_late SET v = 6');
          await tx.query(sql, [1]);
        }),
        (error) => error instanceof DatabaseError && error.sqlState === '0A000',
      );
      assert.deepEqual(
        (await mine.query(sql, [1])).rows,
        [{ id: 1, v: 5, w: 0 }],
        'rolled back, then prepared again',
      );
    } finally {
      await mine.close();
      await other.close();
    }
  });
});

function runNode(script: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out.trim().split('\n').at(-1)!) : reject(new Error(`exit ${code}: ${err}`)),
    );
  });
}
