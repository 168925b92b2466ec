/**
 * Storing a derived component (extracted text, OCR text and layout, searchable PDF, table
 * spreadsheet): the bytes are staged, sealed at the record's secrecy level when encryption is on,
 * and recorded in one transaction with the component row linked to its original, the record's page
 * count when it had none, and the ledger's `record.derive` event. Used by every job that derives.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { recordStateEvent, systemActor } from '../ledger/record-state.ts';
import { persistStaged, sealFor, type StorageDeps } from './intents.ts';

export interface DerivedComponent {
  recordId: string;
  /** the original component it was derived from */
  sourceId: string;
  /** the original's record secrecy level: the seal it is stored under */
  secrecyLevel: string;
  role: string;
  fileName: string;
  mediaType: string;
  format: string;
  /** the component's own page count (null for e.g. a spreadsheet) */
  pageCount: number | null;
  /** set on the record when it has no page count yet */
  recordPageCount?: number | null | undefined;
  /** the job kind named as the actor in the ledger */
  job: string;
  bytes: Uint8Array | Readable;
}

export async function storeDerivedComponent(deps: StorageDeps, component: DerivedComponent): Promise<string> {
  const { bytes } = component;
  const staged = await deps.blobs.stage(
    bytes instanceof Readable ? bytes : Readable.from([Buffer.from(bytes)]),
  );
  const seal = await sealFor(deps, component.secrecyLevel, staged);
  const id = randomUUID();
  await persistStaged(
    deps,
    staged,
    async (tx, blob) => {
      await tx.query(
        `INSERT INTO components (id, record_id, role, source_id, blob_sha256, file_name, media_type, format, size, page_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          id,
          component.recordId,
          component.role,
          component.sourceId,
          blob.address,
          component.fileName,
          component.mediaType,
          component.format,
          blob.size,
          component.pageCount,
        ],
      );
      if (component.recordPageCount)
        await tx.query('UPDATE records SET page_count = coalesce(page_count, $2) WHERE id = $1', [
          component.recordId,
          component.recordPageCount,
        ]);
      await recordStateEvent(tx, systemActor(component.job), 'record.derive', {
        recordId: component.recordId,
      });
    },
    seal,
  );
  return id;
}
