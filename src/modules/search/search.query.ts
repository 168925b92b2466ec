/**
 * A user's query as the index asks it: parsing (quoted phrases, identifiers, pinyin), long queries
 * cut into chunks, synonym expansion, and the highlighted snippet of a hit. The analysis of text
 * itself is search.analysis.ts (folding, segmentation), search.identifiers.ts and search.pinyin.ts.
 */
import { analyze, fold, foldOneToOne, foldWithOffsets, isHan, runs } from './search.analysis.ts';
import {
  identifierKey,
  identifierSpellings,
  identifiersWritten,
  queryIdentifierKeys,
} from './search.identifiers.ts';
import {
  joinTypedPinyin,
  pinyinSpans,
  queryPinyinSources,
  toneless,
  typedPinyin,
  type TypedPinyin,
} from './search.pinyin.ts';

// ---- queries -----------------------------------------------------------------------------------

export interface ParsedQuery {
  /** folded query text, whitespace-collapsed */
  text: string;
  /** tokens every hit must contain (from quoted phrases) */
  required: string[];
  /** ranked tokens (any may match) */
  terms: string[];
  /** identifier keys to look up exactly */
  identifiers: string[];
  /** the key of the whole query when it reads as one identifier (then an exact match is the answer) */
  wholeIdentifier: string | null;
  /** pinyin tokens for homophones and typed pinyin */
  pinyin: string[];
  /**
   * the typed bigrams each pinyin token of typed ideographs was made from (search.pinyin.ts
   * queryPinyinSources); a token not listed, or listed without bigrams, is always asked
   */
  pinyinFrom?: Readonly<Record<string, readonly string[]>>;
  /** folded words to highlight in snippets */
  highlight: string[];
  /** identifiers typed (folded), marked whole in snippets; their letter and digit groups are no highlight words */
  highlightIdentifiers?: string[];
  /** Latin words asked as pinyin, whose ideographs a hit's snippet highlights (hitHighlight) */
  spelled?: TypedPinyin[];
  /** years typed as such (2023, 2023年, 2023年度): that year's records rank first among equal matches */
  years?: number[];
  /** months and days typed (2016年3月, 2016-03-15) as the beginnings of dates (2016-03, 2016-03-15) */
  dates?: string[];
  /** the words typed apart (folded runs of ideographs, letters or digits), named years aside */
  words?: string[];
  /** words no hit may hold (-食品, NOT 食品), each as its tokens: a hit holding all of one is left out */
  excluded?: string[][];
  /** for a synonym the query holds, the other members of its group (expandSynonyms) */
  synonymsOf?: Readonly<Record<string, readonly string[]>>;
}

/** The text without AND, OR, && and || standing between words. */
function withoutOperators(text: string): string {
  return text.replace(/(^|\s)(?:AND|OR|&&|\|\|)(?=\s|$)/g, ' ');
}

/**
 * A year typed on its own: four digits from 1950 to 2099, not part of a longer number or code
 * (2023-150100-… is a project code) nor a number (2023号), with 年 or 年度 after it or nothing.
 */
const YEAR_MENTION = /(?<![\p{N}\p{L}-])(19[5-9]\d|20\d\d)(?![\p{N}号-])(年度?)?/gu;
/** A span of years (2020-2023, 2020年至2023年, 2020~2023): each year of it is named. */
const YEAR_RANGE =
  /(?<![\p{N}\p{L}-])(19[5-9]\d|20\d\d)年?\s*(?:-|–|—|~|至|到)\s*(19[5-9]\d|20\d\d)(?![\p{N}号-])(?:年度?)?/gu;
/** A year in the brackets of a 文号 (塞审批发〔2022〕, the beginning of that agency's documents of the year). */
const BRACKETED_YEAR = /[〔［[(（【〖]\s*(?:19|20)\d{2}\s*[〕］\])）】〗]/u;
/** A longer span is not read as years (more likely numbers of another kind). */
const MAX_YEAR_SPAN = 30;
/** A month or a day of a year: 2016年3月, 2016年3月15日 (号), written out (a 文号 2016年1号 has no 月). */
const DATE_WRITTEN =
  /(?<![\p{N}\p{L}-])(19[5-9]\d|20\d\d)\s*年\s*(0?[1-9]|1[0-2])\s*月(?:\s*(0?[1-9]|[12]\d|3[01])\s*[日号])?/gu;
