/**
 * Search benchmark: `npm run bench:search -- --records 100000 [--queries 200] [--incremental 2000]`.
 *
 * Builds the index of N generated approval records (bench/search-corpus.ts) in a temp data folder
 * (or in `--data <folder>`, kept and reused by later runs with the same --records: a build at 1M
 * takes the better part of an hour), then measures through the real HTTP API, as users with the permission filter on: exact 文号, rare
 * term, common term ranked, two terms, filtered (organisation + year range + term), fuzzy (one wrong
 * character; homophone; pinyin). Reports build time, index size, peak RSS, latency percentiles,
 * the incremental indexing rate (upsert batches as the search_sync job does), and a known-item
 * quality test (a query built from a record's title with an injected typo, homophone or pinyin).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import * as OpenCC from 'opencc-js';
import { pinyin } from 'pinyin-pro';
import { loadConfig } from '../src/app/config.ts';
import { createLogger } from '../src/app/logger.ts';
import { createApp } from '../src/app/server.ts';
import { buildServices } from '../src/app/services.ts';
import { createTestContext, signIn, type TestContext } from '../test/helpers.ts';
import {
  CHAIN,
  recordGenerator,
  storeGenerated,
  type Generated,
  type Organisation,
} from './search-corpus.ts';
import { rngFor } from './corpus.ts';
import { markAnalysed } from '../src/modules/search/search.upgrade.ts';
import { startUpkeep } from '../src/db/upkeep.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '5000' },
    queries: { type: 'string', default: '200' },
    batch: { type: 'string', default: '5000' },
    incremental: { type: 'string', default: '2000' },
    data: { type: 'string' },
    /** leave the indexes out of memory (as a one-off command finds them) */
    cold: { type: 'boolean', default: false },
  },
});
const N = Number(values.records);
const Q = Number(values.queries);
const BATCH = Number(values.batch);
const dataDir = resolve(import.meta.dirname, '../../shared/data');
const CHAIN_STEPS = new Set<string>(CHAIN);

let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const rssTimer = setInterval(sampleRss, 200);

// One client asks thousands of queries: the per-address rate limit (meant for people) is lifted.
const RATE_LIMIT = 1_000_000;
const DISTRICTS = [
  ['XC', '新城区行政审批局', '150102', '新审批发'],
  ['HM', '回民区行政审批局', '150103', '回审批发'],
  ['YQ', '玉泉区行政审批局', '150104', '玉审批发'],
  ['SH', '赛罕区行政审批局', '150105', '赛审批发'],
] as const;
/** What a kept data folder remembers: how many records it holds and how to sign in. */
interface Kept {
  records: number;
  passwords: Record<string, string>;
  build: { ms: number; loadMs: number; optimizeMs: number; peakRss: number };
}
const keptFile = values.data ? join(resolve(values.data), 'bench-search.json') : null;
const kept: Kept | null =
  keptFile && existsSync(keptFile) ? (JSON.parse(await readFile(keptFile, 'utf8')) as Kept) : null;
if (kept && kept.records !== N)
  throw new Error(`${values.data} holds ${kept.records} records, not ${N}: give another --data folder`);
const ctx = values.data
  ? await openKept(resolve(values.data))
  : await createTestContext({ rateLimit: RATE_LIMIT });

/** The app over a data folder that stays (its own PGlite database, index and blobs). */
async function openKept(dir: string): Promise<TestContext> {
  await mkdir(dir, { recursive: true });
  const config = loadConfig({ flags: { data: dir, logLevel: 'silent', rateLimit: RATE_LIMIT }, env: {} });
  const services = await buildServices(config, createLogger('silent'));
  const app = await createApp(services);
  await app.ready();
  return {
    services,
    app,
    config,
    dir,
    adminPassword: services.firstStart.firstAdmin?.oneTimePassword ?? '',
    async close() {
      await app.close();
      await services.close();
    },
  };
}

