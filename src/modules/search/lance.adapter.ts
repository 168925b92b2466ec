/**
 * SearchIndex on LanceDB (embedded, in the data folder): BM25 full-text indexes that prune to the
 * top k (ARCHITECTURE.md: ~3 ms top-20 at 1M records, where PostgreSQL ranks every match), with
 * scalar indexes on the filter columns. Text is analysed by search.analysis.ts and stored as
 * whitespace-separated tokens, so Lance's whitespace tokenizer indexes exactly our tokens.
 *
 * The access scope and filters become a SQL predicate given to the FTS query itself (a prefilter):
 * the top k are chosen among the records the caller may see, never trimmed afterwards.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { Field, Float64, Int32, Schema, Utf8 } from 'apache-arrow';
import { dirSize } from './search.files.ts';
import { analyze, findIdentifiers, identifierKey, pinyinTokens, unigrams } from './search.analysis.ts';
import {
  FACETS,
  MAX_BODY_CHARS,
  type Facet,
  type IndexHit,
  type IndexQuery,
  type IndexResult,
  type SearchDocument,
  type SearchFilters,
  type SearchIndex,
} from './search.port.ts';

const TABLE = 'records';
const STORED_BODY_CHARS = 20_000;
/**
 * Rows written since the last optimize after which the index structures are refreshed. Rows not yet
 * in the full-text index are still found (Lance scans them), but each 1,000 of them added ~45 ms to
 * a query at 100k records, while an optimize cost ~16 s there (it compacts fragments too): 2,000
 * bounds the first without running the second all the time.
 */
const OPTIMIZE_AFTER_ROWS = 2_000;

const schema = new Schema([
  new Field('id', new Utf8(), false),
  new Field('status', new Utf8(), false),
  new Field('archive_no', new Utf8(), true),
  new Field('title', new Utf8(), false),
  new Field('body', new Utf8(), false),
  new Field('tokens', new Utf8(), false),
  new Field('ids', new Utf8(), false),
  new Field('fonds', new Utf8(), false),
  new Field('category', new Utf8(), false),
  new Field('organisation_id', new Utf8(), false),
  new Field('org_path', new Utf8(), false),
  new Field('level', new Utf8(), false),
  new Field('level_rank', new Int32(), false),
  new Field('retention', new Utf8(), true),
  new Field('matter_type', new Utf8(), true),
  new Field('year', new Int32(), true),
  new Field('formed_on', new Utf8(), true),
  new Field('indexed_at', new Float64(), false),
]);

interface Row {
  id: string;
  status: string;
  archive_no: string | null;
  title: string;
  body: string;
  tokens: string;
  ids: string;
  fonds: string;
  category: string;
  organisation_id: string;
  org_path: string;
  level: string;
  level_rank: number;
  retention: string | null;
  matter_type: string | null;
  year: number | null;
  formed_on: string | null;
  indexed_at: number;
}

/** The tokens of a document: title (twice, for weight, plus single ideographs), names, body, pinyin. */
export function documentTokens(doc: SearchDocument): { tokens: string; ids: string } {
  const title = analyze(doc.title);
  const names = doc.names.join(' ');
  const idText = [doc.archiveNo ?? '', doc.docNumber ?? '', ...doc.identifiers].join(' ');
  const tokens = [
    ...title,
    ...title,
    ...unigrams(doc.title),
    ...analyze(names),
    ...analyze(idText, { words: false }),
    ...pinyinTokens(`${doc.title} ${names}`),
    ...analyze(doc.body.slice(0, MAX_BODY_CHARS)),
  ];
  const keys = new Set<string>();
  for (const raw of [doc.archiveNo, doc.docNumber, ...doc.identifiers]) {
    const key = raw ? identifierKey(raw) : null;
    if (key) keys.add(key);
  }
  for (const key of findIdentifiers(doc.title)) keys.add(key);
  return { tokens: tokens.join(' '), ids: [...keys].join(' ') };
}

function toRow(doc: SearchDocument, now: number): Row {
  const { tokens, ids } = documentTokens(doc);
  return {
    id: doc.id,
    status: doc.status,
    archive_no: doc.archiveNo,
    title: doc.title,
    body: doc.body.slice(0, STORED_BODY_CHARS),
    tokens,
    ids,
    fonds: doc.fonds,
    category: doc.category,
    organisation_id: doc.organisationId,
    org_path: doc.organisationPath,
    level: doc.level,
    level_rank: doc.levelRank,
    retention: doc.retention,
    matter_type: doc.matterType,
    year: doc.year,
    formed_on: doc.formedOn,
    indexed_at: now,
  };
}

