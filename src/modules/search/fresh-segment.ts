/**
 * The rows written to the LanceDB table since its full-text indexes were last brought up to date.
 *
 * Lance finds such rows only by scanning them on every query (~45 ms per 1,000 rows at 100k
 * records), and folding them into the indexes (optimize) costs seconds to minutes, so neither can
 * happen per write. Instead the index queries Lance with `fastSearch()` (indexed rows only) and
 * this small in-memory segment for the rest, merging both by score; after each optimize the rows
 * it covered are dropped from here. The rows themselves are durable in the Lance table; this
 * segment is rebuilt from them at start-up.
 *
 * Written by hand rather than with an in-memory search library: it must score exactly like Lance's
 * BM25 over our own pre-analysed tokens (no tokenizer of its own), apply the access predicate
 * before ranking like Lance's prefilter, and hold thousands of long CJK documents (a thousand
 * bigrams each) in flat arrays — general-purpose libraries keep a map per posting and use
 * several times the memory.
 */

import { nearTo } from './search.identifiers.ts';

/** Lance's BM25 parameters. */
const K1 = 1.2;
const B = 0.75;

/** What the segment keeps of a row: its searchable fields and whatever the caller filters on. */
export interface SegmentRow {
  id: string;
  tokens: string;
  ids: string;
  indexed_at: number;
}

type Field = 'tokens' | 'ids';

interface Postings {
  slots: number[];
  tfs: number[];
}

interface FieldIndex {
  postings: Map<string, Postings>;
  lengths: number[];
  totalLength: number;
}

export interface SegmentQuery {
  /** tokens of which at least one must match (ranked) */
  should: readonly string[];
  /** tokens that must all match */
  must: readonly string[];
  /**
   * A long query's chunks (lance.query.ts chunkQuery): groups of tokens; when given, a row matches
   * only when it holds every token of at least one group, scored by the sum over the groups it
   * holds (as Lance scores a boolean query of AND queries) plus its `should` tokens.
   */
  groups?: readonly (readonly string[])[];
  /** when given, each `should` token stands for the held tokens at most this many edits from it */
  within?: number;
  /** groups of tokens: a row holding every token of one of them does not match (-食品) */
  mustNot?: readonly (readonly string[])[];
}

export class FreshSegment<R extends SegmentRow> {
  private rows: (R | undefined)[] = [];
  private slotOf = new Map<string, number>();
  private live = 0;
  private chars = 0;
  private fields: Record<Field, FieldIndex> = { tokens: newField(), ids: newField() };

  /** Number of rows held. */
  get size(): number {
    return this.live;
  }

  /** Characters of text held (tokens and stored fields), to bound memory. */
  get textChars(): number {
    return this.chars;
  }

  /** Adds rows, replacing any held under the same id. */
  add(rows: readonly R[]): void {
    for (const row of rows) {
      this.delete(row.id);
      const slot = this.rows.length;
      this.rows.push(row);
      this.slotOf.set(row.id, slot);
      this.live++;
      this.chars += row.tokens.length + row.ids.length + weight(row);
      for (const field of ['tokens', 'ids'] as const) indexField(this.fields[field], slot, row[field]);
    }
    if (this.rows.length > 1024 && this.live < this.rows.length / 2) this.compact();
  }

  /** Forgets rows by id; unknown ids are ignored. */
  remove(ids: readonly string[]): void {
    for (const id of ids) this.delete(id);
  }

  /** Forgets the rows written at or before `time` (now covered by the Lance indexes). */
  dropThrough(time: number): void {
    for (const row of this.rows) if (row && row.indexed_at <= time) this.delete(row.id);
    this.compact();
  }

