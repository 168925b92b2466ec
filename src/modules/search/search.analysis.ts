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
 *   so bracket and spacing variants (〔〕 [] () 【】) meet at the same key (search.identifiers.ts).
 * - Pinyin: syllable bigrams and initial trigrams of short fields (title, names), so homophone typos
 *   (施工需可证), full pinyin (shigongxuke) and initials (sgxk) find the record (search.pinyin.ts).
 */
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import * as OpenCC from 'opencc-js';

let toSimplified: ((text: string) => string) | undefined;
let jieba: Jieba | undefined;

/** 1 at the UTF-16 code of each character OpenCC would change (a table: ~10× a Set's lookups). */
let traditional: Uint8Array | undefined;

/**
 * Traditional → Simplified. Most archive text is Simplified already: the converter only runs on a
 * text holding a character that OpenCC would change (learnt once over the CJK block).
 */
function simplified(text: string): string {
  if (!toSimplified || !traditional) {
    const convert = OpenCC.Converter({ from: 't', to: 'cn' });
    toSimplified = (t) => convert(t) ?? t;
    traditional = new Uint8Array(0x10000);
    let block = '';
    for (let code = 0x3400; code <= 0x9fff; code++) block += String.fromCodePoint(code);
    const converted = toSimplified(block.split('').join('\n')).split('\n');
    for (let i = 0; i < converted.length; i++) {
      if (converted[i] !== block[i]) traditional[block.charCodeAt(i)] = 1;
    }
  }
  for (let i = 0; i < text.length; i++) {
    if (traditional[text.charCodeAt(i)] === 1) return toSimplified(text);
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
