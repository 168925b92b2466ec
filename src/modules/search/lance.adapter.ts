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
import { dirSize } from './search.files.ts';
import { FreshSegment } from './fresh-segment.ts';
import { LongQueries } from './long-query.ts';
import { RowDirectory } from './row-directory.ts';
import {
  countFacets,
  FACET_SELECT,
  FTS_OPTIONS,
  identifierQuery,
  lit,
  predicate,
  admits,
  readHits,
  textQuery,
  type TextQuery,
  type WindowRow,
} from './lance.query.ts';
import { freshRow, schema, schemaRow, toRow, type FreshRow, type Row } from './lance.rows.ts';
import { FACETS, type IndexHit, type IndexResult, type SearchIndex } from './search.port.ts';

const TABLE = 'records';
/**
 * Rows not yet in the Lance indexes are served from the in-memory fresh segment (fresh-segment.ts);
 * the indexes are brought up to date (optimize, which also compacts) once this many rows or
 * characters of text have gathered there, so that queries never scan rows and writes rarely wait.
 */
const FOLD_ROWS = 20_000;
const FOLD_CHARS = 80_000_000;
/** Remembers up to which write time the Lance indexes are complete, for the next start. */
const FRESH_STATE = 'fresh.json';

export interface LanceSearchIndex extends SearchIndex {
  /** Waits for the row directory being loaded; true when one describes the table (tests, benchmarks). */
  directoryReady(): Promise<boolean>;
}

