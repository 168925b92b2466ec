/**
 * One search on the LanceDB table as the adapter holds it at that moment (lance.adapter.ts keeps
 * the table, its indexes, the fresh segment and the row directory in step with writes): exact and
 * near identifiers, one ranked evaluation over the counting window (Lance's indexed rows merged
 * with the fresh segment) for order, totals and facets, then the page's stored text by row address.
 */
import type * as lancedb from '@lancedb/lancedb';
import type { FreshSegment } from './fresh-segment.ts';
import type { LongQueries } from './long-query.ts';
import type { PageStore } from './page-store.ts';
import type { DirectoryKeeper } from './row-directory.ts';
import { identifierSpellings, nearMatchable, partialLookups } from './search.identifiers.ts';
import { rarePinyin } from './search.query.ts';
import {
  admits,
  countFacets,
  FACET_SELECT,
  identifierQuery,
  nearIdentifierQuery,
  predicate,
  readHits,
  textQuery,
  type TextQuery,
  type WindowRow,
  windowRow,
} from './lance.query.ts';
import type { FreshRow } from './lance.rows.ts';
import { orderByWordsHeld } from './several-words.ts';
import {
  type AlongsideFindings,
  FACETS,
  type IndexHit,
  type IndexQuery,
  type IndexResult,
  type RankedPage,
} from './search.port.ts';

/** A key of this many characters is also looked for two edits away when none is one edit away. */
const NEAR_TWO_EDITS = 12;

/** What a search reads of the adapter's state, taken when the search starts. */
export interface SearchView {
  /** the table searches use (undefined before the first write) */
  table: lancedb.Table | undefined;
  /** whether its full-text indexes are made */
  indexed: boolean;
  fresh: FreshSegment<FreshRow>;
  directory: DirectoryKeeper;
  long: LongQueries;
  /** by record id: a hit's text, its columns, and who holds each whole identifier (page-store.ts) */
  pages: PageStore;
}

/** Lance's best indexed rows: by address through the directory, reading columns only for the rest. */
async function lanceRanked(
  view: SearchView,
  t: lancedb.Table,
  q: TextQuery,
  where: string,
  limit: number,
): Promise<WindowRow[]> {
  const base = () => {
    const query = t.query().fullTextSearch(q.lance).fastSearch().withRowId().limit(limit);
    return where ? query.where(where) : query;
  };
  const known = t === view.table && view.indexed ? view.directory.current(t) : undefined;
  if (!known)
    return (await base()
      .select(['id', 'formed_on', ...FACET_SELECT, '_score'])
      .toArray()) as WindowRow[];
  // Read as columns: row objects of an Arrow table cost a getter call per field (~1 µs a row).
  const result = await base().select(['_score']).toArrow();
  const addresses = (result.getChild('_rowid')?.toArray() ?? []) as BigUint64Array;
  const scores = (result.getChild('_score')?.toArray() ?? []) as Float32Array;
  const ranked = Array.from(addresses, (address, i) => ({ _rowid: address, _score: scores[i]! }));
  const rows: (WindowRow | undefined)[] = ranked.map((r) => known.get(r._rowid, r._score));
  const unknown = ranked.filter((_, i) => !rows[i]);
  if (unknown.length > 0) {
    const read = (await t
      .takeRowIds(unknown.map((r) => r._rowid))
      .withRowId()
      .select(['id', 'formed_on', ...FACET_SELECT])
      .toArray()) as WindowRow[];
    const byAddress = new Map(read.map((r) => [r._rowid, r]));
    ranked.forEach((r, i) => {
      const row = rows[i] ?? byAddress.get(r._rowid);
      if (row) row._score = r._score;
      rows[i] = row;
    });
  }
  return rows.filter((r): r is WindowRow => r !== undefined);
}

/** The best rows of Lance (indexed rows only) and of the fresh segment, merged by score. */
export async function rankedRows(
  view: SearchView,
  t: lancedb.Table,
  q: TextQuery,
  where: string,
  allowed: (row: FreshRow) => boolean,
  field: 'tokens' | 'ids',
  limit: number,
): Promise<WindowRow[]> {
  if (limit <= 0) return [];
  const lanceRows = await lanceRanked(view, t, q, where, limit);
  const fresh = view.fresh;
  if (fresh.size === 0) return lanceRows;
  const freshRows: WindowRow[] = fresh
    .search(field, q.fresh, allowed, limit)
    .map(({ row, score }) => windowRow(row, score));
  // A row held in the segment is newer than any copy Lance still returns.
  const merged = [...freshRows, ...lanceRows.filter((r) => !fresh.has(r.id))];
  merged.sort((a, b) => b._score - a._score);
  return merged.slice(0, limit);
}

