/**
 * Search operations: keeping the index in step with the database, rebuilding it, and answering a
 * user's query within what the user may open.
 */
import type { Database } from '../../db/database.port.ts';
import { can, forbidden, type Actor } from '../access/access.policy.ts';
import type { AccessScope } from './search.port.ts';
import { recordEvent } from '../events/events.ts';
import { recordNotFound } from '../records/records.errors.ts';
import { findVisibleRecord } from '../records/records.repository.ts';
import type { BlobStore } from '../blobs/blobs.port.ts';
import { projectRows, type RelatedRow } from './related.repository.ts';
import {
  chainStep,
  loadChains,
  relatedView,
  type ApprovalChain,
  type RelatedRecord,
} from './related.usecases.ts';
import {
  expandSynonyms,
  hitHighlight,
  isEmptyQuery,
  makeSnippet,
  MAX_QUERY_LENGTH,
  parseQuery,
  type SynonymGroups,
} from './search.query.ts';
import { badFilterValue, queryEmpty, queryTooLong, unknownFilter } from './search.errors.ts';
import { markAnalysed } from './search.upgrade.ts';
import { FACETS, type Facet, type RankedPage, type SearchFilters, type SearchIndex } from './search.port.ts';
import { processOwner } from '../storage/intents.ts';
import {
  allRecordIds,
  clearPending,
  finishRebuild,
  registerRebuild,
  findOrganisationPath,
  loadSearchDocuments,
  recordSearch,
  takePending,
  visibleRecords,
} from './search.repository.ts';

export interface SearchDeps {
  db: Database;
  blobs: BlobStore;
  index: () => Promise<SearchIndex>;
  /** synonym groups for query expansion (none when absent) */
  synonyms?: () => Promise<SynonymGroups>;
  /** the data folder, whose search/approval-chains.json extends the built-in chains */
  dataDir?: string;
  /** this process (host:pid:tag), as a rebuild registers itself; one of its own when absent */
  owner?: string;
}

const SYNC_BATCH = 500;

/** Indexes the records noted in the outbox; returns how many were indexed or removed. */
export async function syncPending(deps: SearchDeps, signal?: AbortSignal): Promise<number> {
  const index = await deps.index();
  let total = 0;
  for (;;) {
    signal?.throwIfAborted();
    const pending = await takePending(deps.db, SYNC_BATCH);
    if (pending.length === 0) return total;
    const ids = pending.map((p) => p.id);
    const documents = await loadSearchDocuments(deps.db, deps.blobs, ids);
    const present = new Set(documents.map((d) => d.id));
    await index.upsert(documents);
    await index.remove(ids.filter((id) => !present.has(id)));
    await clearPending(deps.db, pending);
    total += pending.length;
  }
}

/**
 * Rebuilds the index from the database, the system of record. An index that can (rebuild) is
 * built anew beside the one searches use, which goes on answering meanwhile; the records indexed
 * into that one while the new one was built (a server's search_sync job: its log, clearPending)
 * are noted again once the new one is in place, and indexed here. `progress` is called after each
 * batch of records read; `replayed` tells how many were noted again.
 */
export async function reindex(
  deps: SearchDeps,
  progress: (done: number) => Promise<void> | void = () => undefined,
): Promise<{ records: number; ms: number; replayed: number }> {
  const started = performance.now();
  const index = await deps.index();
  let done = 0;
  async function* batches() {
    for await (const ids of allRecordIds(deps.db, 1000)) {
      yield await loadSearchDocuments(deps.db, deps.blobs, ids);
      done += ids.length;
      await progress(done);
    }
  }
  let replayed = 0;
  if (index.rebuild) {
    const registration = await registerRebuild(deps.db, deps.owner ?? processOwner());
    let finished = false;
    // As soon as the new index is in place: until then the log goes on growing (the old one takes
    // the changes); until the replay is indexed, records changed meanwhile show as they were read.
    const replay = async () => {
      if (finished) return;
      finished = true;
      replayed = await finishRebuild(deps.db, registration);
      await syncPending(deps);
    };
    try {
      await index.rebuild(batches(), replay);
    } finally {
      // Also when the rebuild failed: harmless, the live index takes them once more.
      await replay();
    }
  } else {
    await index.clear();
    for await (const documents of batches()) await index.append(documents);
    await index.optimize();
  }
  if (deps.dataDir) await markAnalysed(deps.dataDir);
  return { records: done, ms: performance.now() - started, replayed };
}

