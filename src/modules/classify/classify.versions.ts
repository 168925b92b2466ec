/**
 * Model versions trained from the archive: each is a folder <modelsDir>/v<version> and a row in
 * classify_models with its evaluation figures; one is active, and any older one can be made active
 * again (rollback). The active model is loaded once per version and kept in memory.
 */
import { join } from 'node:path';
import type { Database, Queryable } from '../../db/database.port.ts';
import { noSuchVersion } from './classify.errors.ts';
import type { LinearClassifier } from './classify.model.ts';
import type { ModelInfo } from './classify.port.ts';
import { loadModel, saveModel } from './classify.store.ts';

export interface ModelVersionRow {
  version: number;
  labels: string[];
  training_size: number;
  eval: ModelInfo['eval'];
  bytes: string | number;
  active: boolean;
  created_by: string;
  created_at: Date;
}

export async function listVersions(db: Queryable): Promise<ModelVersionRow[]> {
  return (await db.query<ModelVersionRow>('SELECT * FROM classify_models ORDER BY version DESC')).rows;
}

export async function activeVersion(db: Queryable): Promise<number | null> {
  const { rows } = await db.query<{ version: number }>('SELECT version FROM classify_models WHERE active');
  return rows[0]?.version ?? null;
}

/** Saves a newly trained model as the next version and makes it active. */
export async function registerVersion(
  db: Database,
  modelsDir: string,
  model: LinearClassifier,
  createdBy: string,
): Promise<number> {
  // The row is written first (inactive) to take the number; the folder is complete before activation.
  const { rows } = await db.query<{ version: number }>(
    `INSERT INTO classify_models (labels, training_size, eval, bytes, active, created_by)
     VALUES ($1, $2, $3, 0, false, $4) RETURNING version`,
    [JSON.stringify(model.info.labels), model.info.training.size, JSON.stringify(model.info.eval), createdBy],
  );
  const version = rows[0]!.version;
  let bytes: number;
  try {
    ({ bytes } = await saveModel(model, join(modelsDir, `v${version}`)));
  } catch (error) {
    await db.query('DELETE FROM classify_models WHERE version = $1', [version]);
    throw error;
  }
  await db.transaction(async (tx) => {
    await tx.query('UPDATE classify_models SET active = false WHERE active');
    await tx.query('UPDATE classify_models SET active = true, bytes = $2 WHERE version = $1', [
      version,
      bytes,
    ]);
  });
  return version;
}

export async function activateVersion(db: Database, version: number): Promise<void> {
  await db.transaction(async (tx) => {
    const { rowCount } = await tx.query('SELECT 1 FROM classify_models WHERE version = $1 AND bytes > 0', [
      version,
    ]);
    if (rowCount === 0) throw noSuchVersion({ version });
    await tx.query('UPDATE classify_models SET active = false WHERE active');
    await tx.query('UPDATE classify_models SET active = true WHERE version = $1', [version]);
  });
}

export interface ModelCache {
  /** the active model and its version, or null when none has been trained */
  active(db: Queryable): Promise<{ version: number; model: LinearClassifier } | null>;
}

export function createModelCache(modelsDir: string): ModelCache {
  let cached: { version: number; model: LinearClassifier } | null = null;
  return {
    async active(db) {
      const version = await activeVersion(db);
      if (version === null) return null;
      if (cached?.version !== version)
        cached = { version, model: await loadModel(join(modelsDir, `v${version}`)) };
      return cached;
    },
  };
}
