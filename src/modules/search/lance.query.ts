/**
 * The queries of the LanceDB search index: the access predicate (for Lance and for the fresh
 * segment), the full-text queries, reading a page of hits and counting facets.
 */
import * as lancedb from '@lancedb/lancedb';
import type { SegmentQuery } from './fresh-segment.ts';
import type { FreshRow, Row } from './lance.rows.ts';
import { FACETS, type Facet, type IndexQuery, type IndexResult, type SearchFilters } from './search.port.ts';

/** A SQL string literal for Lance's (DataFusion) filter language. */
export function lit(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The access scope and filters as one predicate; null when the scope allows nothing, empty when it allows all. */
export function predicate(scope: IndexQuery['scope'], filters: SearchFilters): string | null {
  if (!scope) return null;
  const paths = [scope.organisationPath, ...(scope.sharedPaths ?? [])];
  // Conditions that hold for every record are left out: at a million records the path condition
  // alone costs ~7 ms of CPU per query.
  const parts = [
    ...(scope.wholeTree ? [] : [`(${paths.map((p) => `starts_with(org_path, ${lit(p)})`).join(' OR ')})`]),
    ...(scope.everyLevel ? [] : [`level_rank <= ${Math.trunc(scope.maxLevelRank)}`]),
  ];
  if (filters.organisationPath) parts.push(`starts_with(org_path, ${lit(filters.organisationPath)})`);
  if (filters.fonds) parts.push(`fonds = ${lit(filters.fonds)}`);
  if (filters.category) parts.push(`category = ${lit(filters.category)}`);
  if (filters.level) parts.push(`level = ${lit(filters.level)}`);
  if (filters.retention) parts.push(`retention = ${lit(filters.retention)}`);
  if (filters.matterType) parts.push(`matter_type = ${lit(filters.matterType)}`);
  if (filters.status) parts.push(`status = ${lit(filters.status)}`);
  if (filters.yearFrom !== undefined) parts.push(`year >= ${Math.trunc(filters.yearFrom)}`);
  if (filters.yearTo !== undefined) parts.push(`year <= ${Math.trunc(filters.yearTo)}`);
  // Empty when nothing needs checking: Lance evaluates even `true` over every row (~28 ms at 1M).
  return parts.join(' AND ');
}

/** The same predicate, for rows of the fresh segment (applied before ranking, like Lance's prefilter). */
export function admits(
  scope: IndexQuery['scope'],
  filters: SearchFilters,
): ((row: FreshRow) => boolean) | null {
  if (!scope) return null;
  const paths = [scope.organisationPath, ...(scope.sharedPaths ?? [])];
  const rank = Math.trunc(scope.maxLevelRank);
  return (row) =>
    paths.some((p) => row.org_path.startsWith(p)) &&
    row.level_rank <= rank &&
    (!filters.organisationPath || row.org_path.startsWith(filters.organisationPath)) &&
    (!filters.fonds || row.fonds === filters.fonds) &&
    (!filters.category || row.category === filters.category) &&
    (!filters.level || row.level === filters.level) &&
    (!filters.retention || row.retention === filters.retention) &&
    (!filters.matterType || row.matter_type === filters.matterType) &&
    (!filters.status || row.status === filters.status) &&
    (filters.yearFrom === undefined || (row.year !== null && row.year >= Math.trunc(filters.yearFrom))) &&
    (filters.yearTo === undefined || (row.year !== null && row.year <= Math.trunc(filters.yearTo)));
}

export const FACET_COLUMNS = {
  fonds: 'fonds',
  category: 'category',
  organisation: 'organisation_id',
  year: 'year',
  level: 'level',
  retention: 'retention',
  matterType: 'matter_type',
} as const satisfies Record<Facet, keyof Row>;

export const FACET_SELECT = [...new Set(Object.values(FACET_COLUMNS))];
/**
 * What a page of hits reads from the table (the rest comes with the ranked rows; each column read
 * costs): the id, to know the address still holds the row, and the text snippets are cut from.
 */
export const HIT_COLUMNS = ['id', 'title', 'body'];
type HitRow = Pick<Row, 'id' | 'title' | 'body'>;

/** A row of a ranked evaluation: what ordering, totals and facets need, and its row address. */
export type WindowRow = Pick<Row, 'id' | 'formed_on'> &
  Record<(typeof FACET_SELECT)[number], string | number | null> & { _score: number; _rowid?: bigint };

/**
 * A row of the fresh segment as a window row: what ordering and facets need, one object literal
 * of a fixed shape (spreading the whole row, tokens and all, cost ~3 ms per 500 rows).
 */
export function windowRow(row: FreshRow, score: number): WindowRow {
  return {
    id: row.id,
    formed_on: row.formed_on,
    fonds: row.fonds,
    category: row.category,
    organisation_id: row.organisation_id,
    year: row.year,
    level: row.level,
    retention: row.retention,
    matter_type: row.matter_type,
    _score: score,
  };
}

/** A query in both forms: for Lance and for the fresh segment. */
export interface TextQuery {
  lance: lancedb.FullTextQuery;
  fresh: SegmentQuery;
}

/**
 * A text query without the records holding every token of one of the excluded words (-食品):
 * inside the index query, so totals and facets leave them out too.
 */
function excluding(q: TextQuery, excluded: readonly (readonly string[])[] | undefined): TextQuery {
  if (!excluded || excluded.length === 0) return q;
  return {
    lance: new lancedb.BooleanQuery([
      [lancedb.Occur.Must, q.lance],
      ...excluded.map(
        (tokens) =>
          [
            lancedb.Occur.MustNot,
            new lancedb.MatchQuery(tokens.join(' '), 'tokens', { operator: lancedb.Operator.And }),
          ] as [lancedb.Occur, lancedb.FullTextQuery],
      ),
    ]),
    fresh: { ...q.fresh, mustNot: excluded },
  };
}

/** The ranked part of a parsed query: its terms and pinyin, with quoted phrases required. */
export function textQuery(query: IndexQuery['query']): TextQuery | undefined {
  const should = [...query.terms, ...query.pinyin];
  if (should.length === 0 && query.required.length === 0) return undefined;
  const match = new lancedb.MatchQuery(should.join(' ') || query.required.join(' '), 'tokens');
  if (query.required.length === 0)
    return excluding({ lance: match, fresh: { should, must: [] } }, query.excluded);
  return excluding(
    {
      lance: new lancedb.BooleanQuery([
        [
          lancedb.Occur.Must,
          new lancedb.MatchQuery(query.required.join(' '), 'tokens', { operator: lancedb.Operator.And }),
        ],
        [lancedb.Occur.Should, match],
      ]),
      fresh: { should, must: query.required },
    },
    query.excluded,
  );
}

/**
 * The candidates of a long query (search.query.ts queryChunks): the records holding every bigram
 * of at least one chunk, and every required token. Each chunk is an AND query, which Lance drives by
 * its rarest posting list: at a million records this costs a few milliseconds, where one OR query
 * over the ~100 tokens of a whole title costs 100–200 ms. The query's `rare` tokens (short posting
 * lists) add to the score without widening the set, so that the records holding most of the query
 * come first among those holding the same chunk; the best are then ordered by coverage().
 */
export function chunkQuery(
  query: IndexQuery['query'],
  chunks: readonly (readonly string[])[],
  rare: readonly string[],
): TextQuery {
  const groups = chunks.map((chunk) => [...new Set([...chunk, ...query.required])]);
  const anyChunk = new lancedb.BooleanQuery(
    groups.map((group) => [
      lancedb.Occur.Should,
      new lancedb.MatchQuery(group.join(' '), 'tokens', { operator: lancedb.Operator.And }),
    ]),
  );
  return excluding(
    {
      lance:
        rare.length === 0
          ? anyChunk
          : new lancedb.BooleanQuery([
              [lancedb.Occur.Must, anyChunk],
              [lancedb.Occur.Should, new lancedb.MatchQuery(rare.join(' '), 'tokens')],
            ]),
      fresh: { should: rare, must: [], groups },
    },
    query.excluded,
  );
}

/**
 * How much of a query a row's tokens hold: each distinct ranked token of the query counts 1 when
 * the row holds it at least twice (a title's tokens are stored twice), ½ when once. Ranks the
 * candidates of a long query (a typo'd title: its record holds all but a few of the query's
 * tokens, its siblings of the same enterprise and project fewer). Computed here rather than by a
 * second Lance query restricted to the candidates: such a query still walks the full posting lists
 * of the query's frequent tokens, 25–400 ms at a million records.
 */
export function coverage(wanted: ReadonlyMap<string, number>, tokens: string): number {
  const seen = new Uint8Array(wanted.size);
  let at = 0;
  while (at < tokens.length) {
    let end = tokens.indexOf(' ', at);
    if (end === -1) end = tokens.length;
    const i = wanted.get(tokens.slice(at, end));
    if (i !== undefined && seen[i]! < 2) seen[i]!++;
    at = end + 1;
  }
  let score = 0;
  for (const n of seen) score += n >= 2 ? 1 : n / 2;
  return score;
}

/** The query's ranked tokens, numbered, for coverage(). */
export function wantedTokens(query: IndexQuery['query']): Map<string, number> {
  return new Map([...new Set([...query.terms, ...query.pinyin])].map((token, i) => [token, i]));
}

/**
 * The tokens of indexed rows by row address (read by id under the access predicate when a
 * compaction of another process has moved them since the ranking).
 */
export async function readTokens(
  t: lancedb.Table,
  rows: readonly WindowRow[],
  where: string,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (rows.length === 0) return found;
  const addressed = rows.filter((r) => r._rowid !== undefined);
  const taken = (await t
    .takeRowIds(addressed.map((r) => r._rowid!))
    .select(['id', 'tokens'])
    .toArray()
    .catch(() => [])) as { id: string; tokens: string }[];
  for (const row of taken) found.set(row.id, row.tokens);
  const missing = rows.filter((r) => !found.has(r.id)).map((r) => r.id);
  if (missing.length > 0) {
    const read = (await t
      .query()
      .where(`id IN (${missing.map(lit).join(', ')})${where ? ` AND (${where})` : ''}`)
      .select(['id', 'tokens'])
      .toArray()) as { id: string; tokens: string }[];
    for (const row of read) found.set(row.id, row.tokens);
  }
  return found;
}

export function identifierQuery(keys: readonly string[]): TextQuery | undefined {
  if (keys.length === 0) return undefined;
  return { lance: new lancedb.MatchQuery(keys.join(' '), 'ids'), fresh: { should: keys, must: [] } };
}

/**
 * Identifiers `distance` edits from the keys (a wrong, missing or extra character in a code, 文号
 * or 档号), for when none is held as typed: Lance walks its term dictionary with a Levenshtein
 * automaton and matches up to 50 such terms per key.
 */
export function nearIdentifierQuery(keys: readonly string[], distance: number): TextQuery | undefined {
  if (keys.length === 0) return undefined;
  const near = (key: string) =>
    new lancedb.MatchQuery(key, 'ids', { fuzziness: distance, maxExpansions: 50 });
  return {
    lance:
      keys.length === 1
        ? near(keys[0]!)
        : new lancedb.BooleanQuery(keys.map((key) => [lancedb.Occur.Should, near(key)])),
    fresh: { should: keys, must: [], within: distance },
  };
}

/**
 * The stored fields of a page of hits: from `held` (the fresh segment's rows in memory, the page
 * store), the others read by row address. A write of another process may have compacted the table
 * since the ranking (addresses then point elsewhere): those are read by id, still under the access
 * predicate.
 */
export async function readHits(
  t: lancedb.Table,
  page: readonly WindowRow[],
  where: string,
  held: (id: string) => HitRow | undefined,
): Promise<Map<string, HitRow>> {
  const found = new Map<string, HitRow>();
  if (page.length === 0) return found;
  for (const r of page) {
    const row = held(r.id);
    if (row) found.set(r.id, row);
  }
  const addressed = page.filter((r) => r._rowid !== undefined && !found.has(r.id));
  if (addressed.length > 0) {
    const taken = (await t
      .takeRowIds(addressed.map((r) => r._rowid!))
      .select(HIT_COLUMNS)
      .toArray()
      .catch(() => [])) as HitRow[];
    const wanted = new Set(page.map((r) => r.id));
    for (const row of taken) if (wanted.has(row.id)) found.set(row.id, row);
  }
  const missing = page.filter((r) => !found.has(r.id)).map((r) => r.id);
  if (missing.length > 0) {
    const rows = (await t
      .query()
      .where(`id IN (${missing.map(lit).join(', ')})${where ? ` AND ${where}` : ''}`)
      .select(HIT_COLUMNS)
      .toArray()) as HitRow[];
    for (const row of rows) found.set(row.id, row);
  }
  return found;
}

/** Facet counts over the counted rows, largest first. */
export function countFacets(rows: Iterable<WindowRow>): IndexResult['facets'] {
  const list = [...rows];
  const facets = {} as IndexResult['facets'];
  for (const facet of FACETS) {
    const counts = new Map<string, number>();
    for (const row of list) {
      const value = row[FACET_COLUMNS[facet]];
      if (value === null || value === undefined || value === '') continue;
      counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
    }
    facets[facet] = [...counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  }
  return facets;
}

export const FTS_OPTIONS = {
  baseTokenizer: 'whitespace',
  lowercase: false,
  stem: false,
  removeStopWords: false,
  asciiFolding: false,
  withPosition: false,
  maxTokenLength: 64,
} as const;