const passwords: Record<string, string> = { ...kept?.passwords };
async function benchUser(user: {
  username: string;
  roles: string[];
  clearance: string;
  organisation?: string;
}) {
  if (kept) return (await signIn(ctx.app, user.username, kept.passwords[user.username]!)).authorization;
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: { authorization: admin },
    payload: { organisation: ctx.config.bootstrap.organisationCode, ...user },
  });
  if (created.statusCode !== 201) throw new Error(`user create failed: ${created.body}`);
  const signedIn = await signIn(
    ctx.app,
    user.username,
    created.json<{ oneTimePassword: string }>().oneTimePassword,
  );
  passwords[user.username] = signedIn.password;
  return signedIn.authorization;
}
const admin = kept ? '' : (await signIn(ctx.app, 'admin', ctx.adminPassword)).authorization;
if (!kept) {
  for (const [code, name] of DISTRICTS) {
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      headers: { authorization: admin },
      payload: { code, name, level: 'district', parent: 'SPJ' },
    });
  }
}
const { rows: orgRows } = await ctx.services.db.query<{ id: string; code: string; path: string }>(
  'SELECT id, code, path FROM organisations ORDER BY code',
);
const organisations: Organisation[] = orgRows.map((o) => {
  const d = DISTRICTS.find(([code]) => code === o.code);
  return { id: o.id, code: o.code, path: o.path, prefix: d ? d[3] : '呼审批发', region: d ? d[2] : '150100' };
});
let cityArchivist = await benchUser({
  username: 'bench-archivist',
  roles: ['archivist'],
  clearance: 'sensitive',
});
let districtOfficer = await benchUser({
  username: 'bench-xc',
  roles: ['officer'],
  organisation: 'XC',
  clearance: 'internal',
});

