/**
 * The keyring: the key hierarchy in use (docs/SECURITY-KEYS.md).
 *
 *   master key (env / passphrase) or PKCS#11 token
 *     └─ KEK per secrecy level and version (in the KeyStore, never leaves it)
 *          ├─ the level's address secret (wrapped in level_keys)
 *          └─ one data key per blob (wrapped in blob_keys)
 *                └─ the blob's chunks (AES-256-GCM or SM4-GCM, blob-seal.ts)
 *
 * A blob's storage address is HMAC-SHA256(level address secret, content SHA-256): equal files at
 * the same level are stored once (one data key), equal files at different levels get unrelated
 * addresses, so neither the disks nor the API show that they are equal.
 */
import { createHmac } from 'node:crypto';

import type { Queryable } from '../../db/database.port.ts';
import { newDataKey } from '../blobs/blob-seal.ts';
import type { BlobKey, BlobSeal } from '../blobs/blob-seal.ts';
import type { CipherName } from '../blobs/chunk-cipher.ts';
import { holderRecipients, openProtectedKey, sealForHolders } from './holder-seal.ts';
import { createHolderVault, type HolderVault } from './holder-vault.ts';
import { holderNone, holderRequired } from './holders.errors.ts';
import { contentDestroyed, keyNotFound, levelUnknown } from './keys.errors.ts';
import type { KeyStore } from './keys.port.ts';

export interface Keyring {
  readonly cipher: CipherName;
  readonly store: KeyStore;
  /** levels whose new blobs are wrapped for their holders too (encryption.holderFromLevel and above) */
  readonly holderLevels: ReadonlySet<string>;
  /** holders' unlocked private keys, in memory (holder-vault.ts) */
  readonly holders: HolderVault;
  /**
   * The seal for storing content `sha256` at `level`: its address and its data key — the existing
   * one when the same content is already stored at that level, otherwise a new one whose wrapped
   * form is recorded first (so that concurrent writers of the same content share one key).
   */
  sealFor(db: Queryable, level: string, sha256: string): Promise<BlobSeal>;
  /** The data key of a stored blob; undefined for a blob stored in the clear; key.content_destroyed when shredded. */
  keyFor(db: Queryable, address: string): Promise<BlobKey | undefined>;
  /** The level's active KEK (created on first use). */
  activeLevelKey(db: Queryable, level: string): Promise<LevelKey>;
  /** Forgets unwrapped secrets (after rotation or destruction). */
  forget(): void;
  close(): Promise<void>;
}

export interface LevelKey {
  level: string;
  version: number;
  keyRef: string;
  addressSecret: Buffer;
}

/** What a data key is wrapped with: binds it to its blob's address and cipher. */
export function dataKeyContext(address: string, cipher: string): Buffer {
  return Buffer.from(`dangan.dek\0${address}\0${cipher}`);
}

export function addressSecretContext(level: string): Buffer {
  return Buffer.from(`dangan.address-secret\0${level}`);
}

export interface KeyringOptions {
  holderLevels?: Iterable<string>;
  /** refuse new content at a holder level without holders (otherwise the KEK alone protects it) */
  holdersRequired?: boolean;
  vault?: HolderVault;
}

