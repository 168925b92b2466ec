/** Pure helpers of the web UI (web/src/components/format.ts), run by Node directly. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, holdsTyped, snippetParts, suggestedTerms } from '../web/src/components/format.ts';

describe('web UI helpers', () => {
  it('splits a snippet into text and hits without ever producing markup', () => {
    const parts = snippetParts(
      '准予核发<mark>施工</mark>许<mark>可证</mark> &lt;script&gt;alert(1)&lt;/script&gt; &amp;',
    );
    assert.deepEqual(parts, [
      { text: '准予核发', hit: false },
      { text: '施工', hit: true },
      { text: '许', hit: false },
      { text: '可证', hit: true },
      { text: ' <script>alert(1)</script> &', hit: false },
    ]);
  });

  it('suggests the matched words joined across a short gap, else the first title', () => {
    assert.equal(
      suggestedTerms([
        { title: '某施工许可证', snippet: '某建筑工程<mark>施工</mark>许<mark>可证</mark>经审查' },
      ]),
      '施工许可证',
    );
    assert.equal(
      suggestedTerms([{ title: '规划许可', snippet: '<mark>规划</mark>，并经<mark>审查</mark>' }]),
      '规划',
    );
    assert.equal(suggestedTerms([{ title: '无标记', snippet: '没有标记' }]), '无标记');
    assert.equal(suggestedTerms([]), null);
  });

  it('tells a hit holding the typed words from a near match', () => {
    const hit = {
      title: '关于某公司住宅小区项目建筑工程施工许可证的批复',
      snippet: '统一社会信用代码：<mark>91150104MA7Q3K</mark>XP2C）申请办理',
    };
    assert.ok(holdsTyped('施工许可证', hit), 'in the title');
    assert.ok(holdsTyped('住宅小区  施工许可证', hit), 'every word, anywhere');
    assert.ok(holdsTyped('91150104ma7q3k', hit), 'a code in the snippet, any case');
    assert.ok(holdsTyped('９１１５０１０４ＭＡ７Ｑ３Ｋ', hit), 'full-width');
    assert.ok(holdsTyped('"施工许可证"', hit), 'quoted');
    assert.ok(!holdsTyped('施工需可证', hit), 'a homophone typo');
    assert.ok(!holdsTyped('shigongxuke', hit), 'pinyin');
    assert.ok(!holdsTyped('施工许可证 排污', hit), 'a word it does not hold');
    assert.ok(!holdsTyped('  ', hit));
    assert.ok(holdsTyped('施工许可证 -食品', hit), 'a word left out is not a word to hold');
    assert.ok(holdsTyped('施工许可证 NOT 食品', hit), 'nor one after NOT');
    assert.ok(holdsTyped('住宅小区 AND 施工许可证', hit), 'nor AND');
    assert.ok(holdsTyped('施工许可证 2023年', hit), 'nor a year');
    assert.ok(holdsTyped('施工许可证 2020-2023', hit), 'nor a span of years');
    assert.ok(holdsTyped('施工许可证 2016年3月15日', hit), 'nor a date');
    assert.ok(holdsTyped('2016-03 施工许可证', hit), 'nor a month in figures');
    assert.ok(!holdsTyped('施工许可证 2016-13-01', hit), 'a month 13 is no date');
  });

  it('formats sizes in binary units', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(300 * 1024 * 1024), '300 MiB');
  });
});
