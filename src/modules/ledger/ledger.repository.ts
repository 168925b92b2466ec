/** Database access of the ledger: its state row, entries, stored nodes, keys and checkpoints. */
import type { Queryable } from '../../db/database.port.ts';
import type { SignatureAlgorithm } from './ledger.keys.ts';
import { nodeKey, type HashAlgorithm, type LedgerEvent, type NodeId } from './ledger.models.ts';

/** Serialises appends and checkpoints across processes (same family as migrate's 7346000). */
export const LEDGER_LOCK = 7346010;

export interface LedgerState {
  hashAlgorithm: HashAlgorithm;
  signatureAlgorithm: SignatureAlgorithm;
  origin: string;
  treeSize: number;
  lastTx: string;
  lastEventId: string;
}

export async function readState(db: Queryable, forUpdate = false): Promise<LedgerState | undefined> {
  const { rows } = await db.query<{
    hash_algorithm: HashAlgorithm;
    signature_algorithm: SignatureAlgorithm;
    origin: string;
    tree_size: string;
    last_tx: string;
    last_event_id: string;
  }>(
    `SELECT hash_algorithm, signature_algorithm, origin, tree_size, last_tx::text AS last_tx, last_event_id
       FROM ledger_state WHERE id = 1${forUpdate ? ' FOR UPDATE' : ''}`,
  );
  const row = rows[0];
  return (
    row && {
      hashAlgorithm: row.hash_algorithm,
      signatureAlgorithm: row.signature_algorithm,
      origin: row.origin,
      treeSize: Number(row.tree_size),
      lastTx: row.last_tx,
      lastEventId: row.last_event_id,
    }
  );
}

export async function createStateIfMissing(
  db: Queryable,
  algorithms: { hash: HashAlgorithm; signature: SignatureAlgorithm },
  origin: string,
): Promise<void> {
  await db.query(
    `INSERT INTO ledger_state (id, hash_algorithm, signature_algorithm, origin) VALUES (1, $1, $2, $3)
     ON CONFLICT (id) DO NOTHING`,
    [algorithms.hash, algorithms.signature, origin],
  );
}

/**
 * Events exactly as the ledger encodes them: id as decimal text, the time in UTC with microseconds
 * (a JS Date would cut them), record id as text.
 */
export const SELECT_EVENT = `SELECT e.id::text AS id,
    to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
    e.actor, e.action, e.record_id::text AS record_id, e.outcome, e.ip, e.details, e.tx::text AS tx
  FROM events e`;

export interface EventRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  record_id: string | null;
  outcome: string;
  ip: string | null;
  details: unknown;
  tx: string;
}

export function toLedgerEvent(row: EventRow): LedgerEvent {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    recordId: row.record_id,
    outcome: row.outcome,
    ip: row.ip,
    details: row.details,
  };
}

/**
 * The next events to append, in (tx, id) order after the cursor, from transactions older than every
 * transaction still running (pg_snapshot_xmin): no event can appear later before those returned.
 */
export async function pendingEvents(
  db: Queryable,
  after: { tx: string; id: string },
  limit: number,
): Promise<EventRow[]> {
  const { rows } = await db.query<EventRow>(
    `${SELECT_EVENT}
      WHERE (e.tx, e.id) > ($1::xid8, $2::bigint) AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY e.tx, e.id LIMIT $3`,
    [after.tx, after.id, limit],
  );
  return rows;
}

export async function eventsById(db: Queryable, ids: readonly string[]): Promise<Map<string, EventRow>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<EventRow>(`${SELECT_EVENT} WHERE e.id = ANY($1::bigint[])`, [ids]);
  return new Map(rows.map((row) => [row.id, row]));
}

export async function insertEntries(
  db: Queryable,
  entries: { seq: number; eventId: string; recordId: string | null; entry: Buffer }[],
): Promise<void> {
  await db.query(
    `INSERT INTO ledger_entries (seq, event_id, record_id, entry)
     SELECT s, e, r, decode(b, 'hex') FROM unnest($1::bigint[], $2::bigint[], $3::uuid[], $4::text[]) AS t(s, e, r, b)`,
    [
      entries.map((e) => e.seq),
      entries.map((e) => e.eventId),
      entries.map((e) => e.recordId),
      entries.map((e) => e.entry.toString('hex')),
    ],
  );
}

export async function insertNodes(db: Queryable, nodes: { node: NodeId; hash: Buffer }[]): Promise<void> {
  if (nodes.length === 0) return;
  await db.query(
    `INSERT INTO ledger_nodes (level, idx, hash)
     SELECT l, i, decode(h, 'hex') FROM unnest($1::smallint[], $2::bigint[], $3::text[]) AS t(l, i, h)`,
    [
      nodes.map((n) => n.node.level),
      nodes.map((n) => n.node.index),
      nodes.map((n) => n.hash.toString('hex')),
    ],
  );
}

/** The stored hashes of the given nodes, keyed by nodeKey; missing nodes are absent. */
export async function fetchNodes(db: Queryable, nodes: readonly NodeId[]): Promise<Map<string, Buffer>> {
  if (nodes.length === 0) return new Map();
  // A row-value IN list: PostgreSQL probes the primary key once per pair (quicker than a join
  // with unnest() for the handful of nodes a proof needs).
  const pairs = nodes.map((_, i) => `($${2 * i + 1}::smallint, $${2 * i + 2}::bigint)`).join(', ');
  const { rows } = await db.query<{ level: number; idx: string; hash: Uint8Array }>(
    `SELECT level, idx, hash FROM ledger_nodes WHERE (level, idx) IN (${pairs})`,
    nodes.flatMap((n) => [n.level, n.index]),
  );
  return new Map(rows.map((r) => [nodeKey({ level: r.level, index: Number(r.idx) }), Buffer.from(r.hash)]));
}

