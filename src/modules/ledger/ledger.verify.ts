/**
 * `dangan ledger verify`: recomputes the whole log from its entries, compares every entry with the
 * event it logs, checks every checkpoint's signature, root and consistency with the one before, and
 * names what changed when something was edited, deleted or reordered behind the system's back.
 */
import type { Database } from '../../db/database.port.ts';
import type { BlobStore } from '../blobs/blobs.port.ts';
import { verifySignature } from './ledger.keys.ts';
import { verifyRecords, type RecordProblemCode } from './ledger.records-verify.ts';
import {
  CompactTree,
  changedFields,
  consistencyProof,
  consistencyRanges,
  decodeEntry,
  encodeEntry,
  frontier,
  hashLeaf,
  nodeKey,
  nodesFor,
  parseCheckpointText,
  treeRoot,
  verifyConsistency,
  type HashAlgorithm,
  type LedgerEvent,
} from './ledger.models.ts';
import {
  allCheckpoints,
  entriesPage,
  eventsById,
  fetchNodes,
  readState,
  toLedgerEvent,
  unloggedEvents,
} from './ledger.repository.ts';

export type ProblemCode =
  | 'entry_missing'
  | 'entry_changed'
  | 'entry_moved'
  | 'entry_corrupt'
  | 'event_changed'
  | 'event_deleted'
  | 'event_unlogged'
  | 'node_missing'
  | 'nodes_changed'
  | 'checkpoint_untrusted_key'
  | 'checkpoint_bad_signature'
  | 'checkpoint_changed'
  | 'checkpoint_mismatch'
  | 'checkpoint_beyond_log'
  | 'checkpoint_inconsistent'
  | RecordProblemCode;

export interface LedgerProblem {
  code: ProblemCode;
  zh: string;
  en: string;
  seq?: number;
  eventId?: string;
  fields?: string[];
  treeSize?: number;
  recordId?: string;
  archiveNo?: string | null;
  componentId?: string;
}

export interface LedgerVerifyReport {
  ok: boolean;
  hashAlgorithm: HashAlgorithm;
  treeSize: number;
  entriesChecked: number;
  eventsChecked: number;
  checkpoints: number;
  checkpointsVerified: number;
  /** records compared with their last logged state; blobs re-read and re-hashed */
  recordsChecked: number;
  blobsChecked: number;
  rootHash: string;
  problems: LedgerProblem[];
  durationMs: number;
}

const PAGE = 5000;
/** Beyond this many problems the report says so rather than listing every one. */
const MAX_PROBLEMS = 1000;

