/**
 * The ledger service: appends committed events to the Merkle log (the sequencer), signs checkpoints,
 * and builds proof bundles. docs/LEDGER.md describes the formats.
 *
 * Why a sequencer and not an append inside recordEvent's transaction: appending in the writer's
 * transaction would make every event-writing transaction hold the ledger head from its first event
 * to its commit, serialising all writers on a PostgreSQL server, and a rolled-back transaction would
 * still have had to take the lock. Instead recordEvent stays a plain INSERT, and the sequencer,
 * alone under an advisory lock, appends committed events in batches. Bigserial ids are handed out at
 * INSERT, not at COMMIT, so a transaction with id 10 may commit after one with id 11: reading
 * "id > last" would skip 10 for ever. Each event therefore carries its transaction id (events.tx),
 * and the sequencer only takes events whose transaction is older than every transaction still
 * running (pg_snapshot_xmin of its snapshot), in (tx, id) order: once a tx is below that horizon no
 * event can ever appear with a smaller (tx, id), so the cursor never passes an event. The price is a
 * lag of one sequencer tick (services start it every second) and the ledger order being commit-safe
 * (tx, id) order rather than id order.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Database } from '../../db/database.port.ts';
import type { SignatureAlgorithm, SigningKey } from './ledger.keys.ts';
import type { Witness } from './ledger.witness.ts';
import { ledgerNoCheckpoint, ledgerNodeMissing } from './ledger.errors.ts';
import { createNodeReader } from './ledger.node-cache.ts';
import {
  appendLeaves,
  checkpointText,
  encodeEntry,
  frontier,
  hashLeaf,
  inclusionProof,
  inclusionRanges,
  nodeKey,
  nodesFor,
  treeRoot,
  type HashAlgorithm,
  type NodeId,
} from './ledger.models.ts';
import {
  LEDGER_LOCK,
  advanceState,
  createStateIfMissing,
  fetchNodes,
  insertCheckpoint,
  insertEntries,
  insertNodes,
  latestCheckpoint,
  pendingEvents,
  readState,
  recordEntries,
  registerKey,
  toLedgerEvent,
  type CheckpointRow,
} from './ledger.repository.ts';

export const PROOF_FORMAT = 'dangan-ledger-proof/v1';
/** Events appended per transaction, and per read within it. */
const BATCH = 10_000;
const CHUNK = 1000;

export interface CheckpointView {
  treeSize: number;
  rootHash: string;
  hashAlgorithm: HashAlgorithm;
  time: string;
  keyId: string;
  keyAlgorithm: SignatureAlgorithm;
  publicKey: string;
  /** the exact signed text */
  body: string;
  /** Ed25519, or SM2-with-SM3 (DER), signature over body (UTF-8), base64 */
  signature: string;
}

export interface ProofBundle {
  format: typeof PROOF_FORMAT;
  hashAlgorithm: HashAlgorithm;
  record: { id: string; archiveNo: string | null };
  checkpoint: CheckpointView;
  entries: { seq: number; entry: string; proof: string[] }[];
  createdAt: string;
}

export interface Ledger {
  readonly key: SigningKey;
  hashAlgorithm(): Promise<HashAlgorithm>;
  /** Appends every committed event not yet in the ledger; returns how many. */
  sequence(): Promise<number>;
  /** Signs a checkpoint when the ledger grew since the last one; returns it if made. */
  checkpoint(): Promise<CheckpointRow | undefined>;
  /** sequence() then checkpoint(), one at a time in this process. */
  sync(): Promise<{ appended: number; checkpoint: CheckpointRow | undefined }>;
  /** Runs sync() every intervalMs until stop(). */
  start(intervalMs?: number): void;
  stop(): Promise<void>;
  latestCheckpoint(): Promise<CheckpointView>;
  /** The RFC 9162 inclusion proof of entry seq in the tree of treeSize (sub-millisecond: ledger.node-cache.ts). */
  inclusionProof(seq: number, treeSize: number): Promise<Buffer[]>;
  /** The proof bundle of a record already found visible to the caller. */
  proofBundle(record: { id: string; archiveNo: string | null }): Promise<ProofBundle>;
}

export interface LedgerDeps {
  db: Database;
  /**
   * The signing key, or how to load the key of an algorithm: an existing ledger keeps the signature
   * algorithm it was created with, so the key is chosen once the ledger's state is read.
   */
  key: SigningKey | ((algorithm: SignatureAlgorithm) => SigningKey);
  log: Logger;
  /** for a new ledger only: an existing one keeps the algorithms it was created with */
  hashAlgorithm?: HashAlgorithm;
  signatureAlgorithm?: SignatureAlgorithm;
  now?: () => Date;
  /** where signed checkpoints are published (ledger.witness); never blocks signing */
  witness?: Witness | undefined;
}

