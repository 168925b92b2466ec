/**
 * Holder protection end to end (issue 6 §3, second half): content at the holder levels opens only
 * with the KEK and an authorised holder's own key; the system CA certifies holders' keys (P-256,
 * RSA-OAEP 3072, SM2); revocation removes access; tampering is refused; no equality is revealed.
 */
import assert from 'node:assert/strict';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { asHolderReader } from '../src/modules/keys/holder-vault.ts';
import { dataKeyContext } from '../src/modules/keys/keyring.ts';
import { verifyRecords } from '../src/modules/ledger/ledger.records-verify.ts';
import { createSignedInUser, createTestContext, signIn, uploadRecord, type TestContext } from './helpers.ts';

const PASS_A = '甲持有人的长口令 2026';
const PASS_B = '乙持有人的长口令 2026';

describe('holder protection of sensitive content', () => {
  let ctx: TestContext;
  let admin: string;
  let security: string;
  const users: Record<string, string> = {};

  before(async () => {
    // Protect from 'internal' up: text files at 'sensitive' are served watermarked only.
    ctx = await createTestContext({}, { DANGAN_HOLDER_FROM_LEVEL: 'internal' });
    admin = (await signIn(ctx.app, 'admin', ctx.adminPassword)).authorization;
    security = await createSignedInUser(ctx, admin, { username: 'h-security', roles: ['security'] });
    for (const name of ['h-alice', 'h-bob', 'h-carol', 'h-dave'])
      users[name] = await createSignedInUser(ctx, admin, { username: name, roles: ['archivist'] });
    users['h-low'] = await createSignedInUser(ctx, admin, {
      username: 'h-low',
      roles: ['archivist'],
      clearance: 'public',
    });
  });
  after(async () => ctx.close());

  const call = (authorization: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    ctx.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization },
      ...(payload ? { payload } : {}),
    });
  const code = (res: { json: <T>() => T }) => res.json<{ error: { code: string } }>().error.code;

  async function upload(who: string, content: string, level: string) {
    const res = await uploadRecord(ctx.app, users[who]!, { name: 'h.txt', content }, { level });
    assert.ok(res.statusCode === 201 || res.statusCode === 200, res.body);
    const id = res.json<{ record?: { id: string }; existing?: { id: string } }>();
    const recordId = id.record?.id ?? id.existing!.id;
    const { rows } = await ctx.services.db.query<{ blob_sha256: string }>(
      `SELECT blob_sha256 FROM components WHERE record_id = $1 AND role = 'original'`,
      [recordId],
    );
    return { id: recordId, address: rows[0]!.blob_sha256, created: res.statusCode === 201 };
  }
  const download = (who: string, id: string) =>
    call(users[who]!, 'GET', `/records/${id}/components/original/content`);

  let protectedRecord: { id: string; address: string };
  const secretText = '商业秘密：某公司股东身份证明 110101199001011234\n';

  it('lets only the security officer create the system CA, once', async () => {
    const denied = await call(users['h-alice']!, 'POST', '/keys/ca', {});
    assert.equal(denied.statusCode, 403);
    const created = await call(security, 'POST', '/keys/ca', {});
    assert.equal(created.statusCode, 200, created.body);
    const ca = created.json<{ kind: string; pem: string }>();
    assert.equal(ca.kind, 'system');
    assert.ok(new X509Certificate(ca.pem).ca);
    const again = await call(security, 'POST', '/keys/ca', {});
    assert.equal(again.statusCode, 409);
    assert.equal(code(again), 'key.ca_exists');
    // its private key is nowhere in the clear: only a sealed form and a KeyStore-wrapped seal key
    const { rows } = await ctx.services.db.query<{ sealed_private_key: Uint8Array; key_ref: string }>(
      `SELECT sealed_private_key, key_ref FROM holder_cas WHERE kind = 'system'`,
    );
    assert.ok(await ctx.services.keyring.store.hasKey(rows[0]!.key_ref));
  });

  it('certifies each user’s own key: P-256, SM2 sealed under a passphrase; RSA-OAEP 3072 kept by the holder', async () => {
    const weak = await call(users['h-alice']!, 'POST', '/keys/me', {
      algorithm: 'ecdh-p256',
      passphrase: 'short',
    });
    assert.equal(code(weak), 'key.holder_passphrase_weak');
    const alice = await call(users['h-alice']!, 'POST', '/keys/me', {
      algorithm: 'ecdh-p256',
      passphrase: PASS_A,
    });
    assert.equal(alice.statusCode, 200, alice.body);
    const cert = alice.json<{ pem: string; algorithm: string; sealedKey: boolean; origin: string }>();
    assert.deepEqual([cert.algorithm, cert.sealedKey, cert.origin], ['ecdh-p256', true, 'issued']);
    const ca = (await call(security, 'GET', '/keys/ca')).json<{ pem: string }[]>()[0]!;
    const x509 = new X509Certificate(cert.pem);
    assert.ok(
      x509.checkIssued(new X509Certificate(ca.pem)) && x509.verify(new X509Certificate(ca.pem).publicKey),
    );
    assert.match(x509.subject, /CN=h-alice/);

    const bob = await call(users['h-bob']!, 'POST', '/keys/me', { algorithm: 'sm2', passphrase: PASS_B });
    assert.equal(bob.statusCode, 200, bob.body);
    assert.equal(bob.json<{ algorithm: string }>().algorithm, 'sm2');

    const publicKeyPem = daveKey.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const dave = await call(users['h-dave']!, 'POST', '/keys/me', { publicKeyPem });
    assert.equal(dave.statusCode, 200, dave.body);
    assert.deepEqual(
      [dave.json<{ algorithm: string }>().algorithm, dave.json<{ sealedKey: boolean }>().sealedKey],
      ['rsa-oaep-3072', false],
    );
    // nobody manages another user's key, and the local operator has none
    const others = await call(security, 'GET', '/keys/certs');
    assert.equal(others.json<unknown[]>().length, 3);
    assert.equal((await call(users['h-alice']!, 'GET', '/keys/certs')).statusCode, 403);
  });
  const daveKey = generateKeyPairSync('rsa', { modulusLength: 3072 });

  it('grants holders only to cleared content readers with a certificate, at the holder levels', async () => {
    for (const [username, level, expected] of [
      ['h-carol', 'internal', 'key.holder_ineligible'], // no certificate
      ['h-alice', 'public', 'key.holder_level_below'],
      ['h-security', 'internal', 'key.holder_ineligible'],
      ['admin', 'internal', 'key.holder_ineligible'],
    ] as const) {
      const res = await call(security, 'POST', '/keys/holders', { username, level });
      assert.equal(code(res), expected, `${username} ${level}`);
    }
    assert.equal(
      (await call(users['h-alice']!, 'POST', '/keys/holders', { username: 'h-alice', level: 'internal' }))
        .statusCode,
      403,
    );
    for (const username of ['h-alice', 'h-bob']) {
      const res = await call(security, 'POST', '/keys/holders', { username, level: 'internal' });
      assert.equal(res.statusCode, 200, res.body);
    }
  });

  it('wraps new content at a holder level for every holder, and no one else reads it', async () => {
    protectedRecord = await upload('h-alice', secretText, 'internal');
    const { rows } = await ctx.services.db.query<{ holder_protected: boolean; wraps: number }>(
      `SELECT bk.holder_protected, (SELECT count(*)::int FROM blob_holder_wraps w WHERE w.address = bk.address) AS wraps
         FROM blob_keys bk WHERE bk.address = $1`,
      [protectedRecord.address],
    );
    assert.deepEqual(rows[0], { holder_protected: true, wraps: 2 });

    // a cleared reader who is not a holder, and the holder before unlocking, are refused
    for (const who of ['h-carol', 'h-alice']) {
      const res = await download(who, protectedRecord.id);
      assert.equal(res.statusCode, 403, who);
      assert.equal(code(res), 'key.holder_required');
    }
    const wrong = await call(users['h-alice']!, 'POST', '/keys/me/unlock', {
      passphrase: 'not my passphrase',
    });
    assert.equal(code(wrong), 'key.holder_passphrase_wrong');
    const unlocked = await call(users['h-alice']!, 'POST', '/keys/me/unlock', {
      passphrase: PASS_A,
      minutes: 5,
    });
    assert.equal(unlocked.statusCode, 200, unlocked.body);
    const res = await download('h-alice', protectedRecord.id);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.body, secretText);
    // SM2 holder too
    await call(users['h-bob']!, 'POST', '/keys/me/unlock', { passphrase: PASS_B });
    assert.equal((await download('h-bob', protectedRecord.id)).body, secretText);
    // another user's unlock does not open it for carol
    assert.equal((await download('h-carol', protectedRecord.id)).statusCode, 403);
  });

  it('cannot be read by the server alone: the database and the key store are not enough', async () => {
    const { keyring, db, blobs } = ctx.services;
    await assert.rejects(keyring.keyFor(db, protectedRecord.address), /key\.holder_required/);
    // even the security officer, as a would-be holder reader, has no key that opens it
    await assert.rejects(
      asHolderReader(
        { ...ctx.services.local, kind: 'user', userId: '00000000-0000-4000-8000-000000000000' },
        () => keyring.keyFor(db, protectedRecord.address),
      ),
      /key\.holder_required/,
    );
    // what the KEK unwraps is only the system share: as a data key it opens nothing
    const { rows } = await db.query<{ wrapped_key: Uint8Array; key_ref: string; cipher: string }>(
      `SELECT bk.wrapped_key, lk.key_ref, bk.cipher FROM blob_keys bk
         JOIN level_keys lk ON lk.level = bk.level AND lk.version = bk.kek_version WHERE bk.address = $1`,
      [protectedRecord.address],
    );
    const share = await keyring.store.unwrap(
      rows[0]!.key_ref,
      Buffer.from(rows[0]!.wrapped_key),
      dataKeyContext(protectedRecord.address, rows[0]!.cipher),
    );
    await assert.rejects(async () => {
      for await (const chunk of await blobs.get(protectedRecord.address, undefined, {
        cipher: 'aes-256-gcm',
        key: share,
      }))
        void chunk;
    });
  });

  it('refuses a tampered holder wrap', async () => {
    const { db } = ctx.services;
    const { rows } = await db.query<{ cert_id: string; wrapped: Uint8Array }>(
      `SELECT w.cert_id, w.wrapped FROM blob_holder_wraps w JOIN holder_certs hc ON hc.id = w.cert_id
         JOIN users u ON u.id = hc.user_id WHERE w.address = $1 AND u.username = 'h-alice'`,
      [protectedRecord.address],
    );
    const original = Buffer.from(rows[0]!.wrapped);
    const bad = Buffer.from(original);
    bad[bad.length - 5]! ^= 0x40;
    await db.query('UPDATE blob_holder_wraps SET wrapped = $3 WHERE address = $1 AND cert_id = $2', [
      protectedRecord.address,
      rows[0]!.cert_id,
      bad,
    ]);
    const res = await download('h-alice', protectedRecord.id);
    assert.equal(res.statusCode, 422);
    assert.equal(code(res), 'key.holder_unwrap_failed');
    await db.query('UPDATE blob_holder_wraps SET wrapped = $3 WHERE address = $1 AND cert_id = $2', [
      protectedRecord.address,
      rows[0]!.cert_id,
      original,
    ]);
    assert.equal((await download('h-alice', protectedRecord.id)).statusCode, 200);
  });

  it('lets ledger verify check protected content without a holder, by its keyless chunk digests', async () => {
    const problems = async () => {
      const found: { code: string; recordId: string }[] = [];
      await verifyRecords(ctx.services.db, { blobs: ctx.services.blobs }, (p) => found.push(p));
      return found.filter((p) => p.recordId === protectedRecord.id);
    };
    assert.deepEqual(await problems(), []);
    const a = protectedRecord.address;
    const path = join(ctx.config.volumes[0]!, 'blobs', a.slice(0, 2), a.slice(2, 4), a);
    const bytes = await readFile(path);
    const changed = Buffer.from(bytes);
    changed[changed.length - 40]! ^= 0x01;
    await writeFile(path, changed);
    try {
      assert.deepEqual(
        (await problems()).map((p) => p.code),
        ['blob_changed'],
      );
    } finally {
      await writeFile(path, bytes);
    }
  });

  it('reveals no equality: protected content is not deduplicated, and levels stay apart', async () => {
    const again = await upload('h-alice', secretText, 'internal');
    assert.ok(again.created, 'not reported as a duplicate at a holder level');
    assert.notEqual(again.address, protectedRecord.address);
    const pub = await upload('h-alice', secretText, 'public');
    assert.notEqual(pub.address, protectedRecord.address);
    assert.notEqual(pub.address, again.address);
    const { rows } = await ctx.services.db.query<{ holder_protected: boolean }>(
      'SELECT holder_protected FROM blob_keys WHERE address = $1',
      [pub.address],
    );
    assert.equal(rows[0]!.holder_protected, false, 'below the threshold: the KEK alone');
    // below the threshold the same level still stores a file once
    const pubAgain = await upload('h-alice', secretText, 'public');
    assert.equal(pubAgain.id, pub.id);
  });

  it('shares existing content with a holder granted later, using a holder-kept RSA key', async () => {
    const granted = await call(security, 'POST', '/keys/holders', { username: 'h-dave', level: 'internal' });
    assert.equal(granted.statusCode, 200, granted.body);
    const privateKeyPem = daveKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const unlock = await call(users['h-dave']!, 'POST', '/keys/me/unlock', { privateKeyPem });
    assert.equal(unlock.statusCode, 200, unlock.body);
    assert.equal(code(await download('h-dave', protectedRecord.id)), 'key.holder_required');
    const status = async () =>
      (await call(security, 'GET', '/keys'))
        .json<{
          holderLevels: {
            level: string;
            holders: number;
            protectedBlobs: number;
            blobsMissingWraps: number;
          }[];
        }>()
        .holderLevels.find((h) => h.level === 'internal')!;
    const before = await status();
    assert.equal(before.holders, 3);
    assert.ok(before.protectedBlobs >= 2 && before.blobsMissingWraps >= 1, JSON.stringify(before));
    const shared = await call(users['h-alice']!, 'POST', '/keys/me/share');
    assert.equal(shared.statusCode, 200, shared.body);
    assert.ok(shared.json<{ wrapsAdded: number }>().wrapsAdded >= 1);
    assert.equal((await download('h-dave', protectedRecord.id)).body, secretText);
    assert.equal((await status()).blobsMissingWraps, 0);
  });

  it('keeps protected content readable across a KEK rotation', async () => {
    const rotated = await call(security, 'POST', '/keys/rotate', { level: 'internal' });
    assert.equal(rotated.statusCode, 200, rotated.body);
    assert.equal((await download('h-alice', protectedRecord.id)).body, secretText);
  });

  it('crypto-shreds protected content with its holder wraps', async () => {
    const doomed = await upload('h-alice', `待销毁的商业秘密 ${Date.now()}\n`, 'internal');
    const wraps = async () =>
      (
        await ctx.services.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM blob_holder_wraps WHERE address = $1',
          [doomed.address],
        )
      ).rows[0]!.n;
    assert.ok((await wraps()) >= 1);
    const shred = await call(security, 'POST', '/keys/shred', { record: doomed.id });
    assert.equal(shred.statusCode, 200, shred.body);
    assert.equal(await wraps(), 0);
    assert.equal(code(await download('h-alice', doomed.id)), 'key.content_destroyed');
  });

  it('revoking a holder or a certificate removes access at once', async () => {
    const bob = await call(security, 'POST', '/keys/holders/revoke', {
      username: 'h-bob',
      level: 'internal',
    });
    assert.equal(bob.statusCode, 200, bob.body);
    assert.ok(bob.json<{ wrapsRemoved: number }>().wrapsRemoved >= 1);
    assert.equal(code(await download('h-bob', protectedRecord.id)), 'key.holder_required');

    const daveCert = (await call(security, 'GET', '/keys/certs'))
      .json<{ id: string; username: string }[]>()
      .find((c) => c.username === 'h-dave')!;
    const revoked = await call(security, 'POST', `/keys/certs/${daveCert.id}/revoke`, {
      reason: '离职 / left',
    });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(revoked.json<{ state: string }>().state, 'revoked');
    assert.equal(code(await download('h-dave', protectedRecord.id)), 'key.holder_required');

    // alice is the last holder: revoking her would leave content nobody can open
    const last = await call(security, 'POST', '/keys/holders/revoke', {
      username: 'h-alice',
      level: 'internal',
    });
    assert.equal(last.statusCode, 409);
    assert.equal(code(last), 'key.holder_last');
    const forced = await call(security, 'POST', '/keys/holders/revoke', {
      username: 'h-alice',
      level: 'internal',
      force: true,
    });
    assert.equal(forced.statusCode, 200);
    assert.equal(code(await download('h-alice', protectedRecord.id)), 'key.holder_required');
  });

  it('records every key operation in the audit trail', async () => {
    const { rows } = await ctx.services.db.query<{ action: string; outcome: string }>(
      `SELECT DISTINCT action, outcome FROM events WHERE action LIKE 'key.%'`,
    );
    const seen = new Set(rows.map((r) => `${r.action}:${r.outcome}`));
    for (const action of [
      'key.ca_init:ok',
      'key.cert_issue:ok',
      'key.holder_grant:ok',
      'key.holder_unlock:ok',
      'key.holder_unlock:failed',
      'key.holder_share:ok',
      'key.holder_revoke:ok',
      'key.cert_revoke:ok',
    ])
      assert.ok(seen.has(action), action);
  });
});

