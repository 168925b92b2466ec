/** GET /records/:id/events: the record's trail for those who may read the record, nobody else. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSignedInUser, createTestContext, signIn, uploadRecord, type TestContext } from './helpers.ts';

describe('record history', () => {
  let ctx: TestContext;
  let archivist: string;
  let reader: string;
  let id: string;
  before(async () => {
    ctx = await createTestContext();
    const { authorization: admin } = await signIn(ctx.app, 'admin', ctx.adminPassword);
    archivist = await createSignedInUser(ctx, admin, { username: 'lijuan', roles: ['archivist'] });
    reader = await createSignedInUser(ctx, admin, {
      username: 'wangqiang',
      roles: ['reader'],
      clearance: 'public',
    });
    const res = await uploadRecord(
      ctx.app,
      archivist,
      { name: 'a.txt', content: '内部通知。\n' },
      { level: 'internal', year: 2024, retention: 'D30' },
    );
    assert.equal(res.statusCode, 201, res.body);
    id = res.json<{ recordId: string }>().recordId;
  });
  after(async () => ctx.close());

  it('lists creation and filing, newest first, to a user who may read the record', async () => {
    const filed = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/records/${id}/file`,
      headers: { authorization: archivist },
    });
    assert.equal(filed.statusCode, 200, filed.body);
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${id}/events`,
      headers: { authorization: archivist },
    });
    assert.equal(res.statusCode, 200, res.body);
    const actions = res.json<{ items: { action: string; actor: string }[] }>().items.map((e) => e.action);
    assert.ok(actions.includes('record.ingest'), actions.join());
    assert.ok(actions.indexOf('record.file') < actions.indexOf('record.ingest'), actions.join());
  });

  it('refuses the trail of a record above the user’s clearance as if it did not exist', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${id}/events`,
      headers: { authorization: reader },
    });
    assert.equal(res.statusCode, 404);
    assert.doesNotMatch(res.body, /内部通知/);
  });
});
