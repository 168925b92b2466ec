/**
 * Encryption at rest end to end (issue 6 §3): sealed storage by secrecy level, no equality across
 * levels, rotation without re-encryption, crypto-shredding on disposal, and who may manage keys.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { verifyStorage } from '../src/modules/storage/verify.usecases.ts';
import { CHINESE_TEXT } from './fixtures.ts';
import { createSignedInUser, createTestContext, signIn, uploadRecord, type TestContext } from './helpers.ts';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('encryption at rest by secrecy level', () => {
  let ctx: TestContext;
  let admin: string;
  let security: string;
  let archivist: string;

  before(async () => {
    ctx = await createTestContext();
    admin = (await signIn(ctx.app, 'admin', ctx.adminPassword)).authorization;
    archivist = await createSignedInUser(ctx, admin, {
      username: 'keys-archivist',
      roles: ['archivist'],
      clearance: 'sensitive',
    });
    // Keys are the security officer's (三员分立): a duty role alone on its account.
    security = await createSignedInUser(ctx, admin, { username: 'keys-security', roles: ['security'] });
  });
  after(async () => ctx.close());

  const blobPaths = (address: string) =>
    ctx.config.volumes.map((volume) =>
      join(volume, 'blobs', address.slice(0, 2), address.slice(2, 4), address),
    );

  async function upload(content: string, level: string, name = 'material.txt') {
    const res = await uploadRecord(ctx.app, archivist, { name, content }, { level });
    assert.equal(res.statusCode, 201, res.body);
    const record = res.json<{ record: { id: string; components: { sha256: string }[] } }>().record;
    const { rows } = await ctx.services.db.query<{ blob_sha256: string }>(
      `SELECT blob_sha256 FROM components WHERE record_id = $1 AND role = 'original'`,
      [record.id],
    );
    return { id: record.id, address: rows[0]!.blob_sha256, shown: record.components[0]!.sha256 };
  }

  async function download(id: string) {
    return ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${id}/components/original/content`,
      headers: { authorization: archivist },
    });
  }

  it('stores every file encrypted under a keyed address, and gives it back byte for byte', async () => {
    const content = `${CHINESE_TEXT}营业执照 统一社会信用代码 91320000MA0000001X\n`;
    const record = await upload(content, 'internal');
    assert.equal(record.shown, sha256(content), 'readers see the content SHA-256');
    assert.notEqual(record.address, sha256(content), 'the disks do not');
    for (const path of blobPaths(record.address)) {
      const file = await readFile(path);
      assert.equal(file.readUInt16BE(8), 2, 'container version 2 (sealed)');
      assert.equal(file.includes(Buffer.from('91320000MA0000001X')), false);
    }
    const res = await download(record.id);
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, content);
  });

  it('never reveals that a file at one level equals a file at another', async () => {
    const content = `${CHINESE_TEXT}同一份股东身份证明\n`;
    const internal = await upload(content, 'internal');
    const sensitive = await upload(content, 'sensitive');
    assert.notEqual(internal.id, sensitive.id, 'not reported as a duplicate across levels');
    assert.notEqual(internal.address, sensitive.address, 'unrelated addresses on disk');
    // within one level, the same file is still stored once and reported as a duplicate
    const again = await uploadRecord(
      ctx.app,
      archivist,
      { name: 'again.txt', content },
      { level: 'sensitive' },
    );
    assert.equal(again.statusCode, 200);
    assert.equal(again.json<{ existing: { id: string } }>().existing.id, sensitive.id);
  });

  it('lets only key managers see and manage keys', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/keys'],
      ['POST', '/api/v1/keys/rotate'],
      ['POST', '/api/v1/keys/shred'],
    ] as const) {
      for (const [who, authorization] of [
        ['archivist', archivist],
        ['system administrator', admin],
      ] as const) {
        const res = await ctx.app.inject({
          method,
          url,
          headers: { authorization },
          ...(method === 'POST' ? { payload: url.endsWith('shred') ? { record: 'x' } : {} } : {}),
        });
        assert.equal(res.statusCode, 403, `${who} ${method} ${url}`);
        assert.equal(res.json<{ error: { code: string } }>().error.code, 'auth.forbidden');
      }
      const anonymous = await ctx.app.inject({ method, url });
      assert.equal(anonymous.statusCode, 401, `${method} ${url} without credentials`);
    }
    const status = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/keys',
      headers: { authorization: security },
    });
    assert.equal(status.statusCode, 200);
    const body = status.json<{ cipher: string; store: string; levels: { level: string; state: string }[] }>();
    assert.equal(body.cipher, 'aes-256-gcm');
    assert.equal(body.store, 'file');
    assert.ok(body.levels.some((l) => l.level === 'internal' && l.state === 'active'));
    const seen = await ctx.services.db.query<{ actor: string }>(
      `SELECT actor FROM events WHERE action = 'key.status'`,
    );
    assert.deepEqual(
      seen.rows.map((r) => r.actor),
      ['user:keys-security'],
      'only the allowed look is recorded as key.status; refusals are access.denied',
    );
  });

  it('rotates the key-encryption keys without rewriting a single stored byte', async () => {
    const content = `${CHINESE_TEXT}轮换前存入的材料\n`;
    const record = await upload(content, 'internal');
    const before = await Promise.all(blobPaths(record.address).map((path) => readFile(path)));
    const oldKeys = await ctx.services.keyring.store.listKeys();
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/keys/rotate',
      headers: { authorization: security },
      payload: { level: 'internal' },
    });
    assert.equal(res.statusCode, 200, res.body);
    const [rotation] =
      res.json<{ fromVersion: number; toVersion: number; rewrapped: number; destroyedKeys: string[] }[]>();
    assert.equal(rotation!.toVersion, rotation!.fromVersion + 1);
    const rotated = await ctx.services.db.query<{ actor: string }>(
      `SELECT actor FROM events WHERE action = 'key.rotate' AND details->>'level' = 'internal'`,
    );
    assert.deepEqual(
      rotated.rows.map((r) => r.actor),
      ['user:keys-security'],
    );
    assert.ok(rotation!.rewrapped >= 3, `rewrapped ${rotation!.rewrapped}`);
    assert.equal(rotation!.destroyedKeys.length, 1);
    assert.ok(oldKeys.includes(rotation!.destroyedKeys[0]!));
    assert.equal(await ctx.services.keyring.store.hasKey(rotation!.destroyedKeys[0]!), false);
    const after = await Promise.all(blobPaths(record.address).map((path) => readFile(path)));
    after.forEach((bytes, i) => assert.ok(bytes.equals(before[i]!), 'the container is untouched'));
    assert.equal((await download(record.id)).body, content);
    // new files at the level go under the new key, and the same content still deduplicates
    const again = await uploadRecord(ctx.app, archivist, { name: 'x.txt', content }, { level: 'internal' });
    assert.equal(again.json<{ status: string }>().status, 'duplicate');
  });

  it('crypto-shreds a record: its content can never be read again, even from a copy of the bytes', async () => {
    const content = `${CHINESE_TEXT}待销毁的个人信息 身份证号 110101199003071234 销毁标记甲乙丙\n`;
    const record = await upload(content, 'sensitive');
    await ctx.services.startJobWorkers().idle();
    const hits = async () => {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/search?${new URLSearchParams({ q: '销毁标记甲乙丙' }).toString()}`,
        headers: { authorization: archivist },
      });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ hits: { id: string }[] }>().hits.filter((hit) => hit.id === record.id).length;
    };
    assert.equal(await hits(), 1, 'found by its text before disposal');
    const copies = await Promise.all(blobPaths(record.address).map((path) => readFile(path)));
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/keys/shred',
      headers: { authorization: security },
      payload: { record: record.id },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json<{ destroyed: string[] }>().destroyed.includes(record.address), true);
    // the bytes are gone; put a backup copy back: still nothing readable
    for (const path of blobPaths(record.address)) await assert.rejects(readFile(path));
    for (const [i, path] of blobPaths(record.address).entries()) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, copies[i]!);
    }
    const gone = await download(record.id);
    assert.equal(gone.statusCode, 410);
    const error = gone.json<{ error: { code: string; message: string } }>().error;
    assert.equal(error.code, 'key.content_destroyed');
    assert.match(error.message, /销毁|destroyed/);
    await ctx.services.workers!.idle();
    assert.equal(await hits(), 0, 'its text has left the search index');
    // the storage scrub does not count shredded content as missing, and removes restored bytes of it
    const scrub = await verifyStorage(ctx.services, ctx.services.local, { repair: true });
    assert.equal(scrub.missing, 0);
    assert.equal(scrub.orphans, 1, 'the restored copy is an orphan');
    for (const path of blobPaths(record.address)) await assert.rejects(readFile(path));
    // uploading the same content again makes a new, readable record and does not revive the old one
    const fresh = await upload(content, 'sensitive', 'again.txt');
    assert.notEqual(fresh.address, record.address);
    // (a sensitive text file is not downloadable over HTTP: it cannot carry a visible watermark)
    const readBack = await ctx.services.blobs.get(fresh.address);
    assert.equal(Buffer.concat((await readBack.toArray()) as Buffer[]).toString('utf8'), content);
    assert.equal((await download(fresh.id)).statusCode, 415);
    assert.equal((await download(record.id)).statusCode, 410);
    const events = await ctx.services.db.query(
      `SELECT 1 FROM events WHERE action = 'key.shred' AND record_id = $1`,
      [record.id],
    );
    assert.equal(events.rows.length, 1);
  });
});