export function createKeyring(store: KeyStore, cipher: CipherName, options: KeyringOptions = {}): Keyring {
  const levels = new Map<string, LevelKey>();
  const holderLevels = new Set(options.holderLevels ?? []);
  const holders = options.vault ?? createHolderVault();

  async function activeLevelKey(db: Queryable, level: string): Promise<LevelKey> {
    const cached = levels.get(level);
    if (cached) return cached;
    for (let attempt = 0; attempt < 3; attempt++) {
      const { rows } = await db.query<{ version: number; key_ref: string; wrapped_address_secret: Buffer }>(
        `SELECT version, key_ref, wrapped_address_secret FROM level_keys WHERE level = $1 AND state = 'active'`,
        [level],
      );
      const row = rows[0];
      if (row) {
        const addressSecret = await store.unwrap(
          row.key_ref,
          Buffer.from(row.wrapped_address_secret),
          addressSecretContext(level),
        );
        const key = { level, version: row.version, keyRef: row.key_ref, addressSecret };
        levels.set(level, key);
        return key;
      }
      const known = await db.query('SELECT 1 FROM secrecy_levels WHERE code = $1', [level]);
      if (known.rows.length === 0) throw levelUnknown({ level });
      // First use of the level: a KEK and an address secret. Two processes may race: the loser's
      // KEK is destroyed again and it reads the winner's.
      const keyRef = await store.createKey();
      const secret = newDataKey('aes-256-gcm');
      const wrapped = await store.wrap(keyRef, secret, addressSecretContext(level));
      const inserted = await db.query(
        `INSERT INTO level_keys (level, version, store, key_ref, wrapped_address_secret, state)
         VALUES ($1, 1, $2, $3, $4, 'active') ON CONFLICT DO NOTHING RETURNING version`,
        [level, store.kind, keyRef, wrapped],
      );
      if (inserted.rows.length === 0) await store.destroyKey(keyRef);
    }
    throw new Error(`could not create the key of level ${level}`);
  }

  function addressOf(levelKey: LevelKey, sha256: string, generation: number): string {
    const mac = createHmac('sha256', levelKey.addressSecret).update('dangan.blob.address\0').update(sha256);
    if (generation > 0) mac.update(`\0${generation}`);
    return mac.digest('hex');
  }

  async function sealFor(db: Queryable, level: string, sha256: string): Promise<BlobSeal> {
    try {
      return await sealWith(db, level, sha256);
    } catch (error) {
      // Another process rotated the level's key and destroyed the one remembered here.
      if (!keyNotFound.is(error)) throw error;
      levels.delete(level);
      return sealWith(db, level, sha256);
    }
  }

  async function sealWith(db: Queryable, level: string, sha256: string): Promise<BlobSeal> {
    const levelKey = await activeLevelKey(db, level);
    if (holderLevels.has(level)) {
      // Once a level has holders, its new content needs one of them to be read (holder-seal.ts).
      const recipients = await holderRecipients(db, level);
      if (recipients.length > 0) return sealForHolders(db, store, levelKey, cipher, recipients);
      if (options.holdersRequired) throw holderNone({ level });
    }
    for (let generation = 0; generation < 1000; generation++) {
      const address = addressOf(levelKey, sha256, generation);
      // One statement records a new data key or finds the existing one: ingest of small files is
      // bound by database round trips, so the key costs one, not two. The new key is wrapped in
      // advance (microseconds) and dropped when the content is already stored.
      const key = newDataKey(cipher);
      const wrapped = await store.wrap(levelKey.keyRef, key, dataKeyContext(address, cipher));
      const { rows } = await db.query<{
        inserted: number;
        cipher: CipherName | null;
        wrapped_key: Uint8Array | null;
        key_ref: string | null;
        destroyed: boolean | null;
      }>(
        `WITH ins AS (
           INSERT INTO blob_keys (address, level, kek_version, cipher, wrapped_key)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (address) DO NOTHING RETURNING address)
         SELECT (SELECT count(*) FROM ins)::int AS inserted, bk.cipher, bk.wrapped_key, lk.key_ref,
                bk.destroyed_at IS NOT NULL AS destroyed
           FROM (SELECT 1) AS one
           LEFT JOIN blob_keys bk ON bk.address = $1
           LEFT JOIN level_keys lk ON lk.level = bk.level AND lk.version = bk.kek_version`,
        [address, level, levelKey.version, cipher, wrapped],
      );
      const row = rows[0]!;
      if (row.inserted > 0) return { address, cipher, key };
      if (row.destroyed) continue; // shredded content is never brought back to life
      if (row.cipher && row.wrapped_key && row.key_ref) {
        const existing = {
          cipher: row.cipher,
          wrapped: Buffer.from(row.wrapped_key),
          keyRef: row.key_ref,
          destroyed: false,
        };
        return { address, ...(await unwrapRow(existing, address)) };
      }
      generation--; // another writer recorded this address just now: read its key
    }
    throw new Error('too many generations of one content');
  }

  interface KeyRow {
    cipher: CipherName;
    wrapped: Buffer | null;
    keyRef: string;
    destroyed: boolean;
    holderProtected?: boolean;
  }

  async function keyRow(db: Queryable, address: string): Promise<KeyRow | undefined> {
    const { rows } = await db.query<{
      cipher: CipherName;
      wrapped_key: Buffer | null;
      key_ref: string;
      holder_protected: boolean;
    }>(
      `SELECT bk.cipher, bk.wrapped_key, lk.key_ref, bk.holder_protected FROM blob_keys bk
         JOIN level_keys lk ON lk.level = bk.level AND lk.version = bk.kek_version
        WHERE bk.address = $1`,
      [address],
    );
    const row = rows[0];
    if (!row) return undefined;
    const wrapped = row.wrapped_key === null ? null : Buffer.from(row.wrapped_key);
    return {
      cipher: row.cipher,
      wrapped,
      keyRef: row.key_ref,
      destroyed: wrapped === null,
      holderProtected: row.holder_protected,
    };
  }

  async function unwrapRow(row: KeyRow, address: string, db?: Queryable): Promise<BlobKey> {
    if (!row.wrapped) throw contentDestroyed({ address });
    if (row.holderProtected) {
      if (!db) throw holderRequired({ address });
      return openProtectedKey(
        db,
        store,
        holders,
        { keyRef: row.keyRef, wrapped: row.wrapped, cipher: row.cipher },
        address,
      );
    }
    const key = await store.unwrap(row.keyRef, row.wrapped, dataKeyContext(address, row.cipher));
    return { cipher: row.cipher, key };
  }

  return {
    cipher,
    store,
    holderLevels,
    holders,
    sealFor,
    async keyFor(db, address) {
      const row = await keyRow(db, address);
      return row ? unwrapRow(row, address, db) : undefined;
    },
    activeLevelKey,
    forget() {
      for (const key of levels.values()) key.addressSecret.fill(0);
      levels.clear();
    },
    async close() {
      this.forget();
      holders.clear();
      await store.close();
    },
  };
}
