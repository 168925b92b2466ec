/**
 * Holder protection of a blob (持有人保护). At a level at or above `encryption.holderFromLevel`
 * that has holders, a new blob's data key is derived from two random shares:
 *
 *   DEK = HKDF-SHA256(ikm = system share ‖ holder share, salt = address, info = "dangan.dek.holder" ‖ cipher)
 *
 * The system share is wrapped under the level's KEK (blob_keys.wrapped_key, rotated like any data
 * key); the holder share is wrapped for every holder certificate of the level (blob_holder_wraps).
 * Reading needs both: the KeyStore (the server) and one holder's private key. A stolen database
 * with the key file opens no protected content; neither does a holder's key without the server.
 *
 * Protected blobs are not deduplicated: their address is a keyed digest of a random value, so the
 * server never needs the data key of content already stored (it could not derive it without a
 * holder) and no one learns from the storage that two protected files are equal.
 */
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';

import type { Queryable } from '../../db/database.port.ts';
import type { BlobKey, BlobSeal } from '../blobs/blob-seal.ts';
import { CIPHERS, type CipherName } from '../blobs/chunk-cipher.ts';
import { unwrapAsHolder, wrapForHolder, type HolderAlgorithm } from './holder-crypto.ts';
import { currentHolderReader, type HolderVault } from './holder-vault.ts';
import { holderRequired } from './holders.errors.ts';
import type { KeyStore } from './keys.port.ts';

export function holderShareContext(address: string, cipher: string): Buffer {
  return Buffer.from(`dangan.holder-share\0${address}\0${cipher}`);
}

export function deriveHolderDataKey(
  systemShare: Buffer,
  holderShare: Buffer,
  address: string,
  cipher: CipherName,
): Buffer {
  const ikm = Buffer.concat([systemShare, holderShare]);
  const key = Buffer.from(
    hkdfSync(
      'sha256',
      ikm,
      Buffer.from(address, 'hex'),
      `dangan.dek.holder\0${cipher}`,
      CIPHERS[cipher].keyLength,
    ),
  );
  ikm.fill(0);
  return key;
}

export interface HolderRecipient {
  certId: string;
  algorithm: HolderAlgorithm;
  spki: Buffer;
}

/** The active, unexpired certificates of the level's holders. */
export async function holderRecipients(db: Queryable, level: string): Promise<HolderRecipient[]> {
  const { rows } = await db.query<{ id: string; algorithm: HolderAlgorithm; spki: Uint8Array }>(
    `SELECT hc.id, hc.algorithm, hc.spki FROM holder_grants hg
       JOIN holder_certs hc ON hc.user_id = hg.user_id AND hc.state = 'active' AND hc.not_after > now()
      WHERE hg.level = $1 ORDER BY hc.id`,
    [level],
  );
  return rows.map((row) => ({ certId: row.id, algorithm: row.algorithm, spki: Buffer.from(row.spki) }));
}

/**
 * Records the keys of a new protected blob at `level` (one statement: the key row and every holder
 * wrap, or nothing) and returns its seal.
 */
export async function sealForHolders(
  db: Queryable,
  store: KeyStore,
  level: { level: string; version: number; keyRef: string; addressSecret: Buffer },
  cipher: CipherName,
  recipients: readonly HolderRecipient[],
): Promise<BlobSeal> {
  const address = createHmac('sha256', level.addressSecret)
    .update('dangan.blob.address.holder\0')
    .update(randomBytes(32))
    .digest('hex');
  const systemShare = randomBytes(32);
  const holderShare = randomBytes(32);
  const wrappedSystem = await store.wrap(level.keyRef, systemShare, dataKeyContextFor(address, cipher));
  const context = holderShareContext(address, cipher);
  const wraps = recipients.map((r) => wrapForHolder(r, holderShare, context));
  await db.query(
    `WITH ins AS (
       INSERT INTO blob_keys (address, level, kek_version, cipher, wrapped_key, holder_protected)
       VALUES ($1, $2, $3, $4, $5, true) RETURNING address)
     INSERT INTO blob_holder_wraps (address, cert_id, wrapped)
     SELECT ins.address, u.cert_id, u.wrapped FROM ins, unnest($6::uuid[], $7::bytea[]) AS u(cert_id, wrapped)`,
    [address, level.level, level.version, cipher, wrappedSystem, recipients.map((r) => r.certId), wraps],
  );
  const key = deriveHolderDataKey(systemShare, holderShare, address, cipher);
  systemShare.fill(0);
  holderShare.fill(0);
  return { address, cipher, key };
}

// keyring.ts's dataKeyContext, repeated here to keep the import graph one-way (keyring → holder-seal)
function dataKeyContextFor(address: string, cipher: string): Buffer {
  return Buffer.from(`dangan.dek\0${address}\0${cipher}`);
}

/**
 * The holder share of a protected blob for the current reader: one of their unlocked certificates
 * must have a wrap, and they must still hold the blob's level. key.holder_required otherwise.
 */
export async function openHolderShare(
  db: Queryable,
  vault: HolderVault,
  address: string,
  cipher: CipherName,
): Promise<Buffer> {
  const userId = currentHolderReader();
  if (!userId) throw holderRequired({ address });
  const keys = vault.keysOf(userId);
  if (keys.size === 0) throw holderRequired({ address });
  const { rows } = await db.query<{ cert_id: string; wrapped: Uint8Array }>(
    `SELECT w.cert_id, w.wrapped FROM blob_holder_wraps w
       JOIN blob_keys bk ON bk.address = w.address
       JOIN holder_certs hc ON hc.id = w.cert_id AND hc.state = 'active'
       JOIN holder_grants hg ON hg.level = bk.level AND hg.user_id = hc.user_id
      WHERE w.address = $1 AND hc.user_id = $2 AND w.cert_id = ANY($3::uuid[])`,
    [address, userId, [...keys.keys()]],
  );
  const row = rows[0];
  if (!row) throw holderRequired({ address });
  return unwrapAsHolder(
    keys.get(row.cert_id)!,
    Buffer.from(row.wrapped),
    holderShareContext(address, cipher),
  );
}

/** The data key of a protected blob from its two shares. */
export async function openProtectedKey(
  db: Queryable,
  store: KeyStore,
  vault: HolderVault,
  row: { keyRef: string; wrapped: Buffer; cipher: CipherName },
  address: string,
): Promise<BlobKey> {
  // The holder share first: a reader who is no holder learns nothing, not even whether the KEK opens.
  const holderShare = await openHolderShare(db, vault, address, row.cipher);
  const systemShare = await store.unwrap(row.keyRef, row.wrapped, dataKeyContextFor(address, row.cipher));
  const key = deriveHolderDataKey(systemShare, holderShare, address, row.cipher);
  systemShare.fill(0);
  holderShare.fill(0);
  return { cipher: row.cipher, key };
}
