/**
 * Field extraction and classification through the real API: the job step after text extraction,
 * suggestions, the review queue with permissions inside the query, review as training examples,
 * retraining in the background, model versions and rollback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SuggestionView } from '../src/modules/classify/classify.usecases.ts';
import { createSignedInUser, createTestContext, signIn, uploadRecord, type TestContext } from './helpers.ts';

const CODE = '914403001922038216';

function permitText(i: number): string {
  return [
    '呼和浩特市行政审批和政务服务局文件',
    `呼审批施字〔2024〕${i + 1}号`,
    `关于第${i + 1}号住宅项目建筑工程施工许可证的批复`,
    '某某建设有限公司：',
    `你公司（统一社会信用代码：${CODE}）报来的申请收悉。经审查，该工程已具备施工条件，施工图审查合格，准予核发建筑工程施工许可证。`,
    '呼和浩特市行政审批和政务服务局',
    '2024年3月5日',
  ].join('\n');
}
function foodText(i: number): string {
  return [
    '呼和浩特市行政审批和政务服务局文件',
    `呼审批食字〔2023〕${i + 1}号`,
    `关于第${i + 1}号餐饮店食品经营许可的决定`,
    '某某餐饮店：',
    '经现场核查，经营场所、设施设备及食品安全管理制度符合要求，准予食品经营许可，从业人员应持有健康证明。',
    '呼和浩特市行政审批和政务服务局',
    '二〇二三年十一月二日',
  ].join('\n');
}

describe('classification API', () => {
  let ctx: TestContext;
  let admin: string;
  let archivist: string;
  let hmOfficer: string;
  let xcOfficer: string;
  let reader: string;
  const training: Array<{ id: string; label: string }> = [];
  let hidden = '';

  const get = (auth: string, url: string) =>
    ctx.app.inject({ method: 'GET', url, headers: { authorization: auth } });
  const post = (auth: string, url: string, payload?: unknown) =>
    ctx.app.inject({
      method: 'POST',
      url,
      headers: { authorization: auth },
      ...(payload ? { payload } : {}),
    });
  const upload = async (auth: string, name: string, content: string, title: string) => {
    const res = await uploadRecord(ctx.app, auth, { name, content }, { title, level: 'public' });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<{ record: { id: string } }>().record.id;
  };
  const settle = async () => {
    await ctx.services.startJobWorkers(1).idle();
  };

  before(async () => {
    // Everything the model suggests waits for a person in this test (threshold just under 1).
    process.env['DANGAN_CLASSIFY_THRESHOLD'] = '0.999';
    ctx = await createTestContext();
    delete process.env['DANGAN_CLASSIFY_THRESHOLD'];
    admin = (await signIn(ctx.app, 'admin', ctx.adminPassword)).authorization;
    archivist = await createSignedInUser(ctx, admin, { username: 'archivist1', roles: ['archivist'] });
    for (const code of ['XC', 'HM']) {
      const res = await post(admin, '/api/v1/organisations', {
        code,
        name: `${code}行政审批局`,
        level: 'district',
        parent: 'SPJ',
      });
      assert.equal(res.statusCode, 201, res.body);
    }
    hmOfficer = await createSignedInUser(ctx, admin, {
      username: 'hm1',
      roles: ['officer'],
      organisation: 'HM',
    });
    xcOfficer = await createSignedInUser(ctx, admin, {
      username: 'xc1',
      roles: ['officer'],
      organisation: 'XC',
    });
    reader = await createSignedInUser(ctx, admin, { username: 'reader1', roles: ['reader'] });
    for (let i = 0; i < 6; i++) {
      training.push({
        id: await upload(archivist, `p${i}.txt`, permitText(i), `施工许可${i}`),
        label: 'SP/SG',
      });
      training.push({
        id: await upload(archivist, `f${i}.txt`, foodText(i), `食品经营许可${i}`),
        label: 'SP/SP',
      });
    }
    await settle();
  });
  after(async () => ctx.close());

  it('extracts fields after text extraction and offers them as suggestions', async () => {
    const res = await get(archivist, `/api/v1/records/${training[0]!.id}/suggestions`);
    assert.equal(res.statusCode, 200, res.body);
    const s = res.json<SuggestionView>();
    assert.equal(s.status, 'fields_only'); // no model yet
    const value = (field: string) => s.fields.find((f) => f.field === field && f.valid)?.value;
    assert.equal(value('docNumber'), '呼审批施字〔2024〕1号');
    assert.equal(value('creditCode'), CODE);
    assert.equal(value('documentDate'), '2024-03-05');
    assert.equal(value('issuer'), '呼和浩特市行政审批和政务服务局');
    assert.equal(s.year, 2024);
  });

  it('refuses suggestions to the system administrator, a stranger and without sign-in', async () => {
    assert.equal((await get(admin, `/api/v1/records/${training[0]!.id}/suggestions`)).statusCode, 403);
    assert.equal((await get(xcOfficer, `/api/v1/records/${training[0]!.id}/suggestions`)).statusCode, 404);
    const anonymous = await ctx.app.inject({ method: 'GET', url: `/api/v1/classify/review` });
    assert.equal(anonymous.statusCode, 401);
  });

  it('stores corrected labels as training examples, retrains in the background and classifies new records', async () => {
    for (const t of training) {
      const res = await post(archivist, `/api/v1/records/${t.id}/suggestions/review`, { label: t.label });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<SuggestionView>().status, 'corrected');
    }
    const bad = await post(archivist, `/api/v1/records/${training[0]!.id}/suggestions/review`, {
      label: '<b>x</b>',
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json<{ error: { code: string } }>().error.code, 'classify.bad_label');
    assert.equal((await post(reader, '/api/v1/classify/train')).statusCode, 403);
    const train = await post(archivist, '/api/v1/classify/train');
    assert.equal(train.statusCode, 202, train.body);
    await settle();

    const permit = await upload(archivist, 'new-permit.txt', permitText(40), '新的施工许可');
    const food = await upload(archivist, 'new-food.txt', foodText(40), '新的食品经营许可');
    hidden = await upload(hmOfficer, 'hm-food.txt', foodText(41), '回民区食品经营许可');
    await settle();
    const p = (await get(archivist, `/api/v1/records/${permit}/suggestions`)).json<SuggestionView>();
    const f = (await get(archivist, `/api/v1/records/${food}/suggestions`)).json<SuggestionView>();
    assert.equal(p.label, 'SP/SG');
    assert.equal(f.label, 'SP/SP');
    assert.equal(p.modelVersion, 1);
    assert.ok(p.confidence! > 0.5 && p.confidence! < 0.999, String(p.confidence));
    assert.equal(p.top[0]!.label, 'SP/SG');
    assert.equal(p.status, 'review');
  });

  it('lists the review queue only with records the user may see, and a confirmation leaves it', async () => {
    const queue = async (auth: string) => {
      const res = await get(auth, '/api/v1/classify/review?limit=50');
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ total: number; items: SuggestionView[] }>();
    };
    const all = await queue(archivist);
    assert.equal(all.total, 3);
    assert.ok(all.items.some((i) => i.recordId === hidden));
    const xc = await queue(xcOfficer);
    assert.equal(xc.total, 0);
    assert.deepEqual(xc.items, []);
    const hm = await queue(hmOfficer);
    assert.deepEqual(
      hm.items.map((i) => i.recordId),
      [hidden],
    );
    assert.equal((await get(reader, '/api/v1/classify/review')).statusCode, 403);

    const confirm = await post(hmOfficer, `/api/v1/records/${hidden}/suggestions/review`, {});
    assert.equal(confirm.statusCode, 200, confirm.body);
    assert.equal(confirm.json<SuggestionView>().status, 'confirmed');
    assert.equal((await queue(archivist)).total, 2);
    const { rows } = await ctx.services.db.query<{ label: string }>(
      'SELECT label FROM classify_examples WHERE record_id = $1',
      [hidden],
    );
    assert.deepEqual(rows, [{ label: 'SP/SP' }]);
  });

  it('keeps model versions with their figures and rolls back', async () => {
    assert.equal((await post(archivist, '/api/v1/classify/train')).statusCode, 202);
    await settle();
    const list = async () => {
      const res = await get(archivist, '/api/v1/classify/models');
      assert.equal(res.statusCode, 200, res.body);
      return res.json<Array<{ version: number; active: boolean; trainingSize: number; bytes: number }>>();
    };
    const versions = await list();
    assert.deepEqual(
      versions.map((v) => [v.version, v.active]),
      [
        [2, true],
        [1, false],
      ],
    );
    assert.equal(versions[0]!.trainingSize, 13);
    assert.ok(versions[0]!.bytes > 0);
    assert.equal((await post(archivist, '/api/v1/classify/models/1/activate')).statusCode, 204);
    assert.deepEqual(
      (await list()).map((v) => [v.version, v.active]),
      [
        [2, false],
        [1, true],
      ],
    );
    const missing = await post(archivist, '/api/v1/classify/models/99/activate');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json<{ error: { code: string } }>().error.code, 'classify.no_such_version');
    assert.equal((await post(xcOfficer, '/api/v1/classify/models/2/activate')).statusCode, 403);
  });

  it('describes its routes in the OpenAPI document', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/docs/json' });
    const paths = Object.keys(res.json<{ paths: Record<string, unknown> }>().paths);
    for (const p of [
      '/api/v1/classify/review',
      '/api/v1/records/{id}/suggestions',
      '/api/v1/classify/models',
    ])
      assert.ok(paths.includes(p), p);
  });
});
