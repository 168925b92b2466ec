/**
 * Chinese text analysis for search, shared by indexing and querying so that both see the same
 * tokens. Pure functions, no I/O.
 *
 * - Folding: NFKC (full-width → half-width, compatibility forms), case folding, Traditional →
 *   Simplified (OpenCC tables) — one character at a time, so offsets map back to the original text
 *   for snippets.
 * - CJK runs: overlapping bigrams (recall for any substring ≥ 2 characters, robust to a wrong
 *   character) plus jieba words of three or more characters (precision for terms such as 施工许可证).
 * - Latin letters and digits: words as they are.
 * - Identifiers (文号, 档号, credit codes, project codes): one key made of letters and digits only,
 *   so bracket and spacing variants (〔〕 [] () 【】) meet at the same key.
 * - Pinyin: syllable bigrams and initial trigrams of short fields (title, names), so homophone typos
 *   (施工需可证), full pinyin (shigongxuke) and initials (sgxk) find the record.
 */
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import * as OpenCC from 'opencc-js';
import { pinyin } from 'pinyin-pro';

let toSimplified: ((text: string) => string) | undefined;
let jieba: Jieba | undefined;

let traditional: Set<number> | undefined;

/**
 * Traditional → Simplified. Most archive text is Simplified already: the converter only runs on a
 * text holding a character that OpenCC would change (learnt once over the CJK block).
 */
function simplified(text: string): string {
  if (!toSimplified || !traditional) {
    const convert = OpenCC.Converter({ from: 't', to: 'cn' });
    toSimplified = (t) => convert(t) ?? t;
    traditional = new Set();
    let block = '';
    for (let code = 0x3400; code <= 0x9fff; code++) block += String.fromCodePoint(code);
    const converted = toSimplified(block.split('').join('\n')).split('\n');
    for (let i = 0; i < converted.length; i++) {
      if (converted[i] !== block[i]) traditional.add(block.codePointAt(i)!);
    }
  }
  for (let i = 0; i < text.length; i++) {
    if (traditional.has(text.charCodeAt(i))) return toSimplified(text);
  }
  return text;
}

const HAN = /\p{Script=Han}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const ALL_HAN = /^\p{Script=Han}+$/u;

/** Whether a code point is a CJK ideograph (any block, extensions included). */
export function isHan(char: string): boolean {
  return HAN.test(char);
}

const foldCache = new Map<string, string>();

/** Folds one code point: NFKC, lower case, Traditional → Simplified. */
function foldChar(char: string): string {
  const code = char.codePointAt(0)!;
  if (code < 0x80) return char.toLowerCase();
  let folded = foldCache.get(char);
  if (folded === undefined) {
    folded = char.normalize('NFKC').toLowerCase();
    if (isHan(folded)) folded = simplified(folded);
    if (foldCache.size < 100_000) foldCache.set(char, folded);
  }
  return folded;
}

/**
 * The folded text: what every comparison in search works on. Whole-string operations (native NFKC
 * and case folding, then OpenCC) are an order of magnitude faster than folding one character at a
 * time; foldWithOffsets does the latter where offsets matter (snippets).
 */
export function fold(text: string): string {
  const folded = text.normalize('NFKC').toLowerCase();
  return HAN.test(folded) ? simplified(folded) : folded;
}

/**
 * The folded text and, for each UTF-16 unit of it, the offset in the original text it came from,
 * so that a match found in folded text can be highlighted in the original.
 */
export function foldWithOffsets(text: string): { folded: string; offsets: number[] } {
  let folded = '';
  const offsets: number[] = [];
  let at = 0;
  for (const char of text) {
    const f = foldChar(char);
    for (let i = 0; i < f.length; i++) offsets.push(at);
    folded += f;
    at += char.length;
  }
  offsets.push(at);
  return { folded, offsets };
}

/**
 * Characters each of which folds to exactly one UTF-16 unit (ASCII, common quotes and dashes, CJK
 * punctuation without the combining tone marks, the unified ideographs, full-width ASCII): a text
 * made of them only folds the same one unit at a time, offsets unchanged.
 */
export const ONE_TO_ONE: readonly (readonly [number, number])[] = [
  [0x09, 0x0a],
  [0x0d, 0x0d],
  [0x20, 0x7f],
  [0xb7, 0xb7],
  [0x2013, 0x2014],
  [0x2018, 0x2019],
  [0x201c, 0x201d],
  [0x3000, 0x3029],
  [0x3030, 0x303f],
  [0x4e00, 0x9fff],
  [0xff01, 0xff5e],
];
const BIG_ENDIAN = endianness() === 'BE';
/** For each UTF-16 unit of those: the unit it folds to (foldChar); -1 for every other unit. */
let oneToOne: Int32Array | undefined;

