/** `dangan ledger baseline`: records stored before state logging are logged once; later tampering is still found. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../src/db/open.ts';
import { jsonLines, runCli } from './cli-helpers.ts';

interface Report {
  ok: boolean;
  problems: { code: string; recordId?: string; fields?: string[] }[];
}

describe('ledger baseline', () => {
  let dir: string;
  let data: string;
  let legacy: string;
  const cli = (...args: string[]) => runCli([...args, '--data', data]);
  const verify = async () => JSON.parse((await cli('ledger', 'verify', '--json')).stdout) as Report;
  async function sql<Row>(text: string, params: unknown[] = []) {
    const db = await openDatabase({ dataDir: join(data, 'db') });
    try {
      return (await db.query<Row>(text, params)).rows;
    } finally {
      await db.close();
    }
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dangan-ledger-baseline-'));
    data = join(dir, 'data');
    await writeFile(join(dir, '批复.txt'), '关于某建设项目的批复\n');
    const res = await cli('ingest', join(dir, '批复.txt'), '--json');
    assert.equal(res.code, 0, res.stderr);
    const [ingested] = jsonLines<{ recordId: string }>(res.stdout);
    // A record as an older version stored it: a row with no state-bearing event.
    const [row] = await sql<{ id: string }>(
      `INSERT INTO records SELECT (jsonb_populate_record(r, jsonb_build_object('id', gen_random_uuid(), 'title', '旧系统迁入的档案'))).*
         FROM records r WHERE r.id = $1 RETURNING id::text AS id`,
      [ingested!.recordId],
    );
    legacy = row!.id;
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('logs unlogged records once, audited, after which verify is clean and still catches tampering', async () => {
    const before = await verify();
    assert.deepEqual(
      before.problems.map((p) => [p.code, p.recordId]),
      [['record_unlogged', legacy]],
    );

    const first = await cli('ledger', 'baseline', '--json');
    assert.equal(first.code, 0, first.stderr);
    const result = JSON.parse(first.stdout) as { logged: number; records: { id: string }[] };
    assert.equal(result.logged, 1);
    assert.deepEqual(
      result.records.map((r) => r.id),
      [legacy],
    );
    const events = await sql<{ action: string; actor: string; details: { ids?: string[]; state?: object } }>(
      `SELECT action, actor, details FROM events WHERE action IN ('record.baseline', 'ledger.baseline') ORDER BY id`,
    );
    assert.deepEqual(
      events.map((e) => e.action),
      ['record.baseline', 'ledger.baseline'],
    );
    assert.ok(events[0]!.details.state, 'the baseline event carries the state');
    assert.deepEqual(events[1]!.details.ids, [legacy]);
    assert.match(events[1]!.actor, /^cli:/);

    const clean = await verify();
    assert.deepEqual(clean.problems, []);
    assert.ok(clean.ok);

    const again = await cli('ledger', 'baseline', '--json');
    assert.equal((JSON.parse(again.stdout) as { logged: number }).logged, 0, 'idempotent');

    await sql(`UPDATE records SET title = '改过的题名' WHERE id = $1`, [legacy]);
    const tampered = await verify();
    assert.deepEqual(
      tampered.problems.map((p) => [p.code, p.recordId, p.fields]),
      [['record_changed', legacy, ['title']]],
    );
    // And baseline does not bless it: the record has a logged state now.
    assert.equal(
      (JSON.parse((await cli('ledger', 'baseline', '--json')).stdout) as { logged: number }).logged,
      0,
    );
  });
});
