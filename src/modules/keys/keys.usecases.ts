/**
 * Key management operations (security officer; action key.manage): status, rotation of the levels'
 * key-encryption keys, and crypto-shredding of a record's content on disposal. Every operation —
 * looking at the status too — is recorded as an event (key.status, key.rotate, key.shred).
 */
import type { Database, Queryable } from '../../db/database.port.ts';
import { authorize, type Actor } from '../access/access.policy.ts';
import type { BlobStore } from '../blobs/blobs.port.ts';
import { recordEvent } from '../events/events.ts';
import { addressSecretContext, dataKeyContext } from './keyring.ts';
import type { Keyring } from './keyring.ts';
import { levelUnknown, recordNotFoundForKeys } from './keys.errors.ts';

export interface KeysDeps {
  db: Database;
  keyring: Keyring;
  blobs: BlobStore;
  /** whether new blobs are sealed (encryption.enabled) */
  sealing: boolean;
}

export interface LevelKeyStatus {
  level: string;
  version: number;
  state: 'active' | 'retired' | 'destroyed';
  store: string;
  keyRef: string;
  createdAt: string;
  /** data keys wrapped under this version */
  dataKeys: number;
}

export interface KeyStatus {
  sealing: boolean;
  cipher: string;
  store: string;
  levels: LevelKeyStatus[];
  blobs: { sealed: number; destroyed: number; clear: number };
  /** the holder levels (encryption.holderFromLevel and above): holders, protected blobs, gaps */
  holderLevels: HolderLevelStatus[];
}

export interface HolderLevelStatus {
  level: string;
  /** users holding the level with an active certificate; 0 = new content is under the KEK alone */
  holders: number;
  protectedBlobs: number;
  /** protected blobs some current holder certificate has no wrap for (a holder should share) */
  blobsMissingWraps: number;
}

export async function keyStatus(deps: KeysDeps, actor: Actor): Promise<KeyStatus> {
  authorize(actor, 'key.manage');
  const { db, keyring } = deps;
  const levels = await db.query<{
    level: string;
    version: number;
    state: LevelKeyStatus['state'];
    store: string;
    key_ref: string;
    created_at: Date;
    data_keys: number;
  }>(
    `SELECT lk.level, lk.version, lk.state, lk.store, lk.key_ref, lk.created_at,
            (SELECT count(*)::int FROM blob_keys bk WHERE bk.level = lk.level AND bk.kek_version = lk.version
                AND bk.wrapped_key IS NOT NULL) AS data_keys
       FROM level_keys lk ORDER BY lk.level, lk.version`,
  );
  const counts = await db.query<{ sealed: number; destroyed: number; clear: number }>(
    `SELECT (SELECT count(*)::int FROM blob_keys WHERE wrapped_key IS NOT NULL) AS sealed,
            (SELECT count(*)::int FROM blob_keys WHERE wrapped_key IS NULL) AS destroyed,
            (SELECT count(*)::int FROM blobs b WHERE b.content_sha256 IS NULL) AS clear`,
  );
  const holderLevels = await db.query<HolderLevelStatus>(
    `SELECT l AS level,
            (SELECT count(DISTINCT hg.user_id)::int FROM holder_grants hg JOIN holder_certs hc ON hc.user_id = hg.user_id
                AND hc.state = 'active' AND hc.not_after > now() WHERE hg.level = l) AS holders,
            (SELECT count(*)::int FROM blob_keys bk WHERE bk.level = l AND bk.holder_protected
                AND bk.wrapped_key IS NOT NULL) AS "protectedBlobs",
            (SELECT count(*)::int FROM blob_keys bk WHERE bk.level = l AND bk.holder_protected AND bk.wrapped_key IS NOT NULL
                AND EXISTS (SELECT 1 FROM holder_grants hg JOIN holder_certs hc ON hc.user_id = hg.user_id
                              AND hc.state = 'active' AND hc.not_after > now()
                             WHERE hg.level = l AND NOT EXISTS (
                               SELECT 1 FROM blob_holder_wraps w WHERE w.address = bk.address AND w.cert_id = hc.id))
            ) AS "blobsMissingWraps"
       FROM unnest($1::text[]) AS l ORDER BY l`,
    [[...keyring.holderLevels]],
  );
  // Looking at the keys is a security officer's act too: it goes into the trail like the others.
  await recordEvent(db, actor, 'key.status', { levels: levels.rows.length });
  return {
    sealing: deps.sealing,
    cipher: keyring.cipher,
    store: keyring.store.kind,
    levels: levels.rows.map((row) => ({
      level: row.level,
      version: row.version,
      state: row.state,
      store: row.store,
      keyRef: row.key_ref,
      createdAt: new Date(row.created_at).toISOString(),
      dataKeys: row.data_keys,
    })),
    blobs: counts.rows[0]!,
    holderLevels: holderLevels.rows,
  };
}

