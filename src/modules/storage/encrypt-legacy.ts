/**
 * `dangan keys encrypt-legacy`: seals the blobs stored in the clear before encryption at rest existed
 * (blobs.content_sha256 IS NULL), in place and crash-safe. For each such blob and each secrecy level
 * whose records use it:
 *
 *   1. the plaintext is read and staged, and its SHA-256 checked against its address (a damaged
 *      blob is reported and left alone);
 *   2. the level's seal is taken (keyring.sealFor: the address and data key, recorded first), and the
 *      sealed container is written through persistStaged — an intent first, then temp file + rename;
 *   3. in the transaction that records it, the new container is read back and decrypted with its key
 *      and must hash to the content's SHA-256; only then do the level's components point at it, and
 *      each affected record logs its new state (`record.reencrypt`), so `ledger verify` stays clean;
 *   4. when no component uses the plaintext any more, its row is deleted and then its bytes, under an
 *      intent: a crash in between leaves bytes that start-up recovery removes.
 *
 * A crash or failure anywhere leaves every component pointing at a complete, readable blob (the old
 * plaintext or the verified sealed copy); running the command again finishes the work. One
 * `key.encrypt_legacy` event per run gives the counts.
 */
import { createHash } from 'node:crypto';
import { authorize, type Actor } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';
import type { Keyring } from '../keys/keyring.ts';
import { recordStateEvent } from '../ledger/record-state.ts';
import { persistStaged, type StorageDeps } from './intents.ts';

export interface EncryptLegacyResult {
  /** plaintext blobs sealed and removed */
  blobs: number;
  /** sealed copies written (one per level using a blob) */
  sealedCopies: number;
  records: number;
  /** blobs whose bytes no longer match their address: left as they are */
  damaged: string[];
}

export interface EncryptLegacyHooks {
  /** test seam: runs inside the switching transaction, after the sealed copy is verified */
  beforeSwitch?: (sha256: string, level: string) => void | Promise<void>;
  /** test seam: runs after the switch committed, before the plaintext is removed */
  beforeRemove?: (sha256: string) => void | Promise<void>;
}

export async function encryptLegacyBlobs(
  deps: StorageDeps & { keyring: Keyring },
  actor: Actor,
  hooks: EncryptLegacyHooks = {},
): Promise<EncryptLegacyResult> {
  authorize(actor, 'key.manage');
  const { db, blobs, keyring } = deps;
  const result: EncryptLegacyResult = { blobs: 0, sealedCopies: 0, records: 0, damaged: [] };
  const { rows: legacy } = await db.query<{ sha256: string }>(
    'SELECT sha256 FROM blobs WHERE content_sha256 IS NULL ORDER BY sha256',
  );
  for (const { sha256 } of legacy) {
    const { rows: levels } = await db.query<{ level: string }>(
      `SELECT DISTINCT r.secrecy_level AS level FROM components c JOIN records r ON r.id = c.record_id
        WHERE c.blob_sha256 = $1 ORDER BY 1`,
      [sha256],
    );
    let damaged = false;
    for (const { level } of levels) {
      const staged = await blobs.stage(await blobs.get(sha256));
      if (staged.sha256 !== sha256) {
        await staged.discard();
        damaged = true;
        break;
      }
      const seal = await keyring.sealFor(db, level, sha256);
      const switched = await persistStaged(
        deps,
        staged,
        async (tx, blob) => {
          const hash = createHash('sha256');
          for await (const chunk of await blobs.get(blob.address, undefined, seal))
            hash.update(chunk as Buffer);
          if (hash.digest('hex') !== sha256)
            throw new Error(`the sealed copy of ${sha256} does not read back (${blob.address})`);
          await hooks.beforeSwitch?.(sha256, level);
          const { rows } = await tx.query<{ record_id: string }>(
            `UPDATE components c SET blob_sha256 = $1 FROM records r
              WHERE r.id = c.record_id AND r.secrecy_level = $2 AND c.blob_sha256 = $3
              RETURNING c.record_id::text AS record_id`,
            [blob.address, level, sha256],
          );
          const records = [...new Set(rows.map((r) => r.record_id))];
          for (const recordId of records)
            await recordStateEvent(tx, actor, 'record.reencrypt', { recordId, from: sha256, level });
          return records.length;
        },
        seal,
      );
      result.sealedCopies++;
      result.records += switched;
    }
    if (damaged) {
      result.damaged.push(sha256);
      continue;
    }
    await hooks.beforeRemove?.(sha256);
    if (await removePlaintext(deps, sha256)) result.blobs++;
  }
  if (result.blobs + result.sealedCopies + result.damaged.length > 0)
    await recordEvent(db, actor, 'key.encrypt_legacy', {
      blobs: result.blobs,
      sealedCopies: result.sealedCopies,
      records: result.records,
      ...(result.damaged.length > 0 ? { outcome: 'failed' as const, damaged: result.damaged } : {}),
    });
  return result;
}

/** Drops a plaintext blob no component uses: row first (under an intent), then bytes, then intent. */
async function removePlaintext(deps: StorageDeps, sha256: string): Promise<boolean> {
  const { db, blobs, owner } = deps;
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO blob_intents (sha256, owner) VALUES ($1, $2) RETURNING id::text',
    [sha256, owner],
  );
  const intentId = rows[0]!.id;
  const deleted = await db.query(
    `DELETE FROM blobs b WHERE b.sha256 = $1 AND b.content_sha256 IS NULL
       AND NOT EXISTS (SELECT 1 FROM components c WHERE c.blob_sha256 = b.sha256)`,
    [sha256],
  );
  if (deleted.rowCount > 0) await blobs.remove(sha256);
  await db.query('DELETE FROM blob_intents WHERE id = $1', [intentId]);
  return deleted.rowCount > 0;
}
