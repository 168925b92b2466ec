/**
 * SearchIndex on LanceDB (embedded, in the data folder): BM25 full-text indexes that prune to the
 * top k (ARCHITECTURE.md: ~3 ms top-20 at 1M records, where PostgreSQL ranks every match), with
 * scalar indexes on the filter columns. Text is analysed by search.analysis.ts and stored as
 * whitespace-separated tokens, so Lance's whitespace tokenizer indexes exactly our tokens.
 *
 * The access scope and filters become a SQL predicate given to the FTS query itself (a prefilter):
 * the top k are chosen among the records the caller may see, never trimmed afterwards.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { dirSize, fileSize } from './search.files.ts';
import { FreshSegment } from './fresh-segment.ts';
import { LongQueries } from './long-query.ts';
import { PageStore, storedRow } from './page-store.ts';
import { DirectoryKeeper } from './row-directory.ts';
import { FTS_OPTIONS, lit } from './lance.query.ts';
import { freshRow, schema, schemaRow, toRow, type FreshRow, type Row } from './lance.rows.ts';
import { rankedRows, searchView, type SearchView } from './lance.search.ts';
import {
  freshStateFile,
  isIndexTable,
  readLiveTable,
  rebuiltTableName,
  writeLiveTable,
} from './lance.tables.ts';
import type { SearchDocument, SearchIndex } from './search.port.ts';

/**
 * Under a prefilter that keeps at most this percent of the rows, Lance scores each kept row ("flat
 * search") instead of walking the posting lists with the filter as a mask. Its default, 10 %, put
 * a district's four years (~5 % of the records) on the flat path: at 1M records through HTTP the
 * filtered query went 62–66 -> 48–49 ms p50 with the posting lists (bench:search); 50 % made a
 * district officer's queries 46 -> 110. At 1 % small organisations keep the flat path, where it is
 * the quicker. Lance reads the variable at its first search; an operator's own setting stands.
 */
process.env.LANCE_FLAT_SEARCH_PERCENT_THRESHOLD ??= '1';

/** Versions younger than this are kept by a cleanup: a reader of another process may still use one. */
const VERSION_GRACE_MS = 5_000;
/**
 * Scalar indexes for the access predicate and the filters (lance.query.ts predicate). A column of
 * few values takes a bitmap: `level_rank <= 2` over a bitmap costs ~0.8 ms at a million rows where
 * a B-tree took ~2.6 (every search by someone not cleared for every level asks it). Bitmaps do not
 * answer `starts_with`, so org_path keeps its B-tree; year ranges cost the same either way.
 */
const SCALAR_INDEXES: Record<string, 'btree' | 'bitmap'> = {
  id: 'btree',
  year: 'btree',
  org_path: 'btree',
  level_rank: 'bitmap',
  fonds: 'bitmap',
  category: 'bitmap',
  level: 'bitmap',
  status: 'bitmap',
};
const INDEX_TYPE = { btree: 'BTree', bitmap: 'Bitmap' } as const;
/**
 * Rows not yet in the Lance indexes are served from the in-memory fresh segment (fresh-segment.ts);
 * the indexes are brought up to date (optimize, which also compacts) once this many rows or
 * characters of text have gathered there, so that queries never scan rows and writes rarely wait.
 */
const FOLD_ROWS = 20_000;
const FOLD_CHARS = 80_000_000;
/** How long a table replaced by a rebuild is kept for searches of other processes still using it. */
const REPLACED_GRACE_MS = 5_000;

export interface LanceSearchIndex extends SearchIndex {
  /** Waits for the row directory being loaded; true when one describes the table (tests, benchmarks). */
  directoryReady(): Promise<boolean>;
  keepWarm(): Promise<void>;
  rebuild(batches: AsyncIterable<readonly SearchDocument[]>, switched?: () => Promise<void>): Promise<void>;
  dropAbandoned(): Promise<number>;
}

