/** Signed checkpoints published to an external witness: a file and a loopback HTTP endpoint. */
import assert from 'node:assert/strict';
import { verify } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { createTestContext, signIn, uploadRecord } from './helpers.ts';

interface Published {
  format: string;
  treeSize: number;
  rootHash: string;
  keyId: string;
  publicKey: string;
  body: string;
  signature: string;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

function checkSigned(c: Published) {
  assert.equal(c.format, 'dangan-ledger-checkpoint/v1');
  assert.ok(verify(null, Buffer.from(c.body), c.publicKey, Buffer.from(c.signature, 'base64')), 'signature');
  assert.match(c.body, new RegExp(`\\nsize ${c.treeSize}\\nroot ${c.rootHash}\\n`));
}

describe('checkpoint witness', () => {
  it('appends every signed checkpoint to a witness file as a JSON line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dangan-witness-'));
    const file = join(dir, 'witness.jsonl');
    const ctx = await createTestContext({ ledgerWitness: file });
    try {
      assert.equal(ctx.config.ledger.witness, file);
      await ctx.services.ledger.sync();
      const admin = (await signIn(ctx.app, 'admin', ctx.adminPassword)).authorization;
      await ctx.app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: admin } });
      await ctx.services.ledger.sync();
      const lines = await until('two witness lines', async () => {
        const text = await readFile(file, 'utf8').catch(() => '');
        const parsed = text
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Published);
        return parsed.length >= 2 ? parsed : undefined;
      });
      for (const c of lines) checkSigned(c);
      assert.ok(lines[1]!.treeSize > lines[0]!.treeSize);
      const latest = await ctx.services.ledger.latestCheckpoint();
      assert.equal(lines.at(-1)!.rootHash, latest.rootHash);
      assert.equal(lines.at(-1)!.keyId, ctx.services.ledger.key.keyId);
    } finally {
      await ctx.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('POSTs checkpoints to an HTTP witness, retries failures, and never holds up ingest', async () => {
    const received: Published[] = [];
    let attempts = 0;
    let mode: 'stall' | 'fail' | 'ok' = 'stall';
    const stalled: ServerResponse[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        attempts++;
        if (mode === 'stall') return void stalled.push(res);
        if (mode === 'fail') {
          res.writeHead(503).end();
          return;
        }
        assert.equal(req.method, 'POST');
        assert.equal(req.headers['content-type'], 'application/json');
        received.push(JSON.parse(body) as Published);
        res.writeHead(204).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/witness`;
    const ctx = await createTestContext({ ledgerWitness: url });
    try {
      const admin = (await signIn(ctx.app, 'admin', ctx.adminPassword)).authorization;
      const archivist = await (async () => {
        const created = await ctx.app.inject({
          method: 'POST',
          url: '/api/v1/users',
          headers: { authorization: admin },
          payload: { username: 'w-arch', roles: ['archivist'], organisation: 'SPJ', clearance: 'sensitive' },
        });
        return (await signIn(ctx.app, 'w-arch', created.json<{ oneTimePassword: string }>().oneTimePassword))
          .authorization;
      })();
      // The witness hangs: signing and ingest go on regardless.
      const first = await ctx.services.ledger.sync();
      assert.ok(first.checkpoint);
      await until('the stalled request', async () => (stalled.length > 0 ? true : undefined));
      const started = performance.now();
      const res = await uploadRecord(
        ctx.app,
        archivist,
        { name: 'a.txt', content: '见证测试' },
        { title: '见证' },
      );
      assert.equal(res.statusCode, 201, res.body);
      const second = await ctx.services.ledger.sync();
      assert.ok(second.checkpoint, 'a new checkpoint is signed while the witness hangs');
      assert.ok(performance.now() - started < 5000);

      // The witness answers 503, then recovers: the queued checkpoints arrive, in order.
      mode = 'fail';
      for (const r of stalled.splice(0)) r.writeHead(503).end();
      await until('a failed retry', async () => (attempts >= 2 ? true : undefined));
      mode = 'ok';
      const got = await until(
        'both checkpoints',
        async () => (received.length >= 2 ? received : undefined),
        20_000,
      );
      assert.deepEqual(
        got.map((c) => c.treeSize),
        [first.checkpoint.treeSize, second.checkpoint.treeSize],
      );
      for (const c of got) checkSigned(c);
      assert.ok(attempts >= 4, `retried (${attempts} attempts)`);
    } finally {
      await ctx.close();
      server.closeAllConnections();
      server.close();
    }
  });
});