export const FILTERS = [
  'fonds',
  'category',
  'organisation',
  'year',
  'yearFrom',
  'yearTo',
  'level',
  'retention',
  'matterType',
  'status',
] as const;
export type FilterName = (typeof FILTERS)[number];

export interface SearchInput {
  q: string;
  filters?: Partial<Record<string, string>>;
  limit?: number;
  offset?: number;
  sort?: 'relevance' | 'date';
  /**
   * false: the page's hits only, ranked as ever but without counting the best 500 for totals and
   * facets (facets come back empty, the total counts to the end of the page; totalExact tells
   * whether more matched). Ranking the best 500 is what a common word's query spends most on: for
   * a caller that shows no facets (an application asking for a record), or a page that shows its
   * hits first. Sorting by date orders the best 500 all the same.
   */
  facets?: boolean;
}

export interface SearchHitView {
  id: string;
  archiveNo: string | null;
  title: string;
  score: number;
  exact: boolean;
  snippet: string;
  /** on the first hit of the first page, when it stands in an approval chain: the chain around it */
  related?: HitChainView;
}

export interface HitChainView {
  chain: string;
  steps: string[];
  /** the hit's own step */
  step: string | null;
  /** the records of the same project along the chain, in its order, that the caller may open */
  records: RelatedRecord[];
}

export interface SearchResultView {
  total: number;
  /** false when more records matched than were counted (totals and facets cover the best 500) */
  totalExact: boolean;
  hits: SearchHitView[];
  facets: Record<Facet, { value: string; label?: string; count: number }[]>;
}

const COUNT_WINDOW = 500;
const CODE = /^[A-Za-z0-9_-]{1,32}$/;

async function toFilters(db: Database, raw: Partial<Record<string, string>>): Promise<SearchFilters> {
  const filters: SearchFilters = {};
  const year = (name: string, value: string) => {
    if (!/^\d{4}$/.test(value)) throw badFilterValue({ filter: name, value });
    return Number(value);
  };
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined || value === '') continue;
    if (!(FILTERS as readonly string[]).includes(name))
      throw unknownFilter({ filter: name, known: FILTERS.join(', ') });
    const filter = name as FilterName;
    switch (filter) {
      case 'year': {
        const range = /^(\d{4})(?:\s*[-~至]\s*(\d{4}))?$/.exec(value);
        if (!range) throw badFilterValue({ filter, value });
        filters.yearFrom = Number(range[1]);
        filters.yearTo = Number(range[2] ?? range[1]);
        break;
      }
      case 'yearFrom':
        filters.yearFrom = year(filter, value);
        break;
      case 'yearTo':
        filters.yearTo = year(filter, value);
        break;
      case 'organisation': {
        const path =
          CODE.test(value) || /^[0-9a-f-]{36}$/i.test(value) ? await findOrganisationPath(db, value) : null;
        if (!path) throw badFilterValue({ filter, value });
        filters.organisationPath = path;
        break;
      }
      case 'status':
        if (value !== 'draft' && value !== 'filed') throw badFilterValue({ filter, value });
        filters.status = value;
        break;
      case 'matterType':
        if (value.length > 100) throw badFilterValue({ filter, value: value.slice(0, 20) });
        filters.matterType = value;
        break;
      case 'fonds':
      case 'category':
      case 'level':
      case 'retention':
        if (!CODE.test(value)) throw badFilterValue({ filter, value: value.slice(0, 40) });
        filters[filter] = value;
        break;
    }
  }
  return filters;
}

