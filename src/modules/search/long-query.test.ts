import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as lancedb from '@lancedb/lancedb';
import { CommonTokens } from './common-tokens.ts';
import { openLanceSearchIndex } from './lance.adapter.ts';
import { cityQuery, doc, tempIndexDir } from './search-index.fixtures.ts';

describe('LanceDB search index: long queries', () => {
  it('count the records holding a whole chunk of the query, and fall back to its rare bigrams when none does', async () => {
    const index = await openLanceSearchIndex(await tempIndexDir());
    const target = doc({ title: '关于鑫泰建材有限公司新城区恒通住宅小区项目建筑工程施工许可证的批复' });
    // Shares character pairs with the query, but no three characters in a row.
    const scattered = doc({ title: '住宅 施工 项目 建材 许可' });
    await index.upsert([doc({ title: '其他档案' })]);
    await index.upsert([target, scattered]);
    const ask = async (text: string) => index.search(cityQuery(text));
    for (const stage of ['new rows', 'after optimize']) {
      const long = await ask('鑫泰建材有限公司新城区恒通住宅小区项木建筑工程施工许可证');
      assert.deepEqual(
        long.hits.map((h) => h.id),
        [target.id],
        stage,
      );
      assert.equal(long.total, 1, stage);
      // A wrong character in every chunk: the rare bigrams of the query are asked.
      const broken = await ask('鑫泰甲建材乙有限丙公司丁新城戊区恒己');
      assert.equal(broken.hits[0]?.id, target.id, stage);
      // Two names typed side by side, one character wrong: the junction (材新) is held by no record.
      const joined = await ask('鑫泰建材新城区恒通住宅小区项木');
      assert.equal(joined.hits[0]?.id, target.id, stage);
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

describe('the common tokens of an index', () => {
  it('estimates the share of records holding a bigram from a sample, and knows nothing of a small index', async () => {
    const connection = await lancedb.connect(await tempIndexDir());
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        tokens: [
          '公司',
          '有限',
          i % 10 === 0 ? '审批' : '其他',
          i === 7 ? '鑫泰' : '普通',
          'abc',
          '许可证',
        ].join(' '),
      }));
    const big = await connection.createTable('big', rows(3000));
    const sample = await CommonTokens.sample(big);
    assert.equal(sample.rows, 2000);
    assert.equal(sample.share('公司'), 1);
    assert.ok(Math.abs(sample.share('审批') - 0.1) < 0.02, String(sample.share('审批')));
    assert.equal(sample.share('鑫泰'), 0, 'seen in one row at most');
    assert.equal(sample.share('许可证'), 0, 'only bigrams are counted');
    const small = await connection.createTable('small', rows(50));
    assert.equal((await CommonTokens.sample(small)).share('公司'), 0, 'too few rows to tell');
    big.close();
    small.close();
    connection.close();
  });
});
