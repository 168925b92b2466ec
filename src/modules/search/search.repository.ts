/** Database access for search: what the index keeps of a record, the outbox, and look-ups. */
import type { Database, Queryable } from '../../db/database.port.ts';
import { recordVisibility, type Actor } from '../access/access.policy.ts';
import type { BlobStore } from '../blobs/blobs.port.ts';
import { eventInsert } from '../events/events.ts';
import { relatedStatement, type RelatedRow } from './related.repository.ts';
import { contentDestroyed } from '../keys/keys.errors.ts';
import { MAX_BODY_CHARS, type SearchDocument } from './search.port.ts';

interface DocumentRow {
  id: string;
  status: 'draft' | 'filed';
  archive_no: string | null;
  doc_number: string | null;
  title: string;
  responsible: string | null;
  keywords: string[];
  notes: string | null;
  extra: Record<string, unknown>;
  fonds_code: string;
  category_code: string;
  organisation_id: string;
  organisation_path: string;
  secrecy_level: string;
  level_rank: number;
  retention_code: string | null;
  year: number | null;
  formed_on: string | null;
  texts: string[] | null;
  file_names: string[] | null;
  found_ids: string[] | null;
  organisation_name: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EXTRA_NAMES = ['applicant', 'projectName', 'photographer', 'place'];
const EXTRA_IDENTIFIERS = ['creditCode', 'projectCode', 'caseNo', 'voucherNo', 'permitNo'];

/** The search documents of the given records (records that no longer exist are left out). */
export async function loadSearchDocuments(
  db: Queryable,
  blobs: BlobStore,
  ids: readonly string[],
): Promise<SearchDocument[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<DocumentRow>(
    `SELECT r.id, r.status, r.archive_no, r.doc_number, r.title, r.responsible, r.keywords, r.notes, r.extra,
            f.code AS fonds_code, c.code AS category_code, r.organisation_id, o.path AS organisation_path,
            o.name AS organisation_name,
            r.secrecy_level, l.rank AS level_rank, r.retention_code, r.year,
            to_char(r.formed_on, 'YYYY-MM-DD') AS formed_on,
            (SELECT array_agg(cp.blob_sha256 ORDER BY cp.created_at) FROM components cp
              WHERE cp.record_id = r.id AND cp.role IN ('text', 'ocr_text')
                -- a reviewed OCR text replaces the version it was made from (ocr.review.ts)
                AND NOT EXISTS (SELECT 1 FROM components n WHERE n.source_id = cp.id AND n.role = cp.role)) AS texts,
            (SELECT array_agg(cp.file_name ORDER BY cp.created_at) FROM components cp
              WHERE cp.record_id = r.id AND cp.role = 'original') AS file_names,
            (SELECT array_agg(fi.value ORDER BY fi.kind, fi.value) FROM record_found_identifiers fi
              WHERE fi.record_id = r.id) AS found_ids
       FROM records r
       JOIN fonds f ON f.id = r.fonds_id
       JOIN categories c ON c.id = r.category_id
       JOIN organisations o ON o.id = r.organisation_id
       JOIN secrecy_levels l ON l.code = r.secrecy_level
      WHERE r.id = ANY($1::uuid[])`,
    [ids],
  );
  const documents: SearchDocument[] = [];
  for (const row of rows) {
    let body = '';
    for (const sha of row.texts ?? []) {
      if (body.length >= MAX_BODY_CHARS) break;
      body += `${await readText(blobs, sha, MAX_BODY_CHARS - body.length)}\n`;
    }
    const extra = row.extra ?? {};
    const str = (key: string) => (typeof extra[key] === 'string' ? extra[key] : null);
    // The organisation holding the record by name (赛罕区行政审批局): searched as 赛罕区, it is not
    // always in the text. Renaming it re-indexes its records (migration 0013).
    const names = [
      row.responsible,
      ...row.keywords,
      row.notes,
      ...EXTRA_NAMES.map(str),
      row.organisation_name,
    ].filter((v): v is string => !!v);
    const fileNames = row.file_names ?? [];
    documents.push({
      id: row.id,
      status: row.status,
      archiveNo: row.archive_no,
      docNumber: row.doc_number,
      title: row.title,
      body,
      names: [...names, ...fileNames],
      // Given with the record, file names, and found in its text by field extraction.
      identifiers: [...EXTRA_IDENTIFIERS.map(str), ...fileNames, ...(row.found_ids ?? [])].filter(
        (v): v is string => !!v,
      ),
      fonds: row.fonds_code,
      category: row.category_code,
      organisationId: row.organisation_id,
      organisationPath: row.organisation_path,
      level: row.secrecy_level,
      levelRank: row.level_rank,
      retention: row.retention_code,
      matterType: str('matterType'),
      year: row.year,
      formedOn: row.formed_on,
    });
  }
  return documents;
}

/** Up to maxChars characters of a stored UTF-8 text. */
async function readText(blobs: BlobStore, sha: string, maxChars: number): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let stream;
  try {
    stream = await blobs.get(sha);
  } catch (error) {
    // Crypto-shredded on disposal: the text is gone on purpose, and must leave the index too.
    if (contentDestroyed.is(error)) return '';
    throw error;
  }
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    bytes += chunk.length;
    if (bytes >= maxChars * 4) {
      stream.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, maxChars);
}

