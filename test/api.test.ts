/** The REST API end to end, in-process, over a real database (PGlite; PostgreSQL in api.postgres.int.test.ts) and real volumes. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { CHINESE_TEXT, makePdf, makePng } from './fixtures.ts';
import {
  createSignedInUser,
  createTestContext,
  uploadRecord,
  signIn,
  testBackend,
  type TestContext,
} from './helpers.ts';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('REST API', () => {
  let ctx: TestContext;
  let admin: string;
  let archivist: string;

  before(async () => {
    ctx = await createTestContext();
    admin = (await signIn(ctx.app, 'admin', ctx.adminPassword)).authorization;
    archivist = await createSignedInUser(ctx, admin, {
      username: 'archivist1',
      roles: ['archivist'],
      clearance: 'sensitive',
    });
  });
  after(async () => ctx.close());

  const upload = (
    auth: string,
    file: { name: string; content: Buffer | string },
    metadata?: unknown,
    query = '',
  ) => uploadRecord(ctx.app, auth, file, metadata, query);

  it(`runs on the ${testBackend()} database`, () => {
    assert.equal(ctx.services.db.kind, testBackend());
  });

  it('refuses every API route without credentials', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => [m.toUpperCase(), path] as const),
    );
    assert.ok(routes.length >= 15, `expected the API to describe its routes, got ${routes.length}`);
    for (const [method, path] of routes) {
      if (path === '/api/v1/auth/login' || path === '/healthz' || path === '/readyz') continue;
      const url = path.replace(/\{[^}]+\}/g, 'x');
      const res = await ctx.app.inject({ method: method as 'GET', url });
      assert.equal(res.statusCode, 401, `${method} ${path} answered ${res.statusCode}`);
      assert.equal(res.json<{ error: { code: string } }>().error.code, 'auth.unauthenticated');
    }
  });

  it('describes the API as OpenAPI 3.1 and serves the docs page', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      openapi: string;
      paths: object;
    }>();
    assert.equal(doc.openapi, '3.1.0');
    assert.ok('/api/v1/records/{id}' in doc.paths);
    const page = await ctx.app.inject({ method: 'GET', url: '/api/docs/' });
    assert.equal(page.statusCode, 200);
  });

  it('answers health and readiness checks', async () => {
    assert.equal((await ctx.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    assert.deepEqual((await ctx.app.inject({ method: 'GET', url: '/readyz' })).json(), { status: 'ready' });
  });

  it('keeps a one-time password good for nothing but changing it', async () => {
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { authorization: admin },
      payload: { username: 'newbie', organisation: 'SPJ', roles: ['reader'], clearance: 'public' },
    });
    const { oneTimePassword } = created.json<{ oneTimePassword: string }>();
    const login = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'newbie', password: oneTimePassword },
    });
    const token = login.json<{ token: string }>().token;
    const blocked = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/records',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(blocked.statusCode, 403);
    assert.equal(blocked.json<{ error: { code: string } }>().error.code, 'auth.password_change_required');
    const weak = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { authorization: `Bearer ${token}` },
      payload: { currentPassword: oneTimePassword, newPassword: 'short' },
    });
    assert.equal(weak.json<{ error: { code: string } }>().error.code, 'auth.weak_password');
  });

  it('locks an account after repeated wrong passwords', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'newbie', password: 'wrong-password' },
      });
      assert.equal(res.statusCode, 401);
    }
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'newbie', password: 'wrong-password' },
    });
    assert.equal(res.statusCode, 423);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'auth.locked');
  });

  it('gives the system administrator no access to archive content', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/records',
      headers: { authorization: admin },
    });
    assert.equal(res.statusCode, 403);
  });

  it('stores an upload, returns it byte for byte, and serves byte ranges', async () => {
    const pdf = await makePdf(['Approval of the construction permit', 'Case 2024-17'], 2);
    const res = await upload(
      archivist,
      { name: '建设工程规划许可证批复.pdf', content: pdf },
      { title: '关于建设工程规划许可证的批复', retention: 'Y', formedOn: '2024-03-05' },
    );
    assert.equal(res.statusCode, 201, res.body);
    const { record } = res.json<{
      record: {
        id: string;
        status: string;
        archiveNo: string | null;
        pageCount: number;
        components: { id: string; sha256: string; size: number; format: string }[];
      };
    }>();
    assert.equal(record.status, 'draft');
    assert.equal(record.archiveNo, null);
    assert.equal(record.pageCount, 2);
    const original = record.components[0]!;
    assert.equal(original.format, 'pdf');
    assert.equal(original.sha256, sha256(pdf));

    const whole = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${record.id}/components/${original.id}/content`,
      headers: { authorization: archivist },
    });
    assert.equal(whole.statusCode, 200);
    assert.equal(sha256(whole.rawPayload), sha256(pdf));
    assert.match(String(whole.headers['content-disposition']), /filename\*=UTF-8''/);

    const part = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${record.id}/components/original/content`,
      headers: { authorization: archivist, range: 'bytes=10-99' },
    });
    assert.equal(part.statusCode, 206);
    assert.equal(part.headers['content-range'], `bytes 10-99/${pdf.length}`);
    assert.deepEqual(part.rawPayload, pdf.subarray(10, 100));

    const bad = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${record.id}/components/original/content`,
      headers: { authorization: archivist, range: `bytes=${pdf.length + 5}-` },
    });
    assert.equal(bad.statusCode, 416);
  });

  it('says where identical bytes already are instead of storing them again', async () => {
    const png = makePng(40, 20, 7);
    const first = await upload(archivist, { name: 'scan-1.png', content: png });
    assert.equal(first.statusCode, 201);
    const again = await upload(archivist, { name: 'another-name.png', content: png });
    assert.equal(again.statusCode, 200);
    const body = again.json<{ status: string; existing: { id: string } }>();
    assert.equal(body.status, 'duplicate');
    assert.equal(body.existing.id, first.json<{ record: { id: string } }>().record.id);
  });

  it('files a record under a DA/T 22-2015 archive number and finds it by that number', async () => {
    const res = await upload(
      archivist,
      { name: 'notice.txt', content: CHINESE_TEXT },
      { category: 'WS', retention: 'D30', formedOn: '2024-06-01', docNumber: '呼审批发〔2024〕17号' },
    );
    const id = res.json<{ record: { id: string } }>().record.id;
    const filed = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/records/${id}/file`,
      headers: { authorization: archivist },
    });
    assert.equal(filed.statusCode, 200, filed.body);
    const archiveNo = filed.json<{ archiveNo: string }>().archiveNo;
    assert.equal(archiveNo, 'A001-WS·2024-D30-SPJ-0001');
    const again = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/records/${id}/file`,
      headers: { authorization: archivist },
    });
    assert.equal(again.json<{ error: { code: string } }>().error.code, 'record.already_filed');
    const byNo = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${encodeURIComponent(archiveNo)}`,
      headers: { authorization: archivist },
    });
    assert.equal(byNo.json<{ id: string }>().id, id);
    const change = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/records/${id}`,
      headers: { authorization: archivist },
      payload: { year: 2023 },
    });
    assert.equal(change.json<{ error: { code: string } }>().error.code, 'record.filed_read_only');
  });

  it('numbers records filed at the same moment uniquely and without gaps', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await upload(
        archivist,
        { name: `batch-${i}.txt`, content: `${CHINESE_TEXT}第${i}件\n` },
        { category: 'SP', retention: 'Y', year: 2025 },
      );
      ids.push(res.json<{ record: { id: string } }>().record.id);
    }
    const results = await Promise.all(
      ids.map((id) =>
        ctx.app.inject({
          method: 'POST',
          url: `/api/v1/records/${id}/file`,
          headers: { authorization: archivist },
        }),
      ),
    );
    const numbers = results.map((r) => r.json<{ archiveNo: string }>().archiveNo).sort();
    assert.deepEqual(
      numbers,
      Array.from({ length: 12 }, (_, i) => `A001-SP·2025-Y-SPJ-${String(i + 1).padStart(4, '0')}`),
    );
  });

  it('refuses to file a draft that lacks its retention period, naming what is missing', async () => {
    const res = await upload(archivist, { name: 'undescribed.txt', content: `${CHINESE_TEXT}未著录\n` });
    const id = res.json<{ record: { id: string } }>().record.id;
    const filed = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/records/${id}/file`,
      headers: { authorization: archivist },
    });
    assert.equal(filed.statusCode, 422);
    const error = filed.json<{ error: { code: string; message: string } }>().error;
    assert.equal(error.code, 'record.incomplete');
    assert.match(error.message, /保管期限/);
    const en = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/records/${id}/file`,
      headers: { authorization: archivist, 'accept-language': 'en-GB' },
    });
    assert.match(en.json<{ error: { message: string } }>().error.message, /Fill in before filing/);
  });

  it('hides a sensitive record, its title and its count from a reader without clearance', async () => {
    const secret = await upload(
      archivist,
      { name: 'secret.txt', content: '商业秘密：某企业股东名册\n' },
      { title: '某企业股东名册（敏感）', level: 'sensitive' },
    );
    const id = secret.json<{ record: { id: string } }>().record.id;
    const reader = await createSignedInUser(ctx, admin, {
      username: 'reader1',
      roles: ['reader'],
      clearance: 'internal',
    });
    const clearedReader = await createSignedInUser(ctx, admin, {
      username: 'reader2',
      roles: ['reader'],
      clearance: 'sensitive',
    });

    const direct = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${id}`,
      headers: { authorization: reader },
    });
    assert.equal(direct.statusCode, 404);
    assert.doesNotMatch(direct.body, /股东名册/);
    const download = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${id}/components/original/content`,
      headers: { authorization: reader },
    });
    assert.equal(download.statusCode, 404);

    const list = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/records?limit=200',
      headers: { authorization: reader },
    });
    const cleared = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/records?limit=200',
      headers: { authorization: clearedReader },
    });
    assert.doesNotMatch(list.body, /股东名册/);
    assert.match(cleared.body, /股东名册/);
    const total = (r: typeof list) => r.json<{ total: number }>().total;
    const sensitiveCount = cleared
      .json<{ items: { level: string }[] }>()
      .items.filter((i) => i.level === 'sensitive').length;
    assert.equal(total(list), total(cleared) - sensitiveCount);
  });

  it('keeps records of another district out of sight of its neighbours', async () => {
    const district = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      headers: { authorization: admin },
      payload: { code: 'XC', name: '新城区行政审批局', level: 'district', parent: 'SPJ' },
    });
    assert.equal(district.statusCode, 201, district.body);
    const other = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      headers: { authorization: admin },
      payload: { code: 'HM', name: '回民区行政审批局', level: 'district', parent: 'SPJ' },
    });
    assert.equal(other.statusCode, 201);
    const xcOfficer = await createSignedInUser(ctx, admin, {
      username: 'xc-officer',
      roles: ['officer'],
      organisation: 'XC',
    });
    const hmOfficer = await createSignedInUser(ctx, admin, {
      username: 'hm-officer',
      roles: ['officer'],
      organisation: 'HM',
    });
    const res = await upload(
      xcOfficer,
      { name: 'xc.txt', content: '新城区某街道营业执照变更材料\n' },
      { title: '新城区营业执照变更材料' },
    );
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json<{ record: { organisation: string } }>().record.organisation, 'XC');
    const id = res.json<{ record: { id: string } }>().record.id;
    assert.equal(
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/records/${id}`,
          headers: { authorization: hmOfficer },
        })
      ).statusCode,
      404,
    );
    assert.equal(
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/records/${id}`,
          headers: { authorization: xcOfficer },
        })
      ).statusCode,
      200,
    );
    assert.equal(
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/records/${id}`,
          headers: { authorization: archivist },
        })
      ).statusCode,
      200,
    );
    // Listed by organisation, fonds and category, the total counts the records listed.
    const list = async (query: string, auth = archivist) => {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/records?limit=200&${query}`,
        headers: { authorization: auth },
      });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{
        total: number;
        byStatus: { draft: number; filed: number };
        items: { id: string; organisation: string; fonds: string; category: string }[];
      }>();
    };
    const xc = await list('organisation=XC');
    assert.deepEqual(
      xc.items.map((i) => i.id),
      [id],
    );
    assert.equal(xc.total, 1);
    assert.deepEqual(xc.byStatus, { draft: 1, filed: 0 });
    const all = await list('');
    assert.equal(all.byStatus.draft + all.byStatus.filed, all.total);
    assert.ok(all.byStatus.filed > 0 && all.byStatus.draft > 0, JSON.stringify(all.byStatus));
    assert.deepEqual((await list('status=filed')).byStatus, { draft: 0, filed: all.byStatus.filed });
    assert.equal((await list('organisation=HM')).total, 0);
    const { fonds, category } = xc.items[0]!;
    const same = await list(`organisation=XC&fonds=${fonds}&category=${category}`);
    assert.deepEqual([same.total, same.items[0]?.id], [1, id]);
    assert.equal((await list(`organisation=XC&category=${category === 'WS' ? 'KJ' : 'WS'}`)).total, 0);
    assert.equal((await list(`fonds=NOSUCH`)).total, 0);
    // The whole city's list holds the district's record; the neighbour's officer counts none of it.
    assert.ok((await list(`category=${category}`)).items.some((i) => i.id === id));
    assert.equal((await list('organisation=XC', hmOfficer)).total, 0);
  });

  it('refuses a disguised file with ingest.unsupported_type and stores nothing', async () => {
    const before = (
      await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/system/status',
        headers: { authorization: archivist },
      })
    ).json<{ blobs: { count: number } }>();
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(200, 1)]);
    const res = await upload(archivist, { name: 'invoice.pdf', content: elf });
    assert.equal(res.statusCode, 415);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'ingest.unsupported_type');
    const afterStatus = (
      await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/system/status',
        headers: { authorization: archivist },
      })
    ).json<{ blobs: { count: number } }>();
    assert.equal(afterStatus.blobs.count, before.blobs.count);
  });

  it('names the bad field of an ill-typed metadata body', async () => {
    const res = await upload(
      archivist,
      { name: 'x.txt', content: 'abc 文本\n' },
      { title: 'x', pageCount: 'many' },
    );
    assert.equal(res.statusCode, 422);
    const error = res.json<{ error: { code: string; details: { field: string } } }>().error;
    assert.equal(error.code, 'record.metadata_invalid');
    assert.equal(error.details.field, 'pageCount');
    const unknown = await upload(
      archivist,
      { name: 'y.txt', content: 'abc 文本 2\n' },
      { title: 'y', colour: 'red' },
    );
    assert.equal(unknown.json<{ error: { details: { field: string } } }>().error.details.field, 'colour');
  });

  it('keeps a hostile file name as metadata only', async () => {
    const name = `../../etc/${'长'.repeat(300)}\u0007.txt`;
    const res = await upload(archivist, { name, content: '路径穿越测试\n' });
    assert.equal(res.statusCode, 201, res.body);
    const record = res.json<{ record: { title: string; components: { fileName: string }[] } }>().record;
    assert.ok(!record.title.includes('\u0007'));
    assert.ok(record.components[0]!.fileName.includes('长'));
  });
});
