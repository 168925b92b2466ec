import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FreshSegment, type SegmentRow } from './fresh-segment.ts';

type Row = SegmentRow & { org: string };
const row = (id: string, tokens: string, org = 'a', indexed_at = 1): Row => ({
  id,
  tokens,
  ids: '',
  indexed_at,
  org,
});

describe('fresh segment', () => {
  it('ranks by BM25: more occurrences and rarer terms score higher', () => {
    const s = new FreshSegment<Row>();
    s.add([
      row('1', '施工 许可 许可 证书'),
      row('2', '施工 许可 其他 内容'),
      row('3', '营业 执照 变更 登记'),
    ]);
    const hits = s.search('tokens', { should: ['许可'], must: [] }, () => true, 10);
    assert.deepEqual(
      hits.map((h) => h.row.id),
      ['1', '2'],
    );
    assert.ok(hits[0]!.score > hits[1]!.score);
    const rare = s.search('tokens', { should: ['施工', '证书'], must: [] }, () => true, 10);
    assert.equal(rare[0]!.row.id, '1', 'the rarer term decides');
  });

  it('requires every must token and applies the filter before the limit', () => {
    const s = new FreshSegment<Row>();
    s.add([row('1', '施工 许可', 'a'), row('2', '施工 许可 施工', 'b'), row('3', '施工 其他', 'a')]);
    const must = s.search('tokens', { should: ['施工'], must: ['许可'] }, () => true, 10);
    assert.deepEqual(must.map((h) => h.row.id).sort(), ['1', '2']);
    const scoped = s.search('tokens', { should: ['施工'], must: [] }, (r) => r.org === 'a', 1);
    assert.equal(scoped.length, 1);
    assert.equal(scoped[0]!.row.org, 'a', 'the best visible row, not the best row dropped afterwards');
  });

  it('replaces a row by id, forgets removed rows and those folded into the indexes', () => {
    const s = new FreshSegment<Row>();
    s.add([row('1', '旧 内容', 'a', 1), row('2', '其他 内容', 'a', 5)]);
    s.add([row('1', '新 内容', 'a', 7)]);
    assert.equal(s.size, 2);
    assert.deepEqual(
      s.search('tokens', { should: ['旧'], must: [] }, () => true, 10),
      [],
    );
    assert.equal(s.search('tokens', { should: ['新'], must: [] }, () => true, 10)[0]!.row.id, '1');
    s.dropThrough(5);
    assert.equal(s.size, 1, 'row 2 (written at 5) is dropped, row 1 (rewritten at 7) kept');
    assert.ok(s.has('1') && !s.has('2'));
    s.remove(['1']);
    assert.equal(s.size, 0);
    assert.equal(s.textChars, 0);
    assert.deepEqual(
      s.search('tokens', { should: ['新', '内容'], must: [] }, () => true, 10),
      [],
    );
  });

  it('compacts its postings after many replacements', () => {
    const s = new FreshSegment<Row>();
    for (let i = 0; i < 3000; i++) s.add([row(String(i % 10), `词${i} 共同`)]);
    assert.equal(s.size, 10);
    const hits = s.search('tokens', { should: ['共同'], must: [] }, () => true, 100);
    assert.equal(hits.length, 10);
    assert.deepEqual(
      s.search('tokens', { should: ['词5'], must: [] }, () => true, 10),
      [],
    );
    assert.equal(s.search('tokens', { should: ['词2995'], must: [] }, () => true, 10)[0]!.row.id, '5');
  });

  it('answers a long query by its chunks: a row holding all tokens of one group, ranked by groups and should tokens', () => {
    const s = new FreshSegment<Row>();
    s.add([
      row('1', '鑫泰 泰建 恒通 通住 项目'),
      row('2', '鑫泰 泰建 其他'),
      row('3', '鑫泰 恒通 项目', 'b'),
      row('4', '恒通 通住'),
    ]);
    const query = {
      should: ['项目'],
      must: [],
      groups: [
        ['鑫泰', '泰建'],
        ['恒通', '通住'],
      ],
    };
    const hits = s.search('tokens', query, () => true, 10);
    assert.deepEqual(hits.map((h) => h.row.id).sort(), ['1', '2', '4']);
    assert.equal(hits[0]!.row.id, '1', 'both groups and the should token');
    assert.ok(!hits.some((h) => h.row.id === '3'), 'a should token and half of each group are not enough');
    assert.deepEqual(
      s.search('tokens', query, (r) => r.org === 'b', 10),
      [],
      'the filter applies before ranking',
    );
  });
});
