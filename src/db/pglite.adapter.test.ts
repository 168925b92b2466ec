import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isAppError } from '../app/errors.ts';
import { runDatabaseContract } from './database.contract.ts';
import { openDatabase } from './open.ts';
import { openPglite } from './pglite.adapter.ts';
import { createTestDatabase } from './testing.ts';

const emptyMigrations = await mkdtemp(join(tmpdir(), 'dangan-no-migrations-'));
after(() => rm(emptyMigrations, { recursive: true, force: true }));

runDatabaseContract('PGlite', () => createTestDatabase({ migrationsDir: emptyMigrations }));

describe('PGlite data folder', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'dangan-pglite-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('openDatabase without a URL creates the folder; data stays across close and reopen; open times', async (t) => {
    const dataDir = join(root, 'nested', 'db');
    let started = performance.now();
    const first = await openDatabase({ dataDir });
    assert.equal(first.kind, 'pglite');
    const openNew = performance.now() - started;
    await first.exec("CREATE TABLE kept (note text); INSERT INTO kept VALUES ('档案');");
    await first.close();
    assert.equal(existsSync(join(dataDir, '.lock')), false, 'close() removes the lock file');

    started = performance.now();
    const second = await openPglite({ dataDir });
    const openExisting = performance.now() - started;
    try {
      assert.deepEqual((await second.query('SELECT note FROM kept')).rows, [{ note: '档案' }]);
    } finally {
      await second.close();
    }
    t.diagnostic(
      `open a new data folder: ${openNew.toFixed(0)} ms; an existing one: ${openExisting.toFixed(0)} ms`,
    );
  });

  test('a second open in the same process is refused with database.in_use naming this pid', async () => {
    await using db = await createTestDatabase({ migrationsDir: emptyMigrations });
    const { dataDir } = db;
    await assert.rejects(openPglite({ dataDir }), (error) => {
      assert.ok(isAppError(error));
      assert.equal(error.code, 'database.in_use');
      assert.equal(error.status, 409);
      assert.equal(error.details?.['pid'], process.pid);
      assert.match(error.zh, new RegExp(`进程 ${process.pid}`));
      assert.match(error.en, new RegExp(`process ${process.pid}`));
      return true;
    });
    // The refused open left the holder's lock and database alone.
    assert.equal(JSON.parse(readFileSync(join(dataDir, '.lock'), 'utf8')).pid, process.pid);
    assert.deepEqual((await db.query('SELECT 1 AS ok')).rows, [{ ok: 1 }]);
  });

  test('another process opening the folder gets database.in_use naming the holder pid', async () => {
    await using db = await createTestDatabase({ migrationsDir: emptyMigrations });
    const { dataDir } = db;
    const adapter = new URL('./pglite.adapter.ts', import.meta.url).href;
    const child = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { openPglite } from ${JSON.stringify(adapter)};
         try { await openPglite({ dataDir: ${JSON.stringify(dataDir)} }); console.log(JSON.stringify({ opened: true })); process.exit(0); }
         catch (error) { console.log(JSON.stringify({ code: error.code, details: error.details, message: error.message })); }`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(child.status, 0, child.stderr);
    const outcome = JSON.parse(child.stdout.trim().split('\n').at(-1)!);
    assert.equal(outcome.code, 'database.in_use');
    assert.equal(outcome.details.pid, process.pid);
    assert.equal(outcome.details.hostname, hostname());
    assert.match(outcome.message, new RegExp(String(process.pid)));
    assert.deepEqual((await db.query('SELECT 1 AS ok')).rows, [{ ok: 1 }]);
  });

  test('a stale lock of a dead process on this host is taken over', async () => {
    const dataDir = await readyFolder();
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeLock(dataDir, { hostname: hostname(), pid: dead, startedAt: '2020-01-01T00:00:00Z', token: 'old' });
    const db = await openPglite({ dataDir, settings: { shared_buffers: '16MB' } });
    try {
      const lock = JSON.parse(readFileSync(join(dataDir, '.lock'), 'utf8'));
      assert.equal(lock.pid, process.pid);
      assert.equal(lock.hostname, hostname());
    } finally {
      await db.close();
    }
  });

  test('a lock left with this very pid by an earlier process (a restarted container) is stale', async () => {
    const dataDir = await readyFolder();
    writeLock(dataDir, {
      hostname: hostname(),
      pid: process.pid,
      startedAt: '2020-01-01T00:00:00Z',
      token: 'old',
    });
    const db = await openPglite({ dataDir, settings: { shared_buffers: '16MB' } });
    await db.close();
  });

  test('a lock from another host, or one that cannot be read, is respected', async () => {
    const dataDir = await readyFolder();
    writeLock(dataDir, {
      hostname: 'archive-node-2',
      pid: 4242,
      startedAt: '2020-01-01T00:00:00Z',
      token: 'x',
    });
    await assert.rejects(openPglite({ dataDir }), (error) => {
      assert.ok(isAppError(error) && error.code === 'database.in_use');
      assert.equal(error.details?.['hostname'], 'archive-node-2');
      assert.equal(error.details?.['pid'], 4242);
      return true;
    });
    writeFileSync(join(dataDir, '.lock'), 'garbage');
    await assert.rejects(
      openPglite({ dataDir }),
      (error) => isAppError(error) && error.code === 'database.in_use',
    );
  });

  test('a crashed worker rejects pending and later calls with database.unavailable', async () => {
    const dataDir = await readyFolder();
    const db = await openPglite({ dataDir, settings: { shared_buffers: '16MB' } });
    const slow = db.query('SELECT pg_sleep(5)');
    const queued = db.transaction(async (tx) => tx.query('SELECT 1'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await db.terminateWorkerForTesting();
    for (const call of [slow, queued, db.query('SELECT 1')]) {
      await assert.rejects(call, (error) => {
        assert.ok(isAppError(error));
        assert.equal(error.code, 'database.unavailable');
        assert.equal(error.status, 503);
        assert.match(error.en, /crash|exited/);
        return true;
      });
    }
    await db.close();
    assert.equal(existsSync(join(dataDir, '.lock')), false, 'close() after a crash still releases the lock');
    // PostgreSQL recovers the folder the crash left behind.
    const again = await openPglite({ dataDir, settings: { shared_buffers: '16MB' } });
    assert.deepEqual((await again.query('SELECT 1 AS ok')).rows, [{ ok: 1 }]);
    await again.close();
  });

  test('a test database starts from the migrated template', async (t) => {
    const timings: number[] = [];
    for (let index = 0; index < 3; index++) {
      const started = performance.now();
      await using db = await createTestDatabase({ migrationsDir: emptyMigrations });
      timings.push(performance.now() - started);
      assert.deepEqual((await db.query('SELECT count(*)::int AS n FROM schema_migrations')).rows, [{ n: 0 }]);
      await db.exec('CREATE TABLE only_here (n int)');
    }
    t.diagnostic(`createTestDatabase: ${timings.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  });
});

