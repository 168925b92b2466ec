/** Access administration through the API: roles, clearances, shares, separation of duties (三员分立). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSignedInUser, createTestContext, signIn, uploadRecord, type TestContext } from './helpers.ts';

describe('access administration', () => {
  let ctx: TestContext;
  let admin: string;
  let security: string;
  let xcOfficer: string;
  let hmReader: string;
  let recordId: string;

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, auth: string, payload?: object) =>
    ctx.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: auth }, payload });
  const code = (res: { json: <T>() => T }) => res.json<{ error: { code: string } }>().error.code;

  before(async () => {
    ctx = await createTestContext();
    admin = (await signIn(ctx.app, 'admin', ctx.adminPassword)).authorization;
    for (const [c, name] of [
      ['XC', '新城区行政审批局'],
      ['HM', '回民区行政审批局'],
    ] as const) {
      const res = await call('POST', '/organisations', admin, {
        code: c,
        name,
        level: 'district',
        parent: 'SPJ',
      });
      assert.equal(res.statusCode, 201, res.body);
    }
    security = await createSignedInUser(ctx, admin, {
      username: 'sec1',
      roles: ['security'],
      clearance: 'public',
    });
    xcOfficer = await createSignedInUser(ctx, admin, {
      username: 'xc-off',
      roles: ['officer'],
      organisation: 'XC',
    });
    hmReader = await createSignedInUser(ctx, admin, {
      username: 'hm-reader',
      roles: ['reader'],
      organisation: 'HM',
      clearance: 'public',
    });
    const res = await uploadRecord(
      ctx.app,
      xcOfficer,
      { name: 'permit.txt', content: '新城区建设工程规划许可证\n' },
      { title: '新城区建设工程规划许可证', level: 'internal' },
    );
    assert.equal(res.statusCode, 201, res.body);
    recordId = res.json<{ record: { id: string } }>().record.id;
  });
  after(async () => ctx.close());

  it('refuses to join a duty role with a content role on one account', async () => {
    const res = await call('POST', '/users', admin, {
      username: 'both',
      organisation: 'SPJ',
      roles: ['admin', 'archivist'],
      clearance: 'public',
    });
    assert.equal(res.statusCode, 422);
    assert.equal(code(res), 'access.role_conflict');
    assert.match(res.json<{ error: { message: string } }>().error.message, /三员分立/);
    const two = await call('PUT', '/users/sec1/roles', admin, { roles: ['security', 'auditor'] });
    assert.equal(code(two), 'access.role_conflict');
  });

  it('lets only the security officer set clearances, and nobody their own', async () => {
    const byAdmin = await call('PUT', '/users/hm-reader/clearance', admin, { clearance: 'internal' });
    assert.equal(byAdmin.statusCode, 403);
    const own = await call('PUT', '/users/sec1/clearance', security, { clearance: 'sensitive' });
    assert.equal(own.statusCode, 403);
    assert.equal(code(own), 'access.self_grant');
    const ok = await call('PUT', '/users/hm-reader/clearance', security, { clearance: 'internal' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json<{ clearance: string }>().clearance, 'internal');
  });

  it('keeps the administrator from changing their own roles and the security officer from roles', async () => {
    assert.equal(
      code(await call('PUT', '/users/admin/roles', admin, { roles: ['archivist'] })),
      'access.self_grant',
    );
    assert.equal(
      (await call('PUT', '/users/hm-reader/roles', security, { roles: ['archivist'] })).statusCode,
      403,
    );
  });

  it('shows another organisation’s record only while it is shared, within clearance', async () => {
    const before = await call('GET', `/records/${recordId}`, hmReader);
    assert.equal(before.statusCode, 404);
    const share = await call('POST', '/shares', security, {
      username: 'hm-reader',
      organisation: 'XC',
      days: 7,
    });
    assert.equal(share.statusCode, 201, share.body);
    const shareId = share.json<{ id: string }>().id;
    const during = await call('GET', `/records/${recordId}`, hmReader);
    assert.equal(during.statusCode, 200, during.body);
    const list = await call('GET', '/records', hmReader);
    assert.equal(list.json<{ total: number }>().total, 1);
    // Clearance still applies inside a share.
    assert.equal(
      (await call('PUT', '/users/hm-reader/clearance', security, { clearance: 'public' })).statusCode,
      200,
    );
    assert.equal((await call('GET', `/records/${recordId}`, hmReader)).statusCode, 404);
    assert.equal(
      (await call('PUT', '/users/hm-reader/clearance', security, { clearance: 'internal' })).statusCode,
      200,
    );
    assert.equal((await call('DELETE', `/shares/${shareId}`, security)).statusCode, 204);
    assert.equal((await call('GET', `/records/${recordId}`, hmReader)).statusCode, 404);
    assert.equal((await call('GET', '/records', hmReader)).json<{ total: number }>().total, 0);
    const history = await call('GET', '/shares?history=true&username=hm-reader', security);
    assert.equal(
      history.json<{ items: { revokedAt: string | null }[] }>().items[0]!.revokedAt !== null,
      true,
    );
  });

  it('refuses a share granted by anyone but the security officer', async () => {
    const res = await call('POST', '/shares', admin, { username: 'hm-reader', organisation: 'XC' });
    assert.equal(res.statusCode, 403);
  });

  it('refuses an officer changing a secrecy level, and moving a record out of scope', async () => {
    const level = await call('PATCH' as 'PUT', `/records/${recordId}`, xcOfficer, { level: 'public' });
    assert.equal(level.statusCode, 403, level.body);
    const move = await call('PATCH' as 'PUT', `/records/${recordId}`, xcOfficer, { organisation: 'HM' });
    assert.equal(move.statusCode, 403, move.body);
  });

  it('ends every session of an account when it is disabled', async () => {
    const res = await call('PUT', '/users/xc-off/disabled', admin, { disabled: true });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await call('GET', '/records', xcOfficer)).statusCode, 401);
    assert.equal((await call('PUT', '/users/xc-off/disabled', admin, { disabled: false })).statusCode, 200);
    assert.equal((await call('GET', '/records', xcOfficer)).statusCode, 401, 'old sessions stay revoked');
  });

  it('refuses a NUL character in any parameter with a clear error, never a server fault', async () => {
    for (const url of [
      '/records/%00',
      '/records?organisation=a%00b',
      '/search?q=a%00b',
      '/shares?username=%00',
    ]) {
      const res = await call('GET', url, hmReader);
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.equal(code(res), 'request.invalid');
    }
    const body = await call('PUT', '/users/hm-reader/clearance', security, { clearance: 'pub\u0000lic' });
    assert.equal(body.statusCode, 400);
    assert.match(body.json<{ error: { message: string } }>().error.message, /NUL/);
  });

  it('records every permission change as an audit event', async () => {
    const { rows } = await ctx.services.db.query<{ action: string }>(
      `SELECT DISTINCT action FROM events WHERE action LIKE 'access.%' OR action LIKE 'user.%'`,
    );
    const actions = new Set(rows.map((r) => r.action));
    for (const a of [
      'access.clearance',
      'access.share_grant',
      'access.share_revoke',
      'user.disable',
      'access.denied',
    ])
      assert.ok(actions.has(a), `missing ${a}`);
  });
});
