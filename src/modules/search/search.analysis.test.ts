import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addTerms,
  termDictionary,
  analyze,
  fold,
  foldOneToOne,
  ONE_TO_ONE,
  foldWithOffsets,
} from './search.analysis.ts';
import {
  findIdentifiers,
  identifierKey,
  identifierSpellings,
  nearMatchable,
  nearTo,
  partialKeys,
  partialLookups,
  withinEdits,
} from './search.identifiers.ts';
import {
  joinTypedPinyin,
  pinyinSpans,
  typedPinyin,
  queryPinyinSources,
  queryPinyinTokens,
  splitPinyin,
  toneless,
} from './search.pinyin.ts';
import {
  expandSynonyms,
  isEmptyQuery,
  makeSnippet,
  parseQuery,
  parseSynonyms,
  queryChunks,
  queryChunkings,
  rarePinyin,
} from './search.query.ts';

describe('search analysis', () => {
  it('folds full-width forms, case and Traditional characters', () => {
    assert.equal(fold('ＡＢＣ１２３　施工許可證（臺灣）'), 'abc123 施工许可证(台湾)');
  });

  it('cuts CJK text into bigrams plus long jieba words, and keeps Latin words whole', () => {
    const tokens = analyze('建筑工程施工许可证 ABC-12');
    for (const t of ['建筑', '工程', '施工', '许可', '可证', '许可证', 'abc', '12'])
      assert.ok(tokens.includes(t), t);
    assert.ok(!tokens.includes('建'), 'no unigrams inside longer runs');
    assert.deepEqual(analyze('证'), ['证']);
  });

  it('gives every bracket and spacing variant of a 文号 the same key', () => {
    const key = identifierKey('呼审批发〔2024〕17号');
    assert.equal(key, '呼审批发202417号');
    for (const variant of [
      '呼审批发[2024]17号',
      '呼审批发(2024)17号',
      '呼审批发【2024】17号',
      '呼审批发 （2024） 17 号',
    ])
      assert.equal(identifierKey(variant), key, variant);
    assert.equal(identifierKey('施工许可'), null, 'no digit, no identifier');
  });

  it('finds 文号, credit codes and 档号 inside a longer text', () => {
    const keys = findIdentifiers(
      '依据呼审批发〔2024〕17号，91150100MA0N2XYH3K 的档号 F001-WS·2024-Y-BGS-0001',
    );
    assert.ok(keys.includes('呼审批发202417号'));
    assert.ok(keys.includes('91150100ma0n2xyh3k'));
    assert.ok(keys.includes('f001ws2024ybgs0001'));
  });

  it('keys a 文号 also by the end of its agency and by its year and number alone', () => {
    const keys = findIdentifiers('赛审批发〔2012〕150号', { yearAndNumber: true });
    for (const key of ['赛审批发2012150号', '审批发2012150号', '批发2012150号', '2012150号'])
      assert.ok(keys.includes(key), key);
    assert.ok(!keys.includes('发2012150号'), 'one character of an agency is no key');
    assert.ok(!findIdentifiers('赛审北发〔2012〕150号').includes('2012150号'), 'not for a query');
  });

  it('spells a 文号 typed without 号 or with 年 as it is written', () => {
    assert.deepEqual(identifierSpellings('赛审批发2012150'), ['赛审批发2012150', '赛审批发2012150号']);
    assert.ok(identifierSpellings('2012年150号').includes('2012150号'));
    assert.ok(identifierSpellings('赛审批发2012年150').includes('赛审批发2012150号'));
    assert.deepEqual(identifierSpellings('赛审批发2012150号'), ['赛审批发2012150号']);
  });

  it('keys a file name even without digits, but no other text without them', () => {
    assert.equal(identifierKey('营业执照副本.pdf'), '营业执照副本pdf');
    assert.equal(identifierKey('营业执照副本．ＰＤＦ'), '营业执照副本pdf');
    assert.equal(identifierKey('扫描件.TIFF'), '扫描件tiff');
    assert.equal(identifierKey('营业执照副本'), null);
    assert.equal(identifierKey('www.gov.cn'), null);
    assert.equal(identifierKey('a.md'), null, 'too short');
  });

  it('spells a 文号 typed with 第 or leading zeros as the rules write it (no 第, no zeros)', () => {
    assert.ok(identifierSpellings('赛审批发2016第1号').includes('赛审批发20161号'));
    assert.ok(identifierSpellings('赛审批发201601号').includes('赛审批发20161号'));
    assert.ok(identifierSpellings('赛审批发2016年第007号').includes('赛审批发20167号'));
    assert.ok(identifierSpellings('2016第10号').includes('201610号'));
    assert.ok(identifierSpellings('赛审批发20160号').includes('赛审批发20160号'));
    // Digits before the year make it part of another number: no 文号 spelling.
    assert.deepEqual(identifierSpellings('1234201601'), ['1234201601', '1234201601号']);
  });

  it('looks for near spellings of codes only, not of words with a year', () => {
    for (const key of [
      '91150102k2h3k9cj3',
      '赛审批发2012150号',
      '2025150100580116269',
      'f001sp2012d10sh0150',
    ])
      assert.ok(nearMatchable(key), key);
    for (const key of ['诚永食品2012', '营业执照2019', '2012年', '施工许可证2024'])
      assert.ok(!nearMatchable(key), key);
  });

  it('indexes beginnings of identifiers and endings of codes, looked up by a typed fragment', () => {
    const code = partialKeys('91150104MA7Q3KXP2C');
    assert.ok(code.includes('9115010*') && code.includes('91150104MA7Q3KXP2*'), 'beginnings of 7 to 17');
    assert.ok(code.includes('*3KXP2C') && code.includes('*1150104MA7Q3KXP2C'), 'endings of 6 to 17');
    assert.ok(!code.includes('*KXP2C'), 'not shorter');
    assert.ok(!code.includes('91150104MA7Q3KXP2C*') && !code.includes('*91150104MA7Q3KXP2C'), 'not itself');
    assert.equal(code.length, 11 + 12);
    // A 文号 key has beginnings only (its endings are keys of their own: findIdentifiers).
    const docNumber = partialKeys('塞审批发2022311号');
    assert.ok(docNumber.includes('塞审批发2022*'));
    assert.ok(docNumber.every((k) => k.endsWith('*')));
    assert.deepEqual(partialKeys('a1b2c3d'), [], 'shorter than a code');
    // Typed: a fragment as it is looked up; one too short or with too few digits is not.
    assert.deepEqual(partialLookups('91150104MA7Q3K'), ['91150104MA7Q3K*', '*91150104MA7Q3K']);
    assert.deepEqual(partialLookups('塞审批发2022'), ['塞审批发2022*']);
    assert.deepEqual(partialLookups('Q3KXP2C'), ['Q3KXP2C*', '*Q3KXP2C']);
    assert.deepEqual(partialLookups('MA7Q3'), []);
    assert.deepEqual(partialLookups('施工许可证2'), []);
  });

  it('counts edits between strings of characters', () => {
    assert.ok(withinEdits('91150102K2H3K9CJ32', '91150102K2H3K9CJ3', 1), 'missing');
    assert.ok(withinEdits('91150102K2H3K9CJ32', '91150102K2H3K9CJ332', 1), 'extra');
    assert.ok(withinEdits('塞审批发2012150号', '赛审批发2012150号', 1), 'wrong ideograph');
    assert.ok(!withinEdits('塞审批发2012150号', '赛审批发2013151号', 1));
    assert.ok(withinEdits('塞审批发2012150号', '赛审批发2013150号', 2));
    assert.ok(!withinEdits('abcdef', 'badcfe', 2), 'three swaps are six edits');
    assert.ok(withinEdits('𠀀ab', '𠀁ab', 1), 'a character outside the BMP counts once');
  });

  it('tests many candidates against one key as withinEdits does (bit-parallel)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = [...'0123456789AB审批发号𠀀'];
    const text = (n: number) =>
      Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    const edit = (s: string) => {
      const chars = [...s];
      const at = Math.floor(random() * (chars.length + 1));
      const c = alphabet[Math.floor(random() * alphabet.length)]!;
      const kind = Math.floor(random() * 3);
      if (kind === 0) chars.splice(at, 0, c);
      else if (kind === 1) chars.splice(at, 1);
      else chars.splice(at, 1, c);
      return chars.join('');
    };
    let near = 0;
    for (let i = 0; i < 3000; i++) {
      const key = text(1 + Math.floor(random() * 32));
      let other = key;
      for (let e = Math.floor(random() * 4); e > 0; e--) other = edit(other);
      if (random() < 0.2) other = text(Math.max(1, key.length - 1));
      for (const max of [0, 1, 2]) {
        const expected = withinEdits(key, other, max);
        assert.equal(nearTo(key, max)(other), expected, `${key} ${other} ${max}`);
        if (expected) near++;
      }
    }
    assert.ok(near > 1000, 'the pairs include near ones');
  });

  it('finds the characters typed pinyin spells, the longest run of each typed word', () => {
    const title = '关于呼和浩特市光谐建材有限公司项目建筑工程施工许可证的批复';
    assert.deepEqual(typedPinyin('shigongxuke 2024 sgxk'), [
      { syllables: ['shi', 'gong', 'xu', 'ke'] },
      { initials: 'sgxk' },
    ]);
    assert.deepEqual(pinyinSpans(title, typedPinyin('shigongxuke')), ['施工许可']);
    // 市光谐 has the initials s g x too, but 施工许可 spells more of sgxk.
    assert.deepEqual(pinyinSpans(title, typedPinyin('sgxk')), ['施工许可']);
    assert.deepEqual(pinyinSpans(title, typedPinyin('qwrty')), []);
    assert.deepEqual(pinyinSpans('關於施工許可證', typedPinyin('shigongxuke')), ['施工许可'], 'folded');
  });

  it('splits typed pinyin into syllables and refuses what is not pinyin', () => {
    assert.deepEqual(splitPinyin('shigongxuke'), ['shi', 'gong', 'xu', 'ke']);
    assert.equal(splitPinyin('qwrty'), null);
  });

  it('meets a homophone typo and typed pinyin at the same pinyin tokens', () => {
    const right = queryPinyinTokens('施工许可');
    const typo = queryPinyinTokens('施工需可');
    const typed = queryPinyinTokens('shigongxuke');
    assert.deepEqual(typo, right);
    for (const t of right.filter((t) => t.startsWith('py:'))) assert.ok(typed.includes(t), t);
    assert.ok(queryPinyinTokens('sgxk').includes('pi:sgx'));
  });

  it('traces the pinyin of typed ideographs back to their bigrams, and typed pinyin to none', () => {
    const typo = queryPinyinSources('施工需可');
    assert.deepEqual(typo['py:xuke'], ['需可']);
    assert.deepEqual(typo['pi:gxk'], ['工需', '需可']);
    const typed = queryPinyinSources('shigongxuke');
    assert.deepEqual(typed['py:xuke'], []);
    // Full pinyin is not read as initials too.
    assert.equal(typed['pi:hig'], undefined);
    assert.deepEqual(queryPinyinSources('sgxk')['pi:sgx'], []);
  });

  it('leaves out the pinyin of common words typed right, never that of a rare bigram or typed pinyin', () => {
    const common = new Set(['施工', '工许', '许可']);
    const share = (bigram: string) => (common.has(bigram) ? 0.2 : 0);
    const right = rarePinyin(parseQuery('施工许可'), share);
    assert.deepEqual(right.pinyin, []);
    assert.deepEqual(right.terms, parseQuery('施工许可').terms);
    const typo = rarePinyin(parseQuery('施工需可'), share);
    assert.ok(typo.pinyin.includes('py:xuke'), typo.pinyin.join(' '));
    assert.ok(!typo.pinyin.includes('py:shigong'), typo.pinyin.join(' '));
    const typed = rarePinyin(parseQuery('shigongxuke'), () => 1);
    assert.ok(typed.pinyin.includes('py:shigong'));
  });

  it('parses quoted phrases as required, ignores unbalanced quotes and query syntax', () => {
    const q = parseQuery('"营业执照" 变更');
    assert.deepEqual(q.required, ['营业', '业执', '执照']);
    assert.ok(q.terms.includes('变更'));
    const odd = parseQuery('"营业 AND title:x OR (');
    assert.ok(odd.terms.includes('营业'));
    assert.ok(odd.terms.includes('title'));
  });

  it('reads AND and OR between words as joining them, and -word or NOT word as leaving it out', () => {
    const joined = parseQuery('特种设备 AND 登记 OR 变更');
    assert.deepEqual(joined.words, ['特种设备', '登记', '变更']);
    assert.ok(!joined.terms.includes('and') && !joined.terms.includes('or'));
    assert.deepEqual(joined.spelled, [], 'nor as typed pinyin');
    assert.deepEqual(parseQuery('许可证 -食品 NOT 排污').excluded, [['食品'], ['排污']]);
    assert.deepEqual(parseQuery('许可证 -食品').words, ['许可证']);
    assert.equal(parseQuery('2023-150100-52 a-b').excluded, undefined);
  });

  it('reads pinyin typed with spaces as typed without them, and leaves other Latin words apart', () => {
    assert.deepEqual(joinTypedPinyin('shi gong xu ke 许可'), 'shigongxuke 许可');
    assert.deepEqual(joinTypedPinyin('Shigong Xuke'), 'ShigongXuke');
    assert.deepEqual(joinTypedPinyin('ISO 9001 shi'), 'ISO 9001 shi');
    assert.deepEqual(joinTypedPinyin('hello world'), 'hello world');
    // Initials typed in groups, too short alone to be read as initials.
    assert.deepEqual(joinTypedPinyin('sg xk 许可'), 'sgxk 许可');
    assert.deepEqual(joinTypedPinyin('BX SP'), 'BXSP');
    assert.deepEqual(joinTypedPinyin('s g x k'), 'sgxk');
    assert.deepEqual(joinTypedPinyin('a b'), 'a b');
    assert.deepEqual(joinTypedPinyin('shi gong xk'), 'shi gong xk');
    assert.deepEqual(joinTypedPinyin('sgxk abcde'), 'sgxk abcde');
    assert.deepEqual(parseQuery('shi gong xu ke').pinyin, parseQuery('shigongxuke').pinyin);
  });

  it('reads pinyin typed with tone marks as typed without them, ü as v', () => {
    assert.equal(toneless('shī gōng xǔ kě'), 'shi gong xu ke');
    assert.equal(toneless('Lǜ Huà nǚ ɡuó'), 'Lv Hua nv guo');
    assert.equal(toneless('施工 ISO 9001'), '施工 ISO 9001', 'nothing else changes');
    const marked = parseQuery('shī gōng xǔ kě').pinyin;
    assert.ok(marked.length > 0);
    assert.deepEqual(marked, parseQuery('shigongxuke').pinyin);
    assert.ok(parseQuery('lǜhuà').pinyin.includes('py:lvhua'));
  });

  it('reads a month or a day of a year as dates, not as words or identifiers', () => {
    assert.deepEqual(parseQuery('光禾乳业 2016年3月').dates, ['2016-03']);
    assert.deepEqual(parseQuery('2016年3月15日 批复').dates, ['2016-03', '2016-03-15']);
    assert.deepEqual(parseQuery('2016-03-15 施工许可').dates, ['2016-03', '2016-03-15']);
    assert.deepEqual(parseQuery('2016.3.15').dates, ['2016-03', '2016-03-15']);
    assert.deepEqual(parseQuery('2016/03').dates, ['2016-03']);
    const q = parseQuery('光禾乳业 2016年3月15日');
    assert.deepEqual(q.years, [2016]);
    assert.deepEqual(q.terms, ['光禾', '禾乳', '乳业'], '月 and 日 are not asked');
    assert.deepEqual(q.identifiers, []);
    // Not dates: a project code, a 文号 written with 年, a month 13, a version number.
    for (const text of [
      '2021-150100-70-01-960063',
      '2016年1号',
      '2016-13-01',
      'v2016.3.1',
      '赛审批发〔2016〕3号',
    ])
      assert.equal(parseQuery(text).dates, undefined, text);
  });

  it('looks for no identifier in words and a year, but keeps the year of a 文号', () => {
    for (const text of ['施工许可 2023', '2023年 建设工程规划许可证', '施工许可 2020-2023']) {
      assert.equal(parseQuery(text).wholeIdentifier, null, text);
      assert.deepEqual(parseQuery(text).identifiers, [], text);
    }
    assert.equal(parseQuery('塞审批发〔2022〕').wholeIdentifier, '塞审批发2022');
    assert.equal(parseQuery('赛审批发〔2016〕3号').wholeIdentifier, '赛审批发20163号');
    assert.ok(parseQuery('施工许可 2023 91150104MA7Q3K').identifiers.includes('91150104ma7q3k'));
  });

  it('reads a year beside other words as a preference, not a word to rank', () => {
    const q = parseQuery('2019 特种设备');
    assert.deepEqual(q.years, [2019]);
    assert.ok(!q.terms.includes('2019'));
    assert.deepEqual(parseQuery('2019').terms, ['2019'], 'alone, it is what there is to look for');
    assert.deepEqual(parseQuery('2019年度 施工').terms.includes('年度'), false);
    // A span of years names each year of it; a project code's digit groups are no span.
    assert.deepEqual(parseQuery('施工许可 2020-2023').years, [2020, 2021, 2022, 2023]);
    assert.deepEqual(parseQuery('2020年至2022年 排污').years, [2020, 2021, 2022]);
    assert.deepEqual(parseQuery('施工许可 2020-2023').terms, parseQuery('施工许可').terms);
    assert.equal(parseQuery('2023-150100-52').years, undefined);
    assert.equal(parseQuery('1990-2099').years, undefined, 'too long a span');
  });

  it('sees nothing to search in punctuation or emoji alone', () => {
    assert.equal(isEmptyQuery(parseQuery('！？。，、——……')), true);
    assert.equal(isEmptyQuery(parseQuery('😀😀😀')), true);
    assert.equal(isEmptyQuery(parseQuery('𠀀')), false, 'a rare extension ideograph is still text');
  });

  it('cuts an escaped snippet around the matches, highlighting them in the original text', () => {
    const text = `${'无关的内容。'.repeat(30)}准予核发建筑工程施工許可證<script>。${'其他内容。'.repeat(30)}`;
    const snippet = makeSnippet(text, ['施工许可证']);
    assert.match(snippet, /<mark>施工許可證<\/mark>/);
    assert.ok(!snippet.includes('<script>'));
    assert.ok(snippet.startsWith('…') && snippet.endsWith('…'));
    assert.equal(makeSnippet('短文本', ['无']), '短文本');
  });

  it('marks an identifier typed whole in a snippet, in whatever brackets or dashes the text has it', () => {
    const text =
      '祥正医药有限公司（统一社会信用代码：911501056Q637AN50F）申请办理恒佳住宅小区项目，项目代码' +
      '2019-150100-58-01-218644。依据呼审批发〔2024〕17号文件，2024年1月17日受理。';
    const snippet = (q: string) => {
      const query = parseQuery(q);
      return makeSnippet(text, query.highlight, query.highlightIdentifiers);
    };
    // Its digit groups one by one would mark 01 in the credit code, 17 in the date.
    assert.deepEqual(
      [...snippet('2019-150100-58-01-218644').matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => m[1]),
      ['2019-150100-58-01-218644'],
    );
    assert.deepEqual(
      [...snippet('呼审批发[2024]17号').matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => m[1]),
      ['呼审批发〔2024〕17号'],
    );
    assert.deepEqual(
      [...snippet('911501056q637an50f 恒佳').matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => m[1]),
      ['911501056Q637AN50F', '恒佳'],
    );
    assert.deepEqual(
      [...snippet('〔2024〕17').matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => m[1]),
      ['〔2024〕17'],
    );
    // Words and numbers typed apart are still marked where they stand.
    assert.match(snippet('恒佳 17'), /<mark>恒佳<\/mark>/);
  });

  it('folds common archive text through its table exactly as one character at a time', () => {
    let all = '';
    let slowOnes = 0;
    for (const [from, to] of ONE_TO_ONE)
      for (let code = from; code <= to; code++) {
        const char = String.fromCharCode(code);
        const fast = foldOneToOne(char);
        // A few Traditional characters simplify to one outside the BMP (two units): slow path.
        if (fast === null) slowOnes++;
        else {
          assert.equal(fast, foldWithOffsets(char).folded, `U+${code.toString(16)}`);
          all += char;
        }
      }
    assert.ok(slowOnes < 400, `${slowOnes} characters left to the slow path`);
    assert.equal(foldOneToOne(all), foldWithOffsets(all).folded, 'all of them in one text');
    const text = '經審查，ＡＢＣ公司“施工許可證”申請（２０２４）—准予核發。\nRoad No.5　第一條';
    assert.equal(foldOneToOne(text), foldWithOffsets(text).folded);
    assert.equal(
      foldOneToOne('ﬁ 一㈠ 乾隆…'),
      null,
      'a character folding to several is left to the slow path',
    );
    const slow = `${'无关。'.repeat(30)}准予核发施工許可證…${'其他。'.repeat(30)}`;
    assert.match(makeSnippet(slow, ['施工许可证']), /准予核发<mark>施工許可證<\/mark>…其他/, 'slow path');
    const fast = `${'无关。'.repeat(30)}准予核发施工許可證。${'其他。'.repeat(30)}`;
    assert.match(makeSnippet(fast, ['施工许可证']), /准予核发<mark>施工許可證<\/mark>。其他/, 'fast path');
  });
});

