/**
 * `dangan ledger baseline`: logs, once, the current state of every record that has no logged state —
 * records stored before per-record state logging existed (docs/LEDGER.md, 记录状态核对), which
 * `ledger verify` otherwise reports as `record_unlogged` for ever. Each gets a `record.baseline`
 * event carrying its state (so it enters the ledger), and the run one `ledger.baseline` event with
 * the count and the ids: the auditor sees exactly which records were blessed, by whom and when.
 *
 * Idempotent: a record with any logged state is never baselined again, so later edits behind the
 * system's back still show as `record_changed`. It blesses whatever the unlogged records hold now —
 * run it once after upgrading, not to silence a `record_unlogged` that appears later.
 */
import type { Database } from '../../db/database.port.ts';
import { authorize, type Actor } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';
import { recordStateEvent } from './record-state.ts';

export interface BaselineResult {
  logged: number;
  records: { id: string; archiveNo: string | null }[];
}

const PAGE = 500;
/** Ids named in the summary event; beyond this the per-record events list them. */
const LISTED = 1000;

const UNLOGGED = `NOT EXISTS (SELECT 1 FROM events e WHERE e.record_id = r.id AND e.details ? 'state')`;

export async function baselineUnloggedRecords(db: Database, actor: Actor): Promise<BaselineResult> {
  authorize(actor, 'system.manage');
  const records: BaselineResult['records'] = [];
  for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
    const { rows } = await db.query<{ id: string }>(
      `SELECT r.id::text AS id FROM records r WHERE r.id > $1 AND ${UNLOGGED} ORDER BY r.id LIMIT $2`,
      [after, PAGE],
    );
    if (rows.length === 0) break;
    after = rows.at(-1)!.id;
    await db.transaction(async (tx) => {
      for (const { id } of rows) {
        // Locked and checked again: a concurrent change logs its own state, which then stands.
        const { rows: still } = await tx.query<{ archive_no: string | null }>(
          `SELECT r.archive_no FROM records r WHERE r.id = $1 AND ${UNLOGGED} FOR UPDATE`,
          [id],
        );
        if (still.length === 0) continue;
        await recordStateEvent(tx, actor, 'record.baseline', { recordId: id });
        records.push({ id, archiveNo: still[0]!.archive_no });
      }
    });
  }
  if (records.length > 0)
    await recordEvent(db, actor, 'ledger.baseline', {
      records: records.length,
      ids: records.slice(0, LISTED).map((r) => r.id),
    });
  return { logged: records.length, records };
}
