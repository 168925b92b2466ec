import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openLanceSearchIndex } from './lance.adapter.ts';
import { parseQuery } from './search.analysis.ts';
import { doc, searchIndexContract } from './search-index.contract.ts';
import type { SearchIndex } from './search.port.ts';

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