export async function advanceState(
  db: Queryable,
  state: { treeSize: number; lastTx: string; lastEventId: string },
): Promise<void> {
  await db.query(
    'UPDATE ledger_state SET tree_size = $1, last_tx = $2::xid8, last_event_id = $3, updated_at = now() WHERE id = 1',
    [state.treeSize, state.lastTx, state.lastEventId],
  );
}

export async function registerKey(
  db: Queryable,
  key: { keyId: string; algorithm: string; publicKeyPem: string },
) {
  await db.query(
    'INSERT INTO ledger_keys (key_id, algorithm, public_key) VALUES ($1, $2, $3) ON CONFLICT (key_id) DO NOTHING',
    [key.keyId, key.algorithm, key.publicKeyPem],
  );
}

export interface CheckpointRow {
  treeSize: number;
  rootHash: Buffer;
  signedAt: Date;
  keyId: string;
  body: string;
  signature: Buffer;
}

const SELECT_CHECKPOINT =
  'SELECT tree_size, root_hash, signed_at, key_id, body, signature FROM ledger_checkpoints';

function toCheckpoint(row: {
  tree_size: string;
  root_hash: Uint8Array;
  signed_at: Date;
  key_id: string;
  body: string;
  signature: Uint8Array;
}): CheckpointRow {
  return {
    treeSize: Number(row.tree_size),
    rootHash: Buffer.from(row.root_hash),
    signedAt: row.signed_at,
    keyId: row.key_id,
    body: row.body,
    signature: Buffer.from(row.signature),
  };
}

export async function insertCheckpoint(db: Queryable, c: CheckpointRow): Promise<void> {
  await db.query(
    `INSERT INTO ledger_checkpoints (tree_size, root_hash, signed_at, key_id, body, signature)
     VALUES ($1, decode($2, 'hex'), $3, $4, $5, decode($6, 'hex')) ON CONFLICT (tree_size) DO NOTHING`,
    [c.treeSize, c.rootHash.toString('hex'), c.signedAt, c.keyId, c.body, c.signature.toString('hex')],
  );
}

export async function latestCheckpoint(db: Queryable): Promise<CheckpointRow | undefined> {
  const { rows } = await db.query<Parameters<typeof toCheckpoint>[0]>(
    `${SELECT_CHECKPOINT} ORDER BY tree_size DESC LIMIT 1`,
  );
  return rows[0] && toCheckpoint(rows[0]);
}

export async function allCheckpoints(db: Queryable): Promise<CheckpointRow[]> {
  const { rows } = await db.query<Parameters<typeof toCheckpoint>[0]>(
    `${SELECT_CHECKPOINT} ORDER BY tree_size`,
  );
  return rows.map(toCheckpoint);
}

export async function publicKeys(db: Queryable): Promise<Map<string, string>> {
  const { rows } = await db.query<{ key_id: string; public_key: string }>(
    'SELECT key_id, public_key FROM ledger_keys',
  );
  return new Map(rows.map((r) => [r.key_id, r.public_key]));
}

export interface EntryRow {
  seq: number;
  eventId: string;
  recordId: string | null;
  entry: Buffer;
  /** the stored leaf hash (node 0:seq), if any */
  leafHash: Buffer | undefined;
}

/** Entries with seq ≥ from, in order, with their stored leaf hashes (a page of the verification scan). */
export async function entriesPage(db: Queryable, from: number, limit: number): Promise<EntryRow[]> {
  const { rows } = await db.query<{
    seq: string;
    event_id: string;
    record_id: string | null;
    entry: Uint8Array;
    hash: Uint8Array | null;
  }>(
    `SELECT l.seq, l.event_id, l.record_id::text AS record_id, l.entry, n.hash
       FROM ledger_entries l LEFT JOIN ledger_nodes n ON n.level = 0 AND n.idx = l.seq
      WHERE l.seq >= $1 ORDER BY l.seq LIMIT $2`,
    [from, limit],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    eventId: r.event_id,
    recordId: r.record_id,
    entry: Buffer.from(r.entry),
    leafHash: r.hash ? Buffer.from(r.hash) : undefined,
  }));
}

export async function recordEntries(
  db: Queryable,
  recordId: string,
  below: number,
): Promise<{ seq: number; entry: Buffer }[]> {
  const { rows } = await db.query<{ seq: string; entry: Uint8Array }>(
    'SELECT seq, entry FROM ledger_entries WHERE record_id = $1 AND seq < $2 ORDER BY seq',
    [recordId, below],
  );
  return rows.map((r) => ({ seq: Number(r.seq), entry: Buffer.from(r.entry) }));
}

/** Leaf hashes stored at level 0 that do not belong to any entry (an entry row deleted). */
export async function orphanLeaves(db: Queryable, size: number): Promise<number[]> {
  const { rows } = await db.query<{ idx: string }>(
    `SELECT n.idx FROM ledger_nodes n WHERE n.level = 0 AND n.idx < $1
       AND NOT EXISTS (SELECT 1 FROM ledger_entries l WHERE l.seq = n.idx) ORDER BY n.idx LIMIT 1000`,
    [size],
  );
  return rows.map((r) => Number(r.idx));
}

/** Events the sequencer has passed that have no ledger entry: inserted behind its back, or their entry deleted. */
export async function unloggedEvents(db: Queryable, upTo: { tx: string; id: string }): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT e.id FROM events e
      WHERE (e.tx, e.id) <= ($1::xid8, $2::bigint)
        AND NOT EXISTS (SELECT 1 FROM ledger_entries l WHERE l.event_id = e.id)
      ORDER BY e.id LIMIT 1000`,
    [upTo.tx, upTo.id],
  );
  return rows.map((r) => r.id);
}