// ---- build -------------------------------------------------------------------------------------
const generate = recordGenerator({ organisations, dataDir });
// The records also go into the database (related records are found there), in bulk, without the
// search triggers: the index is built directly above.
const db = ctx.services.db;
const index = await ctx.services.search.get();
const samples: Generated[] = [];
const sampleEvery = Math.max(1, Math.floor(N / 2000));
const keepSample = (g: Generated) => {
  if (Number.parseInt(g.doc.id.slice(-12), 16) % sampleEvery === 0) samples.push(g);
};
let started = performance.now();
let build: Kept['build'];
if (kept) {
  // The index and database are there: only the samples are drawn again (the generator numbers
  // documents in order, so every record is generated).
  for (let i = 0; i < N; i++) keepSample(generate(i));
  build = kept.build;
  process.stderr.write(`  reusing ${values.data} (${samples.length} samples)\n`);
} else {
  await index.clear();
  await db.query('ALTER TABLE records DISABLE TRIGGER records_search_note');
  for (let at = 0; at < N; at += BATCH) {
    const batch: Generated[] = [];
    for (let i = at; i < Math.min(N, at + BATCH); i++) batch.push(generate(i));
    batch.forEach(keepSample);
    await index.append(batch.map((g) => g.doc));
    await storeGenerated(db, batch);
    sampleRss();
    if (at % (BATCH * 20) === 0 && at > 0)
      process.stderr.write(`  loaded ${at} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  const loadMs = performance.now() - started;
  const optimizeStart = performance.now();
  await index.optimize();
  const optimizeMs = performance.now() - optimizeStart;
  await db.query('ALTER TABLE records ENABLE TRIGGER records_search_note');
  build = { ms: performance.now() - started, loadMs, optimizeMs, peakRss };
  process.stderr.write(`  built in ${(build.ms / 1000).toFixed(0)} s\n`);
  if (keptFile) await writeFile(keptFile, JSON.stringify({ records: N, passwords, build } satisfies Kept));
  // Made by this analysis from the generator, not from the database (which holds no text): a
  // server started on the folder must not re-index it from there (search.upgrade.ts).
  await markAnalysed(ctx.dir);
  // A build at 1M outlasts the sessions' 30 idle minutes: the users sign in again.
  cityArchivist = (await signIn(ctx.app, 'bench-archivist', passwords['bench-archivist']!)).authorization;
  districtOfficer = (await signIn(ctx.app, 'bench-xc', passwords['bench-xc']!)).authorization;
}
const sizeBytes = await index.sizeBytes();
peakRss = 0;
const count = await index.count();

// ---- incremental indexing (the search_sync path: upsert in batches of 500) -----------------------
const incremental = Number(values.incremental);
started = performance.now();
for (let at = N; at < N + incremental; at += 500) {
  const batch: Generated[] = [];
  for (let i = at; i < at + 500; i++) batch.push(generate(i));
  await index.upsert(batch.map((g) => g.doc));
}
const upsertRate = incremental / ((performance.now() - started) / 1000);
started = performance.now();
if (incremental > 0) await index.optimize();
const incrementalOptimizeMs = performance.now() - started;

// ---- queries through HTTP ---------------------------------------------------------------------
const address = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
async function timeQuery(
  auth: string,
  params: Record<string, string>,
): Promise<{ ms: number; ids: string[] }> {
  const t = performance.now();
  const res = await fetch(`${address}/api/v1/search?${new URLSearchParams(params).toString()}`, {
    headers: { authorization: auth },
  });
  const body = (await res.json()) as { hits?: { id: string }[] };
  const ms = performance.now() - t;
  if (res.status !== 200)
    throw new Error(`query ${JSON.stringify(params)} answered ${res.status}: ${JSON.stringify(body)}`);
  return { ms, ids: (body.hits ?? []).map((h) => h.id) };
}
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const rnd = rngFor('bench-queries');
const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
// Rows added later draw from their own sequence: drawing from rnd would change every query after
// them, the known items' included, and figures would no longer compare with earlier runs.
const laterRnd = rngFor('bench-queries-later-rows');
const laterPick = <T>(list: readonly T[]) => list[Math.floor(laterRnd() * list.length)]!;
const visible = samples.filter((s) => s.doc.levelRank <= 2);

/** One wrong character (a neighbour in the CJK block), inside the distinctive part. */
function typo(text: string): string {
  const chars = [...text];
  const at = Math.floor(rnd() * chars.length);
  chars[at] = String.fromCodePoint(chars[at]!.codePointAt(0)! + 1);
  return chars.join('');
}
const homophones = new Map<string, string[]>();
for (let code = 0x4e00; code <= 0x9fa5; code += 1) {
  const c = String.fromCodePoint(code);
  const p = pinyin(c, { toneType: 'none' });
  const list = homophones.get(p) ?? [];
  if (list.length < 40) list.push(c);
  homophones.set(p, list);
}
function homophone(text: string): string {
  const chars = [...text];
  for (let tries = 0; tries < 20; tries++) {
    const at = Math.floor(rnd() * chars.length);
    const others = (homophones.get(pinyin(chars[at]!, { toneType: 'none' })) ?? []).filter(
      (c) => c !== chars[at],
    );
    if (others.length > 0) {
      chars[at] = pick(others);
      return chars.join('');
    }
  }
  return typo(text);
}
/** A credit code with one character past the region replaced by another of the code alphabet. */
function codeTypo(code: string): string {
  const at = 8 + Math.floor(rnd() * (code.length - 8));
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY'.replace(code[at]!, '');
  return code.slice(0, at) + pick([...alphabet]) + code.slice(at + 1);
}
const shortName = (g: Generated) => g.enterprise.replace('呼和浩特市', '').replace('有限公司', '');
const kinds: Record<string, { auth: string; make: () => Record<string, string> }> = {
  'exact 文号': { auth: cityArchivist, make: () => ({ q: pick(visible).doc.docNumber! }) },
  'rare term': { auth: cityArchivist, make: () => ({ q: pick(visible).doc.identifiers[1]! }) },
  'common term ranked': {
    auth: cityArchivist,
    make: () => ({ q: pick(['许可', '规定', '批复', '管理', '申请']) }),
  },
  'common term ranked, the page only (facets=false)': {
    auth: cityArchivist,
    make: () => ({ q: laterPick(['许可', '规定', '批复', '管理', '申请']), facets: 'false' }),
  },
  'two terms': {
    auth: cityArchivist,
    make: () => ({ q: `${pick(['施工', '营业', '排污', '规划'])} ${pick(['许可', '变更', '审批'])}` }),
  },
  'two terms, the page only (facets=false)': {
    auth: cityArchivist,
    make: () => ({
      q: `${laterPick(['施工', '营业', '排污', '规划'])} ${laterPick(['许可', '变更', '审批'])}`,
      facets: 'false',
    }),
  },
  'term and a year (the year first)': {
    auth: cityArchivist,
    make: () => ({
      q: `${pick(['施工许可', '营业执照', '排污许可', '规划许可'])} ${2010 + Math.floor(rnd() * 16)}`,
    }),
  },
  'term, a word left out (-word)': {
    auth: cityArchivist,
    make: () => ({ q: `${pick(['许可', '批复', '申请'])} -${pick(['食品', '排污', '施工'])}` }),
  },
  'filtered (org + years + term)': {
    auth: cityArchivist,
    make: () => {
      const y = 2010 + Math.floor(rnd() * 12);
      return {
        q: pick(['许可', '施工', '规划']),
        organisation: pick(['XC', 'HM', 'YQ', 'SH']),
        year: `${y}-${y + 3}`,
      };
    },
  },
  'district officer, common term': {
    auth: districtOfficer,
    make: () => ({ q: pick(['许可', '批复', '建设']) }),
  },
  'fuzzy: one wrong character': {
    auth: cityArchivist,
    make: () => ({ q: typo(`${shortName(pick(visible))}${pick(visible).project}`) }),
  },
  'fuzzy: credit code with one character wrong': {
    auth: cityArchivist,
    make: () => ({ q: codeTypo(pick(visible).creditCode) }),
  },
  'partial: credit code short of four characters': {
    auth: cityArchivist,
    make: () => ({ q: pick(visible).creditCode.slice(0, -4) }),
  },
  'fuzzy: pinyin': {
    auth: cityArchivist,
    make: () => ({ q: pinyin(pick(visible).project.slice(0, 6), { toneType: 'none', separator: '' }) }),
  },
};
// A server that has taken in N records keeps the jobs it ran for them (text, classification,
// indexing): at least as many done jobs as records, a queue its workers poll twice a second each
// while people search (they claimed by reading the whole table before migration 0015).
const doneJobs = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE state = 'done'`))
  .rows[0]!.n;
if (doneJobs < N)
  await db.query(
    `INSERT INTO jobs (kind, record_id, state, attempts, finished_at)
     SELECT 'extract_text', id, 'done', 1, now() - interval '2 days' FROM records LIMIT $1`,
    [N - doneJobs],
  );
ctx.services.startJobWorkers();
// The database vacuumed and analysed, as `dangan serve` does a minute after start (db/upkeep.ts).
const upkeep = startUpkeep(db, { log: createLogger('silent'), firstFullAfterMs: 24 * 3_600_000 });
const upkeepMs = await upkeep.full();
await upkeep.stop();
// Warm-up: the indexes loaded into memory as `dangan serve` does (unless --cold), every kind of
// query a few times, then the row directory (keepWarm loads it; --cold: the first search starts
// loading it, ~10 s of CPU at 1M rows) waited for, so that neither runs under measurement.
let warmMs: number | null = null;
if (!values.cold && index.keepWarm) {
  const started = performance.now();
  await index.keepWarm();
  warmMs = performance.now() - started;
}
for (let i = 0; i < 20; i++) await timeQuery(cityArchivist, { q: '许可' });
for (const kind of Object.values(kinds)) for (let i = 0; i < 3; i++) await timeQuery(kind.auth, kind.make());
if ('directoryReady' in index && typeof index.directoryReady === 'function') await index.directoryReady();
const latency: Record<string, { p50: number; p95: number; p99: number }> = {};
/** p50/p95/p99 of n GETs of a path, each answered 200. */
async function timeGets(path: string, auth: string, n: number) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(`${address}${path}`, { headers: { authorization: auth } });
    await res.arrayBuffer();
    times.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  }
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p95: pct(times, 95), p99: pct(times, 99) };
}
// Baseline: an authenticated request that does no search (HTTP + session check).
latency['baseline: GET /auth/me (no search)'] = await timeGets('/api/v1/auth/me', cityArchivist, Q);
for (const [name, kind] of Object.entries(kinds)) {
  const times: number[] = [];
  for (let i = 0; i < Q; i++) times.push((await timeQuery(kind.auth, kind.make())).ms);
  times.sort((a, b) => a - b);
  latency[name] = { p50: pct(times, 50), p95: pct(times, 95), p99: pct(times, 99) };
  process.stderr.write(`  ${name}: p50 ${pct(times, 50).toFixed(1)} ms\n`);
  sampleRss();
}

