/**
 * Job steps. `classify` runs when a record gets its extracted or OCR text (a trigger queues it):
 * field extraction, then the active model's class with its alternatives, the year from the
 * document's date, the organisation from the issuer, and the retention period usual for the class;
 * below the threshold the suggestion waits in the review queue. A person's review is never replaced.
 * `classify_train` retrains from the archive in the background and activates the new version.
 */
import type { Database } from '../../db/database.port.ts';
import type { Actor } from '../access/access.policy.ts';
import type { BlobStore } from '../blobs/blobs.port.ts';
import { PermanentJobError, type JobHandler } from '../jobs/jobs.worker.ts';
import { recordEvent } from '../events/events.ts';
import { bestFields, extractFields } from '../extract/extract.ts';
import type { ClassifyConfig } from './classify.config.ts';
import { archiveTrainingSet, recordText } from './classify.repository.ts';
import { trainInWorker } from './classify.train.ts';
import { registerVersion, type ModelCache } from './classify.versions.ts';
import { isAppError } from '../../app/errors.ts';

export interface ClassifyDeps {
  db: Database;
  blobs: BlobStore;
  config: ClassifyConfig;
  models: ModelCache;
}

export function classifyJob(deps: ClassifyDeps): JobHandler {
  return async (job) => {
    if (!job.record_id) return;
    await classifyRecord(deps, job.record_id);
  };
}

export async function classifyRecord(deps: ClassifyDeps, recordId: string): Promise<void> {
  const { db } = deps;
  const { rows } = await db.query<{ title: string; year: number | null; status: string }>(
    'SELECT title, year, status FROM records WHERE id = $1',
    [recordId],
  );
  const record = rows[0];
  if (!record) return;
  const text = (await recordText(db, deps.blobs, recordId)) ?? '';
  const fields = extractFields(text);
  const best = bestFields(fields);
  const active = await deps.models.active(db);
  const prediction = active ? active.model.predict(`${record.title}\n${text}`, 5) : null;

  const classId = prediction
    ? ((
        await db.query<{ id: string }>(`SELECT id FROM classes WHERE trim(both '/' from path) = $1`, [
          prediction.label,
        ])
      ).rows[0]?.id ?? null)
    : null;
  const dateYear = best.documentDate?.valid ? Number(best.documentDate.value.slice(0, 4)) : null;
  const issuer = best.issuer?.value;
  const organisationId = issuer
    ? ((
        await db.query<{ id: string }>(
          `SELECT id FROM organisations WHERE $1 = name OR (length(name) >= 4 AND strpos($1, name) > 0)
            ORDER BY length(name) DESC LIMIT 1`,
          [issuer],
        )
      ).rows[0]?.id ?? null)
    : null;
  // The retention period most filed records of the class have (the matter type decides it).
  const retention = classId
    ? ((
        await db.query<{ retention_code: string }>(
          `SELECT retention_code FROM records WHERE class_id = $1 AND status = 'filed' AND retention_code IS NOT NULL
            GROUP BY retention_code ORDER BY count(*) DESC, retention_code LIMIT 1`,
          [classId],
        )
      ).rows[0]?.retention_code ?? null)
    : null;
  const status = !prediction
    ? 'fields_only'
    : prediction.confidence >= deps.config.threshold
      ? 'accepted'
      : 'review';
  await db.query(
    `INSERT INTO classify_suggestions
       (record_id, model_version, fields, label, class_id, confidence, top, year, organisation_id, retention_code, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (record_id) DO UPDATE SET
       model_version = EXCLUDED.model_version, fields = EXCLUDED.fields, label = EXCLUDED.label,
       class_id = EXCLUDED.class_id, confidence = EXCLUDED.confidence, top = EXCLUDED.top, year = EXCLUDED.year,
       organisation_id = EXCLUDED.organisation_id, retention_code = EXCLUDED.retention_code,
       status = EXCLUDED.status, created_at = now()
     WHERE classify_suggestions.status NOT IN ('confirmed', 'corrected')`,
    [
      recordId,
      active?.version ?? null,
      JSON.stringify(fields.slice(0, 500)),
      prediction?.label ?? null,
      classId,
      prediction?.confidence ?? null,
      JSON.stringify(prediction?.top ?? []),
      dateYear ?? record.year,
      organisationId,
      retention,
      status,
    ],
  );
}

export function trainJob(deps: ClassifyDeps & { system: Actor }): JobHandler {
  return async (job) => {
    const rows = await archiveTrainingSet(deps);
    let model;
    try {
      model = await trainInWorker(rows, { seed: 42 });
    } catch (error) {
      // Too few classes will not change on a retry.
      if (isAppError(error)) throw new PermanentJobError(error.en, { cause: error });
      throw error;
    }
    const by =
      typeof job.payload['requestedBy'] === 'string' ? job.payload['requestedBy'] : deps.system.label;
    const version = await registerVersion(deps.db, deps.config.modelsDir, model, by);
    await recordEvent(deps.db, deps.system, 'classify.model_trained', {
      version,
      rows: rows.length,
      accuracy: model.info.eval?.accuracy ?? null,
    });
  };
}