describe('holder protection required (encryption.holdersRequired)', () => {
  it('refuses to store at a holder level that has no holder yet, and stores below it', async () => {
    const ctx = await createTestContext(
      {},
      { DANGAN_HOLDER_FROM_LEVEL: 'internal', DANGAN_HOLDERS_REQUIRED: 'true' },
    );
    try {
      const admin = (await signIn(ctx.app, 'admin', ctx.adminPassword)).authorization;
      const archivist = await createSignedInUser(ctx, admin, { username: 'r-arch', roles: ['archivist'] });
      const refused = await uploadRecord(
        ctx.app,
        archivist,
        { name: 'x.txt', content: '内部材料\n' },
        { level: 'internal' },
      );
      assert.equal(refused.statusCode, 409, refused.body);
      assert.equal(refused.json<{ error: { code: string } }>().error.code, 'key.holder_none');
      const { rows } = await ctx.services.db.query<{ n: number }>('SELECT count(*)::int AS n FROM records');
      assert.equal(rows[0]!.n, 0, 'no half-written record');
      const below = await uploadRecord(
        ctx.app,
        archivist,
        { name: 'y.txt', content: '公开材料\n' },
        { level: 'public' },
      );
      assert.equal(below.statusCode, 201, below.body);
    } finally {
      await ctx.close();
    }
  });
});
