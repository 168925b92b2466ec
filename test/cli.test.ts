/** The command line end to end: ingest a folder, file, show, export byte for byte, verify and repair. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHINESE_TEXT, makeDocx, makePdf, makePng } from './fixtures.ts';
import { jsonLines, runCli } from './cli-helpers.ts';

interface Line {
  path: string;
  status: 'created' | 'duplicate' | 'failed';
  recordId: string | null;
  archiveNo: string | null;
  error: { code: string; message: string } | null;
}

async function findBlobFiles(volume: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (/^[0-9a-f]{64}$/.test(entry.name)) out.push(path);
    }
  };
  await walk(join(volume, 'blobs'));
  return out;
}

describe('command line', () => {
  let dir: string;
  let data: string;
  let input: string;
  const files: Record<string, Buffer> = {};

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dangan-cli-'));
    data = join(dir, 'data');
    input = join(dir, 'in');
    await mkdir(join(input, '子目录'), { recursive: true });
    files['批复.pdf'] = await makePdf(['Reply on the planning permit'], 3);
    files['通知.txt'] = Buffer.from(CHINESE_TEXT);
    files['子目录/扫描件.png'] = makePng(64, 32, 3);
    files['子目录/申请书.docx'] = makeDocx(['申请书', '申请人：某某有限公司']);
    files['伪装.pdf'] = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(500, 0x90)]);
    files['空文件.txt'] = Buffer.alloc(0);
    for (const [name, content] of Object.entries(files)) await writeFile(join(input, name), content);
    await writeFile(
      join(dir, 'manifest.csv'),
      'file,title,retention,formedOn,docNumber,keywords\n批复.pdf,关于规划许可证的批复,Y,2024-05-06,呼审批发〔2024〕17号,规划;许可\n通知.txt,,D10,2023-01-02,,\n',
    );
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('prints the effective configuration with secrets masked', async () => {
    const res = await runCli(['config', '--data', data], {
      env: { DATABASE_URL: 'postgres://u:topsecret@127.0.0.1:1/x' },
    });
    assert.equal(res.code, 0, res.stderr);
    assert.doesNotMatch(res.stdout, /topsecret/);
    assert.equal(JSON.parse(res.stdout).dataDir, data);
  });

  it('refuses a bad setting at start with a message naming it', async () => {
    const res = await runCli(['config', '--data', data], { env: { DANGAN_PORT: 'abc' } });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /config\.invalid/);
    assert.match(res.stderr, /server\.port/);
  });

  it('stops with a clear error when the database server is unreachable or the URL is not PostgreSQL', async () => {
    const unreachable = await runCli(['show', 'x', '--data', data], {
      env: { DATABASE_URL: 'postgres://dangan:secret@127.0.0.1:1/dangan' },
    });
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /database\.unavailable/);
    assert.doesNotMatch(unreachable.stderr, /secret|at .*\.ts:\d+/, 'no password and no stack trace');
    const wrong = await runCli(['migrate', '--data', data, '--database-url', 'mysql://root@127.0.0.1/x']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /config\.invalid/);
    assert.match(wrong.stderr, /databaseUrl/);
  });

  it('ingests a folder, reports one JSON line per file, files what the manifest describes, and refuses bad files', async () => {
    const res = await runCli([
      'ingest',
      input,
      '--data',
      data,
      '--json',
      '--meta',
      join(dir, 'manifest.csv'),
      '--file',
      '--category',
      'WS',
    ]);
    assert.equal(res.code, 2, `failures make the exit code non-zero\n${res.stderr}`);
    assert.match(res.stderr, /首次启动/);
    const lines = jsonLines<Line>(res.stdout);
    assert.equal(lines.length, Object.keys(files).length);
    const by = (suffix: string) => lines.find((l) => l.path.endsWith(suffix))!;
    assert.equal(by('伪装.pdf').error?.code, 'ingest.unsupported_type');
    assert.equal(by('空文件.txt').error?.code, 'ingest.empty_file');
    assert.equal(by('批复.pdf').archiveNo, 'A001-WS·2024-Y-SPJ-0001');
    assert.equal(by('通知.txt').archiveNo, 'A001-WS·2023-D10-SPJ-0001');
    assert.equal(by('扫描件.png').status, 'created');
    assert.equal(by('扫描件.png').archiveNo, null, 'an undescribed record stays a draft');
    assert.equal(by('扫描件.png').error?.code, 'record.incomplete');
  });

  it('says that re-ingested bytes exist and where', async () => {
    const res = await runCli(['ingest', join(input, '批复.pdf'), '--data', data, '--json']);
    assert.equal(res.code, 0, res.stderr);
    const [line] = jsonLines<Line>(res.stdout);
    assert.equal(line!.status, 'duplicate');
    assert.equal(line!.archiveNo, 'A001-WS·2024-Y-SPJ-0001');
  });

  it('shows a record by archive number and exports its original byte for byte', async () => {
    const shown = await runCli(['show', 'A001-WS·2024-Y-SPJ-0001', '--data', data, '--json']);
    assert.equal(shown.code, 0, shown.stderr);
    const record = JSON.parse(shown.stdout) as {
      title: string;
      docNumber: string;
      keywords: string[];
      pageCount: number;
    };
    assert.equal(record.title, '关于规划许可证的批复');
    assert.equal(record.docNumber, '呼审批发〔2024〕17号');
    assert.deepEqual(record.keywords, ['规划', '许可']);
    assert.equal(record.pageCount, 3);

    const out = join(dir, 'export');
    const exported = await runCli([
      'export',
      'A001-WS·2024-Y-SPJ-0001',
      'A001-WS·2023-D10-SPJ-0001',
      '--data',
      data,
      '--out',
      out,
    ]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.deepEqual(await readFile(join(out, 'A001-WS·2024-Y-SPJ-0001', '批复.pdf')), files['批复.pdf']);
    assert.deepEqual(await readFile(join(out, 'A001-WS·2023-D10-SPJ-0001', '通知.txt')), files['通知.txt']);
    const meta = JSON.parse(
      await readFile(join(out, 'A001-WS·2024-Y-SPJ-0001', 'metadata.json'), 'utf8'),
    ) as { files: { sha256: string }[] };
    assert.equal(meta.files[0]!.sha256, createHash('sha256').update(files['批复.pdf']!).digest('hex'));
  });

  it('files a draft by id and refuses an unknown record with its code', async () => {
    const missing = await runCli(['file', 'A001-XX-nothing', '--data', data]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /record\.not_found/);
  });

  it('finds damaged and missing replicas and orphans, and repairs them from a good copy', async () => {
    const clean = await runCli(['verify', '--data', data, '--json']);
    assert.equal(clean.code, 0, clean.stderr);
    const first = JSON.parse(clean.stdout) as {
      blobs: number;
      ok: number;
      damaged: number;
      missing: number;
      orphans: number;
      replicas: number;
    };
    assert.ok(first.blobs >= 4);
    assert.equal(first.ok, first.blobs * first.replicas);

    const v1 = await findBlobFiles(join(data, 'volumes', 'v1'));
    const v2 = await findBlobFiles(join(data, 'volumes', 'v2'));
    const damagedFile = v2[0]!;
    const bytes = await readFile(damagedFile);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    await writeFile(damagedFile, bytes);
    await rm(v1[1]!);
    const orphan = join(data, 'volumes', 'v1', 'blobs', 'ab', 'cd', 'abcd'.padEnd(64, '0'));
    await mkdir(join(orphan, '..'), { recursive: true });
    await writeFile(orphan, 'stray bytes');

    const found = await runCli(['verify', '--data', data, '--json']);
    assert.equal(found.code, 3);
    const report = JSON.parse(found.stdout) as {
      damaged: number;
      missing: number;
      orphans: number;
      repaired: number;
    };
    assert.deepEqual([report.damaged, report.missing, report.orphans, report.repaired], [1, 1, 1, 0]);

    const repaired = await runCli(['verify', '--data', data, '--json', '--repair']);
    assert.equal(repaired.code, 0, repaired.stdout);
    const fixed = JSON.parse(repaired.stdout) as { repaired: number; orphansRemoved: number };
    assert.equal(fixed.repaired, 2);
    assert.equal(fixed.orphansRemoved, 1);

    const after = JSON.parse((await runCli(['verify', '--data', data, '--json'])).stdout) as {
      ok: number;
      blobs: number;
      replicas: number;
      orphans: number;
    };
    assert.equal(after.ok, after.blobs * after.replicas);
    assert.equal(after.orphans, 0);
  });
});