/** The same in figures: 2016-03, 2016-03-15, 2016.3.15, 2016/3/15 (not inside a code: 2021-150100-70). */
const DATE_FIGURES =
  /(?<![\p{N}\p{L}./-])(19[5-9]\d|20\d\d)([-./])(0?[1-9]|1[0-2])(?:\2(0?[1-9]|[12]\d|3[01]))?(?![\p{N}\p{L}./-])/gu;

/**
 * The years a query names, the months and days it names of them (as the beginnings of dates:
 * 2016-03, 2016-03-15), and its text with 年 and 年度 after a year, and the month and day after
 * it, left out: alone, 年 and 月 are in nearly every record (dates), so they would rank the
 * commonest tokens and light up every date in a snippet.
 */
export function yearMentions(text: string): { years: number[]; dates: string[]; text: string } {
  const years = new Set<number>();
  const dates = new Set<string>();
  const two = (n: string) => n.padStart(2, '0');
  const date = (year: string, month: string, day: string | undefined) => {
    years.add(Number(year));
    // A day typed names its month too: the records of that month come next.
    dates.add(`${year}-${two(month)}`);
    if (day) dates.add(`${year}-${two(month)}-${two(day)}`);
    return ` ${year} `;
  };
  const rest = text
    .replace(DATE_WRITTEN, (_, year: string, month: string, day?: string) => date(year, month, day))
    .replace(DATE_FIGURES, (_, year: string, __: string, month: string, day?: string) =>
      date(year, month, day),
    )
    .replace(YEAR_RANGE, (whole: string, from: string, to: string) => {
      const [a, b] = [Number(from), Number(to)];
      if (b < a || b - a > MAX_YEAR_SPAN) return whole;
      for (let year = a; year <= b; year++) years.add(year);
      return ` ${from} ${to} `;
    })
    .replace(YEAR_MENTION, (_, year: string) => {
      years.add(Number(year));
      return ` ${year} `;
    });
  return {
    years: [...years],
    dates: [...dates],
    text: years.size > 0 ? rest.replace(/ +/g, ' ').trim() : text,
  };
}

export const MAX_QUERY_LENGTH = 500;

/**
 * Parses a user's query. Quoted parts ("…", “…”, 「…」) are phrases: all their tokens are required.
 * Unbalanced quotes count as text. Operators of any query language are not interpreted, so nothing
 * typed can change the structure of the index query.
 */