/**
 * The records holding any of these whole identifier keys, from the page store when it can tell
 * (page-store.ts lookup; else undefined, and Lance is asked): all of them are read, those outside
 * the query's scope and filters left out before any is counted (as the fresh segment applies the
 * predicate), so none is missed and none unseen is counted. Those holding more of the keys come
 * first, then those indexed under fewer identifiers (as BM25 weighs a shorter field), then the newest.
 */
function storedIdentifierRows(
  view: SearchView,
  keys: readonly string[],
  allowed: (row: FreshRow) => boolean,
  limit: number,
): WindowRow[] | undefined {
  const found = view.pages.lookup(keys, limit);
  if (!found) return undefined;
  // A stored head holds every column the predicate and a window row read (page-store.ts).
  return found
    .filter((f) => allowed(f.head as unknown as FreshRow))
    .map(({ head, held }) => windowRow(head as unknown as FreshRow, held + 1 / (1 + head.idTokens)))
    .sort(
      (a, b) =>
        b._score - a._score ||
        (b.formed_on ?? '').localeCompare(a.formed_on ?? '') ||
        a.id.localeCompare(b.id),
    );
}

/**
 * Both values, once both have settled: a retry of the search must not overlap a read or the
 * caller's work of this try.
 */
async function settled<A, B>(a: A | Promise<A>, b: B | Promise<B>): Promise<[A, B]> {
  const [x, y] = await Promise.allSettled([a, b]);
  if (x.status === 'rejected') throw x.reason;
  if (y.status === 'rejected') throw y.reason;
  return [x.value, y.value];
}

/**
 * How much better a record of a year the query names ranks than its text alone would place it; a
 * record formed in a month or on a day the query names (2016年3月, 2016-03-15) ranks better again.
 */
const YEAR_BOOST = 1.25;
const DATE_BOOST = 1.25;

/**
 * The window with the records of the years typed (住建局 施工许可 2023) before those of other years
 * that match the words as well, and of the months or days typed before the rest of their year: a
 * boost, not a filter, since a year typed may as well be in the text. Rows are copied, never
 * changed: the row directory keeps them.
 */
function preferDates(
  rows: WindowRow[],
  years: readonly number[],
  dates: readonly string[] = [],
): WindowRow[] {
  const wanted = new Set(years);
  // Each date typed that a record's date begins with (its month, then its day) counts once more.
  const boost = (r: WindowRow) =>
    (wanted.has(Number(r.year)) ? YEAR_BOOST : 1) *
    DATE_BOOST ** dates.filter((d) => r.formed_on?.startsWith(d)).length;
  if (!rows.some((r) => boost(r) > 1)) return rows;
  return rows
    .map((r) => {
      const factor = boost(r);
      return factor > 1 ? { ...r, _score: r._score * factor } : r;
    })
    .sort((a, b) => b._score - a._score);
}

