import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openLanceSearchIndex } from './lance.adapter.ts';
import { parseQuery } from './search.analysis.ts';
import { doc } from './search-index.contract.ts';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-search-'));
  dirs.push(dir);
  return dir;
}

describe('LanceDB search index: long queries', () => {
  it('count the records holding a whole chunk of the query, and fall back to every token when none does', async () => {
    const index = await openLanceSearchIndex(await tempDir());
    const target = doc({ title: '关于鑫泰建材有限公司新城区恒通住宅小区项目建筑工程施工许可证的批复' });
    // Shares character pairs with the query, but no three characters in a row.
    const scattered = doc({ title: '住宅 施工 项目 建材 许可' });
    await index.upsert([doc({ title: '其他档案' })]);
    await index.upsert([target, scattered]);
    const ask = async (text: string) =>
      index.search({
        query: parseQuery(text),
        scope: { organisationPath: '/city/', maxLevelRank: 9 },
        filters: {},
        limit: 10,
        offset: 0,
        sort: 'relevance',
        countWindow: 100,
      });
    for (const stage of ['new rows', 'after optimize']) {
      const long = await ask('鑫泰建材有限公司新城区恒通住宅小区项木建筑工程施工许可证');
      assert.deepEqual(
        long.hits.map((h) => h.id),
        [target.id],
        stage,
      );
      assert.equal(long.total, 1, stage);
      // A wrong character in every chunk: the whole query is asked, as for a short one.
      const broken = await ask('鑫泰甲建材乙有限丙公司丁新城戊区恒己');
      assert.equal(broken.hits[0]?.id, target.id, stage);
      assert.deepEqual(
        (await ask('住宅 施工')).hits.map((h) => h.id).sort(),
        [target.id, scattered.id].sort(),
        stage,
      );
      await index.optimize();
    }
    await index.close();
  });
});
