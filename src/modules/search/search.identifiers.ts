/**
 * Identifiers (文号, 档号, credit codes, project codes): the key each is indexed and looked up under
 * (letters and digits only, so bracket and spacing variants meet), the identifiers found in a text
 * or a query, the spellings a typed one may stand for, and how many edits a near one is away.
 */
import { fold } from './search.analysis.ts';

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** A file name as our users' files are named: ending in the extension of a document or a scan. */
const FILE_NAME = /\.(?:pdf|ofd|tiff?|jpe?g|png|docx?|xlsx?|wps|et|txt|md|rtf|csv)$/;

/**
 * The key under which an identifier is indexed and looked up: folded, letters and digits only.
 * 呼审批发〔2024〕17号, 呼审批发[2024]17号 and 呼审批发 (2024) 17 号 share one key. Null when the
 * text holds no digit (an identifier always does, but for a file name: 营业执照副本.pdf) or is too
 * short or long to be one.
 */
export function identifierKey(raw: string): string | null {
  const folded = fold(raw).trim();
  let key = '';
  for (const char of folded) if (LETTER_OR_DIGIT.test(char)) key += char;
  if ((!/\d/.test(key) && !FILE_NAME.test(folded)) || key.length < 4 || key.length > 64) return null;
  return key;
}

// 文号: 机关代字〔年份〕序号号, with any bracket style and optional spaces.
const DOC_NUMBER =
  /[\p{Script=Han}A-Za-z]{1,16}\s*[〔［[(（【〖]\s*(?:19|20)\d{2}\s*[〕］\])）】〗]\s*第?\s*\d{1,6}\s*号/gu;
// The year and number of a 文号 as typed, with or without its agency or closing 号.
const BRACKETED_NUMBER = /[〔［[(（【〖]\s*(?:19|20)\d{2}\s*[〕］\])）】〗]\s*第?\s*\d{1,6}(?:\s*号)?/gu;
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
 * The identifiers written in a text (a query) as written: codes and credit codes whole, a 文号 from
 * its bracketed year on (the words before the bracket cannot be told from its agency; its closing
 * 号 may be left out). A snippet marks these whole, never their digit groups one by one (01 of a
 * project code is in every code).
 */
export function identifiersWritten(text: string): string[] {
  const normalised = text.normalize('NFKC');
  const found: string[] = [];
  for (const pattern of [BRACKETED_NUMBER, CREDIT_CODE, CODE_LIKE])
    for (const match of normalised.matchAll(pattern)) found.push(match[0]);
  return [...new Set(found)];
}

/**
 * The keys a typed identifier may be indexed under: its own, and that of the 文号 as written by the
 * rules for official documents (GB/T 9704: no 第, no leading zeros) when it was typed without the
 * closing 号, with 年 after the year, with 第 before the number or with leading zeros
 * (赛审批发2012 150, 2012年150号, 〔2016〕第1号, 〔2016〕01号).
 */
export function identifierSpellings(key: string): string[] {
  const spellings = new Set([key]);
  const written = /^(.*?)((?:19|20)\d{2})年?第?0*(\d{1,6})号?$/u.exec(key);
  // An agency ending in a digit would make the year a part of another number.
  if (written && !/\d$/.test(written[1]!)) spellings.add(`${written[1]}${written[2]}${written[3]}号`);
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

/** The shortest beginning of an identifier a typed fragment is looked up by (赛审批发〔2025〕: 8). */
const PREFIX_MIN = 7;
/** The shortest ending of a code a typed fragment is looked up by (the last six of a credit code). */
const SUFFIX_MIN = 6;
/** A code of letters and digits only: its endings are indexed (a 文号's are keys already). */
const CODE = /^[0-9A-Za-z]+$/;

/**
 * The partial keys an identifier key is also indexed under, so that a code, 档号 or 文号 typed
 * incompletely finds it: its beginnings (`91150100602TCP*`, `赛审批发2025*`) and, for a code of
 * letters and digits, its endings (`*602TCP9Y7J`). `*` is never part of a key (letters and digits
 * only), so a partial key never meets a whole one. Only keys as long as a code are split: at most
 * ~30 partial keys for a 25-character 档号.
 */
export function partialKeys(key: string): string[] {
  const chars = [...key];
  if (chars.length < NEAR_MIN_LENGTH) return [];
  const keys: string[] = [];
  for (let n = PREFIX_MIN; n < chars.length; n++) keys.push(`${chars.slice(0, n).join('')}*`);
  if (CODE.test(key))
    for (let n = SUFFIX_MIN; n < chars.length; n++) keys.push(`*${chars.slice(chars.length - n).join('')}`);
  return keys;
}

/**
 * The partial keys a typed key is looked up under when no identifier is held as typed: the
 * identifiers it begins and, typed in letters and digits, those it ends. Empty for a fragment of
 * fewer than six characters or two digits, which would stand for too many codes to mean one.
 */
export function partialLookups(key: string): string[] {
  const chars = [...key];
  const digits = chars.filter((c) => c >= '0' && c <= '9').length;
  if (digits < 2 || chars.length < SUFFIX_MIN) return [];
  const lookups: string[] = [];
  if (chars.length >= PREFIX_MIN) lookups.push(`${key}*`);
  if (CODE.test(key)) lookups.push(`*${key}`);
  return lookups;
}

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
