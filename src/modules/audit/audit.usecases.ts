/**
 * The audit trail for the auditor (安全审计员): search and export who did what, when, from where,
 * with what outcome. Reading and exporting the trail are themselves audit events.
 */
import type { Database } from '../../db/database.port.ts';
import { authorize, type Actor } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';
import { isUuid } from '../reference/reference.repository.ts';
import { badAuditFilter } from './audit.errors.ts';
import { queryAudit, type AuditEntry, type AuditFilter } from './audit.repository.ts';

export interface AuditQueryInput {
  actor?: string | undefined;
  action?: string | undefined;
  outcome?: string | undefined;
  record?: string | undefined;
  ip?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
}

const OUTCOMES = ['ok', 'denied', 'failed'] as const;

/** Validates the filters a person typed; every mistake is named. */
export function toAuditFilter(input: AuditQueryInput): AuditFilter {
  const date = (name: string, value: string | undefined): Date | undefined => {
    if (value === undefined || value === '') return undefined;
    // A bare date means the start of that day in UTC.
    const parsed = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
    if (Number.isNaN(parsed.getTime()))
      throw badAuditFilter({ filter: name, reason: 'ISO 8601 日期或时间 / ISO 8601 date or time' });
    return parsed;
  };
  if (input.outcome && !(OUTCOMES as readonly string[]).includes(input.outcome))
    throw badAuditFilter({ filter: 'outcome', reason: OUTCOMES.join(' | ') });
  if (input.record && !isUuid(input.record))
    throw badAuditFilter({ filter: 'record', reason: '档案 id (UUID) / record id (UUID)' });
  for (const [name, value] of Object.entries(input))
    if (typeof value === 'string' && value.length > 200)
      throw badAuditFilter({ filter: name, reason: '过长 / too long' });
  return {
    actor: input.actor || undefined,
    action: input.action || undefined,
    outcome: (input.outcome || undefined) as AuditFilter['outcome'],
    recordId: input.record || undefined,
    ip: input.ip || undefined,
    from: date('from', input.from),
    to: date('to', input.to),
    q: input.q || undefined,
  };
}

export async function searchAudit(
  db: Database,
  actor: Actor,
  input: AuditQueryInput,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  authorize(actor, 'audit.read');
  const filter = toAuditFilter(input);
  if (page.cursor !== undefined && !/^\d{1,19}$/.test(page.cursor))
    throw badAuditFilter({
      filter: 'cursor',
      reason: '上一页返回的 nextCursor / the nextCursor of the previous page',
    });
  const limit = Math.min(Math.max(page.limit, 1), 1000);
  const items = await queryAudit(db, filter, { limit, before: page.cursor });
  await recordEvent(db, actor, 'audit.read', { filter: input, count: items.length });
  return { items, nextCursor: items.length === limit ? items.at(-1)!.id : null };
}

export const EXPORT_COLUMNS = [
  'id',
  'at',
  'actor',
  'action',
  'recordId',
  'outcome',
  'ip',
  'ledgerSeq',
  'details',
] as const;

function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection, OWASP).
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Every matching entry, oldest first as a trail is read, as CSV (UTF-8 with BOM, for spreadsheet
 * programs) or JSON Lines, in pages of 1,000 so memory stays flat. The export is recorded first.
 */
export async function* exportAudit(
  db: Database,
  actor: Actor,
  input: AuditQueryInput,
  format: 'csv' | 'jsonl',
): AsyncGenerator<string> {
  authorize(actor, 'audit.export');
  const filter = toAuditFilter(input);
  await recordEvent(db, actor, 'audit.export', { filter: input, format });
  // The newest id now bounds the export: entries written while it runs are not in it (a snapshot).
  const newest = await db.query<{ id: string | null }>('SELECT max(id)::text AS id FROM events');
  const upTo = newest.rows[0]?.id ?? '0';
  if (format === 'csv') yield `\uFEFF${EXPORT_COLUMNS.join(',')}\r\n`;
  let after = '0';
  for (;;) {
    const page = await queryAudit(db, filter, { limit: 1000, after, upTo });
    for (const entry of page) {
      if (format === 'jsonl') yield `${JSON.stringify(entry)}\n`;
      else yield `${EXPORT_COLUMNS.map((c) => csvCell(entry[c])).join(',')}\r\n`;
    }
    if (page.length < 1000) return;
    after = page.at(-1)!.id;
  }
}
