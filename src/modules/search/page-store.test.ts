/**
 * The page store (page-store.ts) as the LanceDB index keeps it: a page's text, whole identifiers,
 * its fill from an index made before it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { openLanceSearchIndex } from './lance.adapter.ts';
import { toRow } from './lance.rows.ts';
import { PageStore, storedRow } from './page-store.ts';
import { cityQuery, doc, tempIndexDir } from './search-index.fixtures.ts';
import { identifierKey } from './search.identifiers.ts';
import type { SearchIndex } from './search.port.ts';

describe('the page store', () => {
  const bodies = async (index: SearchIndex, text: string) =>
    Object.fromEntries((await index.search(cityQuery(text))).hits.map((h) => [h.id, h.body]));

  it('answers a page from the store, keeps it with writes, removals and clear', async () => {
    const dir = await tempIndexDir();
    const index = await openLanceSearchIndex(dir);
    const kept = doc({ title: '建设工程规划许可证', body: '规划许可 正文甲' });
    const gone = doc({ title: '建设工程规划许可证 乙', body: '规划许可 正文乙' });
    await index.upsert([kept, gone]);
    await index.optimize();
    const store = PageStore.open(dir);
    try {
      assert.equal(store.complete, true, 'a new folder is complete from the start');
      assert.equal(store.get(kept.id)?.body, kept.body);
      // What the store holds is what a page shows (the row in the table says otherwise).
      await store.put([{ ...storedRow(toRow(kept, Date.now())), body: '规划许可 仓中正文' }]);
      assert.equal((await bodies(index, '规划许可'))[kept.id], '规划许可 仓中正文');
      // A change of text (a reviewed OCR text, a text destroyed on disposal) replaces it.
      await index.upsert([{ ...kept, body: '' }]);
      assert.equal(store.get(kept.id)?.body, '');
      await index.remove([gone.id]);
      assert.equal(store.get(gone.id), undefined, 'a removed record leaves the store');
      await index.clear();
      assert.equal(store.get(kept.id), undefined, 'clear empties it');
      assert.equal(store.complete, true);
    } finally {
      await store.close();
      await index.close();
    }
  });

  it('an index made before the store answers from the table, and keepWarm fills the store', async () => {
    const dir = await tempIndexDir();
    let index = await openLanceSearchIndex(dir);
    const records = [1, 2, 3].map((n) =>
      doc({
        title: `排污许可证 第${n}号`,
        body: `排污许可 正文${n}`,
        docNumber: `呼审批发〔2024〕${15 + n}号`,
      }),
    );
    await index.upsert(records);
    await index.optimize();
    await index.close();
    // As a folder of an earlier version left it: no store.
    await rm(join(dir, 'pages.mdb'), { force: true });
    await rm(join(dir, 'pages.mdb-lock'), { force: true });

    index = await openLanceSearchIndex(dir);
    const store = PageStore.open(dir);
    try {
      assert.equal(store.complete, false);
      assert.equal(store.get(records[0]!.id), undefined);
      const expected = Object.fromEntries(records.map((r) => [r.id, r.body]));
      assert.deepEqual(await bodies(index, '排污许可'), expected, 'read from the table meanwhile');
      await index.keepWarm();
      assert.equal(store.complete, true);
      for (const r of records) assert.equal(store.get(r.id)?.body, r.body);
      assert.deepEqual(await bodies(index, '排污许可'), expected);
      assert.deepEqual(
        store.lookup([identifierKey('呼审批发〔2024〕17号')!], 10)?.map((f) => f.head.id),
        [records[1]!.id],
        'identifiers filled too',
      );
    } finally {
      await store.close();
      await index.close();
    }
  });

  it('finds whole identifiers from the store as they change, within the scope; Lance when a key is common', async () => {
    const dir = await tempIndexDir();
    const index = await openLanceSearchIndex(dir);
    const ask = async (text: string, countWindow = 100, maxLevelRank = 9) =>
      (
        await index.search({
          ...cityQuery(text),
          countWindow,
          scope: { ...cityQuery('').scope!, maxLevelRank },
        })
      ).hits
        .filter((h) => h.exact)
        .map((h) => h.id)
        .sort();
    const first = doc({ title: '建设工程规划许可证', docNumber: '呼审批发〔2024〕17号' });
    const secret = doc({
      title: '机密批复',
      docNumber: '呼审批发〔2024〕18号',
      level: 'secret',
      levelRank: 3,
    });
    await index.upsert([first, secret]);
    await index.optimize();
    const store = PageStore.open(dir);
    try {
      assert.equal(
        store.lookup([identifierKey('呼审批发〔2024〕17号')!], 10)?.length,
        1,
        'the store answers',
      );
      assert.deepEqual(await ask('呼审批发〔2024〕17号'), [first.id]);
      assert.deepEqual(await ask('呼审批发〔2024〕18号', 100, 0), [], 'a record out of reach is not found');
      assert.deepEqual(await ask('呼审批发〔2024〕18号'), [secret.id]);
      // Its 文号 corrected: found by the new one only.
      await index.upsert([{ ...first, docNumber: '呼审批发〔2024〕27号' }]);
      assert.deepEqual(await ask('呼审批发〔2024〕17号'), []);
      assert.deepEqual(await ask('呼审批发〔2024〕27号'), [first.id]);
      // A key more records hold than the counting window: Lance keeps the best, the same records.
      const many = [1, 2, 3].map((n) =>
        doc({ title: `项目 ${n}`, identifiers: ['2020-150100-74-01-519953'] }),
      );
      await index.upsert(many);
      assert.equal(store.lookup([identifierKey('2020-150100-74-01-519953')!], 2), undefined);
      assert.equal((await ask('2020-150100-74-01-519953', 2)).length, 2);
      assert.deepEqual(await ask('2020-150100-74-01-519953'), many.map((d) => d.id).sort());
      await index.remove([first.id]);
      assert.deepEqual(await ask('呼审批发〔2024〕27号'), [], 'removed, it is gone');
    } finally {
      await store.close();
      await index.close();
    }
  });

  it('a fill leaves out a record removed while it read the table', async () => {
    const dir = await tempIndexDir();
    const index = await openLanceSearchIndex(dir);
    const records = [1, 2, 3].map((n) => doc({ title: `食品经营许可证 第${n}号`, body: `正文${n}` }));
    await index.upsert(records);
    await index.optimize();
    await index.close();
    await rm(join(dir, 'pages.mdb'), { force: true });
    await rm(join(dir, 'pages.mdb-lock'), { force: true });
    const table = await (await lancedb.connect(dir)).openTable('records');
    const store = PageStore.open(dir);
    try {
      const removed = records[1]!;
      let removal: Promise<void> | undefined;
      // The fill has read its batch (the removed record in it) when it asks whether to go on: the
      // record is removed then, as an index's remove does, before the batch is put.
      await store.fillFrom(table, () => {
        removal ??= store.remove([removed.id]);
        return false;
      });
      await removal;
      assert.equal(store.complete, true);
      assert.equal(store.get(removed.id), undefined, 'not put back');
      for (const r of records) if (r !== removed) assert.equal(store.get(r.id)?.body, r.body);
    } finally {
      await store.close();
      table.close();
    }
  });
});
