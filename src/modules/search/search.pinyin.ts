/**
 * Pinyin: the syllable bigrams and initial trigrams a title or name is indexed under, the pinyin
 * tokens of a query (from its ideographs, for homophone typos, and from Latin words typed as
 * pinyin or initials), and the ideographs typed pinyin spells, for snippets.
 */
import { pinyin } from 'pinyin-pro';
import { fold, runs } from './search.analysis.ts';

let syllables: Set<string> | undefined;

/** Every toneless pinyin syllable, learnt from pinyin-pro over the common CJK block. */
function syllableSet(): Set<string> {
  if (syllables) return syllables;
  let chars = '';
  for (let code = 0x4e00; code <= 0x9fa5; code++) chars += String.fromCodePoint(code);
  syllables = new Set(
    pinyin(chars, { toneType: 'none', type: 'array', v: true }).filter((s) => /^[a-z]+$/.test(s)),
  );
  return syllables;
}

/** Toneless pinyin syllables of the ideographs of a text (other characters break the sequence). */
export function pinyinSyllables(text: string): string[][] {
  const out: string[][] = [];
  for (const run of runs(fold(text))) {
    if (run.kind !== 'han') continue;
    out.push(pinyin(run.text, { toneType: 'none', type: 'array', v: true }));
  }
  return out;
}

/**
 * Splits a Latin string typed as pinyin into syllables (shigongxuke → shi gong xu ke), preferring
 * long syllables and backtracking when the rest cannot be split; null when it is not pinyin.
 */
export function splitPinyin(input: string): string[] | null {
  const set = syllableSet();
  const text = input.toLowerCase();
  if (!/^[a-z]+$/.test(text) || text.length > 60) return null;
  const memo = new Map<number, string[] | null>();
  const solve = (at: number): string[] | null => {
    if (at === text.length) return [];
    const known = memo.get(at);
    if (known !== undefined) return known;
    let result: string[] | null = null;
    for (let len = Math.min(6, text.length - at); len >= 1 && !result; len--) {
      const piece = text.slice(at, at + len);
      if (!set.has(piece)) continue;
      const rest = solve(at + len);
      if (rest) result = [piece, ...rest];
    }
    memo.set(at, result);
    return result;
  };
  return solve(0);
}

/**
 * Pinyin typed with tone marks (shī gōng xǔ kě, lǜ, copied from a dictionary) as the index holds it:
 * toneless, ü as v. Only Latin letters change.
 */
export function toneless(query: string): string {
  return query.replace(/[\u00C0-\u02AF\u1E00-\u1EFF]/g, (char) => {
    if (/[üǖǘǚǜÜǕǗǙǛ]/.test(char)) return char === char.toLowerCase() ? 'v' : 'V';
    // The alpha and script g of pinyin typefaces.
    if (char === 'ɑ') return 'a';
    if (char === 'ɡ') return 'g';
    return char.normalize('NFD').replace(/\p{M}/gu, '');
  });
}

/**
 * Pinyin typed a syllable or a few at a time (shi gong xu ke, Shigong Xuke) joined into one word,
 * as it is read when typed without spaces, and so are initials typed in groups (sg xk, bx sp: short
 * words none of which is pinyin, 3 to 12 letters together), which alone are too short to be read
 * as initials. Other Latin words stay apart.
 */
export function joinTypedPinyin(query: string): string {
  return query.replace(/(?<![A-Za-z0-9])[A-Za-z]+(?:\s+[A-Za-z]+)+(?![A-Za-z0-9])/g, (group) => {
    const words = group.split(/\s+/);
    if (words.every((word) => splitPinyin(word) !== null)) return words.join('');
    const joined = words.join('');
    const initials =
      joined.length >= 3 &&
      joined.length <= 12 &&
      words.every((word) => word.length <= 4 && splitPinyin(word) === null);
    return initials ? joined : group;
  });
}

/** Pinyin tokens of syllable sequences: syllable bigrams (py:shigong) and initial trigrams (pi:sgx). */
export function pinyinTokensOf(sequences: string[][]): string[] {
  const tokens: string[] = [];
  for (const seq of sequences) {
    if (seq.length === 1) tokens.push(`py:${seq[0]!}`);
    for (let i = 0; i + 1 < seq.length; i++) tokens.push(`py:${seq[i]!}${seq[i + 1]!}`);
    const initials = seq.map((s) => s[0]!).join('');
    for (let i = 0; i + 2 < initials.length; i++) tokens.push(`pi:${initials.slice(i, i + 3)}`);
  }
  return tokens;
}

/** Pinyin tokens of a document field (title, names). */
export function pinyinTokens(text: string): string[] {
  return pinyinTokensOf(pinyinSyllables(text));
}