  /** The row held under an id. */
  get(id: string): R | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.rows[slot];
  }

  /** Whether a row of this id is held (its Lance copy may be older than the one here). */
  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /**
   * The best `limit` rows matching the query in one field among those `allowed` admits, scored
   * with BM25 over this segment's statistics; best first.
   */
  search(
    field: Field,
    query: SegmentQuery,
    allowed: (row: R) => boolean,
    limit: number,
  ): { row: R; score: number }[] {
    if (this.live === 0 || limit <= 0) return [];
    const index = this.fields[field];
    const avg = index.totalLength / this.live || 1;
    const scores = new Map<number, number>();
    const should = query.within === undefined ? [...new Set(query.should)] : this.near(index, query);
    const must = [...new Set(query.must)];
    const addTerm = (term: string, into = scores) => {
      const postings = index.postings.get(term);
      if (!postings) return;
      const df = postings.slots.reduce((n, slot) => n + (this.rows[slot] ? 1 : 0), 0);
      const idf = Math.log(1 + (this.live - df + 0.5) / (df + 0.5));
      postings.slots.forEach((slot, i) => {
        if (!this.rows[slot]) return;
        const tf = postings.tfs[i]!;
        const norm = tf + K1 * (1 - B + (B * (index.lengths[slot] ?? 0)) / avg);
        into.set(slot, (into.get(slot) ?? 0) + (idf * tf * (K1 + 1)) / norm);
      });
    };
    for (const term of new Set([...should, ...must])) addTerm(term);
    const inGroup = new Set<number>();
    for (const group of query.groups ?? []) {
      const terms = [...new Set(group)];
      const holding = terms.map((term) => new Set(index.postings.get(term)?.slots ?? []));
      const groupScores = new Map<number, number>();
      for (const term of terms) addTerm(term, groupScores);
      for (const [slot, score] of groupScores) {
        if (!holding.every((set) => set.has(slot))) continue;
        scores.set(slot, (scores.get(slot) ?? 0) + score);
        inGroup.add(slot);
      }
    }
    let candidates = query.groups ? [...inGroup] : [...scores.keys()];
    if (must.length > 0) {
      const required = must.map((term) => new Set(index.postings.get(term)?.slots ?? []));
      candidates = candidates.filter((slot) => required.every((set) => set.has(slot)));
    }
    for (const group of query.mustNot ?? []) {
      const holding = [...new Set(group)].map((term) => new Set(index.postings.get(term)?.slots ?? []));
      candidates = candidates.filter((slot) => !holding.every((set) => set.has(slot)));
    }
    const found: { row: R; score: number }[] = [];
    for (const slot of candidates) {
      const row = this.rows[slot];
      if (row && allowed(row)) found.push({ row, score: scores.get(slot)! });
    }
    // Ties by id in code-unit order (localeCompare costs ~1 ms per thousand equal scores).
    found.sort((a, b) => b.score - a.score || (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0));
    return found.slice(0, limit);
  }

  /** The held tokens of a field within `query.within` edits of a `should` token (a near identifier). */
  private near(index: FieldIndex, query: SegmentQuery): string[] {
    const near = query.should.map((wanted) => nearTo(wanted, query.within ?? 0));
    const found: string[] = [];
    for (const token of index.postings.keys()) if (near.some((test) => test(token))) found.push(token);
    return found;
  }

  /** Empties the segment. */
  clear(): void {
    this.rows = [];
    this.slotOf.clear();
    this.live = 0;
    this.chars = 0;
    this.fields = { tokens: newField(), ids: newField() };
  }

  private delete(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    const row = this.rows[slot]!;
    this.chars -= row.tokens.length + row.ids.length + weight(row);
    for (const field of ['tokens', 'ids'] as const)
      this.fields[field].totalLength -= this.fields[field].lengths[slot] ?? 0;
    this.rows[slot] = undefined;
    this.slotOf.delete(id);
    this.live--;
  }

  /** Rebuilds the postings without the slots of forgotten rows. */
  private compact(): void {
    const rows = this.rows.filter((r): r is R => r !== undefined);
    this.clear();
    this.add(rows);
  }
}

function newField(): FieldIndex {
  return { postings: new Map(), lengths: [], totalLength: 0 };
}

function indexField(index: FieldIndex, slot: number, text: string): void {
  const counts = new Map<string, number>();
  let length = 0;
  for (const token of text.split(' ')) {
    if (token === '') continue;
    length++;
    counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  index.lengths[slot] = length;
  index.totalLength += length;
  for (const [token, tf] of counts) {
    let postings = index.postings.get(token);
    if (!postings) index.postings.set(token, (postings = { slots: [], tfs: [] }));
    postings.slots.push(slot);
    postings.tfs.push(tf);
  }
}

/** Characters of a row's other string fields (stored text for snippets and titles). */
function weight(row: SegmentRow): number {
  let n = 0;
  for (const value of Object.values(row)) if (typeof value === 'string') n += value.length;
  return n - row.tokens.length - row.ids.length;
}
