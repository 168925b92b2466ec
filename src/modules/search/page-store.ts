/**
 * What a search reads of a record besides the full-text indexes, by record id, kept beside the
 * Lance tables in an LMDB file (`pages.mdb` in the index folder) and read synchronously from its
 * memory map: the text a page of hits shows (title, stored body), the columns scope, filters and
 * facets read, and which records hold each whole identifier key (a 文号, 档号 or code as indexed).
 *
 * Why: Lance plans and runs even the smallest read as a query, ~1.2 ms of its runtime's CPU each.
 * The page's text read back by row address (`takeRowIds`) cost 2.3–2.5 ms for twenty rows at a
 * million records (in a server, beside the database statement, 4.5–4.7 ms); twenty reads from here
 * take ~0.15 ms. A whole identifier asked of Lance's identifier index cost 1.8–2.5 ms; here a few
 * µs. LMDB (the `lmdb` package: MIT, prebuilt binaries, used by Parcel and Gatsby) is a crash-safe
 * key-value file that several processes may open at once, as a `dangan reindex` and a server do.
 *
 * Like the table, it holds only what the database and blob store can give again (`dangan reindex`).
 * Until it is complete (an index made before it, until keepWarm has filled it from the table), a
 * page's text it lacks is read from the table, and identifiers are asked of Lance, as before.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type * as lancedb from '@lancedb/lancedb';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { Row } from './lance.rows.ts';

/** The columns of a row that scope, filters, facets and date order read. */
export const STORED_COLUMNS = [
  'status',
  'fonds',
  'category',
  'organisation_id',
  'org_path',
  'level',
  'level_rank',
  'retention',
  'matter_type',
  'year',
  'formed_on',
] as const satisfies readonly (keyof Row)[];
export type StoredColumns = Pick<Row, (typeof STORED_COLUMNS)[number]>;

/** What the store keeps of a record. */
export interface StoredRow extends StoredColumns {
  id: string;
  title: string;
  body: string;
  /** its whole identifier keys (the `ids` tokens but the partial ones, which hold a `*`) */
  keys: string[];
  /** how many identifier tokens it is indexed under, partial ones included */
  idTokens: number;
}
/** A stored row without its text: what an identifier look-up reads. */
export type StoredHead = Omit<StoredRow, 'body'>;

/** The stored row of a table row. */
export function storedRow(row: Pick<Row, 'id' | 'title' | 'body' | 'ids'> & StoredColumns): StoredRow {
  const tokens = row.ids.split(' ').filter((t) => t !== '');
  const stored = { id: row.id, title: row.title, body: row.body } as StoredRow;
  for (const column of STORED_COLUMNS) (stored as unknown as Record<string, unknown>)[column] = row[column];
  stored.keys = [...new Set(tokens.filter((t) => !t.includes('*')))];
  stored.idTokens = tokens.length;
  return stored;
}

/** Set once every row of the folder's tables is in the store (filled, or made so from the start). */
const COMPLETE = '\u0000complete';
/** The layout of the values; a store of another layout is emptied at open (and filled again). */
const FORMAT_KEY = '\u0000format';
const FORMAT = Buffer.from('2');

export class PageStore {
  private readonly env: RootDatabase;
  private readonly pages: Database<Buffer, string>;
  /** whole identifier key -> the ids of the records holding it (sorted duplicates) */
  private readonly keys: Database<string, string>;
  /** Bumped when the store is emptied: a fill under way then stops. */
  private generation = 0;
  /** Records removed while a fill runs: it may have read them before, and puts them back. */
  private removedWhileFilling: Set<string> | undefined;

  private constructor(env: RootDatabase, pages: Database<Buffer, string>, keys: Database<string, string>) {
    this.env = env;
    this.pages = pages;
    this.keys = keys;
  }

  /** Opens (or creates) the store of an index folder. */
  static open(dir: string): PageStore {
    mkdirSync(dir, { recursive: true });
    const env = open({ path: join(dir, 'pages.mdb'), maxDbs: 4 });
    // Values are our own bytes (encode below): no msgpack, no compression (a body is ~3 KB).
    const pages = env.openDB<Buffer, string>({ name: 'pages', encoding: 'binary' });
    const keys = env.openDB<string, string>({ name: 'keys', encoding: 'string', dupSort: true });
    const format = pages.get(FORMAT_KEY);
    if (!format || !format.equals(FORMAT)) {
      // Made by an earlier version (or new): emptied, so that keepWarm fills it in this layout.
      pages.clearSync();
      keys.clearSync();
      pages.putSync(FORMAT_KEY, FORMAT);
    }
    return new PageStore(env, pages, keys);
  }

  /** Whether every row of the folder's tables is here (see COMPLETE). */
  get complete(): boolean {
    return this.pages.get(COMPLETE) !== undefined;
  }

  async markComplete(): Promise<void> {
    await this.pages.put(COMPLETE, Buffer.alloc(0));
  }