/** A user's search: hits, totals and facets only ever over records the user may open. */
export async function searchRecords(
  deps: SearchDeps,
  actor: Actor,
  input: SearchInput,
): Promise<SearchResultView> {
  if (!can(actor, 'record.read')) throw forbidden({ action: 'record.read' });
  // Control and invisible format characters (NUL, zero-width spaces) carry no meaning in a query.
  const text = input.q.replace(/[\p{Cc}\p{Cf}]/gu, ' ').trim();
  if (text === '') throw queryEmpty();
  if (text.length > MAX_QUERY_LENGTH) throw queryTooLong({ max: MAX_QUERY_LENGTH });
  const filters = await toFilters(deps.db, input.filters ?? {});
  const query = expandSynonyms(parseQuery(text), (await deps.synonyms?.()) ?? []);
  const emptyFacets = Object.fromEntries(FACETS.map((f) => [f, []])) as unknown as SearchResultView['facets'];
  // Only punctuation, symbols or emoji: nothing can match.
  if (isEmptyQuery(query)) return { total: 0, totalExact: true, hits: [], facets: emptyFacets };

  const limit = Math.min(Math.max(input.limit ?? 20, 1), 100);
  const offset = Math.min(Math.max(input.offset ?? 0, 0), COUNT_WINDOW);
  const sort = input.sort ?? 'relevance';
  const hitsOnly = input.facets === false && sort === 'relevance';
  const index = await deps.index();
  const chains = (input.offset ?? 0) === 0 && deps.dataDir ? await loadChains(deps.dataDir) : null;
  // One round trip to the database, made while the index reads the page's stored fields: the query
  // is part of the trail (what someone looked for can matter as much as what they opened), written
  // before the answer goes out; with it the facet labels, the page's visibility and the chain of
  // the first hit when its matter type stands in one (most do not, which the index knows).
  const details = (total: number) => ({ q: text.slice(0, 200), filters: input.filters ?? {}, total });
  let after: Awaited<ReturnType<typeof recordSearch>> | undefined;
  // The record whose chain that statement read.
  let chainRead: string | undefined;
  const afterRanking = async (ranked: RankedPage) => {
    const top = ranked.top;
    chainRead = chains && top && chainStep(chains, top.matterType, '') ? top.id : undefined;
    after = await recordSearch(deps.db, actor, {
      details: details(ranked.total),
      organisationIds: hitsOnly ? [] : ranked.facets.organisation.map((f) => f.value),
      hitIds: ranked.ids,
      related: chainRead ? { id: chainRead, limit: 50 } : undefined,
      counted: ranked.counted,
    });
    return { gone: after.gone };
  };
  const result = await index.search(
    {
      query,
      scope: await searchScope(deps.db, actor),
      filters,
      limit,
      offset,
      sort,
      countWindow: hitsOnly ? offset + limit : COUNT_WINDOW,
    },
    afterRanking,
  );
  // Nothing the actor may search (the index was not asked): the search is still recorded.
  const recorded =
    after ??
    (await recordSearch(deps.db, actor, { details: details(result.total), organisationIds: [], hitIds: [] }));
  const top = result.hits[0];
  const topTitle = top ? recorded.visible.get(top.id)?.title : undefined;
  // A first hit standing in a chain by its title only (its matter type does not): read now.
  const inChain =
    chains && top && topTitle !== undefined && chainStep(chains, top.matterType, topTitle) ? top : null;
  const related =
    inChain && inChain.id !== chainRead
      ? await projectRows(deps.db, actor, inChain.id, 50)
      : recorded.related;
  const chain = chains && inChain ? hitChain(chains, related) : null;
  const labels = recorded.labels;
  // Counted over the page only, they would look like counts of everything: left out.
  const facets = (hitsOnly ? emptyFacets : { ...result.facets }) as SearchResultView['facets'];
  facets.organisation = facets.organisation.map((f) => {
    const label = labels.get(f.value);
    return label ? { value: label.code, label: label.name, count: f.count } : f;
  });
  // A hit the database no longer shows the actor (changed since it was indexed) is left out.
  const hits: SearchHitView[] = result.hits.flatMap((hit) => {
    const record = recorded.visible.get(hit.id);
    if (!record) return [];
    return [
      {
        id: hit.id,
        archiveNo: record.archiveNo,
        title: record.title,
        score: Math.round(hit.score * 1000) / 1000,
        exact: hit.exact,
        snippet: makeSnippet(
          hit.body || record.title,
          hitHighlight(query, record.title),
          query.highlightIdentifiers,
        ),
      },
    ];
  });
  if (chain && hits[0]?.id === top?.id && hits[0]) hits[0].related = chain;
  const dropped = result.hits.length - hits.length;
  return { total: result.total - dropped, totalExact: result.totalExact, hits, facets };
}

