/**
 * Reading the audit trail: the events table, which every use case writes in the same transaction
 * as its change and which the ledger sequencer appends to the Merkle log (so an audit entry, once
 * sequenced, cannot be altered or removed without `ledger verify` noticing).
 */
import type { Queryable } from '../../db/database.port.ts';

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  outcome?: 'ok' | 'denied' | 'failed' | undefined;
  recordId?: string | undefined;
  ip?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** words looked for in the details */
  q?: string | undefined;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  recordId: string | null;
  outcome: string;
  ip: string | null;
  details: Record<string, unknown>;
  /** the entry's leaf in the ledger, null until the sequencer has appended it */
  ledgerSeq: string | null;
}

interface Row {
  id: string;
  at: Date;
  actor: string;
  action: string;
  record_id: string | null;
  outcome: string;
  ip: string | null;
  details: Record<string, unknown>;
  seq: string | null;
}

function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Newest first, keyset-paged by id (`before`: the id of the last entry of the previous page); or
 * oldest first from `after` up to `upTo`, for exports.
 */
export async function queryAudit(
  db: Queryable,
  filter: AuditFilter,
  page: { limit: number; before?: string | undefined; after?: string | undefined; upTo?: string | undefined },
): Promise<AuditEntry[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  // A trailing * matches a prefix: "user:*", "record.*".
  const textMatch = (column: string, value: string) =>
    value.endsWith('*')
      ? add((p) => `${column} LIKE ${p}`, `${likeLiteral(value.slice(0, -1))}%`)
      : add((p) => `${column} = ${p}`, value);
  if (filter.actor) textMatch('e.actor', filter.actor);
  if (filter.action) textMatch('e.action', filter.action);
  if (filter.outcome) add((p) => `e.outcome = ${p}`, filter.outcome);
  if (filter.recordId) add((p) => `e.record_id = ${p}::uuid`, filter.recordId);
  if (filter.ip) add((p) => `e.ip = ${p}`, filter.ip);
  if (filter.from) add((p) => `e.at >= ${p}`, filter.from);
  if (filter.to) add((p) => `e.at < ${p}`, filter.to);
  if (filter.q) add((p) => `e.details::text ILIKE ${p}`, `%${likeLiteral(filter.q)}%`);
  if (page.before) add((p) => `e.id < ${p}::bigint`, page.before);
  if (page.after) add((p) => `e.id > ${p}::bigint`, page.after);
  if (page.upTo) add((p) => `e.id <= ${p}::bigint`, page.upTo);
  const ascending = page.after !== undefined;
  params.push(page.limit);
  const { rows } = await db.query<Row>(
    `SELECT e.id::text AS id, e.at, e.actor, e.action, e.record_id::text AS record_id, e.outcome, e.ip, e.details,
            le.seq::text AS seq
       FROM events e LEFT JOIN ledger_entries le ON le.event_id = e.id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY e.id ${ascending ? 'ASC' : 'DESC'} LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    recordId: r.record_id,
    outcome: r.outcome,
    ip: r.ip,
    details: r.details,
    ledgerSeq: r.seq,
  }));
}
