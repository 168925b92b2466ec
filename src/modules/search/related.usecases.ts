/**
 * Associative search: the records linked to a record by the identifiers given with it — the same
 * project (项目代码), enterprise (统一社会信用代码), applicant or case (办件编号) — placed upstream or
 * downstream along the approval chains of approval-chains.json (data, not code). The visibility
 * condition is part of the query: a related record the actor may not open is never seen.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Database } from '../../db/database.port.ts';
import { can, forbidden, recordVisibility, type Actor } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';
import { recordNotFound } from '../records/records.errors.ts';
import { findVisibleRecord } from '../records/records.repository.ts';
import { fold } from './search.analysis.ts';

const chainsSchema = z.object({
  chains: z.array(
    z.object({
      name: z.string().min(1),
      steps: z.array(z.object({ name: z.string().min(1), match: z.array(z.string().min(1)).min(1) })).min(2),
    }),
  ),
});
export type ApprovalChain = z.infer<typeof chainsSchema>['chains'][number];

const DEFAULT_CHAINS = join(import.meta.dirname, 'approval-chains.json');

let builtIn: ApprovalChain[] | undefined;
const cache = new Map<string, { stamp: string; chains: ApprovalChain[] }>();

/**
 * The built-in chains, with those of <dataDir>/search/approval-chains.json replacing same-named
 * ones; read again when that file changes.
 */
export async function loadChains(dataDir: string): Promise<ApprovalChain[]> {
  builtIn ??= chainsSchema.parse(JSON.parse(await readFile(DEFAULT_CHAINS, 'utf8'))).chains;
  const file = join(dataDir, 'search', 'approval-chains.json');
  const info = await stat(file).catch(() => null);
  const stamp = info ? `${info.mtimeMs}:${info.size}` : 'none';
  const cached = cache.get(dataDir);
  if (cached?.stamp === stamp) return cached.chains;
  const extra = info ? await readFile(file, 'utf8').catch(() => null) : null;
  let chains = builtIn;
  if (extra !== null) {
    const own = chainsSchema.parse(JSON.parse(extra)).chains;
    chains = [...builtIn.filter((c) => !own.some((o) => o.name === c.name)), ...own];
  }
  cache.set(dataDir, { stamp, chains });
  return chains;
}

/** Where a record stands in a chain: by its matter type, else by its title. Longest match wins. */
export function chainStep(
  chains: readonly ApprovalChain[],
  matterType: string | null,
  title: string,
): { chain: string; step: number; stepName: string } | null {
  let best: { chain: string; step: number; stepName: string; length: number } | null = null;
  for (const text of [matterType, title]) {
    if (!text) continue;
    const folded = fold(text);
    for (const chain of chains) {
      chain.steps.forEach((step, i) => {
        for (const m of step.match) {
          if (folded.includes(fold(m)) && (!best || m.length > best.length))
            best = { chain: chain.name, step: i, stepName: step.name, length: m.length };
        }
      });
    }
    if (best) break;
  }
  if (!best) return null;
  const { chain, step, stepName } = best;
  return { chain, step, stepName };
}

/** Link kinds that field extraction also finds in a record's text. */
const FOUND_KINDS = new Set(['projectCode', 'creditCode']);

const LINKS = [
  { key: 'projectCode', kind: 'project', zh: '同一项目' },
  { key: 'creditCode', kind: 'enterprise', zh: '同一企业' },
  { key: 'applicant', kind: 'applicant', zh: '同一申请人' },
  { key: 'caseNo', kind: 'case', zh: '同一办件' },
] as const;

export interface RelatedRecord {
  id: string;
  archiveNo: string | null;
  title: string;
  formedOn: string | null;
  /** how it is linked: project, enterprise, applicant, case (strongest first) */
  links: string[];
  linkNames: string[];
  /** along the approval chain, when both records are in one */
  direction: 'upstream' | 'downstream' | 'same-step' | null;
  step: string | null;
}

export interface RelatedView {
  record: { id: string; archiveNo: string | null; title: string; chain: string | null; step: string | null };
  /** the chain's steps, for showing where the record stands */
  chain: { name: string; steps: string[] } | null;
  related: RelatedRecord[];
}

interface Row {
  id: string;
  archive_no: string | null;
  title: string;
  formed_on: string | null;
  extra: Record<string, unknown>;
}

