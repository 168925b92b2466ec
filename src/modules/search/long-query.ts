/**
 * Long queries (a whole title, an enterprise and project name) on the LanceDB index, typed with a
 * wrong character or not. Asked as one OR query over their ~100 tokens (bigrams, words, pinyin) they
 * cost 100–200 ms at a million records. Here they take two cheap steps instead:
 *
 * 1. Candidates: the records holding every bigram of at least one chunk of the query
 *    (search.query.ts queryChunks: character-disjoint and selective, so one wrong character
 *    leaves a chunk whole) — one boolean query of AND clauses (lance.query.ts chunkQuery) under the
 *    access predicate, scored by the chunks and the query's rare bigrams, and the same groups in
 *    the fresh segment; a few ms.
 * 2. Order: the best 50 of them by how much of the whole query their tokens hold (coverage), the
 *    rest after them by their candidate score.
 *
 * Which bigrams are selective is estimated from a sample of the table (common-tokens.ts), taken
 * when a long query first needs it and again, in the background, after the indexes change.
 */
import type * as lancedb from '@lancedb/lancedb';
import { CommonTokens } from './common-tokens.ts';
import type { FreshSegment } from './fresh-segment.ts';
import {
  chunkQuery,
  coverage,
  readTokens,
  textQuery,
  wantedTokens,
  type TextQuery,
  type WindowRow,
} from './lance.query.ts';
import type { FreshRow } from './lance.rows.ts';
import { isLongQuery, queryChunkings } from './search.query.ts';
import type { IndexQuery } from './search.port.ts';

/** This many of the best candidates are ordered by coverage (at least the page). */
const RERANKED = 50;

/** The adapter's ranked evaluation: Lance's indexed rows and the fresh segment, merged by score. */
export type Ranked = (
  t: lancedb.Table,
  q: TextQuery,
  where: string,
  allowed: (row: FreshRow) => boolean,
  field: 'tokens',
  limit: number,
) => Promise<WindowRow[]>;

export class LongQueries {
  private common: CommonTokens | undefined;
  private stale = true;
  private loading: Promise<CommonTokens> = Promise.resolve(CommonTokens.none());
  private generation = 0;
  private closed = false;
  private readonly ranked: Ranked;
  private readonly fresh: () => FreshSegment<FreshRow>;

  constructor(ranked: Ranked, fresh: () => FreshSegment<FreshRow>) {
    this.ranked = ranked;
    this.fresh = fresh;
  }

  /** The indexes changed: the sample is taken again when next needed (the old one serves meanwhile). */
  invalidate(): void {
    this.stale = true;
  }

  /** The table was emptied: the old sample no longer applies. */
  reset(): void {
    this.common = undefined;
    this.stale = true;
    this.generation++;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.loading;
  }

  /**
   * The ranked rows of a long query, or undefined when it is not long, cannot be cut into chunks,
   * or no record holds a whole chunk (more than one wrong character): then the whole query is to be
   * asked as before.
   */
  async rank(
    t: lancedb.Table,
    query: IndexQuery['query'],
    where: string,
    allowed: (row: FreshRow) => boolean,
    limit: number,
    pageEnd: number,
  ): Promise<WindowRow[] | undefined> {
    if (!isLongQuery(query)) return undefined;
    const sample = await this.commonTokens(t);
    const chunkings = queryChunkings(query, (token) => sample.share(token));
    if (chunkings.length === 0) return undefined;
    // The query's bigrams held by under 1 % of the records: cheap to add to the candidates' score.
    const rare = query.terms.filter((token) => [...token].length === 2 && sample.share(token) < 0.01);
    // The chunks of every way of cutting the query: a record holding a whole chunk of any of them
    // is a candidate (queryChunkings: the shorter chunks close before a junction the longer hold).
    const chunks = [...new Map(chunkings.flat().map((chunk) => [chunk.join(' '), chunk])).values()];
    let candidates = await this.ranked(t, chunkQuery(query, chunks, rare), where, allowed, 'tokens', limit);
    // No record holds a whole chunk: a second wrong character, or fragments typed side by side (an
    // enterprise and a project name) whose junction makes a bigram no record holds. The rare bigrams
    // alone still find the record cheaply (short posting lists), where the whole query's ~100 tokens
    // cost 100–200 ms at a million records.
    const rareOnly = rare.length >= 2 ? textQuery({ ...query, terms: rare, pinyin: [] }) : undefined;
    if (candidates.length === 0 && rareOnly)
      candidates = await this.ranked(t, rareOnly, where, allowed, 'tokens', limit);
    if (candidates.length === 0) return undefined;
    return this.byCoverage(t, query, candidates, where, Math.max(RERANKED, pageEnd));
  }

  /** The bigram statistics of the table (sampled when first asked, again after the indexes change). */
  async commonTokens(t: lancedb.Table): Promise<CommonTokens> {
    if (this.stale && !this.closed) {
      this.stale = false;
      const generation = this.generation;
      this.loading = CommonTokens.sample(t).then(
        (sampled) => (generation === this.generation ? (this.common = sampled) : sampled),
        () => this.common ?? CommonTokens.none(),
      );
    }
    return this.common ?? this.loading;
  }

  /** The best `count` candidates ordered by coverage of the whole query, the rest after them. */
  private async byCoverage(
    t: lancedb.Table,
    query: IndexQuery['query'],
    candidates: WindowRow[],
    where: string,
    count: number,
  ): Promise<WindowRow[]> {
    const fresh = this.fresh();
    const best = candidates.slice(0, count);
    const stored = await readTokens(
      t,
      best.filter((r) => !fresh.has(r.id)),
      where,
    );
    const wanted = wantedTokens(query);
    // A candidate holds every token of a chunk (two or more): its coverage is at least 1, above
    // the scores given to the candidates after the best (below ½).
    const scored = best.flatMap((r) => {
      const tokens = fresh.get(r.id)?.tokens ?? stored.get(r.id);
      return tokens === undefined ? [] : [{ row: r, score: coverage(wanted, tokens) }];
    });
    scored.sort(
      (a, b) => b.score - a.score || b.row._score - a.row._score || a.row.id.localeCompare(b.row.id),
    );
    return [
      ...scored.map(({ row, score }) => ({ ...row, _score: score })),
      ...candidates.slice(count).map((r) => ({ ...r, _score: r._score / (1 + r._score) / 2 })),
    ];
  }
}