function oneToOneTable(): Int32Array {
  if (oneToOne) return oneToOne;
  const table = new Int32Array(0x10000).fill(-1);
  for (const [from, to] of ONE_TO_ONE)
    for (let unit = from; unit <= to; unit++) {
      // A few Traditional characters simplify to one outside the BMP (two units): left out.
      const folded = foldChar(String.fromCharCode(unit));
      if (folded.length === 1) table[unit] = folded.charCodeAt(0);
    }
  return (oneToOne = table);
}

/**
 * The folded text when every character of it folds to one unit (so offsets are the identity), or
 * null. One pass over a table of the folds (made once): the snippets of a page of hits fold each
 * hit's whole stored text, ~1,000 characters, where NFKC, lower-casing and a regular expression
 * for the Traditional characters, whole-string, took ~55 µs a text.
 */
export function foldOneToOne(text: string): string | null {
  const table = oneToOneTable();
  let units: Uint16Array | undefined;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const folded = table[unit]!;
    if (folded === -1) return null;
    if (units) units[i] = folded;
    else if (folded !== unit) {
      // The first unit that changes: the text is copied from here on.
      units = new Uint16Array(text.length);
      for (let j = 0; j < i; j++) units[j] = text.charCodeAt(j);
      units[i] = folded;
    }
  }
  if (!units) return text;
  const bytes = Buffer.from(units.buffer, units.byteOffset, units.byteLength);
  // Typed arrays are in the machine's byte order; the decoder reads little-endian.
  if (BIG_ENDIAN) bytes.swap16();
  return bytes.toString('utf16le');
}

interface Run {
  kind: 'han' | 'word';
  text: string;
}

/** Splits folded text into runs of CJK ideographs and runs of other letters/digits. */
export function runs(folded: string): Run[] {
  const out: Run[] = [];
  let current: Run | undefined;
  for (const char of folded) {
    const code = char.charCodeAt(0);
    // Fast paths for the common CJK block and ASCII before the Unicode property tests.
    const kind =
      code >= 0x4e00 && code <= 0x9fff
        ? 'han'
        : code < 0x80
          ? (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)
            ? 'word'
            : undefined
          : isHan(char)
            ? 'han'
            : LETTER_OR_DIGIT.test(char)
              ? 'word'
              : undefined;
    if (kind === undefined) {
      current = undefined;
      continue;
    }
    if (current?.kind === kind) current.text += char;
    else {
      current = { kind, text: char };
      out.push(current);
    }
  }
  return out;
}

const DEFAULT_TERMS = join(import.meta.dirname, 'terms.default.txt');

function segmenter(): Jieba {
  if (!jieba) {
    jieba = Jieba.withDict(dict);
    jieba.loadDict(termDictionary(readFileSync(DEFAULT_TERMS, 'utf8')));
  }
  return jieba;
}

/**
 * A jieba dictionary from a term list: one term per line with an optional frequency and tag,
 * # comments. Terms without a frequency get a high one, so that they are kept whole.
 */
