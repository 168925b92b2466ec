/**
 * The contract every SearchIndex adapter passes: run `searchIndexContract(name, open)` from the
 * adapter's test file. A new adapter is done when this suite passes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CITY, cityQuery, doc, everything, HM, XC } from './search-index.fixtures.ts';
import { typedQueryContract } from './search-index.typed.contract.ts';
import { parseQuery } from './search.query.ts';
import type { IndexQuery, RankedPage, SearchDocument, SearchFilters, SearchIndex } from './search.port.ts';

export function searchIndexContract(name: string, open: () => Promise<SearchIndex>): void {
  describe(`SearchIndex contract: ${name}`, () => {
    let index: SearchIndex;
    const ask = (text: string, extra: Partial<IndexQuery> & { filters?: SearchFilters } = {}) =>
      index.search({
        query: parseQuery(text),
        scope: everything,
        filters: {},
        limit: 10,
        offset: 0,
        sort: 'relevance',
        countWindow: 1000,
        ...extra,
      });
    const ids = async (text: string, extra: Partial<IndexQuery> = {}) =>
      (await ask(text, extra)).hits.map((h) => h.id);

    const permit = doc({
      title: '关于某公司建筑工程施工许可证的批复',
      docNumber: '呼审批发〔2024〕17号',
      archiveNo: 'F001-SP·2024-D30-XC-0017',
      body: '经审查，该项目符合建筑工程施工许可条件，准予核发施工许可证。',
      identifiers: ['91150100MA0N2XYZ3K'],
      names: ['某建设集团有限公司'],
      year: 2024,
      formedOn: '2024-03-02',
    });
    const licence = doc({
      title: '营业执照变更登记材料',
      body: '申请人提交了股东会决议和章程修正案。',
      year: 2019,
      formedOn: '2019-07-01',
      category: 'WS',
    });
    const secret = doc({
      title: '施工许可证审批内部意见',
      body: '施工许可证 施工许可证 施工许可证 施工许可证',
      level: 'sensitive',
      levelRank: 2,
    });
    const neighbour = doc({
      title: '回民区施工许可证发放情况',
      body: '施工许可证 施工许可证 施工许可证',
      organisationId: 'org-hm',
      organisationPath: HM,
    });

    /** Runs `check` with the records in new rows, then after optimize; removes them after. */
    const inNewRowsAndAfterOptimize = async (
      docs: SearchDocument[],
      check: (when: string) => Promise<void>,
    ) => {
      await index.upsert(docs);
      try {
        await check('new rows');
        await index.optimize();
        await check('after optimize');
      } finally {
        await index.remove(docs.map((d) => d.id));
      }
    };

    before(async () => {
      index = await open();
      await index.upsert([permit, licence, secret, neighbour]);
    });
    after(async () => index.close());

    it('counts what it holds', async () => {
      assert.equal(await index.count(), 4);
    });

    it('finds a record by words of its text, best match first', async () => {
      const hits = await ids('施工许可证');
      assert.ok(hits.includes(permit.id));
      assert.ok(!hits.includes(licence.id));
      assert.deepEqual(await ids('股东会决议'), [licence.id]);
    });

    it('tells the caller the ranked page once, before the search resolves', async () => {
      const seen: RankedPage[] = [];
      const result = await index.search(cityQuery('施工许可证'), async (ranked) => {
        // The search waits for the caller's work.
        await new Promise((resolve) => setTimeout(resolve, 20));
        seen.push(ranked);
      });
      assert.equal(seen.length, 1);
      assert.deepEqual(
        seen[0]?.ids,
        result.hits.map((h) => h.id),
      );
      assert.equal(seen[0]?.top?.id, result.hits[0]?.id);
      assert.equal(seen[0]?.total, result.total);
      assert.deepEqual(seen[0]?.facets, result.facets);
      await assert.rejects(
        index.search(cityQuery('施工许可证'), () => Promise.reject(new Error('caller failed'))),
        /caller failed/,
      );
    });

    it('leaves out of the hits, the total and the facets what the caller finds gone', async () => {
      const before = await index.search(cityQuery('施工许可证'));
      assert.ok(before.hits.some((h) => h.id === secret.id));
      const after = await index.search(cityQuery('施工许可证'), () =>
        Promise.resolve({ gone: new Set([secret.id]) }),
      );
      assert.ok(!after.hits.some((h) => h.id === secret.id));
      assert.equal(after.total, before.total - 1);
      assert.ok(!after.facets.level.some((f) => f.value === 'sensitive'));
      assert.equal(after.hits.length, before.hits.length - 1, 'the other hits stay');
    });

    it('puts a record first for its 文号 in any bracket or spacing variant', async () => {
      for (const q of [
        '呼审批发〔2024〕17号',
        '呼审批发[2024]17号',
        '呼审批发（2024）17号',
        '呼审批发 【2024】 17 号',
        // Written against the rules for official documents: with 第, a leading zero, no brackets.
        '呼审批发〔2024〕第17号',
        '呼审批发〔2024〕017号',
        '呼审批发2024第17号',
      ]) {
        const result = await ask(q);
        assert.equal(result.hits[0]?.id, permit.id, q);
        assert.equal(result.hits[0]?.exact, true, q);
      }
    });

    it('puts a record first for its 档号 or credit code', async () => {
      assert.equal((await ids('F001-SP·2024-D30-XC-0017'))[0], permit.id);
      assert.equal((await ids('f001 sp 2024 d30 xc 0017'))[0], permit.id);
      assert.equal((await ids('91150100ma0n2xyz3k'))[0], permit.id);
    });

    it('folds full-width, case and Traditional characters', async () => {
      assert.ok((await ids('施工許可證')).includes(permit.id));
      assert.equal((await ids('９１１５０１００ＭＡ０Ｎ２ＸＹＺ３Ｋ'))[0], permit.id);
    });

    it('finds homophone typos and typed pinyin through the title', async () => {
      assert.ok((await ids('施工需可证')).includes(permit.id));
      assert.ok((await ids('shigongxuke')).includes(permit.id));
      assert.ok((await ids('sgxkz')).includes(permit.id));
      // Typed a syllable or a few at a time.
      assert.ok((await ids('shi gong xu ke')).includes(permit.id));
      assert.ok((await ids('Shigong Xuke')).includes(permit.id));
      // With tone marks, as copied from a dictionary.
      assert.ok((await ids('shī gōng xǔ kě')).includes(permit.id));
      // Initials typed in groups, each too short alone to be read as initials.
      assert.ok((await ids('sg xk')).includes(permit.id));
    });

    it('never returns a record above the clearance, nor counts it', async () => {
      const low = await ask('施工许可证', { scope: { organisationPath: CITY, maxLevelRank: 1 } });
      assert.ok(!low.hits.some((h) => h.id === secret.id));
      assert.equal(low.total, 2);
      assert.ok(!low.facets.level.some((f) => f.value === 'sensitive'));
      const high = await ask('施工许可证', { scope: { organisationPath: CITY, maxLevelRank: 2 } });
      assert.ok(high.hits.some((h) => h.id === secret.id));
    });

    it('never returns a record of another subtree, nor counts it', async () => {
      const xc = await ask('施工许可证', { scope: { organisationPath: XC, maxLevelRank: 9 } });
      assert.ok(!xc.hits.some((h) => h.id === neighbour.id));
      assert.ok(!xc.facets.organisation.some((f) => f.value === 'org-hm'));
      const exact = await ask('呼审批发〔2024〕17号', { scope: { organisationPath: HM, maxLevelRank: 9 } });
      assert.deepEqual(exact.hits, []);
      assert.equal(exact.total, 0);
    });

    it('returns nothing for a caller without access', async () => {
      const none = await ask('施工许可证', { scope: null });
      assert.deepEqual(none.hits, []);
      assert.equal(none.total, 0);
    });

    it('chooses the top k among visible records (the filter is inside the query)', async () => {
      // Many hidden records that outrank the visible ones: a post-filter would return too few.
      const hidden = Array.from({ length: 30 }, () =>
        doc({
          title: '档案利用登记 档案利用登记',
          body: '档案利用 '.repeat(20),
          level: 'sensitive',
          levelRank: 2,
        }),
      );
      const visible = Array.from({ length: 5 }, () => doc({ title: '其他', body: '一次档案利用' }));
      await index.upsert([...hidden, ...visible]);
      const result = await ask('档案利用', { scope: { organisationPath: CITY, maxLevelRank: 0 }, limit: 5 });
      assert.deepEqual(result.hits.map((h) => h.id).sort(), visible.map((d) => d.id).sort());
      assert.equal(result.total, 5);
      await index.remove(hidden.map((d) => d.id).concat(visible.map((d) => d.id)));
    });

    it('filters by year range, category, fonds and organisation subtree, with facet counts', async () => {
      const all = await ask('材料 批复');
      assert.ok(all.hits.length >= 2);
      assert.deepEqual(await ids('材料 批复', { filters: { yearFrom: 2020, yearTo: 2025 } }), [permit.id]);
      assert.deepEqual(await ids('材料 批复', { filters: { category: 'WS' } }), [licence.id]);
      assert.deepEqual(await ids('材料 批复', { filters: { fonds: 'F999' } }), []);
      assert.deepEqual(await ids('施工许可证', { filters: { organisationPath: HM } }), [neighbour.id]);
      const years = all.facets.year.map((f) => f.value).sort();
      assert.deepEqual(years, ['2019', '2024']);
    });

    it('requires every character pair of a quoted phrase', async () => {
      assert.deepEqual(await ids('"股东会决议" 施工'), [licence.id]);
    });

    typedQueryContract({ index: () => index, ask, ids, inNewRowsAndAfterOptimize });

    it('sorts by date when asked, and pages', async () => {
      const byDate = await ids('材料 批复', { sort: 'date' });
      assert.deepEqual(byDate, [permit.id, licence.id]);
      assert.deepEqual(await ids('材料 批复', { sort: 'date', offset: 1, limit: 1 }), [licence.id]);
      const first = await ids('施工许可证', { limit: 1 });
      const second = await ids('施工许可证', { limit: 1, offset: 1 });
      assert.equal(first.length, 1);
      assert.notEqual(first[0], second[0]);
    });

    it('follows a re-levelled record at once', async () => {
      await index.upsert([{ ...licence, level: 'sensitive', levelRank: 2 }]);
      assert.deepEqual(await ids('股东会决议', { scope: { organisationPath: CITY, maxLevelRank: 1 } }), []);
      await index.upsert([licence]);
      assert.deepEqual(await ids('股东会决议', { scope: { organisationPath: CITY, maxLevelRank: 1 } }), [
        licence.id,
      ]);
      assert.equal(await index.count(), 4);
    });

    it('forgets a removed record at once', async () => {
      const gone = doc({ title: '即将删除的档案样本' });
      await index.upsert([gone]);
      assert.deepEqual(await ids('删除的档案样本'), [gone.id]);
      await index.remove([gone.id, 'no-such-id']);
      assert.deepEqual(await ids('删除的档案样本'), []);
    });

    it('answers hostile or odd queries with a sensible result', async () => {
      for (const q of ["' OR 1=1 --", '") OR (', 'title:* AND NOT', '😀😀', '𠀀𠀁', '%_\\', '"unbalanced']) {
        const result = await ask(q);
        assert.ok(Array.isArray(result.hits), q);
      }
      const injected = await ask("施工' OR level_rank > 0 OR '", {
        scope: { organisationPath: CITY, maxLevelRank: 0 },
      });
      assert.ok(!injected.hits.some((h) => h.id === secret.id));
    });

    it('keeps scope values from changing the predicate', async () => {
      const result = await ask('施工许可证', {
        scope: { organisationPath: "x') OR true OR ('", maxLevelRank: 9 },
      });
      assert.deepEqual(result.hits, []);
    });

    it('survives being emptied and rebuilt', async () => {
      await index.clear();
      assert.equal(await index.count(), 0);
      assert.deepEqual(await ids('施工许可证'), []);
      await index.append([permit]);
      assert.deepEqual(await ids('施工许可证'), [permit.id], 'searchable before optimize');
      await index.append([licence]);
      await index.optimize();
      assert.deepEqual(await ids('施工许可证'), [permit.id]);
      assert.deepEqual(await ids('股东会决议'), [licence.id]);
      assert.equal(await index.count(), 2);
    });
  });
}
