import type { Queryable } from '../../db/database.port.ts';
import type { Actor } from '../access/access.policy.ts';

/**
 * Records who did what. Every state change is logged in the same transaction as the change itself,
 * so the trail can never miss an acknowledged change. The audit and ledger issues build on this.
 */
export async function recordEvent(
  db: Queryable,
  actor: Actor,
  action: string,
  details: { recordId?: string | null; outcome?: 'ok' | 'denied' | 'failed'; [key: string]: unknown } = {},
): Promise<void> {
  const { recordId = null, outcome = 'ok', ...rest } = details;
  await db.query(
    'INSERT INTO events (actor, action, record_id, outcome, ip, details) VALUES ($1, $2, $3, $4, $5, $6)',
    [
      actor.label,
      action,
      recordId,
      outcome,
      actor.ip ?? null,
      // jsonb cannot hold U+0000; an attacker's NUL must not keep their attempt out of the trail.
      JSON.stringify(rest, (_key, value: unknown) =>
        typeof value === 'string' ? value.replaceAll('\0', '\uFFFD') : value,
      ),
    ],
  );
}
