/**
 * SM3 trees and SM2 checkpoint signatures: cross-checked with Debian's `openssl` command line, and a
 * whole SM3/SM2 ledger verified by `ledger verify` and by the standalone offline verifier.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../app/logger.ts';
import { createTestDatabase } from '../../db/testing.ts';
import type { Actor } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';
import { SM2_KEY_FILE, loadOrCreateSigningKey, verifySignature } from './ledger.keys.ts';
import { hashChildren, hashLeaf } from './ledger.models.ts';
import { createLedger } from './ledger.usecases.ts';
import { verifyLedger } from './ledger.verify.ts';

const VERIFIER = join(import.meta.dirname, '..', '..', '..', 'tools', 'ledger-verify.mjs');
const RECORD = '22222222-2222-4222-8222-222222222222';
const actor: Actor = {
  kind: 'user',
  userId: null,
  label: 'user:测试',
  roles: ['archivist'],
  clearanceRank: 2,
  organisationPath: '/',
  ip: '10.1.2.3',
};
const SM2_ID = ['-pkeyopt', 'distid:1234567812345678'];

function openssl(args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout };
}

function runVerifier(args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, [VERIFIER, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout };
}

describe('SM3 and SM2 in the ledger', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dangan-ledger-sm2-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('hashes with SM3 as GB/T 32905 gives it (its "abc" example), and as RFC 9162 nodes', () => {
    // GB/T 32905-2016 Appendix A.1: SM3("abc").
    assert.equal(
      createHash('sm3').update('abc').digest('hex'),
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
    const leaf = hashLeaf('sm3', Buffer.from('entry'));
    assert.deepEqual(
      leaf,
      createHash('sm3')
        .update(Buffer.from([0]))
        .update('entry')
        .digest(),
    );
    assert.deepEqual(
      hashChildren('sm3', leaf, leaf),
      createHash('sm3')
        .update(Buffer.from([1]))
        .update(leaf)
        .update(leaf)
        .digest(),
    );
  });

  it('signs checkpoints with SM2 that openssl verifies with the default ID, and verifies what openssl signs', async () => {
    const key = loadOrCreateSigningKey(join(dir, 'keys'), 'sm2');
    assert.equal(key.algorithm, 'sm2');
    const message = 'dangan-ledger-checkpoint/v1\norigin dangan/x\nhash sm3\nsize 1\n';
    const pub = join(dir, 'sm2-pub.pem');
    const msg = join(dir, 'msg');
    const sig = join(dir, 'sig.der');
    await writeFile(pub, key.publicKeyPem);
    await writeFile(msg, message);
    await writeFile(sig, key.sign(message));
    const verifyArgs = ['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-digest', 'sm3'];
    const good = openssl([...verifyArgs, ...SM2_ID, '-in', msg, '-sigfile', sig]);
    assert.equal(good.status, 0, good.stdout);
    assert.match(good.stdout, /Signature Verified Successfully/);
    // Another distinguishing ID gives another Z: the signature must not verify under it.
    const otherId = openssl([...verifyArgs, '-pkeyopt', 'distid:dangan', '-in', msg, '-sigfile', sig]);
    assert.notEqual(otherId.status, 0);

    // And the other way: openssl signs with our private key, we verify.
    const signed = execFileSync('openssl', [
      'pkeyutl',
      '-sign',
      '-inkey',
      join(dir, 'keys', SM2_KEY_FILE),
      '-rawin',
      '-digest',
      'sm3',
      ...SM2_ID,
      '-in',
      msg,
    ]);
    assert.ok(verifySignature(key.publicKeyPem, message, signed));
    assert.ok(!verifySignature(key.publicKeyPem, `${message}x`, signed));
    const bad = Buffer.from(signed);
    bad[bad.length - 1]! ^= 0x01;
    assert.ok(!verifySignature(key.publicKeyPem, message, bad));
  });

  it('keeps a ledger created with SM3 and SM2 on them, verifies it, and ships bundles the offline verifier checks', async () => {
    await using db = await createTestDatabase();
    const keys = join(dir, 'ledger-keys');
    const ledger = await createLedger({
      db,
      key: (algorithm) => loadOrCreateSigningKey(keys, algorithm),
      hashAlgorithm: 'sm3',
      signatureAlgorithm: 'sm2',
      log: createLogger('silent'),
    });
    for (let i = 0; i < 9; i++)
      await recordEvent(db, actor, 'record.view', { recordId: i % 2 ? RECORD : null, n: i });
    await ledger.sync();
    assert.equal(ledger.key.algorithm, 'sm2');
    assert.equal(await ledger.hashAlgorithm(), 'sm3');

    // Configured otherwise later: the existing ledger keeps SM3 and SM2.
    const again = await createLedger({
      db,
      key: (algorithm) => loadOrCreateSigningKey(keys, algorithm),
      hashAlgorithm: 'sha256',
      signatureAlgorithm: 'ed25519',
      log: createLogger('silent'),
    });
    assert.equal(again.key.algorithm, 'sm2');
    assert.equal(await again.hashAlgorithm(), 'sm3');

    const report = await verifyLedger(db, {
      trustedKeys: new Map([[ledger.key.keyId, ledger.key.publicKeyPem]]),
    });
    assert.deepEqual(
      report.problems.filter((p) => p.code !== 'record_unlogged'),
      [],
    );
    assert.equal(report.hashAlgorithm, 'sm3');
    assert.equal(report.checkpointsVerified, 1);

    const bundle = await ledger.proofBundle({ id: RECORD, archiveNo: null });
    assert.equal(bundle.checkpoint.keyAlgorithm, 'sm2');
    assert.match(bundle.checkpoint.body, /^hash sm3$/m);
    const file = join(dir, 'bundle.json');
    await writeFile(file, JSON.stringify(bundle));
    const ok = runVerifier([file, '--key-id', ledger.key.keyId, '--json']);
    assert.equal(ok.status, 0, ok.stdout);
    assert.equal((JSON.parse(ok.stdout) as { entriesVerified: number }).entriesVerified, 4);

    // A signature over another text, or a flipped bit, fails offline.
    const tampered = JSON.parse(await readFile(file, 'utf8')) as typeof bundle;
    const signature = Buffer.from(tampered.checkpoint.signature, 'base64');
    signature[8]! ^= 0x01;
    tampered.checkpoint.signature = signature.toString('base64');
    await writeFile(file, JSON.stringify(tampered));
    const failed = runVerifier([file, '--json']);
    assert.equal(failed.status, 1);
    assert.match(failed.stdout, /the checkpoint signature is invalid/);

    // The offline verifier's own SM2 arithmetic accepts a signature openssl made over the same text.
    const body = join(dir, 'body');
    await writeFile(body, bundle.checkpoint.body);
    const opensslSigned = execFileSync('openssl', [
      'pkeyutl',
      '-sign',
      '-inkey',
      join(keys, SM2_KEY_FILE),
      '-rawin',
      '-digest',
      'sm3',
      ...SM2_ID,
      '-in',
      body,
    ]);
    await writeFile(
      file,
      JSON.stringify({
        ...bundle,
        checkpoint: { ...bundle.checkpoint, signature: opensslSigned.toString('base64') },
      }),
    );
    const fromOpenssl = runVerifier([file, '--key-id', ledger.key.keyId]);
    assert.equal(fromOpenssl.status, 0, fromOpenssl.stdout);
    await ledger.stop();
    await again.stop();
  });
});
