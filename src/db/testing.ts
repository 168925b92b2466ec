/**
 * Databases for tests. createTestDatabase gives each test its own migrated PGlite in a temp folder
 * without paying PGlite's cluster creation (initdb, ~5 s here) each time:
 * - the freshly initialised cluster is built once per PGlite version and kept in the temp folder
 *   across processes (node --test runs every test file in its own process);
 * - the migrated template is built from it once per process and set of migrations (keyed by their
 *   checksums);
 * - each test database is a copy of that template, opened with a small buffer pool and the
 *   compiled WASM module shared by all of them.
 * createPostgresTestDatabase does the same for the integration tests on a real server: a new
 * database per test, dropped afterwards.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database, QueryOptions, Transaction } from './database.port.ts';
import { MIGRATIONS_DIR, migrate, readMigrations } from './migrate.ts';
import { openPglite, type PgliteDatabase } from './pglite.adapter.ts';
import { wasm, type WasmModule } from './pglite.protocol.ts';
import { openPostgres } from './postgres.adapter.ts';

export type TestDatabase = Database & { dataDir: string; [Symbol.asyncDispose](): Promise<void> };
export type PostgresTestDatabase = Database & { url: string; [Symbol.asyncDispose](): Promise<void> };

/**
 * Small buffers: a test database holds little, and PGlite zeroes the whole pool at start-up
 * (128 MB by default), which alone takes about half a second.
 */
const TEST_SETTINGS = { shared_buffers: '16MB' };

const templates = new Map<string, Promise<string>>();
/** folders to remove when the process ends, whether or not the tests disposed of them */
const temporary = new Set<string>();
let wasmModule: Promise<WasmModule> | undefined;
let exitHookInstalled = false;

/** TEST_DATABASE_URL, the PostgreSQL server of the integration tests (scripts/ci-postgres.sh). */
export function testDatabaseUrl(): string | undefined {
  const url = process.env['TEST_DATABASE_URL']?.trim();
  return url ? url : undefined;
}

/**
 * A fresh PGlite database with the migrations of options.migrationsDir (default: the program's)
 * applied, in its own temp folder. `await using db = await createTestDatabase()` closes and
 * deletes it at the end of the scope.
 */
export async function createTestDatabase(options: { migrationsDir?: string } = {}): Promise<TestDatabase> {
  const migrationsDir = options.migrationsDir ?? MIGRATIONS_DIR;
  const template = await templateFor(migrationsDir);
  const dataDir = await temporaryDir('dangan-test-db-');
  await cp(template, dataDir, { recursive: true });
  const db = await openPglite({ dataDir, settings: TEST_SETTINGS, wasmModule: await compiledWasm() });
  return asTestDatabase(db, dataDir);
}

function asTestDatabase(db: PgliteDatabase, dataDir: string): TestDatabase {
  return {
    kind: db.kind,
    dataDir,
    query: <Row = Record<string, unknown>>(
      sql: string,
      params?: readonly unknown[],
      options?: QueryOptions,
    ) => db.query<Row>(sql, params, options),
    exec: (sql: string) => db.exec(sql),
    transaction: <T>(fn: (tx: Transaction) => Promise<T>) => db.transaction(fn),
    close: () => db.close(),
    async [Symbol.asyncDispose]() {
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
      temporary.delete(dataDir);
    },
  };
}

/**
 * A fresh PGlite database as one of an earlier version was: the program's migrations applied up to,
 * not including, number `before`; `migrate(db)` then applies the rest, as an upgrade does.
 */
export async function createTestDatabaseBefore(before: number): Promise<TestDatabase> {
  const earlier = await temporaryDir('dangan-test-migrations-');
  await cp(MIGRATIONS_DIR, earlier, { recursive: true });
  for (const file of await readdir(earlier))
    if (Number.parseInt(file, 10) >= before) await rm(join(earlier, file));
  return createTestDatabase({ migrationsDir: earlier });
}

async function templateFor(migrationsDir: string): Promise<string> {
  const files = await readMigrations(migrationsDir);
  const key = createHash('sha256')
    .update(files.map((file) => `${file.id} ${file.checksum}`).join('\n'))
    .digest('hex');
  let template = templates.get(key);
  if (!template) {
    template = buildTemplate(migrationsDir);
    templates.set(key, template);
    // A failed build is not cached: the next test tries again and reports its own error.
    template.catch(() => templates.delete(key));
  }
  return template;
}

