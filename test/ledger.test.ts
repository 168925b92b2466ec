/** The ledger end to end: the API's checkpoint and proof bundle, checked offline by the standalone verifier. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSignedInUser, createTestContext, signIn, uploadRecord, type TestContext } from './helpers.ts';

const VERIFIER = join(import.meta.dirname, '..', 'tools', 'ledger-verify.mjs');

function runVerifier(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VERIFIER, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

describe('ledger API and standalone verifier', () => {
  let ctx: TestContext;
  let admin: string;
  let archivist: string;
  let recordId: string;

  before(async () => {
    ctx = await createTestContext();
    admin = (await signIn(ctx.app, 'admin', ctx.adminPassword)).authorization;
    archivist = await createSignedInUser(ctx, admin, { username: 'ledger-archivist', roles: ['archivist'] });
    const res = await uploadRecord(
      ctx.app,
      archivist,
      { name: '批复.txt', content: '关于某项目的批复' },
      { title: '批复' },
    );
    assert.equal(res.statusCode, 201, res.body);
    recordId = res.json<{ record: { id: string } }>().record.id;
  });
  after(async () => ctx.close());

  it('serves the latest signed checkpoint to any signed-in user', async () => {
    await ctx.services.ledger.sync();
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/ledger/checkpoint',
      headers: { authorization: admin },
    });
    assert.equal(res.statusCode, 200, res.body);
    const checkpoint = res.json<{ treeSize: number; keyId: string; body: string }>();
    assert.ok(checkpoint.treeSize > 0);
    assert.equal(checkpoint.keyId, ctx.services.ledger.key.keyId);
    assert.match(checkpoint.body, /^dangan-ledger-checkpoint\/v1\n/);
  });

  it('refuses a record proof to whoever may not read the record', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${recordId}/proof`,
      headers: { authorization: admin },
    });
    assert.equal(res.statusCode, 403);
    const unknown = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/records/00000000-0000-4000-8000-00000000dead/proof',
      headers: { authorization: archivist },
    });
    assert.equal(unknown.statusCode, 404);
  });

  it('gives a proof bundle that the standalone verifier accepts, and rejects with one byte flipped', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${recordId}/proof`,
      headers: { authorization: archivist },
    });
    assert.equal(res.statusCode, 200, res.body);
    const bundle = res.json<{
      entries: { entry: string; proof: string[] }[];
      checkpoint: { keyId: string };
    }>();
    const actions = bundle.entries.map(
      (e) => (JSON.parse(Buffer.from(e.entry, 'base64').toString()) as { action: string }).action,
    );
    assert.ok(actions.includes('record.create') || actions.length >= 2, actions.join());
    assert.equal(actions.at(-1), 'record.proof', 'the proof request itself is logged and proven');

    const file = join(ctx.dir, 'bundle.json');
    await writeFile(file, res.body);
    const good = await runVerifier([file, '--key-id', ctx.services.ledger.key.keyId, '--json']);
    assert.equal(good.code, 0, good.stdout);
    const report = JSON.parse(good.stdout) as { ok: boolean; entriesVerified: number; keyTrusted: boolean };
    assert.equal(report.entriesVerified, bundle.entries.length);
    assert.ok(report.keyTrusted);

    // Flip one byte of an entry: its inclusion proof fails.
    const text = await readFile(file, 'utf8');
    const parsed = JSON.parse(text) as { entries: { entry: string }[] };
    const bytes = Buffer.from(parsed.entries[0]!.entry, 'base64');
    bytes[10]! ^= 0x01;
    parsed.entries[0]!.entry = bytes.toString('base64');
    await writeFile(file, JSON.stringify(parsed));
    const flipped = await runVerifier([file]);
    assert.equal(flipped.code, 1);
    assert.match(flipped.stdout, /验证失败 \/ FAILED/);

    // Flip one byte of the signed checkpoint text: its signature fails.
    const resigned = JSON.parse(text) as { checkpoint: { body: string } };
    resigned.checkpoint.body = resigned.checkpoint.body.replace(
      /root (.)/,
      (_m, c: string) => `root ${c === '0' ? '1' : '0'}`,
    );
    await writeFile(file, JSON.stringify(resigned));
    const badSignature = await runVerifier([file, '--json']);
    assert.equal(badSignature.code, 1);
    assert.match(badSignature.stdout, /signature is invalid/);

    // The right bundle under the wrong trusted key fails too.
    await writeFile(file, text);
    const wrongKey = await runVerifier([file, '--key-id', '0'.repeat(32)]);
    assert.equal(wrongKey.code, 1);
  });
});