  /** The text of a record's hit. */
  get(id: string): Pick<StoredRow, 'id' | 'title' | 'body'> | undefined {
    const value = this.pages.get(id);
    if (value === undefined || id.startsWith('\u0000')) return undefined;
    const { head, bodyAt } = decodeHead(value);
    return { id, title: head.title, body: value.toString('utf8', bodyAt) };
  }

  /**
   * The records holding any of these whole identifier keys, each with how many of them it holds;
   * undefined when the store cannot tell (not complete) or a key is held by more than `limit`
   * records (the caller then asks Lance, which keeps the best `limit`).
   */
  lookup(keys: readonly string[], limit: number): { head: StoredHead; held: number }[] | undefined {
    if (!this.complete) return undefined;
    const held = new Map<string, number>();
    for (const key of new Set(keys)) {
      if (this.keys.getValuesCount(key) > limit) return undefined;
      for (const id of this.keys.getValues(key)) held.set(id, (held.get(id) ?? 0) + 1);
    }
    const found: { head: StoredHead; held: number }[] = [];
    for (const [id, count] of held) {
      const value = this.pages.get(id);
      // A key without its record: the store is not what it should be; Lance answers instead.
      if (value === undefined) return undefined;
      found.push({ head: { ...decodeHead(value).head, id }, held: count });
    }
    return found;
  }

  /** Writes the rows (a later row of the same id wins); resolves once committed. */
  async put(rows: readonly StoredRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.pages.transaction(() => {
      for (const row of rows) this.write(row);
    });
  }

  /** Writes the rows whose id is not here yet (a fill from the table must not undo a newer write). */
  async putMissing(rows: readonly StoredRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.pages.transaction(() => {
      for (const row of rows) this.write(row, { ifMissing: true });
    });
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    for (const id of ids) this.removedWhileFilling?.add(id);
    await this.pages.transaction(() => {
      for (const id of ids) this.write({ id, keys: [] });
    });
  }

  /** Empties the store; it is complete again (an empty index has no rows). */
  async clear(): Promise<void> {
    this.generation++;
    await this.pages.clearAsync();
    await this.keys.clearAsync();
    await this.pages.put(FORMAT_KEY, FORMAT);
    await this.markComplete();
  }

  /**
   * Puts the rows of a table that the store lacks into it (an index made before the store), unless
   * it is complete; stops when `stale` says the table is no longer the one searches use. Rows
   * written meanwhile are put by their write and left alone here; rows removed meanwhile, which
   * the scan may have read before, are removed again at the end.
   */
  async fillFrom(table: lancedb.Table, stale: () => boolean): Promise<void> {
    if (this.complete) return;
    const generation = this.generation;
    const removed = new Set<string>();
    this.removedWhileFilling = removed;
    const stopped = () => stale() || generation !== this.generation;
    const columns = ['id', 'title', 'body', 'ids', ...STORED_COLUMNS];
    try {
      for await (const batch of table.query().select(columns)) {
        if (stopped()) return;
        const vectors = columns.map((c) => batch.getChild(c)!);
        const rows = Array.from({ length: batch.numRows }, (_, i) =>
          storedRow(Object.fromEntries(columns.map((c, j) => [c, vectors[j]!.get(i)])) as unknown as Row),
        );
        await this.putMissing(rows);
      }
      if (stopped()) return;
      await this.remove([...removed]);
      await this.markComplete();
    } finally {
      if (this.removedWhileFilling === removed) this.removedWhileFilling = undefined;
    }
  }

  async close(): Promise<void> {
    await this.env.close();
  }

  /**
   * Inside a write transaction: the row in place of the one stored (none: `keys` only, removed),
   * or, `ifMissing`, only where none is stored (one read of the stored value either way).
   */
  private write(
    row: StoredRow | { id: string; keys: string[] },
    options: { ifMissing?: boolean } = {},
  ): void {
    const before = this.pages.get(row.id);
    if (options.ifMissing && before) return;
    const old = before ? decodeHead(before).head.keys : [];
    for (const key of old) if (!row.keys.includes(key)) void this.keys.remove(key, row.id);
    for (const key of row.keys) if (!old.includes(key)) void this.keys.put(key, row.id);
    if ('body' in row) void this.pages.put(row.id, encode(row));
    else if (before) void this.pages.remove(row.id);
  }
}

/** A value: the length in bytes of its head (4 bytes), the head (JSON: all but the body), the body. */
function encode(row: StoredRow): Buffer {
  const { body, id: _id, ...rest } = row;
  const head = Buffer.from(JSON.stringify(rest), 'utf8');
  const text = Buffer.from(body, 'utf8');
  const value = Buffer.allocUnsafe(4 + head.length + text.length);
  value.writeUInt32LE(head.length, 0);
  head.copy(value, 4);
  text.copy(value, 4 + head.length);
  return value;
}

function decodeHead(value: Buffer): { head: StoredHead; bodyAt: number } {
  const length = value.readUInt32LE(0);
  const head = JSON.parse(value.toString('utf8', 4, 4 + length)) as StoredHead;
  return { head, bodyAt: 4 + length };
}