export async function openLanceSearchIndex(
  dir: string,
  options: {
    directory?: boolean;
    /** How often to look for writes of other processes (ms; a search waits for none) */
    checkEveryMs?: number;
    /** How long after a fold its own versions are pruned (ms; see pruneLater) */
    pruneAfterMs?: number;
    /** this table, not the one live.json names (a rebuild's own index) */
    table?: string;
    /** How long a table replaced by a rebuild is kept for other processes' searches (ms) */
    replacedGraceMs?: number;
    /** the page store to write to (a rebuild's own index shares the live index's) */
    pages?: PageStore;
  } = {},
): Promise<LanceSearchIndex> {
  const connection = await lancedb.connect(dir);
  // The page's text by record id (page-store.ts): written with every row, read before the table.
  const pages = options.pages ?? PageStore.open(dir);
  /** The table searches are to use now (lance.tables.ts). */
  const liveName = async (): Promise<string> => options.table ?? readLiveTable(dir);
  // The table this process uses, and its state file.
  let tableName = await liveName();
  const statePath = () => join(dir, freshStateFile(tableName));
  const openExisting = async () =>
    (await connection.tableNames()).includes(tableName) ? await connection.openTable(tableName) : undefined;
  let table: lancedb.Table | undefined = await openExisting();
  let indexed = false;
  let fresh = new FreshSegment<FreshRow>();
  const directory = new DirectoryKeeper(options.directory !== false);
  const checkEveryMs = options.checkEveryMs ?? 1000;
  // The table version this process last wrote or caught up with: any other version is another
  // process's write (a `dangan reindex`, a second server on the same data folder).
  let knownVersion: number | undefined;
  let lastCheck = Date.now();
  let closing = false;
  // Whether the full-text indexes are kept in Lance's cache (keepWarm), and the load under way.
  let warm = false;
  let warming: Promise<void> = Promise.resolve();
  // Writes in one process go one at a time; Lance itself resolves writers of other processes.
  let writes: Promise<unknown> = Promise.resolve();
  let writing = 0;
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    writing++;
    const run = () => fn().finally(() => writing--);
    const next = writes.then(run, run);
    writes = next.catch(() => undefined);
    return next;
  };

  async function getTable(): Promise<lancedb.Table> {
    table ??= await connection.createEmptyTable(tableName, schema, { existOk: true });
    return table;
  }

  /** Notes that every row written up to `time` is in the Lance indexes. */
  async function indexedThrough(time: number): Promise<void> {
    fresh.dropThrough(time);
    const temp = `${statePath()}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ indexedThrough: time }));
    await rename(temp, statePath());
  }

  async function ensureIndexes(t: lancedb.Table): Promise<void> {
    if (indexed) return;
    const existing = new Set((await t.listIndices()).map((i) => i.columns.join(',')));
    if (existing.has('tokens') && existing.has('ids')) {
      await ensureScalarIndexes(t);
      indexed = true;
      return;
    }
    if ((await t.countRows()) === 0) return;
    const started = Date.now();
    for (const column of ['tokens', 'ids']) {
      if (!existing.has(column))
        await t.createIndex(column, { config: lancedb.Index.fts(FTS_OPTIONS), replace: true });
    }
    await ensureScalarIndexes(t);
    indexed = true;
    // Written before the indexes were made: they cover every row up to then.
    await indexedThrough(started - 1);
    reloadDirectory();
    knownVersion = await t.version();
  }

  /**
   * The scalar indexes of SCALAR_INDEXES, each of its kind: one missing is made, one of another
   * kind (an index made by an earlier version) is replaced — the new one first, so that no search
   * runs without one.
   */
  async function ensureScalarIndexes(t: lancedb.Table): Promise<void> {
    const present = await t.listIndices();
    for (const [column, kind] of Object.entries(SCALAR_INDEXES)) {
      const current = present.filter((i) => i.columns.length === 1 && i.columns[0] === column);
      if (!current.some((i) => i.indexType === INDEX_TYPE[kind])) {
        const config = kind === 'bitmap' ? lancedb.Index.bitmap() : lancedb.Index.btree();
        await t.createIndex(column, { config, name: `${column}_${kind}_idx`, replace: true });
      }
      for (const old of current) if (old.indexType !== INDEX_TYPE[kind]) await t.dropIndex(old.name);
    }
  }

  /** Brings the Lance indexes up to date with every row written so far. */
  async function fold(t: lancedb.Table): Promise<void> {
    await ensureIndexes(t);
    const started = Date.now();
    // After a bulk load most rows are unindexed: building the full-text indexes afresh is
    // quicker than folding the rows into the small index made from the first batch.
    for (const info of await t.listIndices()) {
      if (info.indexType !== 'FTS') continue;
      const stats = await t.indexStats(info.name);
      if (stats && stats.numUnindexedRows > stats.numIndexedRows)
        await t.createIndex(info.columns[0]!, { config: lancedb.Index.fts(FTS_OPTIONS), replace: true });
    }
    // Versions older than a few seconds are dropped: the index is rebuildable, and a reader of
    // another process re-opens the newest version on its next query.
    await t.optimize({ cleanupOlderThan: new Date(Date.now() - VERSION_GRACE_MS), deleteUnverified: true });
    await indexedThrough(started - 1);
    reloadDirectory();
    knownVersion = await t.version();
    pruneLater(t, knownVersion, new Date());
  }

  /**
   * A fold's cleanup spares the versions of its last seconds, which it made itself, and the index
   * files they reference: about one more copy of the indexes (1.5–3 GB at a million records) until
   * the next fold, which may be days away. A little later (10 s), when nothing was written since,
   * an optimize prunes them (~1 ms when it has nothing to compact: no new version).
   */
  function pruneLater(t: lancedb.Table, folded: number, foldedAt: Date): void {
    setTimeout(() => {
      if (closing) return;
      void serial(async () => {
        if (closing || table !== t || knownVersion !== folded || (await latestVersion()) !== folded) return;
        // Every version older than the fold's last one is seconds old by now: none is in use.
        await t.optimize({ cleanupOlderThan: foldedAt, deleteUnverified: true });
        const after = await t.version();
        if (after === folded) return;
        // It compacted after all (a fold's optimize can leave fragments with deleted rows that the
        // next one merges): the rows moved, so the directory no longer describes them, and the
        // versions this pass made are pruned in turn.
        reloadDirectory();
        await t.optimize({ cleanupOlderThan: new Date(), deleteUnverified: true });
        knownVersion = await t.version();
      }).catch(() => undefined);
    }, options.pruneAfterMs ?? 10_000).unref();
  }

  /** The directory is of no use once rows have moved: loaded again when a search next asks. */
  function reloadDirectory(): void {
    directory.invalidate();
    long.invalidate();
    prewarm();
  }

  /**
   * Loads the full-text indexes of the table searches now use into Lance's index cache, in the
   * background. A posting list is otherwise read and decoded at its first use in the process:
   * at 1M records a bigram's first search cost 3.3 ms p50 / 28 ms p95 and its next ones 1.5 / 3.6,
   * so a server's first queries of each word (most queries, for days) paid the cold figure. Loading
   * the tokens index took 6.5 s and 2 GB of the cache (6 GB by default), the memory searches fill
   * in time anyway. A fold makes new index files: they are loaded again. Not the identifiers'
   * index's posting lists: its millions of one-record keys filled the whole cache (6.4 GB in 22 s)
   * and pushed the text's posting lists out of it. That index is opened, though, by a search for a
   * key none holds: its term dictionaries took the first identifier search after start 5.3 s with
   * the files out of the page cache, 1.5 s in it (and 1 GB, taken then anyway); 0.24–0.9 s so.
   * And the row directory is loaded now rather than by the first ranked searches (the second common
   * word after start took 178 ms while it loaded, 12–14 ms after).
   */
  function prewarm(): void {
    if (!warm) return;
    warming = warming
      .then(async () => {
        const t = table;
        if (closing || !t || !indexed) return;
        // The row directory too, which every ranked search reads (else loaded at the first).
        directory.current(t);
        for (const info of await t.listIndices()) {
          if (closing || table !== t) return;
          if (info.indexType === 'FTS' && info.columns[0] === 'tokens') await t.prewarmIndex(info.name);
        }
        if (closing || table !== t) return;
        // A key is letters and digits only: no record holds this one.
        await t
          .query()
          .fullTextSearch(new lancedb.MatchQuery('warm-up', 'ids'))
          .fastSearch()
          .limit(1)
          .select(['_score'])
          .toArrow();
        if (!closing && table === t) await directory.ready(t);
        // An index made before the page store: its rows go into it, once (~3.7 min at 1M rows).
        if (!closing && table === t) await pages.fillFrom(t, () => closing || table !== t);
      })
      .catch(() => undefined);
  }

  /**
   * The latest version of the table on disk (undefined when there is none, -1 when it cannot be
   * read), looked at through a handle of its own: the one searches use never moves under them.
   */
  async function latestVersion(): Promise<number | undefined> {
    try {
      const latest = await openExisting();
      if (!latest) return undefined;
      const version = await latest.version();
      latest.close();
      return version;
    } catch {
      return -1;
    }
  }

  /**
   * Takes the table as it is now: its indexes, the rows written since they were last complete (into
   * the segment) and a directory to load. At start-up this process may complete the indexes itself;
   * after another process's write it only reads.
   */
  async function catchUp(mayWrite: boolean): Promise<void> {
    // The new state is made aside and put in place at once: searches under way keep the old one
    // (a handle they may still use is left to the garbage collector, not closed under them).
    const next = await openExisting();
    const segment = new FreshSegment<FreshRow>();
    let nextIndexed = false;
    if (next && mayWrite) {
      table = next;
      indexed = false;
      await ensureIndexes(next);
      nextIndexed = indexed;
    } else if (next) {
      const columns = new Set((await next.listIndices()).map((i) => i.columns.join(',')));
      nextIndexed = columns.has('tokens') && columns.has('ids');
    }
    const state = await readFile(statePath(), 'utf8')
      .then((text) => Number((JSON.parse(text) as { indexedThrough?: unknown }).indexedThrough))
      .catch(() => Number.NaN);
    if (next && Number.isFinite(state))
      segment.add(
        (await next
          .query()
          .where(`indexed_at > ${state}`)
          .select(Object.keys(freshRow(schemaRow())))
          .toArray()) as FreshRow[],
      );
    table = next;
    indexed = nextIndexed;
    fresh = segment;
    reloadDirectory();
    knownVersion = next ? await next.version() : undefined;
    // An index from before the segment existed: complete its indexes once.
    if (next && mayWrite && !Number.isFinite(state) && (await next.countRows()) > 0) await fold(next);
  }

  /**
   * Catches up if another process wrote since, or put a rebuilt table in place; true when it did.
   * Call inside serial().
   */
  async function catchUpIfChanged(): Promise<boolean> {
    lastCheck = Date.now();
    const live = await liveName();
    if (live === tableName && (await latestVersion()) === knownVersion) return false;
    tableName = live;
    await catchUp(false);
    return true;
  }

  /**
   * Looks for other processes' writes at most every checkEveryMs. A search never waits for a write
   * of this process under way (an optimize may take minutes): it looks again next time.
   */
  async function checkForeignWrites(): Promise<void> {
    if (closing || writing > 0 || Date.now() - lastCheck < checkEveryMs) return;
    await serial(catchUpIfChanged);
  }

  /** Runs one write of this process on the table as it is now, and notes the version it made. */
  async function ownWrite(create: boolean, fn: (t: lancedb.Table) => Promise<void>): Promise<void> {
    await catchUpIfChanged();
    if (!create && !table) return;
    const t = await getTable();
    const before = await t.version();
    await fn(t);
    const after = await t.version();
    // One write makes one version: more means another process committed in between.
    if (knownVersion !== undefined && after > before + 1) await catchUp(false);
    else knownVersion = after;
  }

  // Long queries (a whole title with a wrong character) are asked chunk by chunk (long-query.ts).
  const view = (): SearchView => ({ table, indexed, fresh, directory, long, pages });
  const long: LongQueries = new LongQueries(
    (t, q, where, allowed, field, limit) => rankedRows(view(), t, q, where, allowed, field, limit),
    () => fresh,
  );

  // At start-up the rows written since the indexes were last complete go back into the segment.
  await catchUp(true);
  // A new index folder: its rows will all go through the store. (Not a rebuild's own table: the
  // live one's rows may not be in the store yet.)
  if (!options.table && !pages.complete && (!table || (await table.countRows()) === 0))
    await pages.markComplete();

  async function write(rows: Row[], mode: 'upsert' | 'append'): Promise<void> {
    // Before the table: a row the table has is then in the store, unless it was made before it.
    await pages.put(rows.map(storedRow));
    await ownWrite(true, async (t) => {
      if (mode === 'append' || (await t.countRows()) === 0)
        await t.add(rows as unknown as Record<string, unknown>[]);
      else
        await t
          .mergeInsert('id')
          .whenMatchedUpdateAll()
          .whenNotMatchedInsertAll()
          .execute(rows as unknown as Record<string, unknown>[]);
    });
    const t = await getTable();
    const wasIndexed = indexed;
    await ensureIndexes(t);
    // Rows the indexes were just made over need no segment.
    if (!wasIndexed) return;
    fresh.add(rows.map(freshRow));
    if (fresh.size < FOLD_ROWS && fresh.textChars < FOLD_CHARS) return;
    if (mode === 'upsert') await fold(t);
    // A bulk load (append) waits for its optimize() at the end; its later rows are found then.
    else fresh.remove(rows.map((r) => r.id));
  }

  /** Drops a table of the folder with its state file; one that is not there is no error. */
  async function dropTable(name: string): Promise<void> {
    if ((await connection.tableNames()).includes(name)) await connection.dropTable(name);
    await rm(join(dir, freshStateFile(name)), { force: true });
  }

  /** Drops the tables of rebuilds that did not finish: every one but the live table. */
  async function dropAbandoned(): Promise<number> {
    // A rebuild's own index (options.table) knows no live table to spare.
    if (options.table) return 0;
    const live = await liveName();
    const abandoned = (await connection.tableNames()).filter((name) => name !== live && isIndexTable(name));
    for (const name of abandoned) await dropTable(name);
    return abandoned.length;
  }

  const inList = (ids: readonly string[]) => `id IN (${ids.map(lit).join(', ')})`;

  const index: LanceSearchIndex = {
    kind: 'lancedb',
    directoryReady: () => directory.ready(table),
    upsert: (documents) =>
      serial(async () => {
        if (documents.length === 0) return;
        const now = Date.now();
        // The last version of a document wins when a batch names it twice.
        await write([...new Map(documents.map((d) => [d.id, toRow(d, now)])).values()], 'upsert');
      }),
    append: (documents) =>
      serial(async () => {
        if (documents.length === 0) return;
        const now = Date.now();
        await write(
          documents.map((d) => toRow(d, now)),
          'append',
        );
      }),
    remove: (ids) =>
      serial(async () => {
        if (ids.length === 0) return;
        await ownWrite(false, async (t) => {
          await t.delete(inList(ids));
        });
        fresh.remove(ids);
        await pages.remove(ids);
      }),
    async search(q, alongside) {
      await checkForeignWrites();
      try {
        return await searchView(view(), q, alongside);
      } catch (error) {
        // Another process may have compacted the table and removed files this handle still read.
        if (!(await serial(catchUpIfChanged))) throw error;
        return searchView(view(), q, alongside);
      }
    },
    async count() {
      return table ? table.countRows() : 0;
    },
    clear: () =>
      serial(async () => {
        if (table) {
          table.close();
          table = undefined;
        }
        indexed = false;
        knownVersion = undefined;
        fresh.clear();
        long.reset();
        reloadDirectory();
        await dropTable(tableName);
        await pages.clear();
      }),
    dropAbandoned,
    async rebuild(batches, switched) {
      // Tables of a rebuild that did not finish (a `dangan reindex` killed) go first.
      await dropAbandoned();
      const name = rebuiltTableName();
      const builder = await openLanceSearchIndex(dir, { table: name, directory: false, pages });
      try {
        for await (const documents of batches) await builder.append(documents);
        await builder.optimize();
      } catch (error) {
        await builder.close();
        await dropTable(name).catch(() => undefined);
        throw error;
      }
      await builder.close();
      const replaced = await serial(async () => {
        const before = tableName;
        await writeLiveTable(dir, name);
        await catchUpIfChanged();
        return before;
      });
      // Every row of the new table went through the store.
      if (replaced !== name) await pages.markComplete();
      await switched?.();
      // Other processes follow at their next check (a search in flight on the old table is asked
      // again of the new one: search()); the old table goes a moment later.
      await new Promise((resolve) => setTimeout(resolve, options.replacedGraceMs ?? REPLACED_GRACE_MS));
      if (replaced !== name) await dropTable(replaced).catch(() => undefined);
    },
    optimize: () =>
      serial(async () => {
        await catchUpIfChanged();
        if (table) await fold(table);
      }),
    async sizeBytes() {
      return (await dirSize(join(dir, `${tableName}.lance`))) + (await fileSize(join(dir, 'pages.mdb')));
    },
    keepWarm() {
      if (!warm) {
        warm = true;
        prewarm();
      }
      return warming;
    },
    async close() {
      closing = true;
      await writes;
      await warming;
      await directory.close();
      await long.close();
      table?.close();
      connection.close();
      if (!options.pages) await pages.close();
    },
  };
  return index;
}

/** Removes an index folder entirely (used by tests and `dangan reindex --drop`). */
export async function removeLanceSearchIndex(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