/** The approval chain around a hit, when it has neighbours the actor may open (from relatedStatement). */
function hitChain(chains: readonly ApprovalChain[], rows: readonly RelatedRow[]): HitChainView | null {
  // The hit was just found among the actor's records; should it have gone meanwhile, no chain.
  const view = relatedView(chains, rows);
  if (!view?.chain) return null;
  const records = view.related.filter((r) => r.direction !== null);
  if (records.length === 0) return null;
  return { chain: view.chain.name, steps: view.chain.steps, step: view.record.step, records };
}

/**
 * "More like this": records whose text resembles the given record's title, names and opening
 * text, within what the actor may open. The record itself must be visible to the actor.
 */
export async function similarRecords(
  deps: SearchDeps,
  actor: Actor,
  idOrArchiveNo: string,
  limit = 10,
): Promise<SearchResultView> {
  if (!can(actor, 'record.read')) throw forbidden({ action: 'record.read' });
  const row = await findVisibleRecord(deps.db, actor, idOrArchiveNo);
  if (!row) throw recordNotFound({ record: idOrArchiveNo });
  const [doc] = await loadSearchDocuments(deps.db, deps.blobs, [row.id]);
  if (!doc) throw recordNotFound({ record: idOrArchiveNo });
  const parsed = parseQuery([doc.title, ...doc.names, doc.body.slice(0, 400)].join(' '));
  // Identifiers and pinyin would pull in the record's own chain by number; likeness is by words.
  const query = { ...parsed, identifiers: [], pinyin: [], highlight: parsed.highlight.slice(0, 20) };
  const index = await deps.index();
  const result = await index.search({
    query,
    scope: await searchScope(deps.db, actor),
    filters: {},
    limit: Math.min(Math.max(limit, 1), 50) + 1,
    offset: 0,
    sort: 'relevance',
    countWindow: 50,
  });
  const visible = await visibleRecords(
    deps.db,
    actor,
    result.hits.map((h) => h.id),
  );
  const hits = result.hits
    .flatMap((h) => {
      const record = visible.get(h.id);
      return h.id !== doc.id && record ? [{ ...h, ...record }] : [];
    })
    .slice(0, limit);
  await recordEvent(deps.db, actor, 'search.similar', { recordId: row.id, total: hits.length });
  return {
    total: hits.length,
    totalExact: true,
    hits: hits.map((hit) => ({
      id: hit.id,
      archiveNo: hit.archiveNo,
      title: hit.title,
      score: Math.round(hit.score * 1000) / 1000,
      exact: false,
      snippet: makeSnippet(hit.body || hit.title, [doc.title]),
    })),
    facets: Object.fromEntries(FACETS.map((f) => [f, []])) as unknown as SearchResultView['facets'],
  };
}

/**
 * The actor's access scope as the index applies it inside its query. Whether it covers the whole
 * organisation tree or every secrecy level is asked of the database (the system of record), so an
 * index never has to guess it: in the same request, never from a cache that could outlive a change.
 */
export async function searchScope(db: Database, actor: Actor): Promise<AccessScope> {
  if (!can(actor, 'record.read')) return null;
  // Signed in over HTTP, the facts came with the credential in this request's first query.
  if (actor.reach)
    return {
      organisationPath: actor.organisationPath,
      sharedPaths: actor.sharedPaths ?? [],
      maxLevelRank: actor.clearanceRank,
      wholeTree: actor.reach.wholeTree,
      everyLevel: actor.reach.everyLevel,
    };
  const { rows } = await db.query<{ roots: number; root_path: string | null; max_rank: number | null }>(
    `SELECT (SELECT count(*)::int FROM organisations WHERE parent_id IS NULL) AS roots,
            (SELECT path FROM organisations WHERE parent_id IS NULL LIMIT 1) AS root_path,
            (SELECT max(rank) FROM secrecy_levels) AS max_rank`,
  );
  const facts = rows[0];
  return {
    organisationPath: actor.organisationPath,
    sharedPaths: actor.sharedPaths ?? [],
    maxLevelRank: actor.clearanceRank,
    wholeTree: facts?.roots === 1 && facts.root_path === actor.organisationPath,
    everyLevel:
      facts?.max_rank !== null && facts?.max_rank !== undefined && actor.clearanceRank >= facts.max_rank,
  };
}
