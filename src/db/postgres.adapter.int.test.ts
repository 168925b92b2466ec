import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isAppError } from '../app/errors.ts';
import { runDatabaseContract } from './database.contract.ts';
import { openDatabase } from './open.ts';
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