/** A SQL string literal for Lance's (DataFusion) filter language. */
function lit(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The access scope and filters as one predicate; null when the scope allows nothing. */
export function predicate(scope: IndexQuery['scope'], filters: SearchFilters): string | null {
  if (!scope) return null;
  const paths = [scope.organisationPath, ...(scope.sharedPaths ?? [])];
  const parts = [
    `(${paths.map((p) => `starts_with(org_path, ${lit(p)})`).join(' OR ')})`,
    `level_rank <= ${Math.trunc(scope.maxLevelRank)}`,
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
  return parts.join(' AND ');
}

const FACET_COLUMNS: Record<Facet, keyof Row> = {
  fonds: 'fonds',
  category: 'category',
  organisation: 'organisation_id',
  year: 'year',
  level: 'level',
  retention: 'retention',
  matterType: 'matter_type',
};

const FTS_OPTIONS = {
  baseTokenizer: 'whitespace',
  lowercase: false,
  stem: false,
  removeStopWords: false,
  asciiFolding: false,
  withPosition: false,
  maxTokenLength: 64,
} as const;

export async function openLanceSearchIndex(dir: string): Promise<SearchIndex> {
  const connection = await lancedb.connect(dir);
  let table: lancedb.Table | undefined = (await connection.tableNames()).includes(TABLE)
    ? await connection.openTable(TABLE)
    : undefined;
  let indexed = false;
  let writtenSinceOptimize = 0;
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

  async function ensureIndexes(t: lancedb.Table): Promise<void> {
    if (indexed) return;
    const existing = new Set((await t.listIndices()).map((i) => i.columns.join(',')));
    if (existing.has('tokens') && existing.has('ids')) {
      indexed = true;
      return;
    }
    if ((await t.countRows()) === 0) return;
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
  }

  const inList = (ids: readonly string[]) => `id IN (${ids.map(lit).join(', ')})`;

  const index: SearchIndex = {
    kind: 'lancedb',
    upsert: (documents) =>
      serial(async () => {
        if (documents.length === 0) return;
        const t = await getTable();
        const now = Date.now();
        // The last version of a document wins when a batch names it twice.
        const rows = [...new Map(documents.map((d) => [d.id, toRow(d, now)])).values()];
        if ((await t.countRows()) === 0) await t.add(rows as unknown as Record<string, unknown>[]);
        else
          await t
            .mergeInsert('id')
            .whenMatchedUpdateAll()
            .whenNotMatchedInsertAll()
            .execute(rows as unknown as Record<string, unknown>[]);
        await ensureIndexes(t);
        writtenSinceOptimize += rows.length;
        if (writtenSinceOptimize >= OPTIMIZE_AFTER_ROWS) {
          writtenSinceOptimize = 0;
          await t.optimize({ cleanupOlderThan: new Date(Date.now() - 60_000) });
        }
      }),
    append: (documents) =>
      serial(async () => {
        if (documents.length === 0) return;
        const t = await getTable();
        const now = Date.now();
        await t.add(documents.map((d) => toRow(d, now)) as unknown as Record<string, unknown>[]);
        // The first batch creates the indexes so that queries work at once; later batches are
        // searched unindexed until optimize() folds them in.
        await ensureIndexes(t);
      }),
    remove: (ids) =>
      serial(async () => {
        if (ids.length === 0 || !table) return;
        await table.delete(inList(ids));
      }),
    async search(q) {
      const empty: IndexResult = {
        hits: [],
        total: 0,
        totalExact: true,
        facets: Object.fromEntries(FACETS.map((f) => [f, []])) as unknown as IndexResult['facets'],
      };
      const where = predicate(q.scope, q.filters);
      const t = table;
      if (where === null || !t) return empty;
      const facetCols = Object.values(FACET_COLUMNS);
      const hitCols = ['id', 'archive_no', 'title', 'body', 'formed_on'];

      const run = async (ftq: lancedb.FullTextQuery, columns: string[], limit: number) => {
        if (limit <= 0) return [];
        const rows = await t
          .query()
          .fullTextSearch(ftq)
          .where(where)
          .select([...columns, '_score'])
          .limit(limit)
          .toArray();
        return rows as (Row & { _score: number })[];
      };

      const { query } = q;
      const textTokens = [...query.terms, ...query.pinyin];
      let main: lancedb.FullTextQuery | undefined;
      if (textTokens.length > 0 || query.required.length > 0) {
        const should = new lancedb.MatchQuery(textTokens.join(' ') || query.required.join(' '), 'tokens');
        main =
          query.required.length > 0
            ? new lancedb.BooleanQuery([
                [
                  lancedb.Occur.Must,
                  new lancedb.MatchQuery(query.required.join(' '), 'tokens', {
                    operator: lancedb.Operator.And,
                  }),
                ],
                [lancedb.Occur.Should, should],
              ])
            : should;
      }
      const exactQuery =
        query.identifiers.length > 0 ? new lancedb.MatchQuery(query.identifiers.join(' '), 'ids') : undefined;
      const byDate = q.sort === 'date';
      const pageEnd = q.offset + q.limit;

      // One full-text evaluation: the counting window gives totals, facets and the ranked order;
      // the page's stored fields are then read by id.
      const [exactRows, windowRows] = await Promise.all([
        exactQuery ? run(exactQuery, ['id', 'formed_on', ...facetCols], 50) : [],
        main ? run(main, ['id', 'formed_on', ...facetCols], Math.max(q.countWindow, pageEnd)) : [],
      ]);

      // Facets and totals over the exact matches and the counting window, each record once.
      const counted = new Map<string, Row & { _score: number }>();
      for (const row of [...exactRows, ...windowRows]) if (!counted.has(row.id)) counted.set(row.id, row);
      const facets = {} as IndexResult['facets'];
      for (const facet of FACETS) {
        const counts = new Map<string, number>();
        for (const row of counted.values()) {
          const value = row[FACET_COLUMNS[facet]];
          if (value === null || value === undefined || value === '') continue;
          counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
        }
        facets[facet] = [...counts]
          .map(([value, count]) => ({ value, count }))
          .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
      }

      const exactIds = new Set(exactRows.map((r) => r.id));
      // Exact identifier matches first, then by relevance (or by date when asked).
      const all = [...counted.values()];
      if (byDate)
        all.sort((a, b) => (b.formed_on ?? '').localeCompare(a.formed_on ?? '') || a.id.localeCompare(b.id));
      const page = all.slice(q.offset, pageEnd);
      const details = page.length
        ? ((await t
            .query()
            .where(`${inList(page.map((r) => r.id))} AND ${where}`)
            .select(hitCols)
            .toArray()) as Row[])
        : [];
      const byId = new Map(details.map((d) => [d.id, d]));
      const ordered = page.flatMap((r) => {
        const d = byId.get(r.id);
        return d ? [{ ...d, _score: r._score, exact: exactIds.has(r.id) }] : [];
      });
      const hits: IndexHit[] = ordered.map((r) => ({
        id: r.id,
        score: r.exact ? 1000 + r._score : r._score,
        exact: r.exact,
        archiveNo: r.archive_no ?? null,
        title: r.title,
        body: r.body,
        formedOn: r.formed_on ?? null,
      }));
      return {
        hits,
        total: counted.size,
        totalExact: windowRows.length < q.countWindow,
        facets,
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
        if ((await connection.tableNames()).includes(TABLE)) await connection.dropTable(TABLE);
      }),
    optimize: () =>
      serial(async () => {
        if (!table) return;
        await ensureIndexes(table);
        writtenSinceOptimize = 0;
        // After a bulk load most rows are unindexed: building the full-text indexes afresh is
        // quicker than folding the rows into the small index made from the first batch.
        for (const info of await table.listIndices()) {
          if (info.indexType !== 'FTS') continue;
          const stats = await table.indexStats(info.name);
          if (stats && stats.numUnindexedRows > stats.numIndexedRows)
            await table.createIndex(info.columns[0]!, {
              config: lancedb.Index.fts(FTS_OPTIONS),
              replace: true,
            });
        }
        // Versions older than a few seconds are dropped: the index is rebuildable, and a reader of
        // another process re-opens the newest version on its next query.
        await table.optimize({ cleanupOlderThan: new Date(Date.now() - 5_000), deleteUnverified: true });
      }),
    async sizeBytes() {
      return dirSize(join(dir, `${TABLE}.lance`));
    },
    async close() {
      await writes;
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
