/**
 * The SearchIndex port: a rebuildable index of records beside the database (the system of record).
 * Adapters live beside this file and all pass search-index.contract.ts.
 *
 * Access control is part of every query: `scope` is required, and an adapter must apply it inside
 * the index query (organisation path prefix and secrecy rank are indexed columns), so that hits,
 * totals and facet counts only ever cover records the caller may open.
 */
import type { ParsedQuery } from './search.query.ts';

/** Text beyond this many characters of a record is not indexed. */
export const MAX_BODY_CHARS = 100_000;

/** What the index keeps of a record; built by search.repository.ts from the database. */
export interface SearchDocument {
  id: string;
  status: 'draft' | 'filed';
  archiveNo: string | null;
  docNumber: string | null;
  title: string;
  /** extracted or OCR text of the record's files */
  body: string;
  /** short texts searched with pinyin too: responsible, applicant, keywords, project name … */
  names: string[];
  /** identifiers looked up exactly: 档号, 文号, credit codes, project codes, case numbers, file names */
  identifiers: string[];
  fonds: string;
  category: string;
  organisationId: string;
  /** materialised path of the record's organisation ('/root/…/self/') */
  organisationPath: string;
  level: string;
  levelRank: number;
  retention: string | null;
  matterType: string | null;
  year: number | null;
  /** YYYY-MM-DD */
  formedOn: string | null;
}

/**
 * Who may see what: the subtree (and any subtrees shared with the caller) and the highest secrecy
 * rank. Null: the caller sees nothing.
 */
export type AccessScope = {
  organisationPath: string;
  sharedPaths?: readonly string[] | undefined;
  maxLevelRank: number;
  /**
   * Set by the caller after asking the database: the path is that of the only root organisation, so
   * every record lies under it and an adapter may leave the path condition out of its query.
   */
  wholeTree?: boolean | undefined;
  /** Likewise: no secrecy level ranks above maxLevelRank. */
  everyLevel?: boolean | undefined;
} | null;

export interface SearchFilters {
  fonds?: string | undefined;
  category?: string | undefined;
  /** organisation path prefix: a subtree */
  organisationPath?: string | undefined;
  yearFrom?: number | undefined;
  yearTo?: number | undefined;
  level?: string | undefined;
  retention?: string | undefined;
  matterType?: string | undefined;
  status?: 'draft' | 'filed' | undefined;
}

export const FACETS = [
  'fonds',
  'category',
  'organisation',
  'year',
  'level',
  'retention',
  'matterType',
] as const;
export type Facet = (typeof FACETS)[number];

export interface IndexQuery {
  query: ParsedQuery;
  scope: AccessScope;
  filters: SearchFilters;
  limit: number;
  offset: number;
  sort: 'relevance' | 'date';
  /** how many of the best matches totals and facets are counted over */
  countWindow: number;
}

export interface IndexHit {
  id: string;
  score: number;
  /** true when an identifier matched exactly */
  exact: boolean;
  /**
   * The stored text snippets are cut from. A hit's title and 档号 are not returned: the caller
   * reads them from the database (the system of record) with the page's visibility, and each
   * stored column the index reads for a page costs (~1–2 ms for 20 rows at a million records).
   */
  body: string;
  formedOn: string | null;
  matterType: string | null;
}

export interface IndexResult {
  hits: IndexHit[];
  /** number of matches, counted up to countWindow */
  total: number;
  /** false when there were more matches than countWindow */
  totalExact: boolean;
  facets: Record<Facet, { value: string; count: number }[]>;
}

/** What a search knows of its page once ranked, before the page's stored fields are read. */
export interface RankedPage {
  /** the page's record ids, in order */
  ids: string[];
  /** the first hit's id and matter type */
  top: { id: string; matterType: string | null } | undefined;
  total: number;
  facets: IndexResult['facets'];
  /** every record counted in the total and facets (the counting window and the exact matches) */
  counted: string[];
}

/**
 * What the caller's work alongside a search found: records counted as the index last saw them
 * that the database now shows deleted or out of the caller's reach (changed, not yet re-indexed).
 * They are left out of the hits, the total and the facets.
 */
export interface AlongsideFindings {
  gone?: ReadonlySet<string>;
}

export interface SearchIndex {
  readonly kind: string;
  /** Adds or replaces documents by id. */
  upsert(documents: readonly SearchDocument[]): Promise<void>;
  /**
   * Adds documents known to be absent (a rebuild after clear): faster than upsert; the index
   * structures catch up at optimize().
   */
  append(documents: readonly SearchDocument[]): Promise<void>;
  /** Removes documents by id; unknown ids are ignored. */
  remove(ids: readonly string[]): Promise<void>;
  /**
   * Ranked search with the access scope and filters inside the index query. `alongside` is called
   * once the page is ranked and runs while the page's stored fields are read (the caller's own
   * database work for the page: the two wait on different threads); the search resolves when
   * both are done. Should the index have to ask again (another process compacted it meanwhile),
   * `alongside` is called again with the new page.
   */
  search(
    query: IndexQuery,
    alongside?: (ranked: RankedPage) => Promise<AlongsideFindings | void>,
  ): Promise<IndexResult>;
  /** Number of indexed documents. */
  count(): Promise<number>;
  /** Removes every document (before a rebuild). */
  clear(): Promise<void>;
  /**
   * Builds a new index from these documents beside the one searches use, which goes on answering
   * (in this process and others) until the new one is complete and put in its place; the old one
   * is then dropped. Writes made meanwhile go to the old one: the caller indexes them again, from
   * `switched`, called as soon as the new one is in place.
   */
  rebuild?(batches: AsyncIterable<readonly SearchDocument[]>, switched?: () => Promise<void>): Promise<void>;
  /** Removes what rebuilds that never finished left behind (when none runs); returns how many. */
  dropAbandoned?(): Promise<number>;
  /** Folds recent writes into the index structures; cheap to call when nothing changed. */
  optimize(): Promise<void>;
  /** Bytes on disk (0 for an in-memory adapter). */
  sizeBytes(): Promise<number>;
  /**
   * Keeps what searches read in memory from now on, loaded in the background (a long-running
   * server asks it; a one-off command does not). Resolves when the first load is done.
   */
  keepWarm?(): Promise<void>;
  close(): Promise<void>;
}
