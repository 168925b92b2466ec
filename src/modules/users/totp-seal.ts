/**
 * TOTP secrets sealed by the key store (docs/SECURITY-KEYS.md): a TOTP secret is a password-strength
 * credential that the server must read back (unlike a password, it cannot be hashed), so it is
 * wrapped like a data key — AES-256-GCM under a KEK that never leaves the key store (the 'totp'
 * row of secret_keys), bound to the user's id so a sealed value copied onto another account does
 * not open. users.totp_secret (plain, before migration 0008) is emptied at start-up by
 * sealPlainTotpSecrets; a database dump alone then yields no second factor.
 */
import type { Queryable } from '../../db/database.port.ts';
import type { KeyStore } from '../keys/keys.port.ts';
import { recordEvent } from '../events/events.ts';
import { systemActor } from '../ledger/record-state.ts';

const PURPOSE = 'totp';

export interface SealedTotp {
  sealed: Buffer;
  keyRef: string;
}

export interface TotpRow {
  id: string;
  totp_secret: string | null;
  totp_secret_sealed: Uint8Array | null;
  totp_key_ref: string | null;
}

export interface TotpSecrets {
  /** Wraps a user's TOTP secret (base32) for storage. */
  seal(db: Queryable, userId: string, secret: string): Promise<SealedTotp>;
  /** The user's TOTP secret, unwrapped; a plain one not yet sealed is returned as it is; null when none. */
  open(row: TotpRow): Promise<string | null>;
}

function context(userId: string): Buffer {
  return Buffer.from(`dangan.totp\0${userId}`);
}

export function createTotpSecrets(store: KeyStore): TotpSecrets {
  let keyRef: string | undefined;

  async function kek(db: Queryable): Promise<string> {
    if (keyRef) return keyRef;
    const select = () =>
      db.query<{ key_ref: string }>('SELECT key_ref FROM secret_keys WHERE purpose = $1', [PURPOSE]);
    const found = (await select()).rows[0];
    if (found) return (keyRef = found.key_ref);
    const created = await store.createKey();
    const inserted = await db.query<{ key_ref: string }>(
      `INSERT INTO secret_keys (purpose, store, key_ref) VALUES ($1, $2, $3)
       ON CONFLICT (purpose) DO NOTHING RETURNING key_ref`,
      [PURPOSE, store.kind, created],
    );
    if (inserted.rows[0]) return (keyRef = created);
    // Another process created it first: use theirs.
    await store.destroyKey(created);
    return (keyRef = (await select()).rows[0]!.key_ref);
  }

  return {
    async seal(db, userId, secret) {
      const ref = await kek(db);
      return { sealed: await store.wrap(ref, Buffer.from(secret, 'utf8'), context(userId)), keyRef: ref };
    },
    async open(row) {
      if (row.totp_secret_sealed && row.totp_key_ref)
        return (
          await store.unwrap(row.totp_key_ref, Buffer.from(row.totp_secret_sealed), context(row.id))
        ).toString('utf8');
      return row.totp_secret;
    },
  };
}

/**
 * Seals every TOTP secret still stored in the clear (written before migration 0008), once; records
 * one `auth.totp_sealed` event with the count. Idempotent: nothing to do the second time.
 */
export async function sealPlainTotpSecrets(db: Queryable, secrets: TotpSecrets): Promise<number> {
  const { rows } = await db.query<{ id: string; totp_secret: string }>(
    'SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL ORDER BY id',
  );
  let sealed = 0;
  for (const row of rows) {
    const { sealed: wrapped, keyRef } = await secrets.seal(db, row.id, row.totp_secret);
    // Only if unchanged meanwhile (a concurrent enrolment writes a sealed secret itself).
    const { rowCount } = await db.query(
      `UPDATE users SET totp_secret_sealed = $2, totp_key_ref = $3, totp_secret = NULL
        WHERE id = $1 AND totp_secret = $4`,
      [row.id, wrapped, keyRef, row.totp_secret],
    );
    sealed += rowCount;
  }
  if (sealed > 0) await recordEvent(db, systemActor('keys'), 'auth.totp_sealed', { users: sealed });
  return sealed;
}