export async function relatedRecords(
  deps: { db: Database; dataDir: string },
  actor: Actor,
  idOrArchiveNo: string,
  limit = 50,
  options: { audit?: boolean } = {},
): Promise<RelatedView> {
  if (!can(actor, 'record.read')) throw forbidden({ action: 'record.read' });
  const self = await findVisibleRecord(deps.db, actor, idOrArchiveNo);
  if (!self) throw recordNotFound({ record: idOrArchiveNo });
  const extra = self.extra ?? {};
  const chains = await loadChains(deps.dataDir);
  const matterOf = (e: Record<string, unknown>) =>
    typeof e['matterType'] === 'string' ? e['matterType'] : null;
  const own = chainStep(chains, matterOf(extra), self.title);
  const chain = own ? chains.find((c) => c.name === own.chain)! : null;

  // The values of each link: given with the record (extra) or found in its text (extraction).
  const found = await deps.db.query<{ kind: string; value: string }>(
    'SELECT kind, value FROM record_found_identifiers WHERE record_id = $1',
    [self.id],
  );
  const valuesOf = (
    key: string,
    e: Record<string, unknown>,
    foundRows: readonly { kind: string; value: string }[],
  ) => {
    const values = new Set<string>();
    if (typeof e[key] === 'string' && e[key] !== '') values.add(e[key]);
    for (const f of foundRows) if (f.kind === key) values.add(f.value);
    return values;
  };
  const params: unknown[] = [self.id];
  // Candidates by link, each through its own index (an OR across them made PostgreSQL scan every record).
  const conditions: string[] = [];
  const linkValues = new Map<string, Set<string>>();
  for (const link of LINKS) {
    const values = valuesOf(link.key, extra, found.rows);
    if (values.size === 0) continue;
    linkValues.set(link.key, values);
    params.push([...values].slice(0, 20));
    const p = `$${params.length}::text[]`;
    conditions.push(
      `SELECT x.id FROM records x WHERE x.extra ? '${link.key}' AND x.extra->>'${link.key}' = ANY(${p})`,
    );
    if (FOUND_KINDS.has(link.key))
      conditions.push(
        `SELECT fi.record_id FROM record_found_identifiers fi WHERE fi.kind = '${link.key}' AND fi.value = ANY(${p})`,
      );
  }
  const view: RelatedView = {
    record: {
      id: self.id,
      archiveNo: self.archive_no,
      title: self.title,
      chain: own?.chain ?? null,
      step: own?.stepName ?? null,
    },
    chain: chain ? { name: chain.name, steps: chain.steps.map((s) => s.name) } : null,
    related: [],
  };
  // Shown beside a search hit, the chain is part of that (already recorded) search.
  if (options.audit !== false) await recordEvent(deps.db, actor, 'search.related', { recordId: self.id });
  if (conditions.length === 0) return view;
  params.push(Math.min(Math.max(limit, 1), 200));
  const limitParam = `$${params.length}`;
  const { rows } = await deps.db.query<Row>(
    `SELECT r.id, r.archive_no, r.title, to_char(r.formed_on, 'YYYY-MM-DD') AS formed_on, r.extra
       FROM records r
      WHERE r.id <> $1 AND r.id IN (${conditions.join(' UNION ')}) AND ${recordVisibility(actor, 'r', params)}
      ORDER BY r.formed_on NULLS LAST, r.created_at
      LIMIT ${limitParam}`,
    params,
  );
  const theirFound = rows.length
    ? (
        await deps.db.query<{ record_id: string; kind: string; value: string }>(
          'SELECT record_id, kind, value FROM record_found_identifiers WHERE record_id = ANY($1::uuid[])',
          [rows.map((r) => r.id)],
        )
      ).rows
    : [];
  for (const row of rows) {
    const foundRows = theirFound.filter((f) => f.record_id === row.id);
    const links = LINKS.filter((l) => {
      const mine = linkValues.get(l.key);
      if (!mine) return false;
      return [...valuesOf(l.key, row.extra ?? {}, foundRows)].some((v) => mine.has(v));
    });
    const theirs = chainStep(chains, matterOf(row.extra ?? {}), row.title);
    const sameProject = links.some((l) => l.kind === 'project');
    const inChain = own && theirs && theirs.chain === own.chain && sameProject;
    view.related.push({
      id: row.id,
      archiveNo: row.archive_no,
      title: row.title,
      formedOn: row.formed_on,
      links: links.map((l) => l.kind),
      linkNames: links.map((l) => l.zh),
      direction: inChain
        ? theirs.step < own.step
          ? 'upstream'
          : theirs.step > own.step
            ? 'downstream'
            : 'same-step'
        : null,
      step: theirs?.stepName ?? null,
    });
  }
  // The chain first, in its order; then the other links.
  const stepIndex = (r: RelatedRecord) =>
    r.step && chain ? chain.steps.findIndex((s) => s.name === r.step) : 99;
  view.related.sort(
    (a, b) =>
      Number(b.direction !== null) - Number(a.direction !== null) ||
      stepIndex(a) - stepIndex(b) ||
      (a.formedOn ?? '').localeCompare(b.formedOn ?? ''),
  );
  return view;
}
