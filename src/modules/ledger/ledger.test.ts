/** The ledger over a real, migrated PGlite database: sequencing, checkpoints, and tamper detection. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../app/logger.ts';
import { createTestDatabase, type TestDatabase } from '../../db/testing.ts';
import type { Actor } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';
import { KEY_FILE, loadOrCreateSigningKey } from './ledger.keys.ts';
import { decodeEntry, hashLeaf, parseCheckpointText, verifyInclusion } from './ledger.models.ts';
import { createLedger, type Ledger } from './ledger.usecases.ts';
import { verifyLedger, type ProblemCode } from './ledger.verify.ts';

const actor: Actor = {
  kind: 'user',
  userId: null,
  label: 'user:测试',
  roles: ['archivist'],
  clearanceRank: 2,
  organisationPath: '/',
  ip: '10.1.2.3',
};
const RECORD = '11111111-1111-4111-8111-111111111111';

describe('ledger', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dangan-ledger-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  async function setUp(events = 25): Promise<{
    db: TestDatabase;
    ledger: Ledger;
    keys: Map<string, string>;
    [Symbol.asyncDispose](): Promise<void>;
  }> {
    const db = await createTestDatabase();
    const key = loadOrCreateSigningKey(join(dir, 'keys'));
    const ledger = await createLedger({ db, key, log: createLogger('silent') });
    for (let i = 0; i < events; i++)
      await recordEvent(db, actor, i % 3 === 0 ? 'record.view' : 'record.update', {
        recordId: i % 2 === 0 ? RECORD : null,
        n: i,
        标题: `第${i}件`,
      });
    await ledger.sync();
    return {
      db,
      ledger,
      keys: new Map([[key.keyId, key.publicKeyPem]]),
      async [Symbol.asyncDispose]() {
        await ledger.stop();
        await db[Symbol.asyncDispose]();
      },
    };
  }

  const codes = async (db: TestDatabase, keys: Map<string, string>) => {
    const report = await verifyLedger(db, { trustedKeys: keys });
    return { report, codes: new Set<ProblemCode>(report.problems.map((p) => p.code)) };
  };

  it('keeps the signing key private in the data folder', async () => {
    loadOrCreateSigningKey(join(dir, 'keys'));
    assert.equal((await stat(join(dir, 'keys', KEY_FILE))).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'keys'))).mode & 0o777, 0o700);
    assert.equal(
      loadOrCreateSigningKey(join(dir, 'keys')).keyId,
      loadOrCreateSigningKey(join(dir, 'keys')).keyId,
    );
  });

  it('appends every event once, in order, and signs a checkpoint over them', async () => {
    await using fixture = await setUp(30);
    const { db, ledger, keys } = fixture;
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    const checkpoint = await ledger.latestCheckpoint();
    assert.equal(checkpoint.treeSize, rows[0]!.n);
    assert.equal((await ledger.sync()).appended, 0, 'nothing is appended twice');
    assert.equal((await ledger.sync()).checkpoint, undefined, 'no checkpoint without new entries');
    const body = parseCheckpointText(checkpoint.body)!;
    assert.equal(body.treeSize, checkpoint.treeSize);
    await recordEvent(db, actor, 'record.view', { recordId: RECORD });
    const next = await ledger.sync();
    assert.equal(next.appended, 1);
    assert.equal(next.checkpoint?.treeSize, checkpoint.treeSize + 1);
    const { report } = await codes(db, keys);
    assert.deepEqual(report.problems, []);
    assert.equal(report.checkpointsVerified, 2);
    assert.equal(report.eventsChecked, checkpoint.treeSize + 1);
  });

  it('appends many events in pipelined chunks and serves proofs from cached upper nodes equal to the stored tree', async () => {
    await using fixture = await setUp(0);
    const { db, ledger, keys } = fixture;
    // 2,600 events: three read chunks in one transaction, the last one short.
    await db.query(
      `INSERT INTO events (actor, action, record_id, outcome, ip, details)
       SELECT 'user:测试', 'record.view', NULL, 'ok', NULL, jsonb_build_object('n', g) FROM generate_series(1, 2600) g`,
    );
    assert.equal((await ledger.sync()).appended, 2600);
    const { report } = await codes(db, keys);
    assert.deepEqual(report.problems, []);
    const size = report.treeSize;
    const root = Buffer.from(report.rootHash, 'hex');
    for (const seq of [0, 1, 63, 64, 1000, 1999, 2000, 2599]) {
      const [entry] = await db
        .query<{ entry: Uint8Array }>('SELECT entry FROM ledger_entries WHERE seq = $1', [seq])
        .then((r) => r.rows);
      const proof = await ledger.inclusionProof(seq, size);
      assert.ok(
        verifyInclusion('sha256', seq, size, hashLeaf('sha256', entry!.entry), proof, root),
        `seq ${seq}`,
      );
    }
    // A stored upper node changed behind the cache's back: proofs still come from the tree as appended,
    // and verify (which reads the database, not the cache) reports the change.
    await db.query(`UPDATE ledger_nodes SET hash = sha256(hash) WHERE level = 11 AND idx = 0`);
    const proof = await ledger.inclusionProof(2599, size);
    const [last] = (
      await db.query<{ entry: Uint8Array }>('SELECT entry FROM ledger_entries WHERE seq = 2599')
    ).rows;
    assert.ok(verifyInclusion('sha256', 2599, size, hashLeaf('sha256', last!.entry), proof, root));
    assert.ok((await codes(db, keys)).codes.has('nodes_changed'));
  });

  it('gives a record proof bundle whose inclusion proofs verify against the signed root', async () => {
    await using fixture = await setUp(40);
    const bundle = await fixture.ledger.proofBundle({ id: RECORD, archiveNo: null });
    assert.equal(bundle.entries.length, 20);
    const body = parseCheckpointText(bundle.checkpoint.body)!;
    for (const e of bundle.entries) {
      const entry = Buffer.from(e.entry, 'base64');
      assert.equal(decodeEntry(entry).recordId, RECORD);
      const proof = e.proof.map((p) => Buffer.from(p, 'hex'));
      assert.ok(
        verifyInclusion('sha256', e.seq, body.treeSize, hashLeaf('sha256', entry), proof, body.rootHash),
      );
    }
  });

  it('names an event row edited behind the system’s back, with the changed fields', async () => {
    await using fixture = await setUp();
    await fixture.db.query(
      `UPDATE events SET actor = 'user:someone-else', details = '{"n": 99}' WHERE id = 5`,
    );
    const { report, codes: found } = await codes(fixture.db, fixture.keys);
    assert.deepEqual([...found], ['event_changed']);
    const problem = report.problems[0]!;
    assert.equal(problem.eventId, '5');
    assert.deepEqual(problem.fields, ['actor', 'details']);
    assert.match(problem.zh, /事件 5/);
  });

  it('names an edited ledger entry, and which fields the edit changed', async () => {
    await using fixture = await setUp();
    const { rows } = await fixture.db.query<{ entry: Uint8Array }>(
      'SELECT entry FROM ledger_entries WHERE seq = 7',
    );
    const forged = Buffer.from(rows[0]!.entry).toString('utf8').replace('record.', 'recxrd.');
    await fixture.db.query('UPDATE ledger_entries SET entry = $1 WHERE seq = 7', [Buffer.from(forged)]);
    const { report, codes: found } = await codes(fixture.db, fixture.keys);
    assert.ok(found.has('entry_changed'));
    assert.ok(found.has('checkpoint_mismatch'), 'the signed checkpoint no longer matches');
    const changed = report.problems.find((p) => p.code === 'entry_changed')!;
    assert.equal(changed.seq, 7);
    assert.deepEqual(changed.fields, ['action']);
    assert.ok(!found.has('event_changed'), 'the event row itself is intact');
  });

  it('names a deleted event row and a deleted ledger row', async () => {
    await using fixture = await setUp();
    await fixture.db.query('DELETE FROM events WHERE id = 3');
    const { rows } = await fixture.db.query<{ event_id: string }>(
      'SELECT event_id FROM ledger_entries WHERE seq = 11',
    );
    await fixture.db.query('DELETE FROM ledger_entries WHERE seq = 11');
    const { report, codes: found } = await codes(fixture.db, fixture.keys);
    assert.ok(found.has('event_deleted'));
    assert.equal(report.problems.find((p) => p.code === 'event_deleted')!.eventId, '3');
    assert.ok(found.has('entry_missing'));
    assert.equal(report.problems.find((p) => p.code === 'entry_missing')!.seq, 11);
    assert.equal(report.problems.find((p) => p.code === 'event_unlogged')!.eventId, rows[0]!.event_id);
    assert.ok(found.has('checkpoint_beyond_log'), 'the log is now shorter than its checkpoint');
  });

  it('names reordered ledger entries', async () => {
    await using fixture = await setUp();
    await fixture.db.exec(`
      ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_seq_check;
      UPDATE ledger_entries SET seq = -4 WHERE seq = 4;
      UPDATE ledger_entries SET seq = 4 WHERE seq = 5;
      UPDATE ledger_entries SET seq = 5 WHERE seq = -4;`);
    const { report, codes: found } = await codes(fixture.db, fixture.keys);
    const moved = report.problems.filter((p) => p.code === 'entry_moved').map((p) => p.seq);
    assert.deepEqual(moved, [4, 5]);
    assert.ok(found.has('checkpoint_mismatch'));
  });

  it('catches a log rewritten with recomputed tree nodes through its signed checkpoints', async () => {
    await using fixture = await setUp();
    const { db } = fixture;
    // Rewrite event 9 and the ledger consistently, as someone with database access but no key could.
    await db.query(`UPDATE events SET outcome = 'denied' WHERE id = 9`);
    await db.exec(
      "DELETE FROM ledger_nodes; DELETE FROM ledger_entries; UPDATE ledger_state SET tree_size = 0, last_tx = '0', last_event_id = 0",
    );
    const key = loadOrCreateSigningKey(join(dir, 'other-keys'));
    const forger = await createLedger({ db, key, log: createLogger('silent') });
    await forger.sequence();
    const { report, codes: found } = await codes(db, fixture.keys);
    assert.ok(
      !found.has('entry_changed') && !found.has('event_changed'),
      'entries and nodes agree with the events',
    );
    const mismatch = report.problems.find((p) => p.code === 'checkpoint_mismatch');
    assert.ok(mismatch, JSON.stringify(report.problems));
    assert.match(mismatch.en, /entries 0–\d+/);
  });

  it('refuses checkpoints with a forged signature or an untrusted key', async () => {
    await using fixture = await setUp();
    await fixture.db.query("UPDATE ledger_checkpoints SET body = replace(body, 'time ', 'time 1')");
    const { codes: found } = await codes(fixture.db, fixture.keys);
    assert.ok(found.has('checkpoint_bad_signature'));
    const { codes: untrusted } = await codes(fixture.db, new Map());
    assert.ok(untrusted.has('checkpoint_untrusted_key'));
  });
});