/**
 * Pinyin tokens of a query: from its ideographs (a homophone typo meets the right record) and from
 * Latin words that split into pinyin syllables (shigongxuke) or look like initials (sgxk).
 */
export function queryPinyinTokens(query: string): string[] {
  return Object.keys(queryPinyinSources(query));
}

/**
 * The pinyin tokens of a query, each with the typed bigrams it was made from: a token of typed
 * ideographs lists its bigrams (py:xuke ← 许可; pi:sgx ← 施工, 工许), a token of typed Latin
 * letters none. The index may leave out a token all of whose bigrams are common words: those were
 * typed right, and their pinyin (as common as they are) would double the cost of ranking them.
 */
export function queryPinyinSources(query: string): Record<string, string[]> {
  const sources: Record<string, string[]> = {};
  const add = (token: string, bigrams: string[]) => {
    const list = (sources[token] ??= []);
    for (const b of bigrams) if (!list.includes(b)) list.push(b);
  };
  for (const run of runs(fold(query))) {
    if (run.kind === 'han') {
      const chars = [...run.text];
      const seq = pinyin(run.text, { toneType: 'none', type: 'array', v: true });
      // One syllable per character; otherwise the tokens cannot be traced back to characters.
      const bigram = (i: number) => (seq.length === chars.length ? [chars[i]! + chars[i + 1]!] : []);
      if (seq.length === 1) add(`py:${seq[0]!}`, []);
      for (let i = 0; i + 1 < seq.length; i++) add(`py:${seq[i]!}${seq[i + 1]!}`, bigram(i));
      const initials = seq.map((s) => s[0]!).join('');
      for (let i = 0; i + 2 < initials.length; i++)
        add(`pi:${initials.slice(i, i + 3)}`, [...bigram(i), ...bigram(i + 1)]);
      continue;
    }
    const typed = run.kind === 'word' ? readPinyin(run.text) : null;
    // Full pinyin: its syllable bigrams. Read as initials too (pi:sgx, or its letters pi:shi,
    // pi:hig …) it would match by chance only, and each such token is a long posting list.
    if (typed && 'syllables' in typed)
      for (const token of pinyinTokensOf([typed.syllables])) if (token.startsWith('py:')) add(token, []);
    if (typed && 'initials' in typed)
      for (let i = 0; i + 2 < typed.initials.length; i++) add(`pi:${typed.initials.slice(i, i + 3)}`, []);
  }
  return sources;
}

/** A Latin word of a query read as pinyin: full syllables (shigongxuke) or initials (sgxk). */
export type TypedPinyin = { syllables: string[] } | { initials: string };

/** A folded Latin word read as pinyin: syllables when it splits into two or more, else initials. */
function readPinyin(word: string): TypedPinyin | null {
  if (!/^[a-z]+$/.test(word)) return null;
  const split = splitPinyin(word);
  if (split && split.length >= 2) return { syllables: split };
  return word.length >= 3 && word.length <= 12 ? { initials: word } : null;
}

/** The Latin words of a query that are asked as pinyin (as queryPinyinSources reads them). */
export function typedPinyin(query: string): TypedPinyin[] {
  return runs(fold(query)).flatMap((run) => {
    const typed = run.kind === 'word' ? readPinyin(run.text) : null;
    return typed ? [typed] : [];
  });
}

/**
 * The ideographs of a text that typed pinyin spells, folded, so that a snippet can highlight 施工许可
 * for shigongxuke or sgxk: for each typed word, its longest runs of syllables in a row (at least
 * two; three initials, as the index's pinyin tokens hold them).
 */
export function pinyinSpans(text: string, typed: readonly TypedPinyin[]): string[] {
  const han = runs(fold(text))
    .filter((run) => run.kind === 'han')
    .map((run) => ({
      chars: [...run.text],
      syllables: pinyin(run.text, { toneType: 'none', type: 'array', v: true }),
    }))
    .filter((run) => run.syllables.length === run.chars.length);
  const spans = new Set<string>();
  for (const t of typed) {
    const wanted = 'syllables' in t ? t.syllables : [...t.initials];
    let best: string[] = [];
    let bestLength = Math.min(wanted.length, 'syllables' in t ? 2 : 3);
    for (const { chars, syllables } of han) {
      const have = 'syllables' in t ? syllables : syllables.map((s) => s[0]!);
      for (let i = 0; i < have.length; i++) {
        for (let j = 0; j < wanted.length; j++) {
          let k = 0;
          while (i + k < have.length && j + k < wanted.length && have[i + k] === wanted[j + k]) k++;
          if (k < bestLength) continue;
          if (k > bestLength) best = [];
          bestLength = k;
          best.push(chars.slice(i, i + k).join(''));
        }
      }
    }
    for (const span of best) spans.add(span);
  }
  return [...spans];
}
