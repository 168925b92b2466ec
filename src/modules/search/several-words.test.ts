import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderByWordsHeld, wordSpellings, wordsHeld } from './several-words.ts';
import { expandSynonyms, parseQuery } from './search.query.ts';

describe('several words typed apart', () => {
  it('reads the typed words, a named year aside, and spells a word with its synonyms', () => {
    assert.deepEqual(parseQuery('邦兴能源 泰嘉学校 食品').words, ['邦兴能源', '泰嘉学校', '食品']);
    assert.deepEqual(parseQuery('施工许可 2023年').words, ['施工许可']);
    const query = expandSynonyms(parseQuery('住建局 施工'), [['住建局', '住房和城乡建设局']]);
    assert.deepEqual(wordSpellings(query), [['住建局', '住房和城乡建设局'], ['施工']]);
  });

  it('counts the words a title or text holds, across width, case and Traditional characters', () => {
    const spellings = wordSpellings(parseQuery('邦兴能源 ABC 食品'));
    assert.equal(wordsHeld(spellings, '邦興能源有限公司', '申请ａｂｃ项目'), 2);
    assert.equal(wordsHeld(spellings, '邦兴能源', '食品经营 abc'), 3);
    assert.equal(wordsHeld(spellings, '泰嘉学校', ''), 0);
  });

  it('orders a page by the words held, then as ranked, keeping identifier hits first and scores falling', () => {
    const query = parseQuery('邦兴能源 食品');
    const texts: Record<string, { title: string; body: string }> = {
      exact: { title: '无关', body: '' },
      a: { title: '邦兴能源', body: '' },
      b: { title: '邦兴能源', body: '食品' },
      c: { title: '食品', body: '' },
    };
    const page = [
      { id: 'exact', score: 1003 },
      { id: 'a', score: 9 },
      { id: 'c', score: 7 },
      { id: 'b', score: 5 },
    ];
    const ordered = orderByWordsHeld(
      page,
      query,
      (id) => texts[id],
      (hit) => (hit.id === 'exact' ? 1 : 0),
    );
    assert.deepEqual(
      ordered.map((h) => [h.id, h.score]),
      [
        ['exact', 1003],
        ['b', 9],
        ['a', 7],
        ['c', 5],
      ],
    );
    // One word: the page as ranked.
    assert.deepEqual(
      orderByWordsHeld(
        page,
        parseQuery('食品'),
        (id) => texts[id],
        () => 0,
      ).map((h) => h.id),
      ['exact', 'a', 'c', 'b'],
    );
  });
});
