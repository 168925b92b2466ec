/**
 * Which analysis the index of a data folder was made by. What is indexed of a record changes with
 * the code now and then (file names without digits, the organisation's name); the records indexed
 * before such a change would not be found by what it adds until re-indexed. The server rebuilds the
 * index in the background at start when the folder's index was made by an older analysis (or its
 * version is unknown), while searches go on finding records as they were indexed.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from '../../db/database.port.ts';
import type { Rebuilder } from './search.rebuild.ts';

/**
 * The analysis of this code. Bump it whenever what a record is indexed under changes.
 * 1: up to 2026-12-03 (no version written). 2: file names without digits, organisation names.
 */
export const ANALYSIS_VERSION = 2;

const VERSION_FILE = 'analysis.json';

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
 * When the folder's index was made by an older analysis: rebuilds it beside the live one, in the
 * background (search.rebuild.ts; reindex records the analysis when it is done), while searches go
 * on finding records as they were indexed. A folder whose database holds no record yet only has the
 * analysis recorded. Interrupted, the rebuild starts again at the next start. Noting every record
 * in the outbox instead (what this did before) folds 20,000 rows at a time into Lance's indexes:
 * hours at 1M records, writes waiting at every fold; a rebuild bulk-loads and builds them once.
 */
export async function upgradeOutdatedIndex(
  db: Database,
  dataDir: string,
  rebuilder: Pick<Rebuilder, 'start'>,
): Promise<'current' | 'recorded' | 'rebuilding'> {
  if ((await indexAnalysis(dataDir)) >= ANALYSIS_VERSION) return 'current';
  const { rows } = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM records) AS any');
  if (!rows[0]?.any) {
    await markAnalysed(dataDir);
    return 'recorded';
  }
  await rebuilder.start();
  return 'rebuilding';
}