export function termDictionary(text: string): Buffer {
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const [word, freq, tag] = line.replace(/#.*$/, '').trim().split(/\s+/);
    if (!word || word.length > MAX_WORD_TOKEN) continue;
    const frequency = freq && /^\d{1,9}$/.test(freq) ? freq : '1000';
    lines.push([fold(word), frequency, ...(tag && /^[a-z]{1,4}$/i.test(tag) ? [tag] : [])].join(' '));
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/** Adds the archive's own terms (<data>/search/terms.txt) to the segmenter of this process. */
export function addTerms(text: string): void {
  segmenter().loadDict(termDictionary(text));
}

const MAX_WORD_TOKEN = 40;

/**
 * Index/query tokens of a text: CJK bigrams (a lone ideograph stays a unigram), jieba words of three
 * or more ideographs, and Latin/digit words. The same function serves documents and queries.
 */
export function analyze(text: string, options: { words?: boolean } = {}): string[] {
  const tokens: string[] = [];
  const folded = fold(text);
  let long = false;
  for (const run of runs(folded)) {
    if (run.kind === 'word') {
      if (run.text.length <= MAX_WORD_TOKEN) tokens.push(run.text);
      continue;
    }
    const chars = [...run.text];
    if (chars.length === 1) {
      tokens.push(chars[0]!);
      continue;
    }
    for (let i = 0; i + 1 < chars.length; i++) tokens.push(chars[i]! + chars[i + 1]!);
    if (chars.length >= 3) long = true;
  }
  // One call into jieba for the whole text: a call per run costs more than the segmentation.
  if (options.words !== false && long) {
    for (const word of segmenter().cutForSearch(folded, true)) {
      if (word.length >= 3 && word.length <= MAX_WORD_TOKEN && ALL_HAN.test(word)) tokens.push(word);
    }
  }
  return tokens;
}

/** Single ideographs of a text: indexed for short fields only, so that a one-character query finds titles. */
export function unigrams(text: string): string[] {
  const out: string[] = [];
  for (const char of fold(text)) if (isHan(char)) out.push(char);
  return out;
}

/**
 * The key under which an identifier is indexed and looked up: folded, letters and digits only.
 * 呼审批发〔2024〕17号, 呼审批发[2024]17号 and 呼审批发 (2024) 17 号 share one key. Null when the
 * text holds no digit (an identifier always does) or is too short or long to be one.
 */
export function identifierKey(raw: string): string | null {
  let key = '';
  for (const char of fold(raw)) if (LETTER_OR_DIGIT.test(char)) key += char;
  if (!/\d/.test(key) || key.length < 4 || key.length > 64) return null;
  return key;
}

// 文号: 机关代字〔年份〕序号号, with any bracket style and optional spaces.
const DOC_NUMBER =
  /[\p{Script=Han}A-Za-z]{1,16}\s*[〔［[(（【〖]\s*(?:19|20)\d{2}\s*[〕］\])）】〗]\s*第?\s*\d{1,6}\s*号/gu;
// 统一社会信用代码 (GB 32100-2015): 18 characters from the code alphabet.
const CREDIT_CODE = /(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])/giu;
// 档号 and project codes: letter/digit groups joined by - · . / (at least two joints and a digit).
const CODE_LIKE = /[0-9A-Za-z]+(?:\s*[-·・./_—]\s*[0-9A-Za-z]+){2,}/gu;

/**
 * Identifier keys found inside a free text (a query or a body): 文号, credit codes, 档号-like codes.
 * `yearAndNumber` also keys a 文号 by its year and number alone (〔2024〕17号), for a record's own
 * 文号: a query holding a whole 文号 must not meet those of every agency.
 */
export function findIdentifiers(text: string, options: { yearAndNumber?: boolean } = {}): string[] {
  const normalised = text.normalize('NFKC');
  const keys = new Set<string>();
  // The agency prefix of a 文号 cannot be told from the words before it (关于呼审批发…): every
  // suffix of at least two characters is a candidate key.
  for (const match of normalised.matchAll(DOC_NUMBER)) {
    const chars = [...match[0]];
    const bracket = chars.findIndex((c) => /[〔［[(（【〖\s]/u.test(c));
    for (let i = 0; i <= bracket; i++) {
      if (i === bracket - 1 || (i === bracket && !options.yearAndNumber)) continue;
      const key = identifierKey(chars.slice(i).join(''));
      if (key) keys.add(key);
    }
  }
  for (const pattern of [CREDIT_CODE, CODE_LIKE]) {
    for (const match of normalised.matchAll(pattern)) {
      const key = identifierKey(match[0]);
      if (key) keys.add(key);
    }
  }
  return [...keys];
}

/**
 * The keys a typed identifier may be indexed under: its own, and that of the written 文号 when it
 * was typed without the closing 号 or with 年 after the year (赛审批发2012 150, 2012年150号).
 */
export function identifierSpellings(key: string): string[] {
  const spellings = new Set([key]);
  const year = /^(.*?)((?:19|20)\d{2})年(\d{1,6})号?$/u.exec(key);
  if (year) spellings.add(`${year[1]}${year[2]}${year[3]}号`);
  if (/\d$/.test(key)) spellings.add(`${key}号`);
  return [...spellings];
}

/**
 * Whether a key can be looked for by its near spellings (a wrong, missing or extra character):
 * long enough and made mostly of digits, as codes, 文号 and 档号 are. A short or wordy key would
 * meet unrelated identifiers one edit away.
 */
export function nearMatchable(key: string): boolean {
  const chars = [...key];
  const digits = chars.filter((c) => c >= '0' && c <= '9').length;
  return chars.length >= NEAR_MIN_LENGTH && digits >= 5 && digits * 2 >= chars.length - 2;
}
const NEAR_MIN_LENGTH = 8;

/**
 * Whether two strings are at most `max` edits apart (insertions, deletions, substitutions of
 * characters, as Lance counts them for a fuzzy match): a band of the edit-distance table, given up
 * as soon as every cell of a row exceeds `max`.
 */
export function withinEdits(a: string, b: string, max: number): boolean {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > max) return false;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = new Array<number>(y.length + 1).fill(max + 1);
    current[0] = i;
    let best = current[0];
    for (let j = Math.max(1, i - max); j <= Math.min(y.length, i + max); j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j - 1]! + cost, previous[j]! + 1, current[j - 1]! + 1);
      best = Math.min(best, current[j]!);
    }
    if (best > max) return false;
    previous = current;
  }
  return previous[y.length]! <= max;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * A test of strings at most `max` edits from `key` (as withinEdits), made once for many candidates
 * (every identifier of the fresh segment): for a key of up to 32 UTF-16 units, Myers' bit-parallel
 * edit distance (a few word operations per character of the candidate, where the table costs a
 * band of cells: 120,000 keys ~95 -> ~15-25 ms, under load); a string with a character outside the BMP goes
 * through withinEdits, which counts it once.
 */