/** One search on the table as the adapter holds it now. */
export async function searchView(
  view: SearchView,
  q: IndexQuery,
  alongside?: (ranked: RankedPage) => Promise<AlongsideFindings | void>,
): Promise<IndexResult> {
  const empty: IndexResult = {
    hits: [],
    total: 0,
    totalExact: true,
    facets: Object.fromEntries(FACETS.map((f) => [f, []])) as unknown as IndexResult['facets'],
  };
  const where = predicate(q.scope, q.filters);
  const allowed = admits(q.scope, q.filters);
  const { table: t, indexed, fresh, long } = view;
  if (where === null || allowed === null || !t || !indexed) return empty;
  const { query } = q;
  const pageEnd = q.offset + q.limit;

  // Exact identifiers first. When the whole query is the identifier of a record (a 文号, 档号 or
  // code typed in full), the records that carry it are the answer and the ranked text search is
  // skipped: its bigrams (审批, 批发 …) are among the commonest and would cost the most to rank.
  const whole = query.wholeIdentifier;
  const wholeKeys = whole ? identifierSpellings(whole) : [];
  const wholeRows =
    wholeKeys.length > 0
      ? (storedIdentifierRows(view, wholeKeys, allowed, q.countWindow) ??
        (await rankedRows(view, t, identifierQuery(wholeKeys)!, where, allowed, 'ids', q.countWindow)))
      : [];
  const identified = wholeRows.length > 0;
  // Else the query's other identifiers as typed and, for when none is held so, the identifiers a
  // typed key begins or, a code, ends (typed incompletely): asked at once, one wait.
  const others = identified
    ? undefined
    : identifierQuery(query.identifiers.filter((k) => !wholeKeys.includes(k)));
  const partial = identified
    ? undefined
    : identifierQuery([
        ...new Set([...(whole ? [whole] : []), ...query.identifiers].flatMap(partialLookups)),
      ]);
  const [otherRows, partialAll] = await settled(
    others ? rankedRows(view, t, others, where, allowed, 'ids', q.countWindow) : [],
    partial ? rankedRows(view, t, partial, where, allowed, 'ids', q.countWindow) : [],
  );
  const exactRows = identified ? wholeRows : otherRows;
  const partialRows = exactRows.length > 0 ? [] : partialAll;
  // Else the identifiers one edit away, else two (a long key), before the text.
  const nearKeys =
    exactRows.length > 0 || partialRows.length > 0
      ? []
      : (whole ? [whole] : query.identifiers).filter(nearMatchable);
  let nearRows: WindowRow[] = [];
  for (const distance of [1, 2]) {
    const keys = nearKeys.filter((key) => distance === 1 || [...key].length >= NEAR_TWO_EDITS);
    const near = nearIdentifierQuery(keys, distance);
    if (nearRows.length > 0 || !near) break;
    nearRows = await rankedRows(view, t, near, where, allowed, 'ids', q.countWindow);
  }
  // The pinyin of words typed right is left out of the ranked query (search.query.ts rarePinyin).
  // A whole query that reads as a code and begins or ends some is answered by those: its text
  // (digit groups as 2019 150100 68) would only add records that share a group.
  const answered = identified || (partialRows.length > 0 && !!whole && nearMatchable(whole));
  const common = answered || !query.pinyinFrom ? undefined : await long.commonTokens(t);
  const main = answered ? undefined : textQuery(common ? rarePinyin(query, (b) => common.share(b)) : query);
  // One ranked evaluation over the counting window gives order, totals and facets; the page's
  // stored fields are then read by row address.
  const ranked = main
    ? ((await long.rank(t, query, where, allowed, Math.max(q.countWindow, pageEnd), pageEnd)) ??
      (await rankedRows(view, t, main, where, allowed, 'tokens', Math.max(q.countWindow, pageEnd))))
    : [];
  const windowRows = query.years ? preferDates(ranked, query.years, query.dates) : ranked;

  const counted = new Map<string, WindowRow>();
  for (const row of [...exactRows, ...partialRows, ...nearRows, ...windowRows])
    if (!counted.has(row.id)) counted.set(row.id, row);
  const all = [...counted.values()];
  if (q.sort === 'date')
    all.sort((a, b) => (b.formed_on ?? '').localeCompare(a.formed_on ?? '') || a.id.localeCompare(b.id));
  const page = all.slice(q.offset, pageEnd);
  const facets = countFacets(counted.values());
  const first = page[0];
  const rankedPage: RankedPage = {
    ids: page.map((r) => r.id),
    top: first
      ? { id: first.id, matterType: typeof first.matter_type === 'string' ? first.matter_type : null }
      : undefined,
    total: counted.size,
    facets,
    counted: [...counted.keys()],
  };
  const [details, side] = await settled(
    readHits(t, page, where, (id) => fresh.get(id) ?? view.pages.get(id)),
    alongside?.(rankedPage),
  );
  // Records the database shows gone or out of reach since they were indexed are not counted.
  const gone = side?.gone;
  if (gone && gone.size > 0) for (const id of gone) counted.delete(id);
  const exactIds = new Set(exactRows.map((r) => r.id));
  const partialIds = new Set(partialRows.map((r) => r.id));
  const nearIds = new Set(nearRows.map((r) => r.id));
  const pageHits: IndexHit[] = page.flatMap((r) => {
    const d = details.get(r.id);
    if (!d || gone?.has(r.id)) return [];
    const isExact = exactIds.has(r.id);
    return [
      {
        id: r.id,
        score: isExact
          ? 1000 + r._score
          : partialIds.has(r.id)
            ? 700 + r._score
            : nearIds.has(r.id)
              ? 500 + r._score
              : r._score,
        exact: isExact,
        body: d.body,
        formedOn: r.formed_on ?? null,
        matterType: typeof r.matter_type === 'string' ? r.matter_type : null,
      },
    ];
  });
  // A short query of several words: the page's hits holding more of them first (several-words.ts).
  const hits =
    q.sort === 'relevance'
      ? orderByWordsHeld(
          pageHits,
          query,
          (id) => details.get(id),
          (hit) => (exactIds.has(hit.id) ? 3 : partialIds.has(hit.id) ? 2 : nearIds.has(hit.id) ? 1 : 0),
        )
      : pageHits;
  return {
    hits,
    total: counted.size,
    totalExact:
      windowRows.length < q.countWindow &&
      exactRows.length < q.countWindow &&
      partialRows.length < q.countWindow &&
      nearRows.length < q.countWindow,
    facets: gone && gone.size > 0 ? countFacets(counted.values()) : facets,
  };
}
