/** A record's proof bundle, authorised like reading the record. */
import type { Services } from '../../app/services.ts';
import { authorize, type Actor } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';
import { recordNotFound } from '../records/records.errors.ts';
import { findVisibleRecord } from '../records/records.repository.ts';
import type { ProofBundle } from './ledger.usecases.ts';

export async function recordProofBundle(
  services: Pick<Services, 'db' | 'ledger'>,
  actor: Actor,
  idOrArchiveNo: string,
): Promise<ProofBundle> {
  authorize(actor, 'record.read');
  const record = await findVisibleRecord(services.db, actor, idOrArchiveNo);
  if (!record) throw recordNotFound({ record: idOrArchiveNo });
  // The request is itself an access: logged first, so the bundle proves it too.
  await recordEvent(services.db, actor, 'record.proof', { recordId: record.id });
  await services.ledger.sync();
  return services.ledger.proofBundle({ id: record.id, archiveNo: record.archive_no });
}
