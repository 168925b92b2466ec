/** Search dictionaries through the API: synonyms and approval chains, validated, atomic, audited, live. */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSignedInUser, createTestContext, signIn, uploadRecord, type TestContext } from './helpers.ts';

describe('search dictionaries API', () => {
  let ctx: TestContext;
  let admin: string;
  let archivist: string;
  let reader: string;

  const call = (auth: string, method: 'GET' | 'PUT', path: string, payload?: object) =>
    ctx.app.inject({
      method,
      url: `/api/v1/search/dictionaries/${path}`,
      headers: { authorization: auth },
      ...(payload ? { payload } : {}),
    });
  const codeOf = (res: { json: <T>() => T }) => res.json<{ error: { code: string } }>().error.code;
  const upload = async (title: string, text: string, extra: Record<string, string> = {}) => {
    const res = await uploadRecord(
      ctx.app,
      archivist,
      { name: `${title}.txt`, content: `${text}\n` },
      { title, level: 'public', ...(extra.projectCode ? { category: 'SP', extra } : {}) },
    );
    assert.equal(res.statusCode, 201, res.body);
    return res.json<{ record: { id: string } }>().record.id;
  };
  const hits = async (q: string) => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/search?q=${encodeURIComponent(q)}`,
      headers: { authorization: archivist },
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<{ hits: { id: string }[] }>().hits.map((h) => h.id);
  };

  before(async () => {
    ctx = await createTestContext();
    admin = (await signIn(ctx.app, 'admin', ctx.adminPassword)).authorization;
    archivist = await createSignedInUser(ctx, admin, { username: 'dict-archivist', roles: ['archivist'] });
    reader = await createSignedInUser(ctx, admin, { username: 'dict-reader', roles: ['reader'] });
  });
  after(async () => ctx.close());

  it('replaces the synonyms, refuses bad ones without touching the file, and search uses them at once', async () => {
    const id = await upload('关于开展消防安全大检查的通知', '各单位开展消防安全大检查。');
    await ctx.services.startJobWorkers(1).idle();
    assert.ok(!(await hits('防火排查')).includes(id));

    const first = await call(reader, 'GET', 'synonyms');
    assert.equal(first.statusCode, 200, first.body);
    const body = first.json<{ own: string; builtin: string; version: string }>();
    assert.equal(body.own, '');
    assert.equal(body.version, '');
    assert.match(body.builtin, /住建局/);

    assert.equal(
      (await call(reader, 'PUT', 'synonyms', { text: '防火排查 消防安全大检查' })).statusCode,
      403,
    );
    const lonely = await call(archivist, 'PUT', 'synonyms', {
      text: '# 注释\n防火排查 消防安全大检查\n孤词\n',
    });
    assert.equal(lonely.statusCode, 422);
    assert.equal(codeOf(lonely), 'search.dictionary_invalid');
    assert.match(lonely.json<{ error: { message: string } }>().error.message, /第 3 行/);
    assert.equal((await call(reader, 'GET', 'synonyms')).json<{ own: string }>().own, '');

    const saved = await call(archivist, 'PUT', 'synonyms', {
      text: '# 本单位\n防火排查，消防安全大检查\n',
      base: '',
    });
    assert.equal(saved.statusCode, 200, saved.body);
    const { groups, version } = saved.json<{ groups: number; version: string }>();
    assert.equal(groups, 1);
    assert.match(version, /^[0-9a-f]{64}$/);
    assert.equal(
      await readFile(join(ctx.dir, 'search', 'synonyms.txt'), 'utf8'),
      '# 本单位\n防火排查，消防安全大检查\n',
    );
    assert.deepEqual(
      (await readdir(join(ctx.dir, 'search'))).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary file is left behind',
    );
    assert.ok((await hits('防火排查')).includes(id), 'the next search uses the new synonyms');

    // An editor who started from the empty file is refused: someone saved in between.
    const stale = await call(admin, 'PUT', 'synonyms', { text: '甲 乙\n', base: '' });
    assert.equal(stale.statusCode, 409);
    assert.equal(codeOf(stale), 'search.dictionary_conflict');

    const audit = await ctx.services.db.query<{ actor: string; details: { groups: number } }>(
      `SELECT actor, details FROM events WHERE action = 'search.synonyms_update'`,
    );
    assert.deepEqual(
      audit.rows.map((r) => [r.actor, r.details.groups]),
      [['user:dict-archivist', 1]],
    );
  });

  it('replaces the approval chains, refuses invalid ones, and related records follow the new chain', async () => {
    const project = '2024-150102-47-01-000999';
    const upstream = await upload('某园区排水许可申请书', '排水许可申请。', { projectCode: project });
    const downstream = await upload('某园区排水许可决定书', '准予排水许可。', { projectCode: project });
    await ctx.services.startJobWorkers(1).idle();

    const before = await call(reader, 'GET', 'chains');
    assert.equal(before.statusCode, 200, before.body);
    const { builtin, own, version } = before.json<{
      builtin: { name: string }[];
      own: unknown[];
      version: string;
    }>();
    assert.ok(builtin.some((c) => c.name === '建设项目审批'));
    assert.deepEqual(own, []);

    const oneStep = await call(admin, 'PUT', 'chains', {
      chains: [{ name: '排水许可', steps: [{ name: '申请', match: ['申请书'] }] }],
    });
    assert.equal(oneStep.statusCode, 422);
    assert.equal(codeOf(oneStep), 'search.dictionary_invalid');
    const twice = await call(admin, 'PUT', 'chains', {
      chains: [
        {
          name: '排水许可',
          steps: [
            { name: '申请', match: ['申请书'] },
            { name: '决定', match: ['决定书'] },
          ],
        },
        {
          name: '排水许可',
          steps: [
            { name: '申请', match: ['申请书'] },
            { name: '决定', match: ['决定书'] },
          ],
        },
      ],
    });
    assert.equal(twice.statusCode, 422);

    const chain = {
      name: '排水许可',
      steps: [
        { name: '申请', match: ['排水许可申请书'] },
        { name: '决定', match: ['排水许可决定书'] },
      ],
    };
    const saved = await call(admin, 'PUT', 'chains', { chains: [chain], base: version });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(saved.json<{ chains: number }>().chains, 1);
    assert.deepEqual((await call(reader, 'GET', 'chains')).json<{ own: unknown[] }>().own, [chain]);

    const related = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${downstream}/related`,
      headers: { authorization: archivist },
    });
    assert.equal(related.statusCode, 200, related.body);
    const body = related.json<{
      chain: { name: string } | null;
      items?: unknown;
      upstream?: { id: string }[];
    }>();
    assert.equal(body.chain?.name, '排水许可');
    assert.ok(JSON.stringify(body).includes(upstream));
    const audit = await ctx.services.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE action = 'search.chains_update' AND actor = 'user:admin'`,
    );
    assert.equal(audit.rows[0]!.n, 1);
  });
});
