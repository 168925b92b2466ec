/**
 * The one place that chooses the database: a PostgreSQL server when a URL is configured, else
 * PGlite embedded in the data folder (the single-machine default).
 */
import { databaseUrlInvalid } from './database.errors.ts';
import type { Database } from './database.port.ts';
import { openPglite } from './pglite.adapter.ts';
import { openPostgres } from './postgres.adapter.ts';

/**
 * Opens PostgreSQL at options.url (postgres:// or postgresql://) when it is set, else PGlite in
 * options.dataDir (created when missing). Throws database.url_invalid for another scheme,
 * database.unavailable when the server or PGlite cannot be reached, database.in_use when another
 * process holds the PGlite folder.
 */
export async function openDatabase(options: {
  url?: string | undefined;
  dataDir: string;
}): Promise<Database> {
  const url = options.url?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//i.test(url)) throw databaseUrlInvalid();
    return openPostgres({ url });
  }
  return openPglite({ dataDir: options.dataDir });
}