describe('synonyms', () => {
  it('widens a query with the other members of its group, never narrowing it', () => {
    const groups = parseSynonyms('# comment\n住建局 住房和城乡建设局\n营业执照，执照\n单独\n');
    assert.equal(groups.length, 2);
    const q = expandSynonyms(parseQuery('住建局 通知'), groups);
    assert.ok(q.terms.includes('住房'));
    assert.ok(q.terms.includes('城乡'));
    assert.ok(q.terms.includes('住建'));
    assert.deepEqual(q.required, []);
    const untouched = parseQuery('施工许可');
    assert.equal(expandSynonyms(untouched, groups), untouched);
  });
});

describe('segmentation terms', () => {
  it('keeps government terms whole, and learns the archive’s own', () => {
    assert.ok(analyze('申请建设工程规划许可证的批复').includes('建设工程规划许可证'));
    assert.ok(analyze('呼和浩特市行政审批和政务服务局').includes('行政审批和政务服务局'));
    assert.ok(!analyze('办理青城驿站联审手续').includes('青城驿站联审'));
    addTerms('# 本馆用语\n青城驿站联审 2000 n\n');
    assert.ok(analyze('办理青城驿站联审手续').includes('青城驿站联审'));
  });

  it('reads term lists leniently: comments, missing frequency, odd tags', () => {
    const dictionary = termDictionary('# 注释\n一网通办\n容缺受理 50 v\n坏词 abc <script>\n\n').toString(
      'utf8',
    );
    assert.deepEqual(dictionary.trim().split('\n'), ['一网通办 1000', '容缺受理 50 v', '坏词 1000']);
  });
});

