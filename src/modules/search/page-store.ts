/**
 * The text a page of hits shows, by record id: its title and stored body, kept beside the Lance
 * tables in an LMDB file (`pages.mdb` in the index folder) and read synchronously from its memory map.
 *
 * Why: the page's text was read back from the Lance table by row address, one `takeRowIds` per
 * search. Lance plans and runs even that small read as a query: at a million records 2.3–2.5 ms
 * for twenty rows (1.3 of it for the `id` column alone), ~2.2 ms of its runtime's CPU on a 2-core
 * machine whose other core ranks or answers the database meanwhile (in a server, 4.5–4.7 ms).
 * Twenty reads from here take ~0.2 ms. LMDB (the `lmdb` package: MIT, prebuilt binaries, used by
 * Parcel and Gatsby) is a crash-safe key-value file that several processes may open at once,
 * as a `dangan reindex` and a server do.
 *
 * Like the table, it holds only what the database and blob store can give again (`dangan reindex`).
 * A row of the table missing here (an index made before it existed, until keepWarm has filled it
 * from the table) is read from the table as before: the store speeds up a page, it never decides it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type * as lancedb from '@lancedb/lancedb';
import { open, type Database, type RootDatabase } from 'lmdb';

/** What the store keeps of a record: what a hit's snippet and ordering read. */
export interface StoredPage {
  id: string;
  title: string;
  body: string;
}

/** Set once every row of the folder's tables is in the store (filled, or made so from the start). */
const COMPLETE = '\u0000complete';

export class PageStore {
  private readonly env: RootDatabase;
  private readonly pages: Database<Buffer, string>;
  /** Bumped when the store is emptied: a fill under way then stops. */
  private generation = 0;
  /** Records removed while a fill runs: it may have read them before, and puts them back. */
  private removedWhileFilling: Set<string> | undefined;

  private constructor(env: RootDatabase, pages: Database<Buffer, string>) {
    this.env = env;
    this.pages = pages;
  }

  /** Opens (or creates) the store of an index folder. */
  static open(dir: string): PageStore {
    mkdirSync(dir, { recursive: true });
    const env = open({ path: join(dir, 'pages.mdb'), maxDbs: 2 });
    // Values are our own bytes (encode below): no msgpack, no compression (a body is ~3 KB).
    const pages = env.openDB<Buffer, string>({ name: 'pages', encoding: 'binary' });
    return new PageStore(env, pages);
  }

  /** Whether every row of the folder's tables is here (see COMPLETE). */
  get complete(): boolean {
    return this.pages.get(COMPLETE) !== undefined;
  }

  async markComplete(): Promise<void> {
    await this.pages.put(COMPLETE, Buffer.alloc(0));
  }

  get(id: string): StoredPage | undefined {
    const value = this.pages.get(id);
    return value === undefined ? undefined : decode(id, value);
  }

  /** Writes the rows (a later row of the same id wins); resolves once committed. */
  async put(rows: readonly StoredPage[]): Promise<void> {
    if (rows.length === 0) return;
    await this.pages.transaction(() => {
      for (const row of rows) void this.pages.put(row.id, encode(row));
    });
  }

  /** Writes the rows whose id is not here yet (a fill from the table must not undo a newer write). */
  async putMissing(rows: readonly StoredPage[]): Promise<void> {
    if (rows.length === 0) return;
    await this.pages.transaction(() => {
      for (const row of rows)
        if (this.pages.get(row.id) === undefined) void this.pages.put(row.id, encode(row));
    });
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    for (const id of ids) this.removedWhileFilling?.add(id);
    await this.pages.transaction(() => {
      for (const id of ids) void this.pages.remove(id);
    });
  }

  /** Empties the store; it is complete again (an empty index has no rows). */
  async clear(): Promise<void> {
    this.generation++;
    await this.pages.clearAsync();
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
    try {
      for await (const batch of table.query().select(['id', 'title', 'body'])) {
        if (stopped()) return;
        const ids = batch.getChild('id')!;
        const titles = batch.getChild('title')!;
        const bodies = batch.getChild('body')!;
        await this.putMissing(
          Array.from({ length: batch.numRows }, (_, i) => ({
            id: ids.get(i) as string,
            title: titles.get(i) as string,
            body: bodies.get(i) as string,
          })),
        );
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
}

/** A value: the title's length in bytes (4 bytes), the title, then the body, all UTF-8. */
function encode(row: StoredPage): Buffer {
  const title = Buffer.from(row.title, 'utf8');
  const body = Buffer.from(row.body, 'utf8');
  const value = Buffer.allocUnsafe(4 + title.length + body.length);
  value.writeUInt32LE(title.length, 0);
  title.copy(value, 4);
  body.copy(value, 4 + title.length);
  return value;
}

function decode(id: string, value: Buffer): StoredPage | undefined {
  if (value.length < 4) return undefined;
  const titleBytes = value.readUInt32LE(0);
  if (4 + titleBytes > value.length) return undefined;
  return {
    id,
    title: value.toString('utf8', 4, 4 + titleBytes),
    body: value.toString('utf8', 4 + titleBytes),
  };
}
