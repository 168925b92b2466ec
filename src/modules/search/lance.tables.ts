/**
 * Which Lance table of a search folder is live. The first index is the table `records`; a rebuild
 * (lance.adapter.ts rebuild) makes `records_<time>` beside it and then names it in `live.json`,
 * which every process reads at its check for other processes' writes and follows. Each table has
 * its own state file of the rows its indexes hold (`fresh.json` for the first).
 */
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

/** The table of a folder's first index. */
export const FIRST_TABLE = 'records';
const LIVE = 'live.json';
const TABLE_NAME = /^records(_\d+)?$/;

/** A name for a rebuild's new table. */
export function rebuiltTableName(): string {
  return `${FIRST_TABLE}_${Date.now()}`;
}

/** Whether a table of the folder is one of ours (the first, or a rebuild's). */
export function isIndexTable(name: string): boolean {
  return TABLE_NAME.test(name);
}

/** The file remembering up to which write time a table's indexes are complete. */
export function freshStateFile(table: string): string {
  return table === FIRST_TABLE ? 'fresh.json' : `fresh.${table}.json`;
}

/** The table searches are to use: the one live.json names, else the first. */
export async function readLiveTable(dir: string): Promise<string> {
  const text = await readFile(join(dir, LIVE), 'utf8').catch(() => null);
  const named = text === null ? undefined : (JSON.parse(text) as { table?: unknown }).table;
  return typeof named === 'string' && isIndexTable(named) ? named : FIRST_TABLE;
}

/**
 * Names the live table, on disk before the caller drops the one it replaces: written to a
 * temporary file, synced, renamed over live.json, the folder synced.
 */
export async function writeLiveTable(dir: string, table: string): Promise<void> {
  const temp = join(dir, `${LIVE}.${process.pid}.tmp`);
  const file = await open(temp, 'w');
  try {
    await file.writeFile(JSON.stringify({ table }));
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, join(dir, LIVE));
  const folder = await open(dir, 'r');
  await folder.sync().finally(() => folder.close());
}