export interface RotationResult {
  level: string;
  fromVersion: number | null;
  toVersion: number;
  rewrapped: number;
  destroyedKeys: string[];
}

/**
 * Rotates the KEK of one level (or of every level that has one): a new version becomes active, the
 * level's address secret and every data key are rewrapped under it (the blobs themselves are not
 * touched), then the old KEKs are destroyed in the key store. Re-running finishes an interrupted
 * rotation: rows still under an older version are rewrapped first.
 */
export async function rotateKeys(deps: KeysDeps, actor: Actor, level?: string): Promise<RotationResult[]> {
  authorize(actor, 'key.manage');
  const { db } = deps;
  let levels: string[];
  if (level) {
    const known = await db.query('SELECT 1 FROM secrecy_levels WHERE code = $1', [level]);
    if (known.rows.length === 0) throw levelUnknown({ level });
    levels = [level];
  } else {
    const { rows } = await db.query<{ level: string }>(
      `SELECT DISTINCT level FROM level_keys WHERE state = 'active' ORDER BY level`,
    );
    levels = rows.map((row) => row.level);
  }
  const results: RotationResult[] = [];
  for (const code of levels) results.push(await rotateLevel(deps, actor, code));
  return results;
}

async function rotateLevel(deps: KeysDeps, actor: Actor, level: string): Promise<RotationResult> {
  const { db, keyring } = deps;
  const store = keyring.store;
  const current = await keyring.activeLevelKey(db, level);
  const keyRef = await store.createKey();
  const version = current.version + 1;
  const wrappedSecret = await store.wrap(keyRef, current.addressSecret, addressSecretContext(level));
  await db.transaction(async (tx) => {
    await tx.query(
      `UPDATE level_keys SET state = 'retired', retired_at = now() WHERE level = $1 AND state = 'active'`,
      [level],
    );
    await tx.query(
      `INSERT INTO level_keys (level, version, store, key_ref, wrapped_address_secret, state)
       VALUES ($1, $2, $3, $4, $5, 'active')`,
      [level, version, store.kind, keyRef, wrappedSecret],
    );
  });
  keyring.forget();
  const rewrapped = await rewrapLevel(db, keyring, level, version, keyRef);
  // Every data key of the level is under the new version now: the old KEKs can go.
  const old = await db.query<{ version: number; key_ref: string }>(
    `SELECT version, key_ref FROM level_keys lk WHERE level = $1 AND state = 'retired'
        AND NOT EXISTS (SELECT 1 FROM blob_keys bk WHERE bk.level = lk.level AND bk.kek_version = lk.version)`,
    [level],
  );
  const destroyedKeys: string[] = [];
  for (const row of old.rows) {
    await store.destroyKey(row.key_ref);
    await db.query(
      `UPDATE level_keys SET state = 'destroyed', destroyed_at = now() WHERE level = $1 AND version = $2`,
      [level, row.version],
    );
    destroyedKeys.push(row.key_ref);
  }
  await recordEvent(db, actor, 'key.rotate', {
    level,
    fromVersion: current.version,
    toVersion: version,
    rewrapped,
  });
  return { level, fromVersion: current.version, toVersion: version, rewrapped, destroyedKeys };
}