{
  // Related records (project, enterprise, applicant; the approval chain) of a record in a chain.
  const inChain = visible.filter((g) => g.doc.matterType && CHAIN_STEPS.has(g.doc.matterType));
  const times: number[] = [];
  let linked = 0;
  for (let i = 0; i < Q; i++) {
    const g = pick(inChain);
    const t = performance.now();
    const res = await fetch(`${address}/api/v1/records/${g.doc.id}/related`, {
      headers: { authorization: cityArchivist },
    });
    const body = (await res.json()) as { related?: unknown[] };
    times.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`related answered ${res.status}: ${JSON.stringify(body)}`);
    if ((body.related ?? []).length > 0) linked++;
  }
  times.sort((a, b) => a - b);
  latency[`related (${Math.round((100 * linked) / Q)} % with links)`] = {
    p50: pct(times, 50),
    p95: pct(times, 95),
    p99: pct(times, 99),
  };
  process.stderr.write(`  related: p50 ${pct(times, 50).toFixed(1)} ms\n`);
}

// Pages that count what the user may see, at every look: the record list (the newest 20, the total
// and how many are drafts and filed, as the home page asks) and the status page (records by status,
// jobs, the index).
for (const [name, path, auth] of [
  ['record list with its total, city archivist', '/api/v1/records?limit=20', cityArchivist],
  ['record list with its total, district officer', '/api/v1/records?limit=20', districtOfficer],
  ['system status, city archivist', '/api/v1/system/status', cityArchivist],
] as const) {
  latency[name] = await timeGets(path, auth, Math.min(Q, 30));
  process.stderr.write(`  ${name}: p50 ${latency[name].p50.toFixed(1)} ms\n`);
}

