/**
 * Search engine benchmark below HTTP: `npm run bench:search-index -- --dir /tmp/idx [--records 1000000]`.
 *
 * Builds an index of N generated records in --dir unless one is there already (a million records
 * take over an hour on the shared 2-core machine and 18 GB; keep the folder to measure again), then
 * times SearchIndex.search itself for each kind of query with the permission predicate of a city
 * archivist (whole tree, every level but the highest) and of a district officer (a subtree and a
 * lower clearance): wall-clock p50/p95 and CPU milliseconds per query (all threads of the process —
 * the honest figure on a loaded machine). bench:search measures the same through the HTTP API.
 */
import { existsSync } from 'node:fs';
import * as lancedb from '@lancedb/lancedb';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openLanceSearchIndex } from '../src/modules/search/lance.adapter.ts';
import { parseQuery } from '../src/modules/search/search.query.ts';
import type { AccessScope, IndexQuery, SearchFilters } from '../src/modules/search/search.port.ts';
import { rngFor } from './corpus.ts';
import { recordGenerator, type Generated, type Organisation } from './search-corpus.ts';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    records: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '20' },
  },
});
if (!values.dir) throw new Error('--dir is required (the index folder, built there when absent)');
const dir = resolve(values.dir);
const N = Number(values.records);
const ROUNDS = Number(values.rounds);

const ROOT = '/SPJ/';
const organisations: Organisation[] = [
  ['SPJ', '呼审批发', '150100'],
  ['XC', '新审批发', '150102'],
  ['HM', '回审批发', '150103'],
  ['YQ', '玉审批发', '150104'],
  ['SH', '赛审批发', '150105'],
].map(([code, prefix, region], i) => ({
  id: `00000000-0000-0000-0000-${String(i + 1).padStart(12, '0')}`,
  code: code!,
  path: i === 0 ? ROOT : `${ROOT}${code}/`,
  prefix: prefix!,
  region: region!,
}));
const generate = recordGenerator({
  organisations,
  dataDir: resolve(import.meta.dirname, '../../shared/data'),
});

let index = await openLanceSearchIndex(dir);
if (!existsSync(join(dir, 'records.lance')) || (await index.count()) === 0) {
  const started = performance.now();
  for (let at = 0; at < N; at += 5000) {
    const batch: Generated[] = [];
    for (let i = at; i < Math.min(N, at + 5000); i++) batch.push(generate(i));
    await index.append(batch.map((g) => g.doc));
    if (at % 100_000 === 0)
      process.stderr.write(`  loaded ${at} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  await index.optimize();
  process.stderr.write(`  built ${N} records in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  await index.close();
  index = await openLanceSearchIndex(dir);
}
const count = await index.count();
const directory = await index.directoryReady();

const rnd = rngFor('bench-index-queries');
const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
// Known records, read back from the index (a generated record's 文号 depends on generation order).
const table = await (await lancedb.connect(dir)).openTable('records');
const samples = (await table
  .query()
  .select(['id', 'title', 'ids'])
  .offset(Math.floor(rnd() * Math.max(0, count - 200)))
  .limit(200)
  .toArray()) as { id: string; title: string; ids: string }[];
table.close();
const keyOf = (s: { ids: string }, pattern: RegExp) => s.ids.split(' ').find((k) => pattern.test(k)) ?? s.ids;
const archivist: AccessScope = { organisationPath: ROOT, maxLevelRank: 2, wholeTree: true, everyLevel: true };
const officer: AccessScope = { organisationPath: `${ROOT}XC/`, maxLevelRank: 1 };
const typo = (text: string) => {
  const chars = [...text];
  const at = Math.floor(rnd() * chars.length);
  chars[at] = String.fromCodePoint(chars[at]!.codePointAt(0)! + 1);
  return chars.join('');
};
type Kind = { q: string; scope: AccessScope; filters?: SearchFilters; expect?: string };
const kinds: Record<string, () => Kind> = {
  'exact 文号': () => ({ q: keyOf(pick(samples), /号$/), scope: archivist }),
  'rare term (credit code)': () => ({ q: keyOf(pick(samples), /^[0-9a-z]{18}$/), scope: archivist }),
  'common term ranked': () => ({ q: pick(['许可', '规定', '批复', '管理', '申请']), scope: archivist }),
  'two terms': () => ({
    q: `${pick(['施工', '营业', '排污', '规划'])} ${pick(['许可', '变更', '审批'])}`,
    scope: archivist,
  }),
  'filtered (org + years + term)': () => {
    const y = 2010 + Math.floor(rnd() * 12);
    return {
      q: pick(['许可', '施工', '规划']),
      scope: archivist,
      filters: { organisationPath: `${ROOT}${pick(['XC', 'HM', 'YQ', 'SH'])}/`, yearFrom: y, yearTo: y + 3 },
    };
  },
  'district officer, common term': () => ({ q: pick(['许可', '批复', '建设']), scope: officer }),
  'fuzzy: one wrong character': () => {
    const sample = pick(samples);
    return {
      q: typo(sample.title.replace(/^关于|的批复$|申请材料$/g, '')),
      scope: archivist,
      expect: sample.id,
    };
  },
  'fuzzy: pinyin': () => ({ q: 'shigongxukezheng', scope: archivist }),
};

const ask = (k: Kind): IndexQuery => ({
  query: parseQuery(k.q),
  scope: k.scope,
  filters: k.filters ?? {},
  limit: 20,
  offset: 0,
  sort: 'relevance',
  countWindow: 500,
});
// Warm-up: every kind once, then the common term a few times (caches of the index files).
for (const make of Object.values(kinds)) await index.search(ask(make()));
for (let i = 0; i < 10; i++) await index.search(ask(kinds['common term ranked']!()));
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const lines = [
  `search index benchmark — ${count.toLocaleString('en')} records, row directory ${directory ? 'loaded' : 'absent'}, node ${process.version}`,
  '',
  '| query (SearchIndex.search, permission predicate on) | p50 ms | p95 ms | CPU ms/query | known item top 1 / top 10 |',
  '|---|---|---|---|---|',
];
for (const [name, make] of Object.entries(kinds)) {
  const times: number[] = [];
  let known = 0;
  let first = 0;
  let tenth = 0;
  const cpu = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i++) {
    const kind = make();
    const query = ask(kind);
    const t = performance.now();
    const result = await index.search(query);
    times.push(performance.now() - t);
    // The record a typo'd title was made from: where it ranks (the bench's quality check).
    if (kind.expect === undefined) continue;
    known++;
    const rank = result.hits.findIndex((h) => h.id === kind.expect);
    if (rank === 0) first++;
    if (rank >= 0 && rank < 10) tenth++;
  }
  const used = process.cpuUsage(cpu);
  times.sort((a, b) => a - b);
  const share = (n: number) => `${Math.round((100 * n) / known)} %`;
  lines.push(
    `| ${name} | ${pct(times, 50).toFixed(1)} | ${pct(times, 95).toFixed(1)} | ${((used.user + used.system) / 1000 / ROUNDS).toFixed(1)} | ${known ? `${share(first)} / ${share(tenth)}` : ''} |`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
await index.close();
