import type { Queryable } from '../../db/database.port.ts';
import type { Actor } from '../access/access.policy.ts';

type EventDetails = {
  recordId?: string | null;
  outcome?: 'ok' | 'denied' | 'failed';
  [key: string]: unknown;
};

/**
 * Records who did what. Every state change is logged in the same transaction as the change itself,
 * so the trail can never miss an acknowledged change. The audit and ledger issues build on this.
 */
export async function recordEvent(
  db: Queryable,
  actor: Actor,
  action: string,
  details: EventDetails = {},
): Promise<void> {
  const params: unknown[] = [];
  await db.query(eventInsert(actor, action, details, params), params);
}

/**
 * The INSERT of an event as SQL, its parameters appended to `params`: for a statement that records
 * the event with its own work in one round trip (`WITH audit AS (INSERT …) SELECT …`). PostgreSQL
 * runs a data-modifying WITH to completion whether or not the rest of the statement reads it.
 * With `fromRecord`, one event per row of that table (or WITH query), for the record id it names
 * (`{ table: 'self', id: 'self.id' }`): none when the table is empty.
 */
export function eventInsert(
  actor: Actor,
  action: string,
  details: EventDetails,
  params: unknown[],
  fromRecord?: { table: string; id: string },
): string {
  const { recordId = null, outcome = 'ok', ...rest } = details;
  const at = params.length;
  params.push(
    actor.label,
    action,
    outcome,
    actor.ip ?? null,
    // jsonb cannot hold U+0000; an attacker's NUL must not keep their attempt out of the trail.
    JSON.stringify(rest, (_key, value: unknown) =>
      typeof value === 'string' ? value.replaceAll('\0', '\uFFFD') : value,
    ),
  );
  let record = fromRecord?.id;
  if (record === undefined) {
    params.push(recordId);
    record = `$${params.length}::uuid`;
  }
  return `INSERT INTO events (actor, action, record_id, outcome, ip, details)
    SELECT $${at + 1}::text, $${at + 2}::text, ${record}, $${at + 3}::text, $${at + 4}::text, $${at + 5}::jsonb${fromRecord ? ` FROM ${fromRecord.table}` : ''}`;
}
