/** dangan search and dangan reindex at the command line. */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ANALYSIS_VERSION, indexAnalysis } from '../src/modules/search/search.upgrade.ts';
import { runCli } from './cli-helpers.ts';

interface Result {
  total: number;
  hits: { id: string; archiveNo: string | null; title: string; score: number; snippet: string }[];
  facets: Record<string, { value: string; count: number }[]>;
}

describe('search at the command line', () => {
  let dir: string;
  let data: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dangan-search-cli-'));
    data = join(dir, 'data');
    const input = join(dir, 'in');
    await mkdir(input, { recursive: true });
    await writeFile(join(input, '批复.txt'), '经审查，准予核发建设工程规划许可证。\n');
    await writeFile(join(input, '通知.txt'), '关于营业执照年报的通知。\n');
    await writeFile(
      join(dir, 'manifest.csv'),
      'file,title,retention,formedOn,docNumber\n批复.txt,关于规划许可证的批复,Y,2024-05-06,呼审批发〔2024〕17号\n通知.txt,营业执照年报通知,D10,2023-01-02,\n',
    );
    const res = await runCli([
      'ingest',
      input,
      '--data',
      data,
      '--json',
      '--meta',
      join(dir, 'manifest.csv'),
      '--file',
      '--process',
    ]);
    assert.equal(res.code, 0, res.stderr);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('finds a record by its 文号 in another bracket style, first, as JSON', async () => {
    const res = await runCli(['search', '呼审批发[2024]17号', '--json', '--data', data]);
    assert.equal(res.code, 0, res.stderr);
    const result = JSON.parse(res.stdout) as Result;
    assert.equal(result.hits[0]?.title, '关于规划许可证的批复');
    assert.ok(result.hits[0]?.archiveNo);
  });

  it('prints hits with their snippet for people, and filters', async () => {
    const res = await runCli(['search', '准予核发', '--data', data]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /【准予核发】/);
    const filtered = await runCli([
      'search',
      '准予核发',
      '--json',
      '--filter',
      'year=2010-2012',
      '--data',
      data,
    ]);
    assert.equal((JSON.parse(filtered.stdout) as Result).total, 0);
  });

  it('refuses an unknown filter and an empty query with a code and a non-zero exit', async () => {
    const unknown = await runCli(['search', '许可', '--filter', 'colour=red', '--data', data]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /search\.unknown_filter/);
    const empty = await runCli(['search', '  ', '--data', data]);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /search\.query_empty/);
  });

  it('lists records like a given one by its 档号, not the record itself', async () => {
    const found = JSON.parse(
      (await runCli(['search', '规划许可证', '--json', '--data', data])).stdout,
    ) as Result;
    const archiveNo = found.hits[0]!.archiveNo!;
    const res = await runCli(['similar', archiveNo, '--json', '--data', data]);
    assert.equal(res.code, 0, res.stderr);
    const similar = JSON.parse(res.stdout) as Result;
    assert.ok(!similar.hits.some((h) => h.archiveNo === archiveNo));
    const missing = await runCli(['similar', 'X-0000', '--data', data]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /record\.not_found/);
  });

  it('rebuilds the index from the database', async () => {
    await rm(join(data, 'search'), { recursive: true, force: true });
    const res = await runCli(['reindex', '--data', data]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /2 条|reindexed 2 records/);
    assert.equal(await indexAnalysis(data), ANALYSIS_VERSION, 'made by this analysis');
    const found = await runCli(['search', '营业执照', '--json', '--data', data]);
    assert.equal((JSON.parse(found.stdout) as Result).hits[0]?.title, '营业执照年报通知');
  });
});