// ---- known-item quality -----------------------------------------------------------------------
const quality: Record<string, { queries: number; top10: number; top1: number }> = {};
/** One character left out, inside the distinctive part. */
function missing(text: string): string {
  const chars = [...text];
  chars.splice(1 + Math.floor(rnd() * (chars.length - 2)), 1);
  return chars.join('');
}
/** One common character too many. */
function extra(text: string): string {
  const chars = [...text];
  chars.splice(1 + Math.floor(rnd() * (chars.length - 1)), 0, pick([...'的了和在有是区市']));
  return chars.join('');
}
const initials = (text: string) => pinyin(text, { pattern: 'first', toneType: 'none', separator: '' });
const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });
const itemQueries: Record<string, (g: Generated) => string> = {
  'title fragment, exact': (g) => `${shortName(g)} ${g.project} ${g.matter}`,
  'one wrong character': (g) => `${typo(`${shortName(g)}${g.project}`)} ${g.matter}`,
  'one character missing': (g) => `${missing(`${shortName(g)}${g.project}`)} ${g.matter}`,
  'one character too many': (g) => `${extra(`${shortName(g)}${g.project}`)} ${g.matter}`,
  homophone: (g) => `${homophone(`${shortName(g)}${g.project}`)} ${g.matter}`,
  'pinyin of enterprise': (g) =>
    `${pinyin(shortName(g), { toneType: 'none', separator: '' })} ${g.project} ${g.matter}`,
  'initials of enterprise': (g) => `${initials(shortName(g))} ${g.project} ${g.matter}`,
  'Traditional characters': (g) => toTraditional(`${shortName(g)} ${g.project} ${g.matter}`),
  // The agency's first character is the district's (赛, 新 …): a wrong one is another agency.
  '文号, a wrong character in the agency': (g) => {
    const chars = [...g.doc.docNumber!];
    chars[2] = String.fromCodePoint(chars[2]!.codePointAt(0)! + 1);
    return chars.join('');
  },
  '文号 typed with 年, without brackets or 号': (g) =>
    g.doc.docNumber!.replace(/[〔〕号]/g, (c) => (c === '〕' ? '年' : '')),
  '文号, other brackets and spaces': (g) =>
    g.doc.docNumber!.replace('〔', pick(['[', ' (', '【'])).replace('〕', pick([']', ') ', '】'])),
};
const qualitySamples = Array.from({ length: Math.min(Q, visible.length) }, () => pick(visible));
for (const [name, make] of Object.entries(itemQueries)) {
  let top10 = 0;
  let top1 = 0;
  for (const g of qualitySamples) {
    const { ids } = await timeQuery(cityArchivist, { q: make(g), limit: '10' });
    const rank = ids.indexOf(g.doc.id);
    if (rank >= 0) top10++;
    if (rank === 0) top1++;
  }
  quality[name] = { queries: qualitySamples.length, top10, top1 };
}
clearInterval(rssTimer);
sampleRss();

