/**
 * Which analysis the index of a data folder was made by. What is indexed of a record changes with
 * the code now and then (file names without digits, the organisation's name); the records indexed
 * before such a change would not be found by what it adds until re-indexed. The server notes them
 * all for the index at start when the folder's index was made by an older analysis (or its version
 * is unknown), and the `search_sync` job re-indexes them in the background, a batch at a time, while
 * searches go on finding them as they were indexed.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from '../../db/database.port.ts';
import { allRecordIds } from './search.repository.ts';

/**
 * The analysis of this code. Bump it whenever what a record is indexed under changes.
 * 1: up to 2026-12-03 (no version written). 2: file names without digits, organisation names.
 */
export const ANALYSIS_VERSION = 2;

const VERSION_FILE = 'analysis.json';
/** Records noted for the index per statement. */
const NOTE_BATCH = 5000;

const versionPath = (dataDir: string) => join(dataDir, 'search', VERSION_FILE);

/** The analysis the folder's index was made by; 1 when none is written (made before versions). */
export async function indexAnalysis(dataDir: string): Promise<number> {
  const text = await readFile(versionPath(dataDir), 'utf8').catch(() => null);
  if (text === null) return 1;
  const version = Number((JSON.parse(text) as { analysis?: unknown }).analysis);
  return Number.isInteger(version) ? version : 1;
}

/** Records that the folder's index is (or will be, once its outbox is worked off) of this analysis. */
export async function markAnalysed(dataDir: string): Promise<void> {
  const path = versionPath(dataDir);
  await mkdir(join(dataDir, 'search'), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify({ analysis: ANALYSIS_VERSION })}\n`);
  await rename(temp, path);
}

/**
 * When the folder's index was made by an older analysis: notes every record for the index (the
 * outbox of 0003_search, which queues the `search_sync` job), then records the analysis. Returns
 * how many records were noted (0 when the index is current). Interrupted, it notes them all again
 * at the next start: noting is idempotent.
 */
export async function refreshOutdatedIndex(db: Database, dataDir: string): Promise<number> {
  if ((await indexAnalysis(dataDir)) >= ANALYSIS_VERSION) return 0;
  let noted = 0;
  for await (const ids of allRecordIds(db, NOTE_BATCH)) {
    await db.query('SELECT search_note(id) FROM unnest($1::uuid[]) AS id', [ids]);
    noted += ids.length;
  }
  await markAnalysed(dataDir);
  return noted;
}