export async function createLedger(deps: LedgerDeps): Promise<Ledger> {
  const { db, log } = deps;
  const now = deps.now ?? (() => new Date());
  const given = typeof deps.key === 'function' ? undefined : deps.key;
  await createStateIfMissing(
    db,
    {
      hash: deps.hashAlgorithm ?? 'sha256',
      signature: deps.signatureAlgorithm ?? given?.algorithm ?? 'ed25519',
    },
    `dangan/${randomUUID()}`,
  );
  const initial = await readState(db);
  if (!initial) throw new Error('ledger_state is missing');
  const algorithm = initial.hashAlgorithm;
  if (deps.hashAlgorithm && deps.hashAlgorithm !== algorithm)
    log.warn(
      { configured: deps.hashAlgorithm, ledger: algorithm },
      'the ledger keeps the hash it was created with',
    );
  if (deps.signatureAlgorithm && deps.signatureAlgorithm !== initial.signatureAlgorithm)
    log.warn(
      { configured: deps.signatureAlgorithm, ledger: initial.signatureAlgorithm },
      'the ledger keeps the signature algorithm it was created with',
    );
  const key = typeof deps.key === 'function' ? deps.key(initial.signatureAlgorithm) : deps.key;
  if (key.algorithm !== initial.signatureAlgorithm)
    throw new Error(
      `the ledger is signed with ${initial.signatureAlgorithm}, the key given is ${key.algorithm}`,
    );
  await registerKey(db, key);

  const lookupIn = (found: Map<string, Buffer>) => (node: NodeId) => found.get(nodeKey(node));
  const nodes = createNodeReader();

  /**
   * One transaction appends up to BATCH events, read CHUNK at a time. The next chunk is asked for
   * before this one is encoded and hashed, and its inserts are not awaited before the next one is
   * worked on: the database (PGlite's worker thread, or the server) reads and writes while this
   * thread encodes, instead of the two taking turns.
   */
  async function appendBatch(): Promise<number> {
    const written: { node: NodeId; hash: Buffer }[] = [];
    const appended = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LEDGER_LOCK]);
      const state = (await readState(tx, true))!;
      let rows = await pendingEvents(tx, { tx: state.lastTx, id: state.lastEventId }, CHUNK);
      if (rows.length === 0) return 0;
      const known = await fetchNodes(tx, frontier(state.treeSize));
      const writes: Promise<unknown>[] = [];
      const send = (write: Promise<unknown>) => {
        write.catch(() => undefined); // awaited below; this only keeps it from counting as unhandled
        writes.push(write);
      };
      let size = state.treeSize;
      let last = rows.at(-1)!;
      let failure: Error | undefined;
      try {
        while (rows.length > 0) {
          last = rows.at(-1)!;
          const appendedSoFar = size - state.treeSize + rows.length;
          const next =
            rows.length === CHUNK && appendedSoFar < BATCH
              ? pendingEvents(tx, { tx: last.tx, id: last.id }, CHUNK)
              : undefined;
          next?.catch(() => undefined);
          const entries = rows.map((row, i) => ({
            seq: size + i,
            eventId: row.id,
            recordId: row.record_id,
            entry: encodeEntry(toLedgerEvent(row)),
          }));
          const made = appendLeaves(
            algorithm,
            size,
            entries.map((e) => hashLeaf(algorithm, e.entry)),
            (node) => known.get(nodeKey(node)),
          );
          for (const { node, hash } of made) known.set(nodeKey(node), hash);
          written.push(...made);
          send(insertEntries(tx, entries));
          send(insertNodes(tx, made));
          size += rows.length;
          rows = next ? await next : [];
        }
      } catch (error) {
        failure = error as Error;
      }
      // A failed write is the one to report: the statements after it fail because of it.
      const failed = (await Promise.allSettled(writes)).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      if (failure) throw failure;
      await advanceState(tx, { treeSize: size, lastTx: last.tx, lastEventId: last.id });
      return size - state.treeSize;
    });
    nodes.remember(written);
    return appended;
  }

  async function sequence(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await appendBatch();
      total += n;
      if (n < BATCH) return total;
    }
  }

  /** RFC 9162 inclusion proof of leaf seq in the tree of treeSize, from the stored nodes. */
  async function inclusion(seq: number, treeSize: number): Promise<Buffer[]> {
    const found = await nodes.read(db, nodesFor(inclusionRanges(seq, treeSize)));
    return inclusionProof(algorithm, seq, treeSize, (node) => {
      const hash = found.get(nodeKey(node));
      if (!hash) throw ledgerNodeMissing({ node: nodeKey(node) });
      return hash;
    });
  }

  async function checkpoint(): Promise<CheckpointRow | undefined> {
    const made = await signCheckpoint();
    if (made) deps.witness?.publish(view(made));
    return made;
  }

  async function signCheckpoint(): Promise<CheckpointRow | undefined> {
    return db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LEDGER_LOCK]);
      const state = (await readState(tx))!;
      const last = await latestCheckpoint(tx);
      if (state.treeSize === 0 || (last && last.treeSize >= state.treeSize)) return undefined;
      const edge = await fetchNodes(tx, frontier(state.treeSize));
      const rootHash = treeRoot(algorithm, state.treeSize, lookupIn(edge));
      const signedAt = now();
      const body = checkpointText({
        origin: state.origin,
        hashAlgorithm: algorithm,
        treeSize: state.treeSize,
        rootHash,
        time: signedAt.toISOString(),
      });
      const row: CheckpointRow = {
        treeSize: state.treeSize,
        rootHash,
        signedAt,
        keyId: key.keyId,
        body,
        signature: key.sign(body),
      };
      await insertCheckpoint(tx, row);
      return row;
    });
  }

  type SyncResult = { appended: number; checkpoint: CheckpointRow | undefined };
  let running: Promise<SyncResult> | undefined;
  let queued: Promise<SyncResult> | undefined;
  async function runSync(): Promise<SyncResult> {
    const appended = await sequence();
    return { appended, checkpoint: await checkpoint() };
  }
  function sync(): Promise<SyncResult> {
    // One sync at a time; a caller arriving during one waits for a fresh one, so it sees its events.
    if (!running) {
      running = runSync().finally(() => (running = undefined));
      return running;
    }
    queued ??= running
      .catch(() => undefined)
      .then((): Promise<SyncResult> => {
        queued = undefined;
        return sync();
      });
    return queued;
  }

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  function start(intervalMs = 1000) {
    if (timer || stopped) return;
    const tick = () => {
      sync()
        .then(({ appended, checkpoint: made }) => {
          if (made) log.debug({ appended, treeSize: made.treeSize }, 'ledger checkpoint signed');
        })
        .catch((error: unknown) => log.error({ err: error }, 'ledger sync failed'))
        .finally(() => {
          if (!stopped) timer = setTimeout(tick, intervalMs).unref();
        });
    };
    timer = setTimeout(tick, intervalMs).unref();
  }

  function view(row: CheckpointRow): CheckpointView {
    return {
      treeSize: row.treeSize,
      rootHash: row.rootHash.toString('hex'),
      hashAlgorithm: algorithm,
      time: row.signedAt.toISOString(),
      keyId: row.keyId,
      keyAlgorithm: key.algorithm,
      publicKey: key.keyId === row.keyId ? key.publicKeyPem : '',
      body: row.body,
      signature: row.signature.toString('base64'),
    };
  }

  return {
    key,
    hashAlgorithm: async () => algorithm,
    sequence,
    inclusionProof: inclusion,
    checkpoint,
    sync,
    start,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
      await deps.witness?.stop();
    },
    async latestCheckpoint() {
      const row = await latestCheckpoint(db);
      if (!row) throw ledgerNoCheckpoint();
      return withPublicKey(db, view(row));
    },
    async proofBundle(record) {
      const row = await latestCheckpoint(db);
      if (!row) throw ledgerNoCheckpoint();
      const entries = await recordEntries(db, record.id, row.treeSize);
      const proofs: Buffer[][] = [];
      for (const e of entries) proofs.push(await inclusion(e.seq, row.treeSize));
      return {
        format: PROOF_FORMAT,
        hashAlgorithm: algorithm,
        record,
        checkpoint: await withPublicKey(db, view(row)),
        entries: entries.map((e, i) => ({
          seq: e.seq,
          entry: e.entry.toString('base64'),
          proof: proofs[i]!.map((p) => p.toString('hex')),
        })),
        createdAt: now().toISOString(),
      };
    },
  };
}

/** A checkpoint signed by another process's key carries that key's public half from ledger_keys. */
async function withPublicKey(db: Database, view: CheckpointView): Promise<CheckpointView> {
  if (view.publicKey) return view;
  const { rows } = await db.query<{ public_key: string; algorithm: SignatureAlgorithm }>(
    'SELECT public_key, algorithm FROM ledger_keys WHERE key_id = $1',
    [view.keyId],
  );
  return {
    ...view,
    publicKey: rows[0]?.public_key ?? '',
    keyAlgorithm: rows[0]?.algorithm ?? view.keyAlgorithm,
  };
}