/** Rewraps, 200 at a time, every data key of `level` not yet under `version`. */
async function rewrapLevel(
  db: Database,
  keyring: Keyring,
  level: string,
  version: number,
  keyRef: string,
): Promise<number> {
  let done = 0;
  for (;;) {
    const { rows } = await db.query<{
      address: string;
      cipher: string;
      wrapped_key: Buffer | null;
      key_ref: string;
    }>(
      `SELECT bk.address, bk.cipher, bk.wrapped_key, lk.key_ref FROM blob_keys bk
         JOIN level_keys lk ON lk.level = bk.level AND lk.version = bk.kek_version
        WHERE bk.level = $1 AND bk.kek_version <> $2 ORDER BY bk.address LIMIT 200`,
      [level, version],
    );
    if (rows.length === 0) return done;
    await db.transaction(async (tx: Queryable) => {
      for (const row of rows) {
        const context = dataKeyContext(row.address, row.cipher);
        const wrapped =
          row.wrapped_key === null
            ? null
            : await keyring.store.wrap(
                keyRef,
                await keyring.store.unwrap(row.key_ref, Buffer.from(row.wrapped_key), context),
                context,
              );
        await tx.query('UPDATE blob_keys SET kek_version = $2, wrapped_key = $3 WHERE address = $1', [
          row.address,
          version,
          wrapped,
        ]);
      }
    });
    done += rows.length;
  }
}

export interface ShredResult {
  recordId: string;
  /** blobs whose data key was destroyed (and whose bytes were removed) */
  destroyed: string[];
  /** blobs also held by another record at the same level: kept */
  shared: string[];
  /** blobs stored in the clear before encryption: their bytes were removed */
  removedClear: string[];
}

/**
 * Crypto-shredding on disposal (销毁): destroys the data keys of a record's content so that no copy
 * of its bytes — replicas, backups of the volumes — can be decrypted again, then removes the bytes.
 * Content that another record holds too (the same file at the same level) is kept for that record.
 * Rotating the level's KEK afterwards makes database backups' copies of the wrapped key useless too.
 */
export async function shredRecord(deps: KeysDeps, actor: Actor, idOrArchiveNo: string): Promise<ShredResult> {
  authorize(actor, 'key.manage');
  const { db, blobs } = deps;
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrArchiveNo);
  const record = await db.query<{ id: string }>(
    `SELECT id FROM records WHERE ${uuid ? 'id = $1::uuid' : 'archive_no = $1'}`,
    [idOrArchiveNo],
  );
  const recordId = record.rows[0]?.id;
  if (!recordId) throw recordNotFoundForKeys({ record: idOrArchiveNo });
  const result: ShredResult = { recordId, destroyed: [], shared: [], removedClear: [] };
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ address: string; shared: boolean; sealed: boolean }>(
      `SELECT DISTINCT cp.blob_sha256 AS address,
              EXISTS (SELECT 1 FROM components o WHERE o.blob_sha256 = cp.blob_sha256 AND o.record_id <> cp.record_id) AS shared,
              EXISTS (SELECT 1 FROM blob_keys bk WHERE bk.address = cp.blob_sha256) AS sealed
         FROM components cp WHERE cp.record_id = $1 ORDER BY 1`,
      [recordId],
    );
    for (const row of rows) {
      if (row.shared) result.shared.push(row.address);
      else if (row.sealed) result.destroyed.push(row.address);
      else result.removedClear.push(row.address);
    }
    if (result.destroyed.length > 0) {
      await tx.query(
        `UPDATE blob_keys SET wrapped_key = NULL, destroyed_at = now() WHERE address = ANY($1::text[])`,
        [result.destroyed],
      );
      // holder wraps of destroyed content are useless, and deleting them leaves nothing to attack
      await tx.query('DELETE FROM blob_holder_wraps WHERE address = ANY($1::text[])', [result.destroyed]);
    }
    // The search index holds the record's text: have it indexed again, now without it.
    await tx.query('SELECT search_note($1)', [recordId]);
    await recordEvent(tx, actor, 'key.shred', {
      recordId,
      destroyed: result.destroyed.length,
      shared: result.shared.length,
      removedClear: result.removedClear.length,
    });
  });
  // Once the keys are gone the bytes are noise; removing them frees the space.
  for (const address of [...result.destroyed, ...result.removedClear]) await blobs.remove(address);
  return result;
}