/** A data folder holding a database, made from the test template (no initdb), closed. */
async function readyFolder(): Promise<string> {
  const db = await createTestDatabase({ migrationsDir: emptyMigrations });
  await db.close();
  return db.dataDir;
}

function writeLock(dataDir: string, owner: Record<string, unknown>): void {
  writeFileSync(join(dataDir, '.lock'), JSON.stringify(owner));
}

describe('PGlite prepared statements (one per SQL text, kept by the worker)', () => {
  test('a statement run again after its table changed shape returns the new shape', async () => {
    await using db = await createTestDatabase({ migrationsDir: emptyMigrations });
    await db.exec('CREATE TABLE shape (a int); INSERT INTO shape VALUES (1);');
    const sql = 'SELECT * FROM shape WHERE a = $1';
    for (let i = 0; i < 7; i++) assert.deepEqual((await db.query(sql, [1])).rows, [{ a: 1 }]);
    await db.exec("ALTER TABLE shape ADD COLUMN b text DEFAULT '档'");
    assert.deepEqual((await db.query(sql, [1])).rows, [{ a: 1, b: '档' }]);
    await db.transaction(async (tx) => {
      await tx.query('ALTER TABLE shape DROP COLUMN b');
      assert.deepEqual((await tx.query(sql, [1])).rows, [{ a: 1 }]);
    });
  });

  test('a statement that failed is not kept, and the same text works once it can', async () => {
    await using db = await createTestDatabase({ migrationsDir: emptyMigrations });
    const sql = 'SELECT n FROM later WHERE n > $1 ORDER BY n';
    await assert.rejects(
      db.query(sql, [0]),
      (error: Error & { sqlState?: string }) => error.sqlState === '42P01',
    );
    await assert.rejects(
      db.transaction(async (tx) => tx.query(sql, [0])),
      (error: Error & { sqlState?: string }) => error.sqlState === '42P01',
    );
    await db.exec('CREATE TABLE later (n int); INSERT INTO later VALUES (1), (2);');
    assert.deepEqual((await db.query(sql, [1])).rows, [{ n: 2 }]);
  });

  test('keeps answering past the number of statements it keeps, the oldest prepared again', async () => {
    await using db = await createTestDatabase({ migrationsDir: emptyMigrations });
    for (let k = 0; k < 520; k++)
      assert.deepEqual((await db.query(`SELECT $1::int + ${k} AS n`, [1])).rows, [{ n: 1 + k }]);
    assert.deepEqual((await db.query('SELECT $1::int + 0 AS n', [5])).rows, [{ n: 5 }]);
    assert.deepEqual((await db.query('SELECT $1::int + 519 AS n', [1])).rows, [{ n: 520 }]);
  });

  test('a statement asked for a generic plan is planned once; the others as before, also after a rollback', async () => {
    await using db = await createTestDatabase({ migrationsDir: emptyMigrations });
    await db.exec(
      'CREATE TABLE plans (n int PRIMARY KEY); INSERT INTO plans SELECT generate_series(1, 100);',
    );
    const generic = 'SELECT n FROM plans WHERE n = ANY ($1::int[]) ORDER BY n';
    const custom = 'SELECT count(*)::int AS c FROM plans WHERE n < $1';
    const plans = async (sql: string) =>
      (
        await db.query<{ generic_plans: string; custom_plans: string }>(
          'SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1',
          [sql],
        )
      ).rows.map((r) => ({ generic: Number(r.generic_plans), custom: Number(r.custom_plans) }));
    for (let i = 0; i < 3; i++) {
      assert.deepEqual((await db.query(generic, [[3, 1]], { genericPlan: true })).rows, [{ n: 1 }, { n: 3 }]);
      assert.deepEqual((await db.query(custom, [10 + i])).rows, [{ c: 9 + i }]);
    }
    assert.deepEqual(await plans(generic), [{ generic: 3, custom: 0 }]);
    // PostgreSQL plans a statement for its values its first five times (plan_cache_mode auto).
    assert.deepEqual(await plans(custom), [{ generic: 0, custom: 3 }]);
    // A transaction that ran a generic statement and rolled back takes its setting back with it.
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query(generic, [[2]], { genericPlan: true });
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    assert.deepEqual((await db.query(generic, [[2]], { genericPlan: true })).rows, [{ n: 2 }]);
    assert.deepEqual((await db.query(custom, [50])).rows, [{ c: 49 }]);
    assert.deepEqual(await plans(generic), [{ generic: 5, custom: 0 }]);
    assert.deepEqual(await plans(custom), [{ generic: 0, custom: 4 }]);
  });
});