export function nearTo(key: string, max: number): (candidate: string) => boolean {
  const m = key.length;
  if (m === 0 || m > 32 || SURROGATE.test(key)) return (candidate) => withinEdits(key, candidate, max);
  // Which positions of the key hold each UTF-16 unit (a table of every unit: no hashing per character).
  const equal = new Int32Array(65536);
  for (let i = 0; i < m; i++) equal[key.charCodeAt(i)]! |= 1 << i;
  const mask = m === 32 ? -1 : (1 << m) - 1;
  const last = 1 << (m - 1);
  return (text) => {
    if (Math.abs(text.length - m) > 2 * max) return false;
    if (SURROGATE.test(text)) return withinEdits(key, text, max);
    // Column by column of the edit-distance table, its vertical differences as bit vectors
    // (positive: pv, negative: mv); `score` follows the last row.
    let pv = mask;
    let mv = 0;
    let score = m;
    for (let j = 0; j < text.length; j++) {
      const eq = equal[text.charCodeAt(j)]!;
      const xv = eq | mv;
      const xh = ((((eq & pv) + pv) & mask) ^ pv) | eq;
      let ph = mv | (~(xh | pv) & mask);
      let mh = pv & xh;
      if (ph & last) score++;
      else if (mh & last) score--;
      // The first row counts the text's characters (a whole-string distance, not a search).
      ph = ((ph << 1) | 1) & mask;
      mh = (mh << 1) & mask;
      pv = mh | (~(xv | ph) & mask);
      mv = ph & xv;
      // Each remaining character can lower the score by one at most.
      if (score - (text.length - 1 - j) > max) return false;
    }
    return score <= max;
  };
}

/** Identifier keys a query may mean: the whole query, each whitespace part, and identifiers inside. */
export function queryIdentifierKeys(query: string): string[] {
  const keys = new Set<string>();
  const whole = identifierKey(query);
  if (whole) keys.add(whole);
  for (const part of query.split(/\s+/)) {
    const key = identifierKey(part);
    if (key) keys.add(key);
  }
  for (const key of findIdentifiers(query)) keys.add(key);
  return [...keys];
}

// ---- pinyin ------------------------------------------------------------------------------------

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
    if (run.kind !== 'word' || !/^[a-z]+$/.test(run.text)) continue;
    const split = splitPinyin(run.text);
    if (split && split.length >= 2) {
      // Full pinyin: its syllable bigrams. Read as initials too (pi:sgx, or its letters pi:shi,
      // pi:hig …) it would match by chance only, and each such token is a long posting list.
      for (const token of pinyinTokensOf([split])) if (token.startsWith('py:')) add(token, []);
      continue;
    }
    if (run.text.length >= 3 && run.text.length <= 12) {
      for (let i = 0; i + 2 < run.text.length; i++) add(`pi:${run.text.slice(i, i + 3)}`, []);
    }
  }
  return sources;
}

/** A Latin word of a query read as pinyin: full syllables (shigongxuke) or initials (sgxk). */
export type TypedPinyin = { syllables: string[] } | { initials: string };

/** The Latin words of a query that are asked as pinyin (as queryPinyinSources reads them). */
export function typedPinyin(query: string): TypedPinyin[] {
  const typed: TypedPinyin[] = [];
  for (const run of runs(fold(query))) {
    if (run.kind !== 'word' || !/^[a-z]+$/.test(run.text)) continue;
    const split = splitPinyin(run.text);
    if (split && split.length >= 2) typed.push({ syllables: split });
    else if (run.text.length >= 3 && run.text.length <= 12) typed.push({ initials: run.text });
  }
  return typed;
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
