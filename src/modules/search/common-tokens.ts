/**
 * The frequent tokens of an index, estimated from a sample of its rows: what a long query's chunks
 * must not consist of alone (search.analysis.ts queryChunks), since asking for all bigrams of
 * 呼和浩特市 or 有限公司 matches most records and costs the most. Lance does not expose its token
 * statistics, so ~2,000 rows spread over the table are read once (≈1.5 s wall, 0.7 s CPU at a
 * million records, in the background) and again after the indexes are folded; the set kept is
 * small (the tokens in at least 1 % of the rows: ~10,000 at a million generated records).
 */
import type * as lancedb from '@lancedb/lancedb';

const SAMPLE_ROWS = 2_000;
const SPREAD = 8;
/** Reading stops at this many characters of tokens (long OCR texts make rows large). */
const SAMPLE_CHARS = 30_000_000;
/** Tokens seen in fewer sampled rows are not kept (their share counts as 0). */
const MIN_ROWS = 2;
/** A sample of fewer rows tells nothing: every token counts as rare. */
const MIN_SAMPLE = 200;

export class CommonTokens {
  private readonly counts: ReadonlyMap<string, number>;
  /** rows sampled */
  readonly rows: number;

  private constructor(counts: ReadonlyMap<string, number>, rows: number) {
    this.counts = counts;
    this.rows = rows;
  }

  static none(): CommonTokens {
    return new CommonTokens(new Map(), 0);
  }

  /** Samples the table's `tokens` column; a small table is read whole. */
  static async sample(table: lancedb.Table): Promise<CommonTokens> {
    const total = await table.countRows();
    const df = new Map<string, number>();
    let rows = 0;
    let chars = 0;
    const take = Math.min(total, SAMPLE_ROWS);
    const spread = total <= SAMPLE_ROWS ? 1 : SPREAD;
    for (let part = 0; part < spread && chars < SAMPLE_CHARS; part++) {
      const offset = spread === 1 ? 0 : Math.floor(((part + 0.5) * total) / spread);
      const batch = (await table
        .query()
        .select(['tokens'])
        .offset(offset)
        .limit(Math.ceil(take / spread))
        .toArray()) as { tokens: string }[];
      for (const { tokens } of batch) {
        if (chars >= SAMPLE_CHARS) break;
        rows++;
        chars += tokens.length;
        for (const token of new Set(tokens.split(' '))) if (token) df.set(token, (df.get(token) ?? 0) + 1);
      }
    }
    if (rows < MIN_SAMPLE) return CommonTokens.none();
    for (const [token, n] of df) if (n < MIN_ROWS) df.delete(token);
    return new CommonTokens(df, rows);
  }

  /** The estimated share of records holding a token (0 for one seen in fewer than two sampled rows). */
  share(token: string): number {
    return this.rows === 0 ? 0 : (this.counts.get(token) ?? 0) / this.rows;
  }

  get size(): number {
    return this.counts.size;
  }
}
