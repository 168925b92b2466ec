import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openLanceSearchIndex } from './lance.adapter.ts';
import { parseQuery } from './search.analysis.ts';
import { doc, searchIndexContract } from './search-index.contract.ts';
import type { IndexQuery, SearchIndex } from './search.port.ts';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-search-'));
  dirs.push(dir);
  return dir;
}

searchIndexContract('lancedb', async () => openLanceSearchIndex(await tempDir()));

describe('LanceDB search index: rows written since the indexes were made', () => {
  const ask = async (index: SearchIndex, text: string) =>
    (
      await index.search({
        query: parseQuery(text),
        scope: { organisationPath: '/city/', maxLevelRank: 9 },
        filters: {},
        limit: 10,
        offset: 0,
        sort: 'relevance',
        countWindow: 100,
      })
    ).hits.map((h) => h.id);

  it('are found at once, across a restart, after a change and after optimize, each once', async () => {
    const dir = await tempDir();
    const first = doc({ title: '建设用地规划许可证', organisationPath: '/city/xc/' });
    const later = doc({ title: '食品经营许可证 鹅鸭鸡', organisationPath: '/city/xc/' });
    let index = await openLanceSearchIndex(dir);
    await index.upsert([first]);
    await index.upsert([later]);
    assert.deepEqual(await ask(index, '食品经营'), [later.id]);
    await index.close();

    index = await openLanceSearchIndex(dir);
    assert.deepEqual(await ask(index, '食品经营'), [later.id], 'found after a restart before optimize');
    await index.upsert([{ ...later, title: '药品经营许可证 猫狗猪' }]);
    assert.deepEqual(await ask(index, '鹅鸭鸡'), [], 'the old text is gone');
    assert.deepEqual(await ask(index, '猫狗猪'), [later.id]);
    assert.deepEqual((await ask(index, '许可证')).sort(), [first.id, later.id].sort(), 'each record once');
    await index.optimize();
    assert.deepEqual(await ask(index, '猫狗猪'), [later.id]);
    assert.deepEqual((await ask(index, '许可证')).sort(), [first.id, later.id].sort());
    await index.remove([later.id]);
    assert.deepEqual(await ask(index, '猫狗猪'), []);
    await index.close();

    index = await openLanceSearchIndex(dir);
    assert.deepEqual(await ask(index, '许可证'), [first.id]);
    await index.close();
  });
});

describe('LanceDB search index: the row directory', () => {
  it('answers exactly as reading the columns does: order, totals, facets, dates, scope', async () => {
    const docs = Array.from({ length: 60 }, (_, i) =>
      doc({
        title: `${i % 3 === 0 ? '施工许可' : '营业执照'}批复 第${i}号`,
        body: '许可 '.repeat(1 + (i % 7)),
        organisationPath: i % 2 ? '/city/xc/' : '/city/hm/',
        organisationId: i % 2 ? 'org-xc' : 'org-hm',
        level: i % 5 === 0 ? 'secret' : 'public',
        levelRank: i % 5 === 0 ? 3 : 0,
        year: 2015 + (i % 8),
        formedOn: `${2015 + (i % 8)}-0${1 + (i % 9)}-1${i % 10}`,
        matterType: i % 4 ? '建筑工程施工许可证' : null,
        retention: i % 6 ? 'D30' : null,
      }),
    );
    const withDirectory = await openLanceSearchIndex(await tempDir());
    const without = await openLanceSearchIndex(await tempDir(), { directory: false });
    for (const index of [withDirectory, without]) {
      await index.upsert(docs.slice(0, 10));
      await index.upsert(docs.slice(10));
      await index.optimize();
    }
    assert.equal(await withDirectory.directoryReady(), true);
    assert.equal(await without.directoryReady(), false);
    const queries: Partial<IndexQuery>[] = [
      {},
      { sort: 'date', offset: 3 },
      { scope: { organisationPath: '/city/xc/', maxLevelRank: 0 } },
      { filters: { yearFrom: 2017, yearTo: 2019 } },
    ];
    for (const extra of queries) {
      const ask = (index: SearchIndex) =>
        index.search({
          query: parseQuery('许可'),
          scope: { organisationPath: '/city/', maxLevelRank: 9 },
          filters: {},
          limit: 7,
          offset: 0,
          sort: 'relevance',
          countWindow: 40,
          ...extra,
        });
      const [a, b] = [await ask(withDirectory), await ask(without)];
      assert.ok(a.hits.length > 0);
      assert.deepEqual(a, b, JSON.stringify(extra));
    }
    // A write that moves no row keeps the directory; the new row comes from the fresh segment.
    const late = doc({ title: '施工许可 补充', body: '许可', organisationPath: '/city/xc/' });
    await withDirectory.upsert([late]);
    assert.equal(await withDirectory.directoryReady(), true);
    const after = await withDirectory.search({
      query: parseQuery('补充'),
      scope: { organisationPath: '/city/', maxLevelRank: 9 },
      filters: {},
      limit: 5,
      offset: 0,
      sort: 'relevance',
      countWindow: 40,
    });
    assert.deepEqual(
      after.hits.map((h) => h.id),
      [late.id],
    );
    await withDirectory.close();
    await without.close();
  });
});