async function buildTemplate(migrationsDir: string): Promise<string> {
  const dir = await temporaryDir('dangan-test-template-');
  await cp(await baseCluster(), dir, { recursive: true });
  const db = await openPglite({ dataDir: dir, settings: TEST_SETTINGS, wasmModule: await compiledWasm() });
  try {
    await migrate(db, migrationsDir);
  } finally {
    await db.close();
  }
  return dir;
}

/**
 * A newly initialised, cleanly shut down PGlite cluster, shared by every process that uses this
 * PGlite version. It is built in a private folder and renamed into place only when complete, so a
 * process killed half-way leaves nothing a later one would trust.
 */
async function baseCluster(): Promise<string> {
  const dir = join(tmpdir(), `dangan-pglite-base-${pgliteVersion()}`);
  if (existsSync(join(dir, 'PG_VERSION'))) return dir;
  const building = await mkdtemp(join(tmpdir(), 'dangan-pglite-base-building-'));
  try {
    const db = await openPglite({
      dataDir: building,
      settings: TEST_SETTINGS,
      // 1 MB WAL segments instead of 16 MB: the one segment a new cluster has is copied per test.
      initdbArgs: ['--wal-segsize=1'],
      wasmModule: await compiledWasm(),
    });
    await db.close();
    try {
      await rename(building, dir);
    } catch {
      // Another process finished first (ENOTEMPTY/EEXIST); its copy is as good as this one.
    }
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  if (!existsSync(join(dir, 'PG_VERSION'))) throw new Error(`could not prepare the PGlite cluster in ${dir}`);
  return dir;
}

function pgliteVersion(): string {
  const main = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
  const manifest = join(main, '..', '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** pglite.wasm compiled once per process; each worker instantiates it instead of compiling again. */
function compiledWasm(): Promise<WasmModule> {
  wasmModule ??= (async () => {
    const main = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
    return wasm.compile(await readFile(join(main, '..', 'pglite.wasm')));
  })();
  return wasmModule;
}

async function temporaryDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temporary.add(dir);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const path of temporary) rmSync(path, { recursive: true, force: true });
    });
  }
  return dir;
}

/**
 * A new, migrated database on the PostgreSQL server at options.url (default TEST_DATABASE_URL),
 * named dangan_test_<random>, dropped by [Symbol.asyncDispose]. The URL's role needs CREATEDB.
 */
export async function createPostgresTestDatabase(
  options: { url?: string; migrationsDir?: string } = {},
): Promise<PostgresTestDatabase> {
  const url = options.url ?? testDatabaseUrl();
  if (!url)
    throw new Error('TEST_DATABASE_URL is not set: run scripts/ci-postgres.sh and export what it prints');
  const name = `dangan_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = await openPostgres({ url, max: 1 });
  try {
    await admin.exec(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  const db = await openPostgres({ url: target.href });
  try {
    await migrate(db, options.migrationsDir ?? MIGRATIONS_DIR);
  } catch (error) {
    await db.close();
    await dropDatabase(url, name);
    throw error;
  }
  return {
    kind: db.kind,
    url: target.href,
    query: <Row = Record<string, unknown>>(
      sql: string,
      params?: readonly unknown[],
      options?: QueryOptions,
    ) => db.query<Row>(sql, params, options),
    exec: (sql: string) => db.exec(sql),
    transaction: <T>(fn: (tx: Transaction) => Promise<T>) => db.transaction(fn),
    close: () => db.close(),
    async [Symbol.asyncDispose]() {
      await db.close();
      await dropDatabase(url, name);
    },
  };
}

async function dropDatabase(url: string, name: string): Promise<void> {
  const admin = await openPostgres({ url, max: 1 });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        return;
      } catch (error) {
        // An autovacuum worker on the database (it has no role) cannot be terminated by the test
        // role: FORCE then fails with 42501. It is done within moments; try again.
        if ((error as { sqlState?: string }).sqlState !== '42501' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  } finally {
    await admin.close();
  }
}
