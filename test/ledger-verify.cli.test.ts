/** `dangan ledger verify` against records and the log edited behind the system's back (real CLI, real PGlite data folder). */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../src/db/open.ts';
import { jsonLines, runCli } from './cli-helpers.ts';

interface Report {
  ok: boolean;
  recordsChecked: number;
  blobsChecked: number;
  problems: { code: string; recordId?: string; fields?: string[]; seq?: number; zh: string }[];
}

describe('ledger verify: records against their logged state', () => {
  let dir: string;
  let data: string;
  let ids: string[];
  const cli = (...args: string[]) => runCli([...args, '--data', data]);
  const verify = async () => {
    const res = await cli('ledger', 'verify', '--json');
    return { code: res.code, report: JSON.parse(res.stdout) as Report, stderr: res.stderr };
  };
  async function sql(text: string, params: unknown[] = []) {
    const db = await openDatabase({ dataDir: join(data, 'db') });
    try {
      return await db.query(text, params);
    } finally {
      await db.close();
    }
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dangan-ledger-cli-'));
    data = join(dir, 'data');
    await writeFile(join(dir, '批复.txt'), '关于某建设项目的批复\n');
    await writeFile(join(dir, '通知.txt'), '关于开展检查的通知\n');
    const res = await cli('ingest', join(dir, '批复.txt'), join(dir, '通知.txt'), '--json');
    assert.equal(res.code, 0, res.stderr);
    ids = jsonLines<{ recordId: string }>(res.stdout).map((l) => l.recordId);
    assert.equal(ids.length, 2, res.stdout);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('finds an untouched archive intact, records and blobs included', async () => {
    const { code, report, stderr } = await verify();
    assert.deepEqual(report.problems, [], stderr);
    assert.equal(code, 0);
    assert.equal(report.recordsChecked, 2);
    assert.equal(report.blobsChecked, 2);
  });

  it('names the record and the field when a title is edited with SQL', async () => {
    await sql(`UPDATE records SET title = '被篡改的题名' WHERE id = $1`, [ids[0]]);
    const { code, report } = await verify();
    assert.equal(code, 4);
    const changed = report.problems.filter((p) => p.code === 'record_changed');
    assert.deepEqual(
      changed.map((p) => [p.recordId, p.fields]),
      [[ids[0], ['title']]],
    );
    assert.match(changed[0]!.zh, /题名|title/);
    assert.ok(!report.problems.some((p) => p.recordId === ids[1]), 'the other record is intact');
  });

  it('names the ledger entry when a ledger row is edited', async () => {
    const { rows } = await sql(`SELECT seq FROM ledger_entries WHERE record_id = $1 ORDER BY seq LIMIT 1`, [
      ids[1],
    ]);
    const seq = (rows[0] as { seq: number | string }).seq;
    await sql(
      `UPDATE ledger_entries SET entry = convert_to(replace(convert_from(entry, 'UTF8'), '"outcome":"ok"', '"outcome":"denied"'), 'UTF8') WHERE seq = $1`,
      [seq],
    );
    const { code, report } = await verify();
    assert.equal(code, 4);
    const entry = report.problems.find((p) => p.code === 'entry_changed');
    assert.ok(entry, JSON.stringify(report.problems));
    assert.equal(Number(entry.seq), Number(seq));
    assert.deepEqual(entry.fields, ['outcome']);
  });

  it('names the file when a record is pointed at other stored bytes', async () => {
    await sql(
      `UPDATE components SET blob_sha256 = (SELECT blob_sha256 FROM components WHERE record_id = $2 AND role = 'original')
        WHERE record_id = $1 AND role = 'original'`,
      [ids[1], ids[0]],
    );
    const { code, report } = await verify();
    assert.equal(code, 4);
    const file = report.problems.find((p) => p.code === 'component_changed' && p.recordId === ids[1]);
    assert.ok(file, JSON.stringify(report.problems));
    assert.deepEqual(file.fields, ['blob', 'sha256']);
  });
});
