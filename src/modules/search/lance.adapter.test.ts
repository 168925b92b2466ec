import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { openLanceSearchIndex } from './lance.adapter.ts';
import { parseQuery } from './search.query.ts';
import { searchIndexContract } from './search-index.contract.ts';
import { cityQuery, doc, tempIndexDir } from './search-index.fixtures.ts';
import type { IndexQuery, SearchIndex } from './search.port.ts';

searchIndexContract('lancedb', async () => openLanceSearchIndex(await tempIndexDir()));

describe('LanceDB search index: rows written since the indexes were made', () => {
  const ask = async (index: SearchIndex, text: string) =>
    (await index.search(cityQuery(text))).hits.map((h) => h.id);

  it('are found at once, across a restart, after a change and after optimize, each once', async () => {
    const dir = await tempIndexDir();
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

describe('LanceDB search index: scalar indexes', () => {
  it('replaces an index of the kind an earlier version made (a B-tree on level_rank) with a bitmap', async () => {
    const dir = await tempIndexDir();
    const open = doc({ title: '施工许可 公开', levelRank: 0 });
    const secret = doc({ title: '施工许可 机密', level: 'secret', levelRank: 3 });
    let index = await openLanceSearchIndex(dir);
    await index.upsert([open, secret]);
    await index.optimize();
    await index.close();
    const kinds = async () => {
      const connection = await lancedb.connect(dir);
      const table = await connection.openTable('records');
      const found = (await table.listIndices())
        .filter((i) => i.columns[0] === 'level_rank')
        .map((i) => i.indexType);
      return { table, found };
    };
    const made = await kinds();
    assert.deepEqual(made.found, ['Bitmap']);
    // As an earlier version left it: a B-tree, and (a crash mid-way) both.
    await made.table.createIndex('level_rank', { config: lancedb.Index.btree(), name: 'level_rank_idx' });
    assert.deepEqual((await kinds()).found.sort(), ['BTree', 'Bitmap']);
    for (const i of await made.table.listIndices())
      if (i.indexType === 'Bitmap' && i.columns[0] === 'level_rank') await made.table.dropIndex(i.name);
    assert.deepEqual((await kinds()).found, ['BTree']);

    index = await openLanceSearchIndex(dir);
    assert.deepEqual((await kinds()).found, ['Bitmap']);
    const cleared = async (maxLevelRank: number) =>
      (
        await index.search({ ...cityQuery('施工许可'), scope: { ...cityQuery('').scope!, maxLevelRank } })
      ).hits
        .map((h) => h.id)
        .sort();
    assert.deepEqual(await cleared(0), [open.id]);
    assert.deepEqual(await cleared(3), [open.id, secret.id].sort());
    await index.close();
  });
});

describe('LanceDB search index: disk after a fold', () => {
  it('prunes, a moment after a fold, the versions and index files the fold made itself', async () => {
    const dir = await tempIndexDir();
    const indexFolders = async () => (await readdir(join(dir, 'records.lance', '_indices'))).length;
    const live = async () => {
      const table = await (await lancedb.connect(dir)).openTable('records');
      return (await table.listIndices()).length;
    };
    const index = await openLanceSearchIndex(dir, { pruneAfterMs: 200 });
    for (let round = 0; round < 3; round++) {
      await index.upsert([doc({ title: `施工许可 第${round}批` }), doc({ title: `营业执照 第${round}批` })]);
      await index.optimize();
    }
    assert.ok((await indexFolders()) > (await live()), 'right after the fold, its own versions are kept');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(await indexFolders(), await live(), 'a moment later, only the live indexes are left');
    assert.equal((await index.search(cityQuery('施工许可'))).hits.length, 3, 'and every row is found');
    await index.close();
  });
});

describe('LanceDB search index: kept in memory', () => {
  it('loads the text index at keepWarm and again after each fold, answering as before', async () => {
    const dir = await tempIndexDir();
    const index = await openLanceSearchIndex(dir);
    const cold = await openLanceSearchIndex(await tempIndexDir());
    const ask = async (target: typeof index) =>
      (await target.search(cityQuery('施工许可'))).hits.map((h) => h.id).sort();
    for (const target of [index, cold]) {
      // Before any write there is nothing to load.
      if (target === index) await index.keepWarm();
      await target.upsert([
        doc({ id: 'w1', title: '施工许可 第1批' }),
        doc({ id: 'w2', title: '营业执照', docNumber: '呼审批发〔2024〕17号' }),
      ]);
      await target.optimize();
    }
    await index.keepWarm();
    assert.deepEqual(await ask(index), ['w1']);
    // The identifiers' index was opened by a search for a key none holds; a real one finds its record.
    assert.deepEqual(
      (await index.search(cityQuery('呼审批发[2024]17号'))).hits.map((h) => [h.id, h.exact]),
      [['w2', true]],
    );
    // A fold makes new index files, loaded again in the background; searches meanwhile and after
    // answer as an index never loaded does.
    await index.upsert([doc({ id: 'w3', title: '施工许可 第3批' })]);
    await cold.upsert([doc({ id: 'w3', title: '施工许可 第3批' })]);
    await Promise.all([index.optimize(), cold.optimize()]);
    const during = ask(index);
    await index.keepWarm();
    assert.deepEqual(await during, ['w1', 'w3']);
    assert.deepEqual(await ask(index), await ask(cold));
    // Closing while a load is under way waits for it rather than pulling the table from under it.
    await index.upsert([doc({ id: 'w4', title: '施工许可 第4批' })]);
    await index.optimize();
    await Promise.all([index.close(), cold.close()]);
    const reopened = await openLanceSearchIndex(dir);
    assert.deepEqual(await ask(reopened), ['w1', 'w3', 'w4']);
    await reopened.close();
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
    const withDirectory = await openLanceSearchIndex(await tempIndexDir());
    const without = await openLanceSearchIndex(await tempIndexDir(), { directory: false });
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

describe('LanceDB search index: two processes on one folder', () => {
  // Each record's text is its title: a hit shows which version of a row answered.
  const ask = async (index: SearchIndex, text: string) =>
    (await index.search(cityQuery(text))).hits.map((h) => `${h.id} ${h.body}`);
  const titled = (title: string, organisationPath: string) => doc({ title, body: title, organisationPath });

  it('each sees the other’s writes, folds and rebuilds, without errors or stale rows', async () => {
    const dir = await tempIndexDir();
    // Two handles stand for a server and a `dangan reindex` (or a second server) on one data folder.
    const server = await openLanceSearchIndex(dir, { checkEveryMs: 0 });
    const other = await openLanceSearchIndex(dir, { checkEveryMs: 0 });
    const first = titled('建设用地规划许可证 甲', '/city/xc/');
    const second = titled('食品经营许可证 乙', '/city/xc/');
    await other.upsert([first]);
    assert.deepEqual(
      await ask(server, '规划许可'),
      [`${first.id} ${first.title}`],
      'the table made by the other',
    );
    await other.upsert([second]);
    assert.deepEqual(
      await ask(server, '食品经营'),
      [`${second.id} ${second.title}`],
      'a row not yet indexed',
    );
    await other.upsert([{ ...second, title: '药品经营许可证 丙', body: '药品经营许可证 丙' }]);
    assert.deepEqual(await ask(server, '食品'), [], 'the old text is gone');

    // The other compacts: rows move; this side's row directory must not answer with old addresses.
    assert.equal(await server.directoryReady(), true);
    await other.optimize();
    const both = (await ask(server, '许可证')).sort();
    assert.deepEqual(both, [`${first.id} ${first.title}`, `${second.id} 药品经营许可证 丙`].sort());
    assert.equal(await server.directoryReady(), true);
    assert.deepEqual((await ask(server, '许可证')).sort(), both);

    // A rebuild by the other: the table is dropped and made again.
    const third = titled('排污许可证 丁', '/city/hm/');
    await other.clear();
    assert.deepEqual(await ask(server, '许可证'), [], 'nothing while the rebuild has not written');
    await other.append([third]);
    await other.optimize();
    assert.deepEqual(await ask(server, '许可证'), [`${third.id} ${third.title}`]);

    // And the other way round: this side writes, the other finds it, and neither loses a row.
    const fourth = titled('户外广告设施设置审批 戊', '/city/hm/');
    await server.upsert([fourth]);
    assert.deepEqual(await ask(other, '户外广告'), [`${fourth.id} ${fourth.title}`]);
    await other.upsert([titled('特种设备使用登记 己', '/city/hm/')]);
    await server.upsert([titled('特种设备使用登记 庚', '/city/hm/')]);
    assert.equal((await ask(server, '特种设备')).length, 2);
    assert.equal((await ask(other, '特种设备')).length, 2);
    await server.close();
    await other.close();
  });
});

describe('LanceDB search index: a rebuild beside the live table', () => {
  const ask = async (index: SearchIndex, text: string) =>
    (await index.search(cityQuery(text))).hits.map((h) => h.id).sort();

  it('answers from the old table until the new one is in place; other processes follow; the old one goes', async () => {
    const dir = await tempIndexDir();
    const server = await openLanceSearchIndex(dir, { replacedGraceMs: 50, checkEveryMs: 0 });
    // Another process on the same folder (a second server, or the server while `dangan reindex` runs).
    const other = await openLanceSearchIndex(dir, { checkEveryMs: 0 });
    const old = doc({ id: 'old-1', title: '施工许可证 旧', body: '施工许可证 旧' });
    await server.upsert([old]);
    await server.optimize();
    assert.deepEqual(await ask(other, '施工许可'), ['old-1']);

    const renewed = [
      doc({ id: 'new-1', title: '营业执照 新一', body: '营业执照' }),
      doc({ id: 'new-2', title: '营业执照 新二', body: '营业执照' }),
    ];
    const seenMeanwhile: string[][] = [];
    async function* batches() {
      for (const document of renewed) {
        yield [document];
        // Between batches the live table still answers, in this process and the other.
        seenMeanwhile.push(
          await ask(server, '施工许可'),
          await ask(other, '施工许可'),
          await ask(other, '营业执照'),
        );
      }
    }
    await server.rebuild(batches());
    assert.deepEqual(seenMeanwhile, [['old-1'], ['old-1'], [], ['old-1'], ['old-1'], []]);

    assert.deepEqual(await ask(server, '营业执照'), ['new-1', 'new-2']);
    assert.deepEqual(await ask(server, '施工许可'), []);
    assert.deepEqual(await ask(other, '营业执照'), ['new-1', 'new-2'], 'the other follows at its next check');
    // The other process writes into the new table, not the one replaced.
    await other.upsert([doc({ id: 'new-3', title: '营业执照 新三', body: '营业执照' })]);
    assert.deepEqual(await ask(server, '营业执照'), ['new-1', 'new-2', 'new-3']);

    const tables = await (await lancedb.connect(dir)).tableNames();
    assert.equal(tables.length, 1, `only the live table is left: ${tables.join(', ')}`);
    await Promise.all([server.close(), other.close()]);
    const reopened = await openLanceSearchIndex(dir);
    assert.deepEqual(await ask(reopened, '营业执照'), ['new-1', 'new-2', 'new-3']);
    await reopened.close();
  });

  it('keeps the live table when the rebuild fails, and leaves no table of its own behind', async () => {
    const dir = await tempIndexDir();
    const index = await openLanceSearchIndex(dir, { replacedGraceMs: 0 });
    await index.upsert([doc({ id: 'kept', title: '施工许可证', body: '施工许可证' })]);
    async function* failing() {
      yield [doc({ id: 'half', title: '营业执照', body: '营业执照' })];
      throw new Error('the database went away');
    }
    await assert.rejects(index.rebuild(failing()), /went away/);
    assert.deepEqual(await ask(index, '施工许可'), ['kept']);
    assert.deepEqual(await ask(index, '营业执照'), []);
    assert.deepEqual(await (await lancedb.connect(dir)).tableNames(), ['records']);
    // A rebuild killed outright leaves its table: dropped when none runs (dangan serve at start).
    const connection = await lancedb.connect(dir);
    const left = await openLanceSearchIndex(dir, { table: 'records_123' });
    await left.append([doc({ id: 'left', title: '营业执照', body: '营业执照' })]);
    await left.close();
    assert.deepEqual((await connection.tableNames()).sort(), ['records', 'records_123']);
    assert.equal(await left.dropAbandoned(), 0, "a rebuild's own index drops nothing");
    assert.equal(await index.dropAbandoned(), 1);
    assert.deepEqual(await connection.tableNames(), ['records']);
    assert.deepEqual(await ask(index, '施工许可'), ['kept']);
    await index.close();
  });
});
