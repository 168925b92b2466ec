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
import { can, forbidden, type Actor } from '../access/access.policy.ts';
import { eventInsert } from '../events/events.ts';
import { recordNotFound } from '../records/records.errors.ts';
import type { LINK_KEYS } from './related.repository.ts';
import { relatedStatement, type RelatedRow } from './related.repository.ts';
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

/** Every step's match texts, folded, in the chains' order: made once per list of chains. */
const folds = new WeakMap<
  readonly ApprovalChain[],
  { chain: string; step: number; stepName: string; folded: string; length: number }[]
>();
function foldedMatches(chains: readonly ApprovalChain[]) {
  let list = folds.get(chains);
  if (!list) {
    list = chains.flatMap((chain) =>
      chain.steps.flatMap((step, i) =>
        step.match.map((m) => ({
          chain: chain.name,
          step: i,
          stepName: step.name,
          folded: fold(m),
          length: m.length,
        })),
      ),
    );
    folds.set(chains, list);
  }
  return list;
}

/** Where a record stands in a chain: by its matter type, else by its title. Longest match wins. */
export function chainStep(
  chains: readonly ApprovalChain[],
  matterType: string | null,
  title: string,
): { chain: string; step: number; stepName: string } | null {
  let best: { chain: string; step: number; stepName: string; length: number } | null = null;
  const matches = foldedMatches(chains);
  for (const text of [matterType, title]) {
    if (!text) continue;
    const folded = fold(text);
    for (const m of matches) {
      if (folded.includes(m.folded) && (!best || m.length > best.length))
        best = { chain: m.chain, step: m.step, stepName: m.stepName, length: m.length };
    }
    if (best) break;
  }
  if (!best) return null;
  const { chain, step, stepName } = best;
  return { chain, step, stepName };
}

const LINKS = [
  { key: 'projectCode', kind: 'project', zh: '同一项目' },
  { key: 'creditCode', kind: 'enterprise', zh: '同一企业' },
  { key: 'applicant', kind: 'applicant', zh: '同一申请人' },
  { key: 'caseNo', kind: 'case', zh: '同一办件' },
] as const satisfies readonly { key: (typeof LINK_KEYS)[number]; kind: string; zh: string }[];

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

/**
 * The records related to a record the actor may open (else record.not_found), in one round trip:
 * the record, its links and the linked records come from one statement, which also writes the
 * audit entry (search.related) unless options.audit is false.
 */
export async function relatedRecords(
  deps: { db: Database; dataDir: string },
  actor: Actor,
  idOrArchiveNo: string,
  limit = 50,
  options: { audit?: boolean } = {},
): Promise<RelatedView> {
  if (!can(actor, 'record.read')) throw forbidden({ action: 'record.read' });
  const params: unknown[] = [];
  const statement = relatedStatement(actor, idOrArchiveNo, limit, params);
  // Shown beside a search hit, the chain is part of that (already recorded) search.
  const audit =
    options.audit === false
      ? ''
      : `, rel_audit AS (${eventInsert(actor, 'search.related', {}, params, { table: 'rel_self', id: 'rel_self.id' })})`;
  const { rows } = await deps.db.query<RelatedRow>(
    `WITH ${statement.with}${audit} ${statement.select}`,
    params,
    { genericPlan: true },
  );
  const view = relatedView(await loadChains(deps.dataDir), rows);
  if (!view) throw recordNotFound({ record: idOrArchiveNo });
  return view;
}

/** The view of a related statement's rows (relatedStatement), or null when the record was not there. */
export function relatedView(
  chains: readonly ApprovalChain[],
  rows: readonly RelatedRow[],
): RelatedView | null {
  const self = rows.find((r) => r.ord === 0);
  if (!self) return null;
  const matterOf = (e: Record<string, unknown>) =>
    typeof e['matterType'] === 'string' ? e['matterType'] : null;
  const own = chainStep(chains, matterOf(self.extra ?? {}), self.title);
  const chain = own ? chains.find((c) => c.name === own.chain)! : null;
  // The values of each link: given with the record (extra) or found in its text (extraction).
  const valuesOf = (key: string, row: RelatedRow) => {
    const values = new Set<string>();
    const given = row.extra?.[key];
    if (typeof given === 'string' && given !== '') values.add(given);
    for (const f of row.found ?? []) if (f.kind === key) values.add(f.value);
    return values;
  };
  const linkValues = new Map<string, Set<string>>();
  for (const link of LINKS) {
    const values = valuesOf(link.key, self);
    if (values.size > 0) linkValues.set(link.key, values);
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
  for (const row of [...rows].sort((a, b) => a.ord - b.ord)) {
    if (row.ord === 0) continue;
    const links = LINKS.filter((l) => {
      const mine = linkValues.get(l.key);
      if (!mine) return false;
      return [...valuesOf(l.key, row)].some((v) => mine.has(v));
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