/** The oldest noted changes, up to limit: record ids with the sequence number they were noted at. */
export async function takePending(db: Queryable, limit: number): Promise<{ id: string; seq: string }[]> {
  const { rows } = await db.query<{ id: string; seq: string }>(
    'SELECT record_id AS id, seq::text AS seq FROM search_pending ORDER BY seq LIMIT $1',
    [limit],
  );
  return rows;
}

/**
 * Forgets noted changes that were indexed, unless the record changed again meanwhile. While a
 * rebuild is under way (search_rebuilds), the records are logged to be indexed again into the new
 * index once it is in place: the rebuild may have read them before this change.
 */
export async function clearPending(db: Queryable, done: { id: string; seq: string }[]): Promise<void> {
  if (done.length === 0) return;
  await db.query(
    `WITH cleared AS (
       DELETE FROM search_pending p USING unnest($1::uuid[], $2::bigint[]) AS d(id, seq)
        WHERE p.record_id = d.id AND p.seq = d.seq
       RETURNING p.record_id)
     INSERT INTO search_rebuild_log (record_id)
     SELECT record_id FROM cleared WHERE EXISTS (SELECT 1 FROM search_rebuilds)
     ON CONFLICT DO NOTHING`,
    [done.map((d) => d.id), done.map((d) => d.seq)],
  );
}

/** Registers a rebuild of the index by this process; returns its id (finishRebuild). */
export async function registerRebuild(db: Queryable, owner: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO search_rebuilds (owner) VALUES ($1) RETURNING id::text AS id',
    [owner],
  );
  return rows[0]!.id;
}

/**
 * Ends a rebuild (finished, failed or of a dead process): the records indexed into the live index
 * meanwhile are noted again (the outbox, which queues the search_sync job), and the log is
 * emptied once no other rebuild runs. Returns how many were noted.
 */
export async function finishRebuild(db: Database, id: string): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query('DELETE FROM search_rebuilds WHERE id = $1::bigint', [id]);
    const { rows } = await tx.query('SELECT search_note(record_id) FROM search_rebuild_log');
    await tx.query('DELETE FROM search_rebuild_log WHERE NOT EXISTS (SELECT 1 FROM search_rebuilds)');
    return rows.length;
  });
}

/** Ends the rebuilds registered by processes that no longer run (see finishRebuild); returns how many. */
export async function finishDeadRebuilds(db: Database, isDead: (owner: string) => boolean): Promise<number> {
  const { rows } = await db.query<{ id: string; owner: string }>(
    'SELECT id::text AS id, owner FROM search_rebuilds',
  );
  let ended = 0;
  for (const row of rows) {
    if (!isDead(row.owner)) continue;
    await finishRebuild(db, row.id);
    ended++;
  }
  return ended;
}

/** Every record id, in pages, for a rebuild. */
export async function* allRecordIds(db: Database, pageSize: number): AsyncGenerator<string[]> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await db.query<{ id: string }>(
      'SELECT id FROM records WHERE id > $1 ORDER BY id LIMIT $2',
      [after, pageSize],
    );
    if (rows.length === 0) return;
    yield rows.map((r) => r.id);
    after = rows.at(-1)!.id;
  }
}

/** The path of an organisation given by code or id, or null. */
export async function findOrganisationPath(db: Queryable, codeOrId: string): Promise<string | null> {
  const isUuid = UUID.test(codeOrId);
  const { rows } = await db.query<{ path: string }>(
    `SELECT path FROM organisations WHERE ${isUuid ? 'id = $1::uuid' : 'code = $1'} ORDER BY length(path) LIMIT 1`,
    [codeOrId],
  );
  return rows[0]?.path ?? null;
}

/**
 * What a search does after the index answered, in one round trip: writes its audit entry
 * (search.query), looks up the facet organisations' codes and names, and, when `related` names a
 * record, reads it with its linked records (related.repository.ts, within what the actor may open).
 */
