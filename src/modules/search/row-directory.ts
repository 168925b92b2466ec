/**
 * The small columns of every indexed row (id, facets, date), kept in memory by row address.
 *
 * A ranked query that reads columns pays for each of the counting window's rows: at 100k records
 * the best 500 rows cost ~3.5 ms of CPU with row addresses alone, ~8.5 ms with the id and ~16 ms
 * with the facet columns. So the window is asked for addresses only and resolved here. Row
 * addresses (fragment << 32 | offset) hold until the table is compacted: the directory belongs to
 * one table version and is loaded again, when a search first needs it, after every optimize; an address it does not know (a fragment
 * written since) is left to the caller, which reads it from the table.
 *
 * Memory: ~40 bytes per row (uuid packed in 16 bytes, dictionary codes, year, date).
 */
import type * as lancedb from '@lancedb/lancedb';

/** The columns held, as the table names them. */
export const DIRECTORY_COLUMNS = [
  'id',
  'fonds',
  'category',
  'organisation_id',
  'level',
  'retention',
  'matter_type',
  'year',
  'formed_on',
] as const;
const CODED = ['fonds', 'category', 'organisation_id', 'level', 'retention', 'matter_type'] as const;
type Coded = (typeof CODED)[number];

export type DirectoryRow = Record<Coded | 'formed_on', string | null> & { id: string; year: number | null };

interface Fragment {
  ids: Uint8Array;
  /** ids that are not uuids, by offset */
  oddIds: Map<number, string>;
  codes: Record<Coded, Uint32Array>;
  years: Int32Array;
  dates: Int32Array;
  size: number;
}

/** Rows per fragment in a row address (fragment << 32 | offset). */
const FRAGMENT = 2 ** 32;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NONE = 0;

export class RowDirectory {
  private fragments = new Map<number, Fragment>();
  private dictionary = new Map<string, number>([['', NONE]]);
  private values: string[] = [''];
  private dates = new Map<number, string>();

  /** Rows held. */
  rows = 0;

  /** Reads every row's small columns from the table (streamed in batches). */
  static async load(
    table: lancedb.Table,
    cancelled: () => boolean = () => false,
  ): Promise<RowDirectory | undefined> {
    const directory = new RowDirectory();
    const stream = table
      .query()
      .withRowId()
      .select([...DIRECTORY_COLUMNS]);
    for await (const batch of stream) {
      if (cancelled()) return undefined;
      const addresses = batch.getChild('_rowid')!;
      const columns = Object.fromEntries(DIRECTORY_COLUMNS.map((c) => [c, batch.getChild(c)!]));
      for (let i = 0; i < batch.numRows; i++) {
        const address = BigInt(addresses.get(i) as bigint | number);
        directory.put(address, {
          id: String(columns['id']!.get(i)),
          fonds: columns['fonds']!.get(i) as string | null,
          category: columns['category']!.get(i) as string | null,
          organisation_id: columns['organisation_id']!.get(i) as string | null,
          level: columns['level']!.get(i) as string | null,
          retention: columns['retention']!.get(i) as string | null,
          matter_type: columns['matter_type']!.get(i) as string | null,
          year: columns['year']!.get(i) as number | null,
          formed_on: columns['formed_on']!.get(i) as string | null,
        });
      }
    }
    return directory;
  }

  /** The row at an address (with the score it was ranked at), or undefined when not known here. */
  get(address: bigint, score = 0): (DirectoryRow & { _score: number; _rowid: bigint }) | undefined {
    // Addresses stay below 2^53 (fragment ids below 2^21): plain numbers, no BigInt arithmetic.
    const n = Number(address);
    const key = Math.floor(n / FRAGMENT);
    const offset = n - key * FRAGMENT;
    const fragment = this.fragments.get(key);
    if (!fragment || offset >= fragment.size) return undefined;
    const id = fragment.oddIds.get(offset) ?? uuidAt(fragment.ids, offset);
    if (id === '') return undefined;
    const codes = fragment.codes;
    const year = fragment.years[offset]!;
    // One object literal of a fixed shape: a window of 500 rows is resolved per query.
    return {
      id,
      fonds: this.value(codes.fonds[offset]!),
      category: this.value(codes.category[offset]!),
      organisation_id: this.value(codes.organisation_id[offset]!),
      level: this.value(codes.level[offset]!),
      retention: this.value(codes.retention[offset]!),
      matter_type: this.value(codes.matter_type[offset]!),
      year: year === NONE ? null : year,
      formed_on: this.date(fragment.dates[offset]!),
      _score: score,
      _rowid: address,
    };
  }