const fmt = (ms: number) => ms.toFixed(1);
const lines = [
  `search benchmark — ${N.toLocaleString('en')} records (${count.toLocaleString('en')} indexed), engine ${index.kind}, node ${process.version}`,
  `build${kept ? ' (an earlier run, kept in --data)' : ''}: ${(build.ms / 1000).toFixed(1)} s (load ${(build.loadMs / 1000).toFixed(1)} s = ${Math.round(N / (build.loadMs / 1000))} records/s, index ${(build.optimizeMs / 1000).toFixed(1)} s); index size ${(sizeBytes / 1e6).toFixed(0)} MB; peak RSS while building ${(build.peakRss / 1e6).toFixed(0)} MB, while querying ${(peakRss / 1e6).toFixed(0)} MB`,
  `database vacuumed and analysed before the queries, as \`dangan serve\` does after start: ${(upkeepMs / 1000).toFixed(1)} s; the job queue holds ${Math.max(doneJobs, N).toLocaleString('en')} done jobs and its ${ctx.config.jobs.workers} workers poll it meanwhile`,
  warmMs === null
    ? 'full-text indexes not loaded into memory beforehand (--cold)'
    : `full-text indexes loaded into memory before the queries, as \`dangan serve\` does: ${(warmMs / 1000).toFixed(1)} s`,
  `incremental indexing (upsert, batches of 500, into the fresh segment; Lance folds it in at 20,000 rows): ${Math.round(upsertRate)} records/s; a further optimize ${(incrementalOptimizeMs / 1000).toFixed(1)} s`,
  '',
  '| query (HTTP, permission filter on) | p50 ms | p95 ms | p99 ms |',
  '|---|---|---|---|',
  ...Object.entries(latency).map(([k, v]) => `| ${k} | ${fmt(v.p50)} | ${fmt(v.p95)} | ${fmt(v.p99)} |`),
  '',
  '| known-item query | top 10 | top 1 |',
  '|---|---|---|',
  ...Object.entries(quality).map(
    ([k, v]) =>
      `| ${k} | ${((100 * v.top10) / v.queries).toFixed(1)} % | ${((100 * v.top1) / v.queries).toFixed(1)} % |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
await ctx.close();