export async function recordSearch(
  db: Queryable,
  actor: Actor,
  input: {
    details: Record<string, unknown>;
    organisationIds: readonly string[];
    /** the page's hits, checked against the database */
    hitIds: readonly string[];
    /** the first hit, whose approval chain is read: the records of the same project */
    related?: { id: string; limit: number } | undefined;
    /** every record the index counted, of which those changed since (noted in search_pending) are checked */
    counted?: readonly string[];
  },
): Promise<{
  labels: Map<string, { code: string; name: string }>;
  related: RelatedRow[];
  visible: Map<string, VisibleRecord>;
  /** counted records that were deleted or left the actor's reach since they were indexed */
  gone: Set<string>;
}> {
  const params: unknown[] = [];
  const related = input.related
    ? relatedStatement(actor, input.related.id, input.related.limit, params, ['projectCode'])
    : null;
  const audit = eventInsert(actor, 'search.query', input.details, params);
  params.push(input.organisationIds.filter((id) => UUID.test(id)));
  const labelIds = `$${params.length}::uuid[]`;
  const visible = visibleSelect(actor, input.hitIds, params);
  const gone = goneSelect(actor, input.counted ?? [], params);
  const { rows } = await db.query<{
    labels: { id: string; code: string; name: string }[] | null;
    related: RelatedRow[] | null;
    visible: VisibleRecord[] | null;
    gone: string[] | null;
  }>(
    `WITH ${related ? `${related.with},` : ''} search_audit AS (${audit})
     SELECT (SELECT json_agg(json_build_object('id', o.id, 'code', o.code, 'name', o.name))
               FROM organisations o WHERE o.id = ANY (${labelIds})) AS labels,
            ${related ? `(SELECT json_agg(q ORDER BY q.ord) FROM (${related.select}) q)` : 'NULL::json'} AS related,
            ${visible} AS visible,
            ${gone} AS gone`,
    params,
    // Every search runs it: planned once (a plan for each call's values took 2–3 ms in PGlite).
    { genericPlan: true },
  );
  return {
    labels: new Map((rows[0]?.labels ?? []).map((r) => [r.id, { code: r.code, name: r.name }])),
    related: rows[0]?.related ?? [],
    visible: byId(rows[0]?.visible),
    gone: new Set(rows[0]?.gone ?? []),
  };
}

/**
 * Which of the counted records changed since they were indexed (their change is noted in
 * search_pending, in the transaction that made it, until the search_sync job has indexed it) and
 * are now deleted or out of the actor's reach: the index counted them as it last saw them. Only
 * the outbox is read for the rest, usually empty or small.
 */
function goneSelect(actor: Actor, ids: readonly string[], params: unknown[]): string {
  // The ids (up to the counting window, 500) as one text, made into uuids only when the outbox holds
  // anything: as an array parameter they cost ~0.3 ms a search to encode and decode for nothing.
  params.push(ids.filter((id) => UUID.test(id)).join(','));
  const idsParam = `string_to_array($${params.length}::text, ',')::uuid[]`;
  return `CASE WHEN EXISTS (SELECT 1 FROM search_pending) THEN
           (SELECT json_agg(p.record_id) FROM search_pending p
             WHERE p.record_id = ANY (${idsParam})
               AND NOT EXISTS (SELECT 1 FROM records gr WHERE gr.id = p.record_id AND ${recordVisibility(actor, 'gr', params)}))
          END`;
}

/** What a hit shows of its record, from the database: the index returns ranks and text only. */
export interface VisibleRecord {
  id: string;
  title: string;
  archiveNo: string | null;
}

const byId = (rows: VisibleRecord[] | null | undefined) => new Map((rows ?? []).map((r) => [r.id, r]));

/**
 * Which of these records the actor may open, by the database (a sub-select giving a text array).
 * The index filters inside its query, but it learns of a change (a record re-levelled, moved or
 * deleted) only when the search_sync job has indexed it, seconds later or, behind a large import,
 * minutes: a page of hits is checked here so that no title or snippet shows meanwhile. The title
 * and 档号 shown are read here too, as they are now (a record renamed shows its new title at once).
 */
function visibleSelect(actor: Actor, ids: readonly string[], params: unknown[]): string {
  params.push(ids.filter((id) => UUID.test(id)));
  const idsParam = `$${params.length}::uuid[]`;
  // The page's rows by primary key first, then the visibility check on each (OFFSET 0 keeps the
  // planner from driving the check from the caller's organisations instead: with statistics that
  // undercount records per organisation, as PGlite has them without autovacuum, it read every
  // record of each organisation, ~6 ms at 20k records).
  return `(SELECT json_agg(json_build_object('id', vr.id, 'title', vr.title, 'archiveNo', vr.archive_no))
             FROM (SELECT * FROM records WHERE id = ANY (${idsParam}) OFFSET 0) vr
            WHERE ${recordVisibility(actor, 'vr', params)})`;
}

/** Which of these records the actor may open, with their titles, by the database (see visibleSelect). */
export async function visibleRecords(
  db: Queryable,
  actor: Actor,
  ids: readonly string[],
): Promise<Map<string, VisibleRecord>> {
  if (ids.length === 0) return new Map();
  const params: unknown[] = [];
  const select = visibleSelect(actor, ids, params);
  const { rows } = await db.query<{ visible: VisibleRecord[] | null }>(
    `SELECT ${select} AS visible`,
    params,
    {
      genericPlan: true,
    },
  );
  return byId(rows[0]?.visible);
}
