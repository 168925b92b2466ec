/**
 * The frequent tokens of an index, estimated from a sample of its rows: what a long query's chunks
 * must not consist of alone (search.query.ts queryChunks), since asking for all bigrams of
 * 呼和浩特市 or 有限公司 matches most records and costs the most. Lance does not expose its token
 * statistics, so ~2,000 rows spread over the table are read when a long query first needs them and
 * again after the indexes are folded (~0.2 s at a million records); the bigrams seen in two or more
 * of them are kept (~40,000 numbers).
 */
import type * as lancedb from '@lancedb/lancedb';

const SAMPLE_ROWS = 2_000;
/** More than SAMPLE_ROWS: a sampled row's number fits below it. */
const ROW_SLOTS = 4_096;
const SPREAD = 8;
/** Reading stops at this many characters of tokens (long OCR texts make rows large). */
const SAMPLE_CHARS = 30_000_000;
/** Tokens seen in fewer sampled rows are not kept (their share counts as 0). */
const MIN_ROWS = 2;
/** A sample of fewer rows tells nothing: every token counts as rare. */
const MIN_SAMPLE = 200;

const HAN_FROM = 0x3400;
const HAN_SPAN = 0x7000; // to U+A3FF: the CJK ideographs of the BMP, in 15 bits

/**
 * A bigram of two BMP ideographs as one small integer (a V8 small integer hashes fast); -1 for any
 * other token (queryChunks weighs these bigrams only).
 */
function bigramKey(text: string, start: number, end: number): number {
  if (end - start !== 2) return -1;
  const a = text.charCodeAt(start) - HAN_FROM;
  const b = text.charCodeAt(start + 1) - HAN_FROM;
  return a >= 0 && a < HAN_SPAN && b >= 0 && b < HAN_SPAN ? a * HAN_SPAN + b : -1;
}

export class CommonTokens {
  /** rows holding each bigram, for those seen in at least MIN_ROWS sampled rows */
  private readonly counts: ReadonlyMap<number, number>;
  /** rows sampled */
  readonly rows: number;

  private constructor(counts: ReadonlyMap<number, number>, rows: number) {
    this.counts = counts;
    this.rows = rows;
  }

  static none(): CommonTokens {
    return new CommonTokens(new Map(), 0);
  }

  /**
   * Samples the table's `tokens` column; a small table is read whole. Only two-character tokens
   * (bigrams) are counted, scanned in place under a numeric key: splitting ~2 million tokens into
   * strings and hashing them costs ~0.8 s of CPU, this ~0.1 s.
   */
  static async sample(table: lancedb.Table): Promise<CommonTokens> {
    const total = await table.countRows();
    // Per bigram: rows holding it × ROW_SLOTS + the last row that held it (one look-up per token).
    const seen = new Map<number, number>();
    let rows = 0;
    let chars = 0;
    const take = Math.min(total, SAMPLE_ROWS);
    const spread = total <= SAMPLE_ROWS ? 1 : SPREAD;
    const per = Math.ceil(take / spread);
    for (let part = 0; part < spread && chars < SAMPLE_CHARS; part++) {
      // Stretches spread evenly from the first row to the last.
      const offset = spread === 1 ? 0 : Math.floor((part * (total - per)) / (spread - 1));
      const batch = (await table.query().select(['tokens']).offset(offset).limit(per).toArray()) as {
        tokens: string;
      }[];
      for (const { tokens } of batch) {
        if (chars >= SAMPLE_CHARS) break;
        rows++;
        chars += tokens.length;
        // One pass over the characters: a token of two ideographs between spaces is a bigram.
        let start = 0;
        for (let i = 0; i <= tokens.length; i++) {
          if (i < tokens.length && tokens.charCodeAt(i) !== 0x20) continue;
          if (i - start === 2) {
            const key = bigramKey(tokens, start, i);
            if (key !== -1) {
              const value = seen.get(key) ?? 0;
              if (value % ROW_SLOTS !== rows)
                seen.set(key, (Math.floor(value / ROW_SLOTS) + 1) * ROW_SLOTS + rows);
            }
          }
          start = i + 1;
        }
      }
    }
    if (rows < MIN_SAMPLE) return CommonTokens.none();
    const counts = new Map<number, number>();
    for (const [key, value] of seen)
      if (value >= MIN_ROWS * ROW_SLOTS) counts.set(key, Math.floor(value / ROW_SLOTS));
    return new CommonTokens(counts, rows);
  }

  /**
   * The estimated share of records holding a bigram (0 for one seen in fewer than two sampled rows,
   * and for longer tokens, which are not counted).
   */
  share(token: string): number {
    const key = bigramKey(token, 0, token.length);
    return this.rows === 0 || key === -1 ? 0 : (this.counts.get(key) ?? 0) / this.rows;
  }

  get size(): number {
    return this.counts.size;
  }
}