  /** A date held as yyyymmdd, as text (a few thousand distinct dates, each formatted once). */
  private date(date: number): string | null {
    if (date === NONE) return null;
    let text = this.dates.get(date);
    if (text === undefined) {
      text = `${String(Math.trunc(date / 10000)).padStart(4, '0')}-${String(Math.trunc(date / 100) % 100).padStart(2, '0')}-${String(date % 100).padStart(2, '0')}`;
      this.dates.set(date, text);
    }
    return text;
  }

  private put(address: bigint, row: DirectoryRow): void {
    const key = Number(address >> 32n);
    const offset = Number(address & 0xffffffffn);
    let fragment = this.fragments.get(key);
    if (!fragment || offset >= fragment.ids.length / 16) fragment = this.grow(key, fragment, offset + 1);
    fragment.size = Math.max(fragment.size, offset + 1);
    if (UUID.test(row.id)) fragment.ids.set(Buffer.from(row.id.replaceAll('-', ''), 'hex'), offset * 16);
    else fragment.oddIds.set(offset, row.id);
    for (const column of CODED) fragment.codes[column][offset] = this.code(row[column]);
    fragment.years[offset] = row.year ?? NONE;
    const date = row.formed_on ? Number(row.formed_on.replaceAll('-', '')) : NONE;
    fragment.dates[offset] = Number.isSafeInteger(date) ? date : NONE;
    this.rows++;
  }

  private grow(key: number, old: Fragment | undefined, needed: number): Fragment {
    const capacity = Math.max(needed, (old?.ids.length ?? 0) / 8, 1024);
    const fragment: Fragment = {
      ids: new Uint8Array(capacity * 16),
      oddIds: old?.oddIds ?? new Map(),
      codes: Object.fromEntries(CODED.map((c) => [c, new Uint32Array(capacity)])) as Fragment['codes'],
      years: new Int32Array(capacity),
      dates: new Int32Array(capacity),
      size: old?.size ?? 0,
    };
    if (old) {
      fragment.ids.set(old.ids);
      for (const column of CODED) fragment.codes[column].set(old.codes[column]);
      fragment.years.set(old.years);
      fragment.dates.set(old.dates);
    }
    this.fragments.set(key, fragment);
    return fragment;
  }

  private code(value: string | null): number {
    if (value === null || value === '') return NONE;
    let code = this.dictionary.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.dictionary.set(value, code);
    }
    return code;
  }

  private value(code: number): string | null {
    return code === NONE ? null : (this.values[code] ?? null);
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The uuid packed at an offset, '' when none is (16 lookups: ~5× quicker than Buffer hex and slices). */
function uuidAt(ids: Uint8Array, offset: number): string {
  const b = offset * 16;
  let any = 0;
  for (let i = b; i < b + 16; i++) any |= ids[i]!;
  if (any === 0) return '';
  const h = (i: number) => HEX[ids[b + i]!]!;
  return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}

/**
 * Keeps the directory of a table: loaded in the background when a search first asks for it (a
 * short-lived CLI process that never ranks never pays), dropped when rows move (a compaction, or a
 * write of another process) and loaded again on the next ask.
 */
export class DirectoryKeeper {
  private directory: RowDirectory | undefined;
  private stale = true;
  private token: object | undefined;
  private loading: Promise<void> = Promise.resolve();
  private closing = false;
  private readonly enabled: boolean;

  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  /** The directory if one describes the table as it is; starts loading one otherwise. */
  current(table: lancedb.Table): RowDirectory | undefined {
    if (this.stale && this.enabled && !this.closing) {
      this.stale = false;
      const token = {};
      this.token = token;
      const cancelled = () => this.closing || this.token !== token;
      this.loading = RowDirectory.load(table, cancelled)
        .then((loaded) => {
          if (loaded && !cancelled()) this.directory = loaded;
        })
        .catch(() => undefined);
    }
    return this.directory;
  }

  /** The rows moved: the directory no longer holds (a load under way is abandoned). */
  invalidate(): void {
    this.directory = undefined;
    this.token = undefined;
    this.stale = true;
  }

  /** Waits for a load under way; true when a directory describes the table. */
  async ready(table: lancedb.Table | undefined): Promise<boolean> {
    if (table) this.current(table);
    await this.loading;
    return this.directory !== undefined;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.loading;
  }
}