export async function verifyLedger(
  db: Database,
  options: {
    trustedKeys: Map<string, string>;
    onProgress?: (done: number, total: number) => void;
    /** compare records with their logged state (default true); with a store, re-hash their blobs too */
    records?: boolean;
    blobs?: BlobStore | undefined;
  },
): Promise<LedgerVerifyReport> {
  const started = performance.now();
  const state = await readState(db);
  if (!state) throw new Error('ledger_state is missing');
  const algorithm = state.hashAlgorithm;
  const problems: LedgerProblem[] = [];
  const add = (p: LedgerProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  const checkpoints = await allCheckpoints(db);
  const wanted = new Set(checkpoints.map((c) => c.treeSize));
  const roots = new Map<number, Buffer>();
  const tree = new CompactTree(algorithm);
  /** entries whose bytes no longer hash to the stored leaf: computed and stored hashes, for reorder detection */
  const mismatched: { seq: number; computed: string; stored: string }[] = [];
  let expected = 0;
  let eventsChecked = 0;

  for (let from = 0; ;) {
    const page = await entriesPage(db, from, PAGE);
    if (page.length === 0) break;
    const events = await eventsById(
      db,
      page.map((e) => e.eventId),
    );
    for (const row of page) {
      if (row.seq > expected) {
        add({
          code: 'entry_missing',
          seq: expected,
          zh: `账本条目 ${expected}${row.seq - 1 > expected ? `–${row.seq - 1}` : ''} 缺失（被删除）。`,
          en: `Ledger entr${row.seq - 1 > expected ? `ies ${expected}–${row.seq - 1} are` : `y ${expected} is`} missing (deleted).`,
        });
      }
      expected = row.seq + 1;
      const leaf = hashLeaf(algorithm, row.entry);
      tree.push(leaf);
      if (wanted.has(tree.size)) roots.set(tree.size, tree.root());
      let logged: LedgerEvent | undefined;
      try {
        logged = decodeEntry(row.entry);
      } catch {
        add({
          code: 'entry_corrupt',
          seq: row.seq,
          zh: `账本条目 ${row.seq} 无法解析。`,
          en: `Ledger entry ${row.seq} cannot be parsed.`,
        });
      }
      const current = events.get(row.eventId);
      const currentBytes = current && encodeEntry(toLedgerEvent(current));
      const intact = row.leafHash?.equals(leaf) ?? false;
      if (!row.leafHash) {
        add({
          code: 'node_missing',
          seq: row.seq,
          zh: `账本条目 ${row.seq} 的叶哈希缺失。`,
          en: `The leaf hash of ledger entry ${row.seq} is missing.`,
        });
      } else if (!intact) {
        mismatched.push({
          seq: row.seq,
          computed: leaf.toString('hex'),
          stored: row.leafHash.toString('hex'),
        });
        // The event row still hashing to the stored leaf shows that it is the ledger row that changed.
        const fields =
          current && logged && currentBytes && hashLeaf(algorithm, currentBytes).equals(row.leafHash)
            ? changedFields(toLedgerEvent(current), logged)
            : undefined;
        add({
          code: 'entry_changed',
          seq: row.seq,
          eventId: row.eventId,
          ...(fields ? { fields } : {}),
          zh: `账本条目 ${row.seq}（事件 ${row.eventId}）被改动，与账本树不符${fields ? `；改动的字段：${fields.join('、')}` : ''}。`,
          en: `Ledger entry ${row.seq} (event ${row.eventId}) was altered and no longer matches the tree${fields ? `; changed fields: ${fields.join(', ')}` : ''}.`,
        });
      }
      if (logged && logged.id !== row.eventId)
        add({
          code: 'entry_changed',
          seq: row.seq,
          eventId: row.eventId,
          zh: `账本条目 ${row.seq} 的事件编号列被改为 ${row.eventId}（条目记载的是事件 ${logged.id}）。`,
          en: `Ledger entry ${row.seq}'s event id column was changed to ${row.eventId} (the entry logs event ${logged.id}).`,
        });
      if (!current) {
        add({
          code: 'event_deleted',
          seq: row.seq,
          eventId: row.eventId,
          zh: `事件 ${row.eventId}（账本条目 ${row.seq}）已从事件表中删除。`,
          en: `Event ${row.eventId} (ledger entry ${row.seq}) was deleted from the events table.`,
        });
      } else {
        eventsChecked++;
        if (intact && logged && !currentBytes!.equals(row.entry)) {
          const fields = changedFields(logged, toLedgerEvent(current));
          add({
            code: 'event_changed',
            seq: row.seq,
            eventId: row.eventId,
            fields,
            zh: `事件 ${row.eventId}（账本条目 ${row.seq}）在记账后被改动；改动的字段：${fields.join('、')}。`,
            en: `Event ${row.eventId} (ledger entry ${row.seq}) was altered after it was logged; changed fields: ${fields.join(', ')}.`,
          });
        }
      }
    }
    options.onProgress?.(expected, state.treeSize);
    from = expected;
  }
  if (expected < state.treeSize)
    add({
      code: 'entry_missing',
      seq: expected,
      zh: `账本条目 ${expected}–${state.treeSize - 1} 缺失（被删除）。`,
      en: `Ledger entries ${expected}–${state.treeSize - 1} are missing (deleted).`,
    });

  // An entry whose bytes hash to another position's stored leaf was moved there from that position.
  const storedAt = new Map(mismatched.map((m) => [m.stored, m.seq]));
  for (const m of mismatched) {
    const origin = storedAt.get(m.computed);
    if (origin !== undefined)
      add({
        code: 'entry_moved',
        seq: m.seq,
        zh: `账本条目被调换顺序：位置 ${m.seq} 上的条目原属位置 ${origin}。`,
        en: `Ledger entries were reordered: the entry at position ${m.seq} belongs at position ${origin}.`,
      });
  }

  const cursor = { tx: state.lastTx, id: state.lastEventId };
  for (const id of await unloggedEvents(db, cursor))
    add({
      code: 'event_unlogged',
      eventId: id,
      zh: `事件 ${id} 不在账本中（其账本条目被删除，或该事件是绕过系统插入的）。`,
      en: `Event ${id} is not in the ledger (its ledger entry was deleted, or it was inserted behind the system's back).`,
    });

  // The stored nodes serve every proof: they must give the recomputed root.
  const recomputed = tree.root();
  if (state.treeSize > 0) {
    const edge = await fetchNodes(db, frontier(state.treeSize));
    let stored: Buffer | undefined;
    try {
      stored = treeRoot(algorithm, state.treeSize, (n) => edge.get(nodeKey(n)));
    } catch {
      stored = undefined;
    }
    if (!stored || !stored.equals(recomputed))
      add({
        code: 'nodes_changed',
        treeSize: state.treeSize,
        zh: '账本树的存储节点与由条目重算的结果不符（节点被改动或缺失）。',
        en: 'The stored tree nodes do not match the tree recomputed from the entries (nodes altered or missing).',
      });
  }

  let verified = 0;
  let lastGood = 0;
  let previous: { size: number; root: Buffer } | undefined;
  for (const c of checkpoints) {
    const when = c.signedAt.toISOString();
    const pem = options.trustedKeys.get(c.keyId);
    const body = parseCheckpointText(c.body);
    let good = true;
    const fail = (code: ProblemCode, zh: string, en: string) => {
      good = false;
      add({ code, treeSize: c.treeSize, zh, en });
    };
    if (!pem)
      fail(
        'checkpoint_untrusted_key',
        `检查点 ${c.treeSize}（${when}）由不受信任的密钥 ${c.keyId} 签名。`,
        `Checkpoint ${c.treeSize} (${when}) is signed by the untrusted key ${c.keyId}.`,
      );
    else if (!verifySignature(pem, c.body, c.signature))
      fail(
        'checkpoint_bad_signature',
        `检查点 ${c.treeSize}（${when}）的签名无效。`,
        `Checkpoint ${c.treeSize} (${when}) has an invalid signature.`,
      );
    if (
      !body ||
      body.treeSize !== c.treeSize ||
      !body.rootHash.equals(c.rootHash) ||
      body.hashAlgorithm !== algorithm ||
      body.origin !== state.origin
    )
      fail(
        'checkpoint_changed',
        `检查点 ${c.treeSize} 的记录与其签名内容不符。`,
        `Checkpoint ${c.treeSize}'s row does not match its signed text.`,
      );
    const signedRoot = body?.rootHash ?? c.rootHash;
    const root = roots.get(c.treeSize);
    if (c.treeSize > tree.size)
      fail(
        'checkpoint_beyond_log',
        `检查点 ${c.treeSize}（${when}）超出现有账本长度 ${tree.size}：账本末尾的条目被删除。`,
        `Checkpoint ${c.treeSize} (${when}) lies beyond the log's ${tree.size} entries: entries at the end were deleted.`,
      );
    else if (!root || !root.equals(signedRoot))
      fail(
        'checkpoint_mismatch',
        `账本已不符合 ${when} 签名的检查点 ${c.treeSize}：改动位于条目 ${lastGood}–${c.treeSize - 1} 之间。`,
        `The log no longer matches checkpoint ${c.treeSize} signed ${when}: the change lies within entries ${lastGood}–${c.treeSize - 1}.`,
      );
    if (previous && body) {
      // What a witness holding the earlier checkpoint would ask for: a consistency proof from the stored nodes.
      let consistent = false;
      try {
        const nodes = await fetchNodes(db, nodesFor(consistencyRanges(previous.size, c.treeSize)));
        const proof = consistencyProof(algorithm, previous.size, c.treeSize, (n) => nodes.get(nodeKey(n)));
        consistent = verifyConsistency(
          algorithm,
          previous.size,
          c.treeSize,
          previous.root,
          body.rootHash,
          proof,
        );
      } catch {
        // a missing node: the proof cannot be made, which the check below reports
      }
      if (!consistent)
        fail(
          'checkpoint_inconsistent',
          `检查点 ${previous.size} 与 ${c.treeSize} 之间的一致性证明不成立。`,
          `The consistency proof between checkpoints ${previous.size} and ${c.treeSize} fails.`,
        );
    }
    if (body) previous = { size: c.treeSize, root: body.rootHash };
    if (good) {
      verified++;
      lastGood = c.treeSize;
    }
  }

  const checkedRecords =
    options.records === false
      ? { recordsChecked: 0, blobsChecked: 0 }
      : await verifyRecords(db, { blobs: options.blobs }, add);

  return {
    ok: problems.length === 0,
    hashAlgorithm: algorithm,
    treeSize: state.treeSize,
    entriesChecked: tree.size,
    eventsChecked,
    checkpoints: checkpoints.length,
    checkpointsVerified: verified,
    ...checkedRecords,
    rootHash: recomputed.toString('hex'),
    problems,
    durationMs: Math.round(performance.now() - started),
  };
}
