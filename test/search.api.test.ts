/**
 * Search through the real API: indexing at ingest, query modes (文号 variants, pinyin, typos,
 * synonyms), filters, bad input, forgetting a removed record. Who sees what:
 * search-access.api.test.ts; similar and related records: search-related.api.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hostname } from 'node:os';
import {
  finishDeadRebuilds,
  finishRebuild,
  loadSearchDocuments,
  registerRebuild,
} from '../src/modules/search/search.repository.ts';
import { isDeadOwner } from '../src/modules/storage/intents.ts';
import { reindex, syncPending } from '../src/modules/search/search.usecases.ts';
import {
  ANALYSIS_VERSION,
  indexAnalysis,
  upgradeOutdatedIndex,
} from '../src/modules/search/search.upgrade.ts';
import { type SearchBody, useSearchWorld } from './search.fixture.ts';

describe('search API: indexing, modes and bad input', () => {
  const w = useSearchWorld();

  it('indexes records at ingest, text included, and finds them ranked with snippets', async () => {
    const body = await w.hitsOf(w.archivist, '施工许可证');
    const found = body.hits.map((h) => h.id);
    for (const id of [w.ids.permit, w.ids.secret, w.ids.neighbour]) assert.ok(found.includes(id!), id);
    const permit = body.hits.find((h) => h.id === w.ids.permit)!;
    assert.match(permit.snippet, /<mark>/);
    assert.ok(permit.score > 0);
    const byText = await w.hitsOf(w.archivist, '准予核发');
    assert.deepEqual(
      byText.hits.map((h) => h.id),
      [w.ids.permit],
    );
  });

  it('puts the record first for its 文号 in any bracket variant, and for typed pinyin', async () => {
    for (const q of ['呼审批发〔2024〕17号', '呼审批发[2024]17号', '呼审批发（2024）17号']) {
      const body = await w.hitsOf(w.archivist, q);
      assert.equal(body.hits[0]?.id, w.ids.permit, q);
      assert.equal(body.hits[0]?.exact, true);
    }
    assert.ok((await w.hitsOf(w.archivist, '施工需可证')).hits.some((h) => h.id === w.ids.permit));
    assert.ok((await w.hitsOf(w.archivist, 'shigongxuke')).hits.some((h) => h.id === w.ids.permit));
  });

  it('puts the record first for the name of its file, with or without digits in it', async () => {
    const scan = await w.upload(w.archivist, '营业执照副本.txt', '副本扫描件。\n', {
      title: '某公司申请材料',
      level: 'public',
    });
    // Records whose title and text repeat the words of that name: ranked as text, they come first.
    for (let i = 0; i < 3; i++)
      await w.upload(w.archivist, `换发${i}.txt`, '营业执照副本 营业执照 副本。\n'.repeat(i + 1), {
        title: `关于某公司营业执照副本换发的批复（${i}）`,
        level: 'public',
      });
    const photo = await w.upload(w.archivist, 'IMG_20240312_0017.txt', '现场照片。\n', {
      title: '现场照片',
      level: 'public',
    });
    await w.settle();
    for (const [q, id] of [
      ['营业执照副本.txt', scan],
      ['营业执照副本．ＴＸＴ', scan],
      ['IMG_20240312_0017.txt', photo],
    ] as const) {
      const body = await w.hitsOf(w.archivist, q);
      assert.equal(body.hits[0]?.id, id, q);
      assert.equal(body.hits[0]?.exact, true, q);
    }
    // Without its extension a name is words, ranked as such.
    assert.ok((await w.hitsOf(w.archivist, '营业执照副本')).hits.every((h) => !h.exact));
  });

  it('finds records by the name of their organisation, and by its new name once renamed', async () => {
    // Nothing in this record names its organisation (回民区行政审批局).
    const id = await w.upload(w.hmOfficer, '批复.txt', '经审查，准予办理。\n', {
      title: '关于某物流园项目的批复',
      level: 'public',
    });
    await w.settle();
    const holds = async (q: string) => (await w.hitsOf(w.archivist, q)).hits.some((h) => h.id === id);
    assert.ok(await holds('回民区行政审批局'));
    assert.ok(await holds('回民区 物流园'));
    assert.ok(!(await holds('政务服务局')));
    const db = w.ctx.services.db;
    const rename = (name: string) => db.query(`UPDATE organisations SET name = $1 WHERE code = 'HM'`, [name]);
    await rename('回民区政务服务局');
    await w.settle();
    assert.ok(await holds('政务服务局'), 'renamed: re-indexed');
    await rename('回民区行政审批局');
    await w.settle();
    assert.ok(!(await holds('政务服务局')), 'renamed back');
  });

  it('rebuilds in the background an index an older analysis made, once', async () => {
    const id = await w.upload(w.hmOfficer, '旧索引.txt', '经审查，同意。\n', {
      title: '关于某厂房项目的批复',
      level: 'public',
    });
    await w.settle();
    const holds = async () =>
      (await w.hitsOf(w.archivist, '回民区行政审批局', { limit: '100' })).hits.some((h) => h.id === id);
    assert.ok(await holds());
    // As an older version indexed it: without its organisation's name.
    const { db, blobs, search } = w.ctx.services;
    const [doc] = await loadSearchDocuments(db, blobs, [id]);
    await (await search.get()).upsert([{ ...doc!, names: doc!.names.filter((n) => !n.includes('回民区')) }]);
    assert.ok(!(await holds()));
    assert.equal(await indexAnalysis(w.ctx.dir), 1, 'no version written: made before versions');
    const rebuilder = w.ctx.services.searchRebuilder;
    assert.equal(await upgradeOutdatedIndex(db, w.ctx.dir, rebuilder), 'rebuilding');
    await rebuilder.idle();
    assert.equal(rebuilder.status().last?.error, null);
    assert.equal(await indexAnalysis(w.ctx.dir), ANALYSIS_VERSION);
    assert.ok(await holds(), 'rebuilt');
    assert.equal(await upgradeOutdatedIndex(db, w.ctx.dir, rebuilder), 'current', 'once');
  });

  it('highlights in the snippet the characters that typed pinyin spells', async () => {
    for (const q of ['shigongxuke', 'sgxk']) {
      const permit = (await w.hitsOf(w.archivist, q)).hits.find((h) => h.id === w.ids.permit);
      assert.match(permit?.snippet ?? '', /<mark>施工许可<\/mark>/, q);
    }
  });

  it('finds a 文号 typed with a digit too many, without its agency or with 年, never a hidden one', async () => {
    const near = await w.hitsOf(w.archivist, '呼审批发〔2024〕177号');
    assert.equal(near.hits[0]?.id, w.ids.permit);
    assert.equal(near.hits[0]?.exact, false, 'near, not exact');
    for (const q of ['〔2024〕17号', '2024年17号', '呼审批发2024 17']) {
      const body = await w.hitsOf(w.archivist, q);
      assert.equal(body.hits[0]?.id, w.ids.permit, q);
      assert.equal(body.hits[0]?.exact, true, q);
    }
    // 呼审批发〔2024〕99号 is sensitive: one edit from what the public reader typed.
    const reader = await w.hitsOf(w.publicReader, '呼审批发〔2024〕9号');
    assert.ok(!reader.hits.some((h) => h.id === w.ids.secret));
    assert.ok(!reader.facets.level?.some((f) => f.value === 'sensitive'));
    assert.ok((await w.hitsOf(w.archivist, '呼审批发〔2024〕9号')).hits.some((h) => h.id === w.ids.secret));
  });

  it('filters by organisation, year and level, and rejects an unknown filter clearly', async () => {
    const xc = await w.hitsOf(w.archivist, '施工许可证', { organisation: 'XC' });
    assert.deepEqual(
      xc.hits.map((h) => h.id),
      [w.ids.permit],
    );
    const none = await w.hitsOf(w.archivist, '施工许可证', { year: '2010-2012' });
    assert.equal(none.total, 0);
    const level = await w.hitsOf(w.archivist, '施工许可证', { level: 'sensitive' });
    assert.ok(level.hits.every((h) => h.id !== w.ids.permit));
    const unknown = await w.search(w.archivist, { q: '施工', colour: 'red' });
    assert.equal(unknown.statusCode, 400);
    const badYear = await w.search(w.archivist, { q: '施工', year: 'last year' });
    assert.equal(badYear.statusCode, 400);
    assert.equal(badYear.json<{ error: { code: string } }>().error.code, 'search.bad_filter_value');
  });

  it('answers with the page only when asked (facets=false): the same hits, no facets, a total to the page', async () => {
    const full = await w.hitsOf(w.archivist, '施工许可证', { limit: '2' });
    assert.ok(full.total > 2, `more than a page matches (${full.total})`);
    assert.ok(Object.values(full.facets).some((values) => values.length > 0));
    const page = await w.hitsOf(w.archivist, '施工许可证', { limit: '2', facets: 'false' });
    assert.deepEqual(
      page.hits.map((h) => h.id),
      full.hits.map((h) => h.id),
    );
    assert.deepEqual(page.hits[0]?.snippet, full.hits[0]?.snippet);
    assert.ok(Object.values(page.facets).every((values) => values.length === 0));
    assert.equal(page.total, 2);
    assert.equal(page.totalExact, false);
    // The next page still follows on; a reader still sees only what they may open.
    const next = await w.hitsOf(w.archivist, '施工许可证', { limit: '2', offset: '2', facets: 'false' });
    const nextFull = await w.hitsOf(w.archivist, '施工许可证', { limit: '2', offset: '2' });
    assert.deepEqual(
      next.hits.map((h) => h.id),
      nextFull.hits.map((h) => h.id),
    );
    const reader = await w.hitsOf(w.publicReader, '施工许可证', { facets: 'false' });
    assert.ok(!reader.hits.some((h) => h.id === w.ids.secret));
    assert.equal((await w.search(w.archivist, { q: '施工', facets: 'no' })).statusCode, 400);
  });

  it('answers bad queries with a clear error or a sensible result, never a 500', async () => {
    const cases: [string, number][] = [
      ['', 400],
      ['   ', 400],
      ['施'.repeat(10_000), 400],
      ['！？。，、——……', 200],
      ["' OR 1=1; DROP TABLE records; --", 200],
      ['"施工许可', 200],
      ['title:施工 AND level_rank:>0 OR (', 200],
      ['😀🏗️📄', 200],
      ['𠀀𠀁𪚥', 200],
      ['\u0000\u200b', 400],
    ];
    for (const [q, status] of cases) {
      const res = await w.search(w.publicReader, { q });
      assert.equal(res.statusCode, status, `${JSON.stringify(q.slice(0, 20))}: ${res.body.slice(0, 200)}`);
      if (status === 200) {
        const body = res.json<SearchBody>();
        assert.ok(!body.hits.some((h) => h.id === w.ids.secret));
      } else {
        assert.match(res.json<{ error: { code: string } }>().error.code, /^(search|request)\./);
      }
    }
  });

  it('finds records through synonyms and abbreviations, including those archivists add', async () => {
    const id = await w.upload(w.archivist, '通知.txt', '关于开展安全生产检查的通知。\n', {
      title: '住房和城乡建设局关于开展安全生产检查的通知',
      level: 'public',
    });
    await w.settle();
    assert.ok((await w.hitsOf(w.archivist, '住建局')).hits.some((h) => h.id === id));
    assert.ok(!(await w.hitsOf(w.archivist, '安检大排查')).hits.some((h) => h.id === id));
    await mkdir(join(w.ctx.dir, 'search'), { recursive: true });
    await writeFile(join(w.ctx.dir, 'search', 'synonyms.txt'), '安检大排查 安全生产检查\n');
    assert.ok((await w.hitsOf(w.archivist, '安检大排查')).hits.some((h) => h.id === id));
  });

  it('rebuilds the index beside the live one: searches answer meanwhile, no change made meanwhile is lost', async () => {
    const renamed = await w.upload(w.archivist, '改名.txt', '重建期间改名的批复。\n', {
      title: '重建前题名甲乙丙',
      level: 'public',
    });
    const removed = await w.upload(w.archivist, '删除.txt', '重建期间删除的档案。\n', {
      title: '重建期间删除辛壬癸',
      level: 'public',
    });
    await w.settle();
    const ids = async (q: string) => (await w.hitsOf(w.archivist, q)).hits.map((h) => h.id);
    let during: string[] | undefined;
    const { replayed } = await reindex(w.ctx.services.searchDeps, async () => {
      if (during) return;
      // The batch holding both records was read; the live index still answers.
      during = await ids('甲乙丙');
      // Changed now, and indexed by the server's job into the live index, not into the new one.
      const patch = await w.ctx.app.inject({
        method: 'PATCH',
        url: `/api/v1/records/${renamed}`,
        headers: { authorization: w.archivist },
        payload: { title: '重建后题名戊己庚' },
      });
      assert.equal(patch.statusCode, 200, patch.body);
      await w.ctx.services.db.query('DELETE FROM records WHERE id = $1', [removed]);
      await w.settle();
    });
    assert.deepEqual(during, [renamed]);
    assert.ok(replayed >= 2, `the changed records were indexed again (${replayed})`);
    assert.deepEqual(await ids('戊己庚'), [renamed]);
    assert.deepEqual(await ids('甲乙丙'), []);
    assert.deepEqual(await ids('辛壬癸'), []);
    const { rows } = await w.ctx.services.db.query<{ n: number }>(
      'SELECT (SELECT count(*) FROM search_rebuilds) + (SELECT count(*) FROM search_rebuild_log) AS n',
    );
    assert.equal(Number(rows[0]!.n), 0, 'nothing is logged once the rebuild is over');
  });

  it("rebuilds in the server on an administrator's request, one at a time, searches answering meanwhile", async () => {
    const post = () =>
      w.ctx.app.inject({
        method: 'POST',
        url: '/api/v1/search/rebuild',
        headers: { authorization: w.admin },
      });
    const started = await post();
    assert.equal(started.statusCode, 202, started.body);
    assert.equal(started.json<{ running: boolean }>().running, true);
    const again = await post();
    assert.equal(again.statusCode, 409);
    assert.equal(again.json<{ error: { code: string } }>().error.code, 'search.rebuild_running');
    assert.ok((await w.hitsOf(w.archivist, '施工许可证')).hits.some((h) => h.id === w.ids.permit));
    const archivist = await w.ctx.app.inject({
      method: 'POST',
      url: '/api/v1/search/rebuild',
      headers: { authorization: w.archivist },
    });
    assert.equal(archivist.statusCode, 403);
    await w.ctx.services.searchRebuilder.idle();
    const status = await w.ctx.app.inject({
      method: 'GET',
      url: '/api/v1/search/rebuild',
      headers: { authorization: w.admin },
    });
    const body = status.json<{ running: boolean; last: { records: number; error: string | null } }>();
    assert.equal(body.running, false);
    assert.equal(body.last.error, null);
    assert.ok(body.last.records >= 3, `records read: ${body.last.records}`);
    assert.ok((await w.hitsOf(w.archivist, '施工许可证')).hits.some((h) => h.id === w.ids.permit));
    const { rows } = await w.ctx.services.db.query(`SELECT 1 FROM events WHERE action = 'search.rebuild'`);
    assert.ok(rows.length >= 1, 'audited');
  });

  it('ends at start the rebuild of a process that died, indexing again what it had logged', async () => {
    const db = w.ctx.services.db;
    const dead = `${hostname()}:2147483646:dead`;
    await registerRebuild(db, dead);
    const self = w.ctx.services.owner;
    const alive = await registerRebuild(db, self);
    // The server's job indexes a change while both are registered: it is logged.
    await db.query(`UPDATE records SET title = title || '' WHERE id = $1`, [w.ids.permit]);
    await syncPending(w.ctx.services.searchDeps);
    const logged = async () =>
      (await db.query<{ id: string }>('SELECT record_id::text AS id FROM search_rebuild_log')).rows.map(
        (r) => r.id,
      );
    assert.deepEqual(await logged(), [w.ids.permit]);
    assert.equal(await finishDeadRebuilds(db, (owner) => isDeadOwner(owner, self)), 1);
    const owners = (await db.query<{ owner: string }>('SELECT owner FROM search_rebuilds')).rows;
    assert.equal(owners.length, 1, 'the living one stays');
    assert.deepEqual(await logged(), [w.ids.permit], 'its log too, while it runs');
    const pending = await db.query('SELECT 1 FROM search_pending WHERE record_id = $1', [w.ids.permit]);
    assert.equal(pending.rows.length, 1, 'noted again for the live index');
    await finishRebuild(db, alive);
    assert.deepEqual(await logged(), []);
    await w.settle();
  });

  it('forgets a record removed from the database', async () => {
    await w.ctx.services.db.query('DELETE FROM records WHERE id = $1', [w.ids.neighbour]);
    await w.settle();
    assert.ok(!(await w.hitsOf(w.archivist, '回民区')).hits.some((h) => h.id === w.ids.neighbour));
  });
});