export function parseQuery(raw: string): ParsedQuery {
  const typed = raw.normalize('NFKC').replace(/\s+/g, ' ').trim();
  // Words to leave out: -食品 or NOT 食品 (a - inside a word, as in 2023-150100, is not one).
  const excludedWords: string[] = [];
  const text = typed
    .replace(/(^|\s)(?:-|NOT\s+)([^\s"“”「」『』-]\S*)/g, (_, lead: string, word: string) => {
      excludedWords.push(word);
      return lead;
    })
    .replace(/\s+/g, ' ')
    .trim();
  const excluded = excludedWords
    .map((word) => analyze(word, { words: false }))
    .filter((tokens) => tokens.length > 0);
  const required: string[] = [];
  let rest = text;
  const phrases: string[] = [];
  rest = rest.replace(/["“”「」『』]([^"“”「」『』]+)["“”「」『』]/g, (_, phrase: string) => {
    phrases.push(phrase);
    return ' ';
  });
  for (const phrase of phrases) required.push(...analyze(phrase, { words: false }));
  // AND and OR of other search boxes join words (both are how words combine here anyway); read as
  // typed pinyin they would rank records by 安/按…
  rest = withoutOperators(rest);
  const mentioned = yearMentions(rest);
  rest = mentioned.text;
  // A named year beside other words is a preference (the year's records first), not a word to
  // rank: 2019 特种设备 otherwise put first records whose text repeats 2019 and holds no 特种设备.
  const yearWords = new Set(mentioned.years.map(String));
  const allTerms = [...new Set([...analyze(rest), ...analyze(phrases.join(' '))])];
  const otherTerms = allTerms.filter((term) => !yearWords.has(term));
  const terms = otherTerms.length > 0 ? otherTerms : allTerms;
  // Pinyin typed with spaces (shi gong xu ke) is read as typed without them, and with tone marks
  // (shī gōng xǔ kě) as typed without them.
  const pinyinText = joinTypedPinyin(toneless(rest));
  const pinyinFrom = queryPinyinSources(pinyinText);
  const highlight = [
    ...new Set(
      runs(fold(yearMentions(withoutOperators(text.replace(/["“”「」『』]/g, ' '))).text))
        .map((r) => r.text)
        .filter((t) => t.length > 0),
    ),
  ];
  // An identifier typed is marked whole: its groups one by one (01 of 2019-150100-58-01-218644,
  // 17 of 〔2024〕17号) would be marked in every code and date of a snippet.
  const written = identifiersWritten(text.replace(/["“”「」『』]/g, ' ')).map(fold);
  const groups = new Set(written.flatMap((w) => runs(w).map((r) => r.text)));
  // Identifiers are looked for in the text without its dates and, when what is left of it holds no
  // other digit, without its years: 施工许可 2023 holds no identifier (施工许可2023 was asked of the
  // index as a whole key and as the beginning of one), where 赛审批发〔2016〕3号 keeps its year, and
  // so does the beginning of a 文号, 塞审批发〔2022〕.
  const undated = text.replace(DATE_WRITTEN, ' ').replace(DATE_FIGURES, ' ');
  const yearless =
    mentioned.years.length > 0 ? undated.replace(YEAR_RANGE, ' ').replace(YEAR_MENTION, ' ') : undated;
  const idSource = /\d/.test(yearless) || BRACKETED_YEAR.test(undated) ? undated : yearless;
  return {
    text: fold(text),
    required: [...new Set(required)],
    terms,
    // A year named as such is no identifier to look up (2023 and its spelling 2023号).
    // Nor is a date (2016.3.15 would otherwise meet the 文号 keys of 〔2016〕315号).
    identifiers: [...new Set(queryIdentifierKeys(idSource).flatMap(identifierSpellings))].filter(
      (key) => !yearWords.has(key.replace(/号$/, '')),
    ),
    wholeIdentifier: identifierKey(idSource),
    pinyin: Object.keys(pinyinFrom),
    pinyinFrom,
    highlight: highlight.filter((word) => !groups.has(word)),
    ...(written.length > 0 ? { highlightIdentifiers: written } : {}),
    spelled: typedPinyin(pinyinText),
    ...(mentioned.years.length > 0 ? { years: mentioned.years } : {}),
    ...(mentioned.dates.length > 0 ? { dates: mentioned.dates } : {}),
    words: highlight.filter((word) => !mentioned.years.includes(Number(word))),
    ...(excluded.length > 0 ? { excluded } : {}),
  };
}

/** A typed bigram held by at least this share of the records is a word typed right (see rarePinyin). */
export const COMMON_BIGRAM_SHARE = 0.01;

/**
 * The query without the pinyin of words typed right: a pinyin token made only from bigrams that
 * many records hold (许可 → py:xuke) finds little its characters do not, while ranking it with
 * them doubles the work (许可 at a million records: ~4 ms alone, ~18 ms with py:xuke). The pinyin
 * of a rare bigram stays — a homophone typo (需可) makes one — and so does typed pinyin.
 * `share` estimates the share of records holding a bigram (common-tokens.ts).
 */
export function rarePinyin(query: ParsedQuery, share: (bigram: string) => number): ParsedQuery {
  const from = query.pinyinFrom;
  if (!from || query.pinyin.length === 0) return query;
  const pinyin = query.pinyin.filter((token) => {
    const bigrams = from[token];
    return !bigrams || bigrams.length === 0 || bigrams.some((b) => share(b) < COMMON_BIGRAM_SHARE);
  });
  return pinyin.length === query.pinyin.length ? query : { ...query, pinyin };
}

/** A query with at least this many ideographs is long (a whole title, an enterprise and project name). */
export const LONG_QUERY_HAN = 12;

/** Whether a query is long (then lance.adapter.ts looks for it chunk by chunk: queryChunks). */
export function isLongQuery(query: ParsedQuery): boolean {
  let han = 0;
  for (const char of query.text) if (isHan(char) && ++han >= LONG_QUERY_HAN) return true;
  return false;
}

/**
 * The chunks of a long query, for finding it despite a wrong character (pigeonhole principle):
 * pieces of its ideograph runs that share no character, each given as its bigrams. A wrong or
 * homophone character breaks the bigrams of one chunk only, so with two or more chunks at least one
 * is intact, and every record holding the query (but that character) holds all bigrams of that
 * chunk. Asking for all bigrams of a chunk at once is cheap only when they are selective: a chunk
 * is closed once its bigrams are rare enough by `share` (the share of records holding a token,
 * estimated: common-tokens.ts), and text made only of frequent bigrams (呼和浩特市, 有限公司) is
 * left out. Empty when the query is not
 * long or yields fewer than two chunks: such a query is ranked over all its tokens as before.
 */
export function queryChunks(query: ParsedQuery, share: (token: string) => number): string[][] {
  return queryChunkings(query, share)[0] ?? [];
}

/**
 * The ways to cut a long query into chunks (queryChunks), the most selective first: chunks closed
 * at a rarity of 3, then of 2 (a way giving fewer than two chunks, or the same chunks as the one
 * before, is left out). The index asks the chunks of all of them: two names typed side by side
 * make a junction bigram no record holds (合新医药 + 昭乌达路 → 药昭), and with a wrong or extra
 * character elsewhere each longer chunk may hold one or the other, where a shorter one (合新 新医)
 * closes before the junction.
 */
export function queryChunkings(query: ParsedQuery, share: (token: string) => number): string[][][] {
  if (!isLongQuery(query)) return [];
  const ways: string[][][] = [];
  // A bigram in under 0.1 % of the records counts 2, under 1 % counts 1. Chunks are cut as
  // selective as the query allows while still giving two of them: rarity 3, else 2.
  const rarity = (bigram: string) => {
    const s = share(bigram);
    return s < 0.001 ? 2 : s < 0.01 ? 1 : 0;
  };
  const han = runs(query.text).filter((r) => r.kind === 'han');
  for (const needed of [3, 2]) {
    const chunks: string[][] = [];
    for (const run of han) {
      const chars = [...run.text];
      let chunk: string[] = [];
      let held = 0;
      for (let i = 0; i + 1 < chars.length; i++) {
        const bigram = chars[i]! + chars[i + 1]!;
        chunk.push(bigram);
        held += rarity(bigram);
        if (held >= needed && chunk.length >= 2) {
          chunks.push(chunk);
          chunk = [];
          held = 0;
          // The next chunk starts after this one's last character: no character in two chunks.
          i++;
        }
      }
      if (held >= needed) chunks.push(chunk);
    }
    if (chunks.length >= 2 && JSON.stringify(chunks) !== JSON.stringify(ways.at(-1))) ways.push(chunks);
  }
  return ways;
}

/** Synonym groups, folded: each member stands for every other one. */
export type SynonymGroups = readonly (readonly string[])[];

/** Parses a synonym dictionary: one group per line, members split by spaces or commas, # comments. */
export function parseSynonyms(text: string): string[][] {
  const groups: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    const body = line.replace(/#.*$/, '').trim();
    if (body === '') continue;
    const members = [
      ...new Set(
        body
          .split(/[\s,，、]+/)
          .map((m) => fold(m))
          .filter((m) => m !== ''),
      ),
    ];
    if (members.length >= 2) groups.push(members);
  }
  return groups;
}

/**
 * Adds the tokens of the synonyms of any group member found in the query to its ranked terms (not
 * to the required ones: a synonym widens, it never narrows).
 */
export function expandSynonyms(query: ParsedQuery, groups: SynonymGroups): ParsedQuery {
  const extra: string[] = [];
  const highlight: string[] = [];
  const synonymsOf: Record<string, string[]> = {};
  for (const group of groups) {
    const present = group.filter((member) => query.text.includes(member));
    if (present.length === 0) continue;
    for (const member of group) {
      if (query.text.includes(member)) continue;
      extra.push(...analyze(member));
      highlight.push(member);
    }
    for (const member of present) synonymsOf[member] = group.filter((other) => other !== member);
  }
  if (extra.length === 0) return query;
  return {
    ...query,
    terms: [...new Set([...query.terms, ...extra])],
    highlight: [...query.highlight, ...highlight],
    synonymsOf,
  };
}

/** True when a parsed query has nothing to search for (empty, only punctuation or symbols). */
export function isEmptyQuery(query: ParsedQuery): boolean {
  return query.terms.length === 0 && query.identifiers.length === 0 && query.pinyin.length === 0;
}

// ---- snippets ----------------------------------------------------------------------------------

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The words to highlight in a hit's snippet: the query's, and the ideographs of the hit's title
 * that its typed pinyin spells (shigongxuke, sgxk → 施工许可), which the text then holds too.
 */
export function hitHighlight(query: ParsedQuery, title: string): string[] {
  if (!query.spelled?.length) return query.highlight;
  return [...query.highlight, ...pinyinSpans(title, query.spelled)];
}

/**
 * A window of the text around the best match of the highlight words, HTML-escaped, with matches
 * wrapped in <mark>…</mark>. Falls back to the start of the text.
 */
export function makeSnippet(
  text: string,
  highlight: string[],
  identifiers: readonly string[] = [],
  width = 80,
): string {
  if (text === '') return '';
  const oneToOne = foldOneToOne(text);
  const { folded, offsets } = oneToOne === null ? foldWithOffsets(text) : { folded: oneToOne, offsets: null };
  // Matches of each highlight word; a long word that does not occur is tried as its bigrams.
  const needles = new Set<string>();
  for (const word of highlight) {
    if (folded.includes(word)) needles.add(word);
    else if ([...word].length > 2) for (const t of analyze(word, { words: false })) needles.add(t);
    else needles.add(word);
  }
  const spans: [number, number][] = [];
  for (const needle of needles) {
    if (needle.length === 0) continue;
    let at = folded.indexOf(needle);
    let count = 0;
    while (at !== -1 && count++ < 200) {
      spans.push([at, at + needle.length]);
      at = folded.indexOf(needle, at + needle.length);
    }
  }
  // An identifier as typed, its groups joined by whatever brackets, dashes or spaces the text has
  // between them ([2024]17号 marks 〔2024〕17号, 2019-150100 marks 2019—150100).
  for (const identifier of identifiers) {
    const parts = runs(identifier).map((r) => r.text);
    if (parts.length === 0) continue;
    const bracket = /^[[(〔［（【〖]/u.test(identifier) ? '[[(〔［（【〖]?' : '';
    // Not [^\p{L}\p{N}]: a regular expression with Unicode classes takes ~1.4 ms to compile.
    const pattern = new RegExp(bracket + parts.join('[^0-9a-z\\u3400-\\u9fff]{0,3}'), 'g');
    let count = 0;
    for (const match of folded.matchAll(pattern)) {
      spans.push([match.index, match.index + match[0].length]);
      if (++count >= 200) break;
    }
  }
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  // Window: the position with most matches within `width` characters.
  let bestStart = 0;
  let bestCount = 0;
  for (let i = 0, j = 0; i < spans.length; i++) {
    while (spans[j]![0] < spans[i]![0] - width) j++;
    if (i - j + 1 > bestCount) {
      bestCount = i - j + 1;
      bestStart = spans[j]![0];
    }
  }
  const fStart = Math.max(0, bestStart - Math.floor(width / 4));
  const fEnd = Math.min(folded.length, fStart + width);
  // Merge overlapping spans inside the window.
  const merged: [number, number][] = [];
  for (const [s, e] of spans) {
    if (e <= fStart || s >= fEnd) continue;
    const last = merged.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([Math.max(s, fStart), Math.min(e, fEnd)]);
  }
  const orig = (f: number) => (offsets ? offsets[f]! : f);
  let out = fStart > 0 ? '…' : '';
  let cursor = orig(fStart);
  for (const [s, e] of merged) {
    out +=
      escapeHtml(text.slice(cursor, orig(s))) +
      '<mark>' +
      escapeHtml(text.slice(orig(s), orig(e))) +
      '</mark>';
    cursor = orig(e);
  }
  out += escapeHtml(text.slice(cursor, orig(fEnd)));
  if (fEnd < folded.length) out += '…';
  return out.replace(/\s+/g, ' ');
}
