/**
 * Schema migrations: numbered, forward-only SQL files `NNNN_name.sql`, each applied once, in its
 * own transaction together with its row in schema_migrations, so that a migration is either wholly
 * applied and recorded or leaves no trace. Applied files are checked on every run: a changed one
 * means the schema no longer matches the code, a missing one that a newer program upgraded the
 * database — both stop the program before it touches data.
 *
 * Several processes may migrate one PostgreSQL server at once: every step takes the same
 * transaction-scoped advisory lock and re-reads schema_migrations under it.
 *
 * A migration runs inside a transaction, so it cannot use what PostgreSQL refuses there
 * (CREATE INDEX CONCURRENTLY, VACUUM) and must not contain BEGIN or COMMIT.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  migrationChanged,
  migrationFailed,
  migrationInvalid,
  migrationMissing,
  migrationOutOfOrder,
} from './database.errors.ts';
import type { Database, Queryable } from './database.port.ts';

/** The migrations that ship with the program. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Same family as bootstrap's 7346001: one number per kind of start-up work to serialise. */
const MIGRATION_LOCK = 7346000;

const FILE_NAME = /^(\d{4})_([A-Za-z0-9_-]+)\.sql$/;

export interface MigrationFile {
  version: number;
  /** 'NNNN_name', the file name without .sql: how migrations are named in results and errors */
  id: string;
  file: string;
  name: string;
  /** SHA-256 (hex) of the text with line endings normalised */
  checksum: string;
  sql: string;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date;
}

/**
 * Reads the migration files of dir, ordered by version. Other files (a README) are ignored; a .sql
 * file with another name, or two files with one number, throw database.migration_invalid.
 */
export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw migrationInvalid({ dir, reason: `cannot be read (${(error as Error).message})` }, { cause: error });
  }
  const files: MigrationFile[] = [];
  for (const file of names.filter((name) => name.endsWith('.sql')).sort()) {
    const match = FILE_NAME.exec(file);
    if (!match) throw migrationInvalid({ dir, reason: `${file} is not named NNNN_name.sql` });
    const version = Number(match[1]);
    if (version === 0) throw migrationInvalid({ dir, reason: `${file}: numbers start at 0001` });
    const previous = files.at(-1);
    if (previous?.version === version) {
      throw migrationInvalid({ dir, reason: `${previous.file} and ${file} have the same number` });
    }
    const sql = normalise(await readFile(join(dir, file), 'utf8'));
    files.push({
      version,
      id: file.slice(0, -'.sql'.length),
      file,
      name: match[2]!,
      checksum: createHash('sha256').update(sql).digest('hex'),
      sql,
    });
  }
  return files;
}

/**
 * A checkout on Windows (git autocrlf) or an editor's byte-order mark must not count as a change to
 * a released migration.
 */
function normalise(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/**
 * Applies the pending migrations of dir to db, in order, each in its own transaction. Returns the
 * ids applied by this call ('0002_search', …) and the id of the newest applied migration ('' when
 * there is none). Throws database.migration_changed, database.migration_missing,
 * database.migration_out_of_order before applying anything, and database.migration_failed naming
 * the file and PostgreSQL's message when a migration fails (that migration is rolled back; those
 * before it stay applied).
 */
export async function migrate(
  db: Database,
  dir: string = MIGRATIONS_DIR,
): Promise<{ applied: string[]; current: string }> {
  const files = await readMigrations(dir);
  const pending = await db.transaction(async (tx) => {
    await lock(tx);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version int PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await appliedRows(tx);
    const check = compare(files, rows);
    if (check.changed[0]) throw migrationChanged({ file: `${check.changed[0]}.sql` });
    if (check.missing.length > 0) throw migrationMissing({ file: check.missing.join(', ') });
    const latest = rows.at(-1);
    const early = check.pending.find((file) => latest && file.version < latest.version);
    if (early && latest) {
      throw migrationOutOfOrder({ file: early.file, current: idOf(latest) });
    }
    return check.pending;
  });

  const applied: string[] = [];
  for (const file of pending) {
    const done = await db.transaction(async (tx) => {
      await lock(tx);
      // Another process may have applied it while this one waited for the lock.
      const existing = await tx.query<{ checksum: string }>(
        'SELECT checksum FROM schema_migrations WHERE version = $1',
        [file.version],
      );
      if (existing.rows[0]) {
        if (existing.rows[0].checksum !== file.checksum) throw migrationChanged({ file: file.file });
        return false;
      }
      try {
        await tx.exec(file.sql);
      } catch (error) {
        throw migrationFailed(
          { file: file.file, message: error instanceof Error ? error.message : String(error) },
          { cause: error },
        );
      }
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        file.version,
        file.name,
        file.checksum,
      ]);
      return true;
    });
    if (done) applied.push(file.id);
  }

  const latest = await db.query<{ version: number; name: string }>(
    'SELECT version, name FROM schema_migrations ORDER BY version DESC LIMIT 1',
  );
  return { applied, current: latest.rows[0] ? idOf(latest.rows[0]) : '' };
}

export interface MigrationStatus {
  /** id of the newest applied migration, '' when none */
  current: string;
  applied: { id: string; appliedAt: Date; changed: boolean }[];
  /** files not yet applied */
  pending: string[];
  /** applied files whose content changed since */
  changed: string[];
  /** applied migrations this program has no file for (a newer program applied them) */
  missing: string[];
}

/** Compares db with the files of dir without changing anything (for `dangan db status`). */
export async function migrationStatus(db: Database, dir: string = MIGRATIONS_DIR): Promise<MigrationStatus> {
  const files = await readMigrations(dir);
  const present = await db.query<{ present: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS present",
  );
  const rows = present.rows[0]?.present ? await appliedRows(db) : [];
  const check = compare(files, rows);
  const latest = rows.at(-1);
  return {
    current: latest ? idOf(latest) : '',
    applied: rows.map((row) => ({
      id: idOf(row),
      appliedAt: row.applied_at,
      changed: check.changed.includes(idOf(row)),
    })),
    pending: check.pending.map((file) => file.id),
    changed: check.changed,
    missing: check.missing,
  };
}

function lock(tx: Queryable) {
  return tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
}

async function appliedRows(on: Queryable): Promise<AppliedRow[]> {
  const { rows } = await on.query<AppliedRow>(
    'SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version',
  );
  return rows;
}

function compare(files: MigrationFile[], rows: AppliedRow[]) {
  const byVersion = new Map(files.map((file) => [file.version, file]));
  const appliedVersions = new Set(rows.map((row) => row.version));
  const changed: string[] = [];
  const missing: string[] = [];
  for (const row of rows) {
    const file = byVersion.get(row.version);
    if (!file) missing.push(idOf(row));
    else if (file.checksum !== row.checksum || file.name !== row.name) changed.push(file.id);
  }
  return { changed, missing, pending: files.filter((file) => !appliedVersions.has(file.version)) };
}

function idOf(row: { version: number; name: string }): string {
  return `${String(row.version).padStart(4, '0')}_${row.name}`;
}
