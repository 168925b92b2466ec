/**
 * The contract's cases for queries typed as people type them: a whole title with a wrong
 * character, an identifier typed wrong or incompletely, years, months and days, several words,
 * words left out. Run by searchIndexContract (search-index.contract.ts) inside its suite, on its
 * index and with its helpers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { doc, HM, XC } from './search-index.fixtures.ts';
import { expandSynonyms, parseQuery } from './search.query.ts';
import type {
  AccessScope,
  IndexQuery,
  IndexResult,
  SearchDocument,
  SearchFilters,
  SearchIndex,
} from './search.port.ts';

/** What the typed-query cases use of the contract's suite. */
export interface ContractSuite {
  /** the index under test (opened by the suite before its cases run) */
  index(): SearchIndex;
  /** a search over every record of the city at every level, 10 hits, 1,000 counted */
  ask(text: string, extra?: Partial<IndexQuery> & { filters?: SearchFilters }): Promise<IndexResult>;
  ids(text: string, extra?: Partial<IndexQuery>): Promise<string[]>;
  /** runs `check` with the records in new rows, then after optimize; removes them after */
  inNewRowsAndAfterOptimize(docs: SearchDocument[], check: (when: string) => Promise<void>): Promise<void>;
}

export function typedQueryContract(w: ContractSuite): void {
  describe('a whole title typed with a wrong character', () => {
    const title = (enterprise: string, place: string, matter: string) =>
      `关于${enterprise}有限公司${place}恒通住宅小区项目${matter}的批复`;
    const target = doc({ title: title('鑫泰建材', '新城区', '建筑工程施工许可证'), year: 2021 });
    const family = [
      doc({ title: title('鑫泰建材', '新城区', '建设工程规划许可证') }),
      doc({ title: title('鑫泰建材', '新城区', '竣工验收备案') }),
      doc({ title: title('宏达建材', '回民区', '建筑工程施工许可证') }),
      doc({ title: title('鑫泰建材', '新城区', '建筑工程施工许可证'), level: 'sensitive', levelRank: 2 }),
      doc({ title: title('鑫泰建材', '新城区', '建筑工程施工许可证'), organisationPath: HM }),
    ];
    const hidden = family.slice(-2).map((d) => d.id);
    const low: AccessScope = { organisationPath: XC, maxLevelRank: 1 };
    const typed = [
      '鑫泰建材有限公司新城区恒通住宅小区项木建筑工程施工许可证', // 目 → 木
      '鑫秦建材有限公司新城区恒通住宅小区项目建筑工程施工许可证', // 泰 → 秦
      '鑫泰建材有限公司新城区恒通住宅小区项目建筑工程施工需可证', // 许 → 需 (homophone)
      '鑫泰建材有限公司新城区恒通住宅小区项目建筑工程施工许可证', // no typo
    ];
    // Rows not yet folded into an adapter's indexes may be scored on their own statistics: there
    // the record comes before its family (same enterprise and project), after optimize first.
    const check = async (when: string, first: boolean) => {
      for (const q of typed) {
        const result = await w.ask(q, { scope: low });
        const rank = (id: string) => result.hits.findIndex((h) => h.id === id);
        if (first) assert.equal(result.hits[0]?.id, target.id, `${when}: ${q}`);
        assert.ok(rank(target.id) >= 0, `${when}: ${q}`);
        for (const other of family.slice(0, 3))
          assert.ok(rank(other.id) === -1 || rank(other.id) > rank(target.id), `${when}: ${q}`);
        assert.ok(!result.hits.some((h) => hidden.includes(h.id)), `${when}: ${q} shows a hidden record`);
        assert.equal(result.total, result.hits.length, `${when}: ${q} counts what it shows`);
        assert.ok(!result.facets.level.some((f) => f.value === 'sensitive'), `${when}: ${q}`);
        assert.ok(!result.facets.organisation.some((f) => f.value === 'org-hm'), `${when}: ${q}`);
      }
      // Quoted parts stay required; the hidden copies are found by those cleared for them.
      assert.deepEqual(
        await w.ids('"建设工程规划" 鑫泰建材有限公司新城区恒通住宅小区项木许可证', { scope: low }),
        [family[0]!.id],
      );
      const all = await w.ids(typed[0]!);
      for (const id of hidden) assert.ok(all.includes(id), `${when}: visible with clearance`);
    };

    it('finds the record first, in new rows and after optimize, never one the caller may not see', async () => {
      await w.index().upsert([target, ...family]);
      await check('new rows', false);
      await w.index().optimize();
      await check('after optimize', true);
      const removed = [target, ...family].map((d) => d.id);
      await w.index().remove(removed);
      assert.ok(!(await w.ids(typed[0]!)).some((id) => removed.includes(id)));
    });
  });

  describe('an identifier typed with a character wrong, missing or extra', () => {
    const coded = doc({
      title: '关于某物流有限公司排污许可证的批复',
      docNumber: '赛审批发〔2023〕208号',
      archiveNo: 'F001-SP·2023-Y-XC-0208',
      identifiers: ['91150100MA0N2XQW7L', '2023-150100-52-01-004127'],
    });
    // One edit from several of the typed codes, but above the caller's clearance.
    const hidden = doc({
      title: '某物流有限公司内部意见',
      identifiers: ['91150100MA0N2XQW7M'],
      level: 'sensitive',
      levelRank: 2,
    });
    const low: AccessScope = { organisationPath: XC, maxLevelRank: 1 };
    const check = async (when: string) => {
      const near = [
        '91150100MA0N2XQW7', // missing
        '91150100MA0N2XQW7LL', // extra
        '91150100MB0N2XQW7L', // wrong
        '2023-150100-52-01-00412',
        '赛审北发〔2023〕208号',
        '赛审批发〔2023〕2081号',
        'F001-SP·2023-Y-XC-02O8',
      ];
      for (const q of near) {
        const result = await w.ask(q, { scope: low });
        assert.equal(result.hits[0]?.id, coded.id, `${when}: ${q}`);
        assert.equal(result.hits[0]?.exact, false, `${when}: ${q} is near, not exact`);
        assert.ok(!result.hits.some((h) => h.id === hidden.id), `${when}: ${q} shows a hidden record`);
        assert.ok(!result.facets.level.some((f) => f.value === 'sensitive'), `${when}: ${q}`);
      }
      // Written another way, not mistyped: exact.
      for (const q of ['赛审批发〔2023〕208', '赛审批发2023 208', '〔2023〕208号', '2023年208号']) {
        const result = await w.ask(q, { scope: low });
        assert.equal(result.hits[0]?.id, coded.id, `${when}: ${q}`);
        assert.equal(result.hits[0]?.exact, true, `${when}: ${q}`);
      }
      assert.ok((await w.ids('91150100MA0N2XQW7')).includes(hidden.id), `${when}: visible with clearance`);
      // Nothing near a code typed right but unknown, and no near look-up for words and a year.
      assert.deepEqual(await w.ids('91150399ZZ9Z9ZZZ9Z', { scope: low }), []);
      assert.ok(!(await w.ask('排污许可证 2023', { scope: low })).hits.every((h) => h.score >= 500));
    };

    it('finds the record after any exact one, in new rows and after optimize, within scope', async () => {
      await w.index().upsert([coded, hidden]);
      try {
        await check('new rows');
        await w.index().optimize();
        await check('after optimize');
      } finally {
        await w.index().remove([coded.id, hidden.id]);
      }
    });
  });

  describe('an identifier typed incompletely', () => {
    const coded = doc({
      title: '关于某建材有限公司建设工程规划许可证的批复',
      docNumber: '塞审批发〔2022〕311号',
      archiveNo: 'F002-SP·2022-D30-HM-0311',
      identifiers: ['91150104MA7Q3KXP2C', '2022-150100-48-03-007716'],
    });
    const sameYear = doc({ title: '关于另一项目的批复', docNumber: '塞审批发〔2022〕12号' });
    // The same code's beginning, above the caller's clearance.
    const hidden = doc({
      title: '某建材有限公司内部意见',
      identifiers: ['91150104MA7Q3KXP9Z'],
      level: 'sensitive',
      levelRank: 2,
    });
    const low: AccessScope = { organisationPath: XC, maxLevelRank: 1 };
    const check = async (when: string) => {
      for (const q of [
        '91150104MA7Q3K', // the code short of four characters
        'MA7Q3KXP2C', // its end
        '2022-150100-48-03', // the project code's beginning
        'F002-SP·2022-D30', // the 档号's
      ]) {
        const result = await w.ask(q, { scope: low });
        assert.equal(result.hits[0]?.id, coded.id, `${when}: ${q}`);
        assert.equal(result.hits[0]?.exact, false, `${when}: ${q} is partial, not exact`);
        assert.ok((result.hits[0]?.score ?? 0) >= 700, `${when}: ${q} ranks before the text`);
        assert.ok(!result.hits.some((h) => h.id === hidden.id), `${when}: ${q} shows a hidden record`);
        assert.ok(!result.facets.level.some((f) => f.value === 'sensitive'), `${when}: ${q}`);
      }
      // A code's beginning typed alone is answered by the codes it begins, not by its digit groups.
      assert.deepEqual(await w.ids('2022-150100-48-03', { scope: low }), [coded.id]);
      // The agency and year of a 文号: that agency's documents of the year, before any text.
      const agencyYear = await w.ask('塞审批发〔2022〕', { scope: low });
      assert.deepEqual(
        new Set(agencyYear.hits.slice(0, 2).map((h) => h.id)),
        new Set([coded.id, sameYear.id]),
        when,
      );
      assert.ok((await w.ids('91150104MA7Q3K')).includes(hidden.id), `${when}: visible with clearance`);
      // Too short to stand for one code: no partial look-up.
      assert.ok(!(await w.ask('MA7Q3', { scope: low })).hits.some((h) => h.score >= 700), when);
    };

    it('finds the records it begins or ends, in new rows and after optimize, within scope', async () => {
      await w.index().upsert([coded, sameYear, hidden]);
      try {
        await check('new rows');
        await w.index().optimize();
        await check('after optimize');
      } finally {
        await w.index().remove([coded.id, sameYear.id, hidden.id]);
      }
    });
  });

  describe('a year typed with the words', () => {
    // The same approval in three years, alike in text (no year in it, so only the record's year
    // can tell them apart); a record of 2023 that shares fewer words; one of 2023 above the
    // caller's clearance.
    const body = '经审查，该项目符合条件，准予核发建筑工程施工许可证。';
    const [y2021, y2022, y2023] = [2021, 2022, 2023].map((year) =>
      doc({ title: '关于某物流园项目建筑工程施工许可证的批复', body, year, formedOn: `${year}-06-01` }),
    );
    const weak = doc({ title: '关于某公司食品经营许可证的批复', year: 2023, formedOn: '2023-02-01' });
    const hidden = doc({ ...y2023!, id: doc().id, level: 'sensitive', levelRank: 2 });
    const low: AccessScope = { organisationPath: XC, maxLevelRank: 1 };
    const check = async (when: string) => {
      for (const [q, year] of [
        ['施工许可 2023', y2023!],
        ['2023年 建筑工程施工许可证', y2023!],
        ['施工许可证 2023年度', y2023!],
        ['2021 施工许可', y2021!],
      ] as const) {
        const result = await w.ask(q, { scope: low });
        const rank = (id: string) => result.hits.findIndex((h) => h.id === id);
        // A boost among equal matches, not a filter: the other years follow, and a record of the
        // year that holds fewer of the words comes after them.
        const others = [y2021!, y2022!, y2023!].filter((d) => d !== year);
        assert.ok(rank(year.id) >= 0, `${when}: ${q}`);
        for (const other of others) assert.ok(rank(other.id) > rank(year.id), `${when}: ${q}`);
        if (year === y2023)
          assert.ok(rank(weak.id) === -1 || rank(weak.id) > rank(y2022!.id), `${when}: ${q}`);
        assert.ok(!result.hits.some((h) => h.id === hidden.id), `${when}: ${q} shows a hidden record`);
      }
      // A span of years: its years before the others.
      const span = await w.ask('施工许可 2022-2023', { scope: low });
      const at = (id: string) => span.hits.findIndex((h) => h.id === id);
      assert.ok(at(y2022!.id) >= 0 && at(y2023!.id) >= 0, `${when}: span`);
      assert.ok(at(y2021!.id) > at(y2022!.id) && at(y2021!.id) > at(y2023!.id), `${when}: span`);
      // 年 after a year is not asked as a word of its own: every dated text holds it.
      assert.deepEqual(parseQuery('2023年 施工许可').highlight, ['2023', '施工许可']);
      // 2023号 is a document's number, not a year.
      assert.equal(parseQuery('2023号').years, undefined);
    };

    it("ranks that year's records first among equal matches, in new rows and after optimize", async () => {
      const all = [y2021!, y2022!, y2023!, weak, hidden];
      await w.inNewRowsAndAfterOptimize(all, check);
    });
  });

  describe('a month or a day typed with the words', () => {
    // The same approval four times, alike in text: two months of 2022, another day of March 2022
    // and 2021. The date typed puts its records first; its year's other records follow.
    const body = '经审查，该项目符合条件，准予核发排污许可证。';
    const title = '关于某污水处理厂项目排污许可证的批复';
    const [march15, march28, june, earlier] = ['2022-03-15', '2022-03-28', '2022-06-01', '2021-03-15'].map(
      (formedOn) => doc({ title, body, year: Number(formedOn.slice(0, 4)), formedOn }),
    );
    const check = async (when: string) => {
      const order = async (q: string) => {
        const ids = (await w.ask(q)).hits.map((h) => h.id);
        return [march15!, march28!, june!, earlier!].map((d) => ids.indexOf(d.id));
      };
      for (const q of ['排污许可 2022年3月', '2022-03 排污许可证', '排污许可 2022.3']) {
        const [a, b, c, d] = await order(q);
        assert.ok(a! >= 0 && b! >= 0, `${when}: ${q}`);
        assert.ok(c! > a! && c! > b! && d! > c!, `${when}: ${q}: March, then June, then 2021`);
      }
      for (const q of ['排污许可 2022年3月15日', '2022-03-15 排污许可']) {
        const [a, b, c, d] = await order(q);
        assert.ok(b! > a! && c! > b! && d! > c!, `${when}: ${q}: the day, its month, its year, the rest`);
      }
      const [, , c, d] = await order('排污许可 2022-06');
      assert.ok(c === 0 && d! > c, `${when}: June first`);
      // A date is no identifier: 2022.3.15 must not meet the 文号 key 〔2022〕315号.
      assert.deepEqual(parseQuery('2022.3.15').identifiers, []);
    };

    it('ranks the records of that month or day first, in new rows and after optimize', async () => {
      await w.inNewRowsAndAfterOptimize([march15!, march28!, june!, earlier!], check);
    });
  });

  describe('a short query of several words', () => {
    // An enterprise's project in four records; the one the third word (食品) picks out has a long
    // text, which ranking over all tokens weighs down, while its siblings repeat the two names.
    const names = '邦兴能源有限公司泰嘉学校项目';
    const siblings = ['建设工程规划许可证', '建筑工程施工许可证', '竣工验收备案'].map((matter) =>
      doc({
        title: `关于${names}${matter}的批复`,
        body: `${names}申请${matter}。邦兴能源 泰嘉学校 邦兴能源 泰嘉学校。`,
        organisationPath: XC,
      }),
    );
    const target = doc({
      title: `关于${names}食品经营许可证的批复`,
      body: `${names}申请食品经营许可证。${'经审查，申请材料齐全，符合法定形式，准予许可。'.repeat(12)}`,
    });
    // Holds every word, but above the caller's clearance.
    const hidden = doc({ ...target, id: doc().id, level: 'sensitive', levelRank: 2 });
    // Holds the words through a synonym (住房和城乡建设局 for 住建局), among records holding one.
    const bureau = doc({
      title: '关于排污许可的函',
      body: `${'经审查，申请材料齐全，符合法定形式。'.repeat(40)}住房和城乡建设局。`,
    });
    const oneWord = [1, 2, 3].map(() =>
      doc({ title: '住建局住房和城乡建设工作简报', body: '住建局 住房和城乡建设 住建局 住房和城乡建设。' }),
    );
    const low: AccessScope = { organisationPath: XC, maxLevelRank: 1 };
    const check = async (when: string) => {
      const result = await w.ask('邦兴能源 泰嘉学校 食品', { scope: low });
      assert.equal(result.hits[0]?.id, target.id, when);
      for (const sibling of siblings)
        assert.ok(
          result.hits.some((h) => h.id === sibling.id),
          `${when}: the siblings still follow`,
        );
      assert.ok(!result.hits.some((h) => h.id === hidden.id), `${when}: shows a hidden record`);
      const scores = result.hits.map((h) => h.score);
      assert.deepEqual(
        scores,
        [...scores].sort((a, b) => b - a),
        `${when}: scores fall down the list`,
      );
      const synonymQuery = expandSynonyms(parseQuery('住建局 排污'), [['住建局', '住房和城乡建设局']]);
      const bySynonym = await w.index().search({
        query: synonymQuery,
        scope: low,
        filters: {},
        limit: 10,
        offset: 0,
        sort: 'relevance',
        countWindow: 1000,
      });
      assert.equal(bySynonym.hits[0]?.id, bureau.id, `${when}: a synonym holds the word`);
    };

    it('puts first the record holding every word, in new rows and after optimize, within scope', async () => {
      const all = [...siblings, target, hidden, bureau, ...oneWord];
      await w.inNewRowsAndAfterOptimize(all, check);
    });
  });

  describe('words left out (-食品, NOT 食品)', () => {
    const kept = doc({ title: '关于呼和浩特市某物流园项目建筑工程施工许可证的批复', category: 'LO' });
    const food = [
      doc({ title: '关于呼和浩特市某食品厂建筑工程施工许可证的批复', category: 'LO' }),
      doc({ title: '食品经营许可证的批复', body: '准予核发施工许可证。', category: 'LO' }),
    ];
    const check = async (when: string) => {
      for (const q of [
        '施工许可证 -食品',
        '施工许可证 NOT 食品',
        '施工许可证 －食品', // full-width minus
        '呼和浩特市建筑工程施工许可证的批复 -食品', // a long query
      ]) {
        const result = await w.ask(q, { filters: { category: 'LO' } });
        const hits = result.hits.map((h) => h.id);
        assert.ok(hits.includes(kept.id), `${when}: ${q}`);
        for (const left of food) assert.ok(!hits.includes(left.id), `${when}: ${q} leaves out ${left.title}`);
        // Inside the index query: the total and the facets do not count them either.
        assert.equal(result.total, hits.length, `${when}: ${q}`);
        assert.deepEqual(result.facets.category, [{ value: 'LO', count: hits.length }], `${when}: ${q}`);
      }
      // Without the exclusion they are found; a - inside a word is no exclusion.
      const all = await w.ids('施工许可证', { filters: { category: 'LO' } });
      for (const d of [kept, ...food]) assert.ok(all.includes(d.id), when);
      assert.equal(parseQuery('2023-150100').excluded, undefined);
    };

    it('leaves out the records holding them, totals and facets too, in new rows and after optimize', async () => {
      const all = [kept, ...food];
      await w.inNewRowsAndAfterOptimize(all, check);
    });
  });
}
