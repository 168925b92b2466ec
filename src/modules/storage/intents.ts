/**
 * Keeping stored bytes and database rows in agreement across crashes. Bytes and rows cannot be
 * written atomically together, so a blob's address is first recorded as an intent (committed), then
 * the bytes are made durable, then one transaction writes the rows and deletes the intent. A process
 * killed anywhere in between leaves an intent; recovery removes bytes that no row refers to.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../../db/database.port.ts';
import type { BlobSeal, BlobStore, CommittedBlob, StagedBlob } from '../blobs/blobs.port.ts';
import type { Keyring } from '../keys/keyring.ts';

/** Identifies this process in intents and job locks: host, pid and a random tag. */
export function processOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** True when the owner is a process on this host that no longer runs. Owners on other hosts are unknown: never dead. */
export function isDeadOwner(owner: string, self: string): boolean {
  if (owner === self) return false;
  const [host, pid] = owner.split(':');
  if (host !== hostname()) return false;
  const n = Number(pid);
  if (!Number.isInteger(n) || n <= 0) return true;
  if (n === process.pid) return true; // same pid, different tag: an earlier life of this pid
  try {
    process.kill(n, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export interface StorageDeps {
  db: Database;
  blobs: BlobStore;
  owner: string;
  /** present when encryption at rest is on: new blobs are sealed at their record's level */
  keyring?: Keyring | undefined;
}

/**
 * The seal for a staged blob of a record at `level`, or undefined when encryption is off. Its
 * address is what components.blob_sha256 and blobs.sha256 hold (see 0006_keys.sql).
 */
export async function sealFor(
  deps: StorageDeps,
  level: string,
  staged: StagedBlob,
): Promise<BlobSeal | undefined> {
  return deps.keyring?.sealFor(deps.db, level, staged.sha256);
}

/**
 * Makes a staged blob durable and runs `write` in the transaction that records it. If anything fails,
 * the staged bytes are dropped, and bytes written for this blob are removed unless a row (or another
 * writer's intent) needs them. With a seal (sealFor), the blob is stored encrypted under the seal's
 * address; `write` must refer to it by `blob.address`.
 */
export async function persistStaged<T>(
  deps: StorageDeps,
  staged: StagedBlob,
  write: (tx: Queryable, blob: CommittedBlob) => Promise<T>,
  seal?: BlobSeal,
): Promise<T> {
  const { db, blobs, owner } = deps;
  const address = seal?.address ?? staged.sha256;
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO blob_intents (sha256, owner) VALUES ($1, $2) RETURNING id::text',
    [address, owner],
  );
  const intentId = rows[0]!.id;
  try {
    const committed = await staged.commit(seal);
    return await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO blobs (sha256, sm3, size, stored_size, content_sha256) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (sha256) DO NOTHING`,
        [
          committed.address,
          committed.sm3,
          committed.size,
          committed.storedSize,
          seal ? committed.sha256 : null,
        ],
      );
      const result = await write(tx, committed);
      await tx.query('DELETE FROM blob_intents WHERE id = $1', [intentId]);
      return result;
    });
  } catch (error) {
    await staged.discard().catch(() => undefined);
    await abandonIntent(db, blobs, intentId, address).catch(() => undefined);
    throw error;
  }
}

async function abandonIntent(
  db: Database,
  blobs: BlobStore,
  intentId: string,
  sha256: string,
): Promise<void> {
  const { rows } = await db.query<{ has_row: boolean; other_intents: number }>(
    `SELECT EXISTS (SELECT 1 FROM blobs WHERE sha256 = $1) AS has_row,
            (SELECT count(*)::int FROM blob_intents WHERE sha256 = $1 AND id <> $2) AS other_intents`,
    [sha256, intentId],
  );
  const state = rows[0]!;
  if (!state.has_row && state.other_intents === 0) await blobs.remove(sha256);
  await db.query('DELETE FROM blob_intents WHERE id = $1', [intentId]);
}

/**
 * At start: finishes what crashed processes left behind. With the embedded database this process is
 * the only one (the data folder is locked), so every foreign intent is abandoned; with a server, only
 * intents of dead processes on this host are.
 */
export async function recoverIntents(deps: StorageDeps, exclusive: boolean): Promise<number> {
  const { rows } = await deps.db.query<{ id: string; sha256: string; owner: string }>(
    'SELECT id::text, sha256, owner FROM blob_intents ORDER BY id',
  );
  let recovered = 0;
  for (const intent of rows) {
    if (intent.owner === deps.owner) continue;
    if (!exclusive && !isDeadOwner(intent.owner, deps.owner)) continue;
    await abandonIntent(deps.db, deps.blobs, intent.id, intent.sha256);
    recovered++;
  }
  return recovered;
}
