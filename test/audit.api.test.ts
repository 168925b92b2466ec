/** The audit trail for the auditor (安全审计员): search, paging, CSV/JSONL export, and the ledger behind it. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { recordEvent } from '../src/modules/events/events.ts';
import { createSignedInUser, createTestContext, signIn, uploadRecord, type TestContext } from './helpers.ts';

interface Entry {
  id: string;
  actor: string;
  action: string;
  outcome: string;
  ip: string | null;
  recordId: string | null;
  details: Record<string, unknown>;
  ledgerSeq: string | null;
}

describe('audit trail', () => {
  let ctx: TestContext;
  let admin: string;
  let auditor: string;
  let archivist: string;
  let recordId: string;

  const get = (url: string, auth: string) =>
    ctx.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { authorization: auth } });
  const items = async (query: string) => {
    const res = await get(`/audit?${query}`, auditor);
    assert.equal(res.statusCode, 200, res.body);
    return res.json<{ items: Entry[]; nextCursor: string | null }>();
  };

  before(async () => {
    ctx = await createTestContext();
    admin = (await signIn(ctx.app, 'admin', ctx.adminPassword)).authorization;
    auditor = await createSignedInUser(ctx, admin, {
      username: 'audit1',
      roles: ['auditor'],
      clearance: 'public',
    });
    archivist = await createSignedInUser(ctx, admin, { username: 'arch1', roles: ['archivist'] });
    const res = await uploadRecord(
      ctx.app,
      archivist,
      { name: '=cmd|calc.txt', content: '股东会决议\n' },
      { title: '=HYPERLINK("http://x")股东会决议' },
    );
    assert.equal(res.statusCode, 201, res.body);
    recordId = res.json<{ record: { id: string } }>().record.id;
    assert.equal((await get(`/records/${recordId}`, archivist)).statusCode, 200);
    assert.equal((await get(`/records/${recordId}/components/original/content`, archivist)).statusCode, 200);
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'arch1', password: 'wrong-password-123' },
      remoteAddress: '203.0.113.9',
    });
  });
  after(async () => ctx.close());

  it('lets the auditor, and only the auditor, read the trail', async () => {
    for (const who of [admin, archivist]) {
      const res = await get('/audit', who);
      assert.equal(res.statusCode, 403);
    }
    const denied = await items('action=access.denied&outcome=denied');
    assert.ok(denied.items.some((e) => e.details['route'] === '/api/v1/audit'));
  });

  it('records sign-ins and failed sign-ins with where they came from', async () => {
    const failed = await items('action=auth.login&outcome=denied');
    const attempt = failed.items.find((e) => e.actor === 'anonymous:arch1');
    assert.ok(attempt, 'the failed sign-in is in the trail');
    assert.equal(attempt.ip, '203.0.113.9');
    assert.equal(attempt.details['reason'], 'bad_password');
    const ok = await items('action=auth.login&outcome=ok&actor=user:arch1');
    assert.equal(ok.items.length >= 1, true);
  });

  it('records ingest, views and downloads of a record, filtered by record', async () => {
    const trail = await items(`record=${recordId}`);
    const actions = trail.items.map((e) => e.action);
    for (const a of ['record.ingest', 'record.view', 'record.download']) assert.ok(actions.includes(a), a);
    assert.ok(trail.items.every((e) => e.recordId === recordId));
  });

  it('matches prefixes and time ranges, and pages without overlap', async () => {
    const records = await items('action=record.*');
    assert.ok(records.items.length >= 3 && records.items.every((e) => e.action.startsWith('record.')));
    assert.equal((await items('from=2999-01-01')).items.length, 0);
    const first = await items('limit=2');
    assert.equal(first.items.length, 2);
    assert.ok(first.nextCursor);
    const second = await items(`limit=2&cursor=${first.nextCursor}`);
    assert.ok(BigInt(second.items[0]!.id) < BigInt(first.items[1]!.id));
  });

  it('names a bad filter instead of answering nothing', async () => {
    for (const q of ['outcome=maybe', 'record=1%27%20OR%201=1', 'from=yesterday', 'cursor=abc']) {
      const res = await get(`/audit?${q}`, auditor);
      assert.equal(res.statusCode, 400, q);
      assert.equal(res.json<{ error: { code: string } }>().error.code, 'audit.bad_filter', q);
    }
  });

  it('exports CSV that a spreadsheet cannot run as formulas, and JSON Lines', async () => {
    const csv = await get(`/audit?format=csv&record=${recordId}`, auditor);
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /text\/csv/);
    assert.match(csv.headers['content-disposition'] as string, /attachment; filename="audit-.*\.csv"/);
    assert.ok(csv.body.startsWith('\uFEFFid,at,actor,action'));
    const lines = csv.body.trim().split('\r\n');
    assert.ok(lines.length >= 4);
    assert.ok(!lines.slice(1).some((l) => /(^|,)"?=/.test(l)), 'no cell starts with =');
    const jsonl = await get(`/audit?format=jsonl&record=${recordId}`, auditor);
    const rows = jsonl.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Entry);
    assert.equal(rows.length, lines.length - 1);
    assert.ok(BigInt(rows[0]!.id) < BigInt(rows.at(-1)!.id), 'oldest first');
    const exported = await items('action=audit.export');
    assert.equal(exported.items.length, 2);
    assert.equal((await get('/audit?format=csv', archivist)).statusCode, 403);
  });

  it('keeps an entry whose details carry a NUL character, and answers NUL metadata with a clear error', async () => {
    await recordEvent(ctx.services.db, ctx.services.local, 'test.nul', { note: 'a\u0000b' });
    const [entry] = (await items('action=test.nul')).items;
    assert.equal(entry!.details['note'], 'a\uFFFDb');
    const res = await uploadRecord(
      ctx.app,
      archivist,
      { name: 'n.txt', content: 'x\n' },
      { title: 'a\u0000b' },
    );
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'request.invalid');
  });

  it('puts audit entries into the tamper-evident ledger', async () => {
    await ctx.services.ledger.sync();
    const trail = await items('action=auth.login');
    assert.ok(trail.items.length > 0 && trail.items.every((e) => e.ledgerSeq !== null));
  });
});
