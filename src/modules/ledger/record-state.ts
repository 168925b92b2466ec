/**
 * The logged state of a record (记录状态摘要): every event that changes a record (ingest, update,
 * filing, a derived file) carries, in its details, a digest of each metadata field and of each
 * component (its columns, its blob's address and content digest). The event goes into the ledger, so
 * `dangan ledger verify` can compare every record's current row, components and blob bytes with the
 * state last logged for it and name the field or file changed behind the system's back.
 *
 * Each field is logged as a truncated SHA-256 of (record id, field name, value), not the value: the
 * audit trail is read by the auditor, who is not cleared for content. Fields with few possible values
 * (year, level, status) can be guessed from their digest by trying each value; titles and notes
 * cannot in practice.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/database.port.ts';
import type { Actor } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';

export interface ComponentState {
  /** digest of the component's columns */
  f: string;
  /** the blob's storage address */
  blob: string;
  /** the content digest of the bytes (SHA-256 of the plaintext) */
  sha256: string | null;
}

export interface RecordState {
  v: 1;
  fields: Record<string, string>;
  components: Record<string, ComponentState>;
}

// Timestamps in UTC text, so that neither the driver nor the session's time zone changes a digest.
const RECORDS_SQL = `
  SELECT r.id::text AS id,
         (to_jsonb(r) - 'updated_at' - 'created_at' - 'filed_at')
         || jsonb_build_object(
              'created_at', to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
              'filed_at', to_char(r.filed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')) AS j
    FROM records r WHERE r.id = ANY($1::uuid[])`;
const COMPONENTS_SQL = `
  SELECT cp.record_id::text AS record_id, cp.id::text AS id,
         jsonb_build_object('role', cp.role, 'source_id', cp.source_id, 'file_name', cp.file_name,
           'media_type', cp.media_type, 'format', cp.format, 'size', cp.size, 'page_count', cp.page_count) AS j,
         cp.blob_sha256 AS blob, coalesce(b.content_sha256, b.sha256) AS sha256
    FROM components cp LEFT JOIN blobs b ON b.sha256 = cp.blob_sha256
   WHERE cp.record_id = ANY($1::uuid[])`;

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
}

function parse(value: unknown): Record<string, unknown> {
  return (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
}

/** The current state of each record that exists, by id. */
export async function currentStates(
  db: Queryable,
  ids: readonly string[],
): Promise<Map<string, RecordState>> {
  const states = new Map<string, RecordState>();
  if (ids.length === 0) return states;
  const records = await db.query<{ id: string; j: unknown }>(RECORDS_SQL, [ids]);
  for (const row of records.rows) {
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(parse(row.j)).sort(([a], [b]) => (a < b ? -1 : 1)))
      fields[name] = digest(row.id, name, JSON.stringify(value ?? null));
    states.set(row.id, { v: 1, fields, components: {} });
  }
  const components = await db.query<{
    record_id: string;
    id: string;
    j: unknown;
    blob: string;
    sha256: string | null;
  }>(COMPONENTS_SQL, [ids]);
  for (const row of components.rows) {
    const state = states.get(row.record_id);
    if (!state) continue;
    const columns = parse(row.j);
    const canonical = JSON.stringify(
      Object.keys(columns)
        .sort()
        .map((k) => [k, columns[k]]),
    );
    state.components[row.id] = {
      f: digest(row.record_id, row.id, canonical),
      blob: row.blob,
      sha256: row.sha256,
    };
  }
  return states;
}

/** recordEvent with the record's state (as it stands in this transaction) in the details. */
export async function recordStateEvent(
  db: Queryable,
  actor: Actor,
  action: string,
  details: { recordId: string; [key: string]: unknown },
): Promise<void> {
  const state = (await currentStates(db, [details.recordId])).get(details.recordId);
  await recordEvent(db, actor, action, { ...details, ...(state ? { state } : {}) });
}

/** Background jobs that add derived files log as this actor (the trail shows system:<job>). */
export function systemActor(job: string): Actor {
  return {
    kind: 'local',
    userId: null,
    label: `system:${job}`,
    roles: [],
    clearanceRank: 0,
    organisationPath: '',
  };
}

export interface StateDifference {
  fields: string[];
  componentsChanged: { id: string; what: string[] }[];
  componentsAdded: string[];
  componentsRemoved: string[];
}

export function compareStates(logged: RecordState, current: RecordState): StateDifference {
  const names = new Set([...Object.keys(logged.fields), ...Object.keys(current.fields)]);
  const fields = [...names].filter((n) => logged.fields[n] !== current.fields[n]).sort();
  const componentsChanged: StateDifference['componentsChanged'] = [];
  const componentsAdded: string[] = [];
  const componentsRemoved: string[] = [];
  for (const [id, was] of Object.entries(logged.components ?? {})) {
    const now = current.components[id];
    if (!now) {
      componentsRemoved.push(id);
      continue;
    }
    const what = [
      ...(was.f !== now.f ? ['columns'] : []),
      ...(was.blob !== now.blob ? ['blob'] : []),
      ...(was.sha256 !== now.sha256 ? ['sha256'] : []),
    ];
    if (what.length > 0) componentsChanged.push({ id, what });
  }
  for (const id of Object.keys(current.components)) if (!logged.components?.[id]) componentsAdded.push(id);
  return { fields, componentsChanged, componentsAdded, componentsRemoved };
}
