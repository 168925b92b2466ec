/**
 * Database access for associative search: a record and the records linked to it, in one statement
 * (one round trip), with the visibility condition inside it for both.
 */
import type { Queryable } from '../../db/database.port.ts';
import { recordVisibility, type Actor } from '../access/access.policy.ts';

/** Link keys of a record's metadata (extra), strongest first. */
export const LINK_KEYS = ['projectCode', 'creditCode', 'applicant', 'caseNo'] as const;
export type LinkKey = (typeof LINK_KEYS)[number];
/** Link kinds that field extraction also finds in a record's text (record_found_identifiers). */
export const FOUND_KINDS: ReadonlySet<string> = new Set(['projectCode', 'creditCode']);
/** At most this many values of one link are followed. */
const VALUES_PER_LINK = 20;

/** A row of the statement: the record itself (ord 0), then the linked records in date order. */
export interface RelatedRow {
  ord: number;
  id: string;
  archive_no: string | null;
  title: string;
  formed_on: string | null;
  extra: Record<string, unknown> | null;
  /** identifiers found in the record's text */
  found: { kind: string; value: string }[] | null;
}

/** The parts of the statement: WITH queries (to which a caller may add its own) and the SELECT. */
export interface RelatedStatement {
  /** `rel_self AS (…), rel_links AS (…), rel_candidates AS (…)`; rel_self holds the record, if visible */
  with: string;
  /** the RelatedRow rows, ordered by ord */
  select: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The record (by id or archive number) and up to `limit` records linked to it by the given links
 * (all by default; an approval chain needs the project only), both only when the actor may open
 * them; parameters are appended to `params`. A record the actor may not open yields no rows at
 * all, so nothing linked to it shows either.
 */
export function relatedStatement(
  actor: Actor,
  idOrArchiveNo: string,
  limit: number,
  params: unknown[],
  links: readonly LinkKey[] = LINK_KEYS,
): RelatedStatement {
  params.push(idOrArchiveNo);
  const self = UUID.test(idOrArchiveNo)
    ? `r.id = $${params.length}::uuid`
    : `r.archive_no = $${params.length}`;
  const selfVisible = recordVisibility(actor, 'r', params);
  params.push([...links]);
  const keys = `$${params.length}::text[]`;
  // Candidates by link, each through its own index (an OR across them made PostgreSQL scan every
  // record), as a join on the values: the planner then estimates each value from the index's
  // statistics (an array parameter it cannot see into looked like thousands of rows, and the cost
  // of that switched on PostgreSQL's JIT compiler: 130 ms for a statement that runs in 0.5 ms).
  const candidates = links.flatMap((key) => [
    `SELECT x.id FROM rel_links l JOIN records x ON x.extra ? '${key}' AND x.extra->>'${key}' = l.value WHERE l.key = '${key}'`,
    ...(FOUND_KINDS.has(key)
      ? [
          `SELECT fi.record_id FROM rel_links l JOIN record_found_identifiers fi ON fi.kind = l.key AND fi.value = l.value WHERE l.key = '${key}'`,
        ]
      : []),
  ]);
  const relatedVisible = recordVisibility(actor, 'r', params);
  params.push(Math.min(Math.max(Math.trunc(limit), 1), 200));
  const limitParam = `$${params.length}::int`;
  const found = (alias: string) =>
    `(SELECT json_agg(json_build_object('kind', fi.kind, 'value', fi.value) ORDER BY fi.kind, fi.value)
        FROM record_found_identifiers fi WHERE fi.record_id = ${alias}.id)`;
  return {
    with: `rel_self AS (
      SELECT r.id, r.archive_no, r.title, to_char(r.formed_on, 'YYYY-MM-DD') AS formed_on, r.extra
        FROM records r WHERE ${self} AND ${selfVisible} LIMIT 1),
    rel_links AS (
      -- each link's values: given with the record (a non-empty string in extra) or found in its text
      SELECT v.key, v.value
        FROM (SELECT u.key, u.value, row_number() OVER (PARTITION BY u.key ORDER BY min(u.pos), u.value) AS n
                FROM (SELECT k.key, s.extra->>k.key AS value, 0 AS pos
                        FROM rel_self s, unnest(${keys}) AS k(key)
                       WHERE jsonb_typeof(s.extra->k.key) = 'string' AND s.extra->>k.key <> ''
                      UNION ALL
                      SELECT fi.kind, fi.value, 1
                        FROM rel_self s JOIN record_found_identifiers fi ON fi.record_id = s.id
                       WHERE fi.kind = ANY (${keys})) u
               GROUP BY u.key, u.value) v
       WHERE v.n <= ${VALUES_PER_LINK}),
    rel_candidates AS (${candidates.join('\n      UNION ')})`,
    select: `SELECT 0 AS ord, s.id, s.archive_no, s.title, s.formed_on, s.extra, ${found('s')} AS found
      FROM rel_self s
    UNION ALL
    SELECT (row_number() OVER (ORDER BY q.formed_on NULLS LAST, q.created_at))::int, q.id, q.archive_no, q.title,
           to_char(q.formed_on, 'YYYY-MM-DD'), q.extra, ${found('q')}
      FROM (SELECT r.id, r.archive_no, r.title, r.formed_on, r.created_at, r.extra
              FROM records r
             WHERE r.id IN (SELECT c.id FROM rel_candidates c) AND r.id <> (SELECT s.id FROM rel_self s)
               AND ${relatedVisible}
             ORDER BY r.formed_on NULLS LAST, r.created_at
             LIMIT ${limitParam}) q
    ORDER BY ord`,
  };
}

/** A record the actor may open and the records of its project (its approval chain), in date order. */
export async function projectRows(
  db: Queryable,
  actor: Actor,
  id: string,
  limit: number,
): Promise<RelatedRow[]> {
  const params: unknown[] = [];
  const statement = relatedStatement(actor, id, limit, params, ['projectCode']);
  return (
    await db.query<RelatedRow>(`WITH ${statement.with} ${statement.select}`, params, { genericPlan: true })
  ).rows;
}