describe('long queries', () => {
  it('cuts a long query into selective chunks that share no character, so one wrong character leaves one whole', () => {
    const common = new Set(['呼和', '和浩', '浩特', '特市', '有限', '限公', '公司', '项目']);
    const text = '呼和浩特市鑫泰建材有限公司恒通住宅小区项目';
    const chunks = queryChunks(parseQuery(text), (t) => (common.has(t) ? 0.5 : 0));
    assert.ok(chunks.length >= 2);
    for (const chunk of chunks)
      assert.ok(
        chunk.some((t) => !common.has(t)),
        `${chunk.join(' ')} is selective`,
      );
    // Every position of the query: a wrong character there breaks at most one chunk.
    const positions = [...text];
    for (let at = 0; at < positions.length; at++) {
      const typo = [...positions];
      typo[at] = '木';
      const tokens = new Set(analyze(typo.join('')));
      const intact = chunks.filter((chunk) => chunk.every((t) => tokens.has(t)));
      assert.ok(intact.length >= chunks.length - 1, `wrong character at ${at}`);
    }
  });

  it('also cuts shorter chunks, one of which a record holds when names typed side by side and an extra character break the longer', () => {
    // Shares of the records holding each bigram, as sampled at 1M records (bench:search).
    const shares: Record<string, number> = {
      合新: 0.003,
      新医: 0.0015,
      医药: 0.0975,
      昭乌: 0.108,
      乌达: 0.108,
      达路: 0.108,
      路和: 0.0085,
      实厂: 0.004,
      厂房: 0.12,
      房项: 0.222,
      项目: 1,
    };
    // 合新医药 and 昭乌达路云实厂房项目 typed side by side (junction 药昭), 和 typed too many.
    const ways = queryChunkings(parseQuery('合新医药昭乌达路和云实厂房项目'), (t) => shares[t] ?? 0);
    const held = new Set(analyze('关于呼和浩特市合新医药有限公司昭乌达路云实厂房项目的批复'));
    const whole = (chunk: string[]) => chunk.every((t) => held.has(t));
    assert.ok(ways.length >= 2, JSON.stringify(ways));
    assert.ok(!ways[0]!.some(whole), 'the most selective chunks are all broken');
    assert.ok(ways.flat().some(whole), 'a shorter chunk is whole');
    assert.deepEqual(
      queryChunks(parseQuery('合新医药昭乌达路和云实厂房项目'), (t) => shares[t] ?? 0),
      ways[0],
    );
  });

  it('leaves short queries and queries of common words alone (empty: ranked as before)', () => {
    assert.deepEqual(
      queryChunks(parseQuery('施工许可证'), () => 0),
      [],
    );
    assert.deepEqual(
      queryChunks(parseQuery('施工 许可 变更'), () => 0),
      [],
    );
    assert.deepEqual(
      queryChunks(parseQuery('呼和浩特市有限公司呼和浩特市有限公司'), () => 0.5),
      [],
      'no selective bigram',
    );
  });
});