export async function openLanceSearchIndex(
  dir: string,
  options: { directory?: boolean } = {},
): Promise<LanceSearchIndex> {
  const connection = await lancedb.connect(dir);
  let table: lancedb.Table | undefined = (await connection.tableNames()).includes(TABLE)
    ? await connection.openTable(TABLE)
    : undefined;
  let indexed = false;
  const fresh = new FreshSegment<FreshRow>();
  const statePath = join(dir, FRESH_STATE);
  // Writes in one process go one at a time; Lance itself resolves writers of other processes.
  let writes: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = writes.then(fn, fn);
    writes = next.catch(() => undefined);
    return next;
  };

  async function getTable(): Promise<lancedb.Table> {
    table ??= await connection.createEmptyTable(TABLE, schema, { existOk: true });
    return table;
  }

  /** Notes that every row written up to `time` is in the Lance indexes. */
  async function indexedThrough(time: number): Promise<void> {
    fresh.dropThrough(time);
    const temp = `${statePath}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ indexedThrough: time }));
    await rename(temp, statePath);
  }

  async function ensureIndexes(t: lancedb.Table): Promise<void> {
    if (indexed) return;
    const existing = new Set((await t.listIndices()).map((i) => i.columns.join(',')));
    if (existing.has('tokens') && existing.has('ids')) {
      indexed = true;
      return;
    }
    if ((await t.countRows()) === 0) return;
    const started = Date.now();
    for (const column of ['tokens', 'ids']) {
      if (!existing.has(column))
        await t.createIndex(column, { config: lancedb.Index.fts(FTS_OPTIONS), replace: true });
    }
    for (const column of ['id', 'level_rank', 'year', 'org_path']) {
      if (!existing.has(column)) await t.createIndex(column, { config: lancedb.Index.btree() });
    }
    for (const column of ['fonds', 'category', 'level', 'status']) {
      if (!existing.has(column)) await t.createIndex(column, { config: lancedb.Index.bitmap() });
    }
    indexed = true;
    // Written before the indexes were made: they cover every row up to then.
    await indexedThrough(started - 1);
    reloadDirectory();
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
    await t.optimize({ cleanupOlderThan: new Date(Date.now() - 5_000), deleteUnverified: true });
    await indexedThrough(started - 1);
    reloadDirectory();
  }

  // The small columns of indexed rows by address (row-directory.ts), valid for the table as it was
  // after our last compaction; reloaded in the background after each, and whenever the table turns
  // out to have been changed by another process.
  let directory: RowDirectory | undefined;
  let directoryStale = true;
  let directoryLoad: object | undefined;
  let directoryLoading: Promise<void> = Promise.resolve();
  let closing = false;
  const ownVersions = new Set<number>();

  /** Marks the directory stale; it is loaded again when a search first needs it. */
  function reloadDirectory(): void {
    directory = undefined;
    directoryLoad = undefined;
    ownVersions.clear();
    directoryStale = true;
    long.invalidate();
  }

  /** Loads the directory in the background (a short-lived CLI process that never ranks never pays). */
  function startDirectoryLoad(t: lancedb.Table): void {
    if (!directoryStale || options.directory === false || closing) return;
    directoryStale = false;
    const token = {};
    directoryLoad = token;
    const cancelled = () => closing || directoryLoad !== token;
    directoryLoading = (async () => {
      ownVersions.add(await t.version());
      const loaded = await RowDirectory.load(t, cancelled);
      // A compaction meanwhile (ours: the directory was marked stale again; another process's: a
      // version we did not write) makes the addresses stale.
      if (loaded && !cancelled() && ownVersions.has(await t.version())) directory = loaded;
    })().catch(() => undefined);
  }

  /** Notes the table version our own write (one that moves no row) produced. */
  async function wroteVersion(t: lancedb.Table): Promise<void> {
    ownVersions.add(await t.version());
  }

  /** The directory, if it describes the table as it is now. */
  async function currentDirectory(t: lancedb.Table): Promise<RowDirectory | undefined> {
    startDirectoryLoad(t);
    if (!directory) return undefined;
    if (ownVersions.has(await t.version())) return directory;
    reloadDirectory();
    startDirectoryLoad(t);
    return undefined;
  }

  /** Lance's best indexed rows: by address through the directory, reading columns only for the rest. */
  async function lanceRanked(
    t: lancedb.Table,
    q: TextQuery,
    where: string,
    field: 'tokens' | 'ids',
    limit: number,
  ): Promise<WindowRow[]> {
    const base = () => {
      const query = t.query().fullTextSearch(q.lance).fastSearch().withRowId().limit(limit);
      return where ? query.where(where) : query;
    };
    const known = field === 'tokens' ? await currentDirectory(t) : undefined;
    if (!known)
      return (await base()
        .select(['id', 'formed_on', 'ids', ...FACET_SELECT, '_score'])
        .toArray()) as WindowRow[];
    const ranked = (await base().select(['_score']).toArray()) as { _rowid: bigint; _score: number }[];
    const rows: (WindowRow | undefined)[] = ranked.map((r) => {
      const row = known.get(r._rowid);
      return row ? { ...row, ids: '', _score: r._score, _rowid: r._rowid } : undefined;
    });
    const unknown = ranked.filter((_, i) => !rows[i]);
    if (unknown.length > 0) {
      const read = (await t
        .takeRowIds(unknown.map((r) => r._rowid))
        .withRowId()
        .select(['id', 'formed_on', 'ids', ...FACET_SELECT])
        .toArray()) as WindowRow[];
      const byAddress = new Map(read.map((r) => [r._rowid, r]));
      ranked.forEach((r, i) => {
        const row = rows[i] ?? byAddress.get(r._rowid);
        rows[i] = row ? { ...row, _score: r._score, _rowid: r._rowid } : undefined;
      });
    }
    return rows.filter((r): r is WindowRow => r !== undefined);
  }

  // Long queries (a whole title with a wrong character) are asked chunk by chunk (long-query.ts).
  const long = new LongQueries(ranked, () => fresh);

  // At start-up the rows written since the indexes were last complete go back into the segment.
  if (table) {
    await ensureIndexes(table);
    const state = await readFile(statePath, 'utf8')
      .then((text) => Number((JSON.parse(text) as { indexedThrough?: unknown }).indexedThrough))
      .catch(() => Number.NaN);
    if (Number.isFinite(state)) {
      const rows = (await table
        .query()
        .where(`indexed_at > ${state}`)
        .select(Object.keys(freshRow(schemaRow())))
        .toArray()) as FreshRow[];
      fresh.add(rows);
      reloadDirectory();
    } else if ((await table.countRows()) > 0) {
      // An index from before the segment existed: complete its indexes once.
      await fold(table);
    }
  }

  /** The best rows of Lance (indexed rows only) and of the fresh segment, merged by score. */
  async function ranked(
    t: lancedb.Table,
    q: TextQuery,
    where: string,
    allowed: (row: FreshRow) => boolean,
    field: 'tokens' | 'ids',
    limit: number,
  ): Promise<WindowRow[]> {
    if (limit <= 0) return [];
    const lanceRows = await lanceRanked(t, q, where, field, limit);
    if (fresh.size === 0) return lanceRows;
    const freshRows: WindowRow[] = fresh
      .search(field, q.fresh, allowed, limit)
      .map(({ row, score }) => ({ ...row, _score: score }));
    // A row held in the segment is newer than any copy Lance still returns.
    const merged = [...freshRows, ...lanceRows.filter((r) => !fresh.has(r.id))];
    merged.sort((a, b) => b._score - a._score);
    return merged.slice(0, limit);
  }

  async function write(rows: Row[], mode: 'upsert' | 'append'): Promise<void> {
    const t = await getTable();
    if (mode === 'append' || (await t.countRows()) === 0)
      await t.add(rows as unknown as Record<string, unknown>[]);
    else
      await t
        .mergeInsert('id')
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .execute(rows as unknown as Record<string, unknown>[]);
    await wroteVersion(t);
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

  const inList = (ids: readonly string[]) => `id IN (${ids.map(lit).join(', ')})`;

  const index: LanceSearchIndex = {
    kind: 'lancedb',
    async directoryReady() {
      if (table) startDirectoryLoad(table);
      await directoryLoading;
      return directory !== undefined;
    },
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
        if (ids.length === 0 || !table) return;
        await table.delete(inList(ids));
        await wroteVersion(table);
        fresh.remove(ids);
      }),
    async search(q) {
      const empty: IndexResult = {
        hits: [],
        total: 0,
        totalExact: true,
        facets: Object.fromEntries(FACETS.map((f) => [f, []])) as unknown as IndexResult['facets'],
      };
      const where = predicate(q.scope, q.filters);
      const allowed = admits(q.scope, q.filters);
      const t = table;
      if (where === null || allowed === null || !t || !indexed) return empty;
      const { query } = q;
      const pageEnd = q.offset + q.limit;

      // Exact identifiers first. When the whole query is the identifier of a record (a 文号, 档号 or
      // code typed in full), those records are the answer and the ranked text search is skipped: its
      // bigrams (审批, 批发 …) are among the commonest and would cost the most to rank.
      const exact = identifierQuery(query.identifiers);
      const exactRows = exact ? await ranked(t, exact, where, allowed, 'ids', q.countWindow) : [];
      const whole = query.wholeIdentifier;
      const identified = whole !== null && exactRows.some((r) => r.ids.split(' ').includes(whole));
      const main = identified ? undefined : textQuery(query);
      // One ranked evaluation over the counting window gives order, totals and facets; the page's
      // stored fields are then read by row address.
      const windowRows = main
        ? ((await long.rank(t, query, where, allowed, Math.max(q.countWindow, pageEnd), pageEnd)) ??
          (await ranked(t, main, where, allowed, 'tokens', Math.max(q.countWindow, pageEnd))))
        : [];

      const counted = new Map<string, WindowRow>();
      for (const row of [...exactRows, ...windowRows]) if (!counted.has(row.id)) counted.set(row.id, row);
      const all = [...counted.values()];
      if (q.sort === 'date')
        all.sort((a, b) => (b.formed_on ?? '').localeCompare(a.formed_on ?? '') || a.id.localeCompare(b.id));
      const page = all.slice(q.offset, pageEnd);
      const details = await readHits(t, page, where);
      const exactIds = new Set(exactRows.map((r) => r.id));
      const hits: IndexHit[] = page.flatMap((r) => {
        const d = details.get(r.id);
        if (!d) return [];
        const isExact = exactIds.has(r.id);
        return [
          {
            id: r.id,
            score: isExact ? 1000 + r._score : r._score,
            exact: isExact,
            archiveNo: d.archive_no ?? null,
            title: d.title,
            body: d.body,
            formedOn: d.formed_on ?? null,
            matterType: d.matter_type ?? null,
          },
        ];
      });
      return {
        hits,
        total: counted.size,
        totalExact: windowRows.length < q.countWindow && exactRows.length < q.countWindow,
        facets: countFacets(counted.values()),
      };
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
        fresh.clear();
        long.reset();
        directory = undefined;
        directoryLoad = undefined;
        await rm(statePath, { force: true });
        if ((await connection.tableNames()).includes(TABLE)) await connection.dropTable(TABLE);
      }),
    optimize: () =>
      serial(async () => {
        if (table) await fold(table);
      }),
    async sizeBytes() {
      return dirSize(join(dir, `${TABLE}.lance`));
    },
    async close() {
      closing = true;
      await writes;
      await directoryLoading;
      await long.close();
      table?.close();
      connection.close();
    },
  };
  return index;
}

/** Removes an index folder entirely (used by tests and `dangan reindex --drop`). */
export async function removeLanceSearchIndex(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
