/**
 * Crash safety: `kill -9` an ingesting process at random moments, many times. After each restart,
 * every acknowledged record is there with its blobs and its jobs, nothing half-written is left, and
 * `dangan verify` finds no orphan and no missing or damaged blob.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../src/db/open.ts';
import { CLI_ARGS, jsonLines, runCli } from './cli-helpers.ts';
import { makePdf, makePng } from './fixtures.ts';

const ITERATIONS = Number(process.env.CRASH_ITERATIONS ?? 8);

interface Line {
  status: string;
  recordId: string | null;
}

/** A folder of fresh, unique files: text, PDFs, PNGs and a few multi-megabyte ones, so kills land mid-write. */
async function makeCorpus(dir: string, seed: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < 24; i++) {
    const tag = `${seed}-${i}-${randomBytes(4).toString('hex')}`;
    switch (i % 4) {
      case 0:
        await writeFile(
          join(dir, `notice-${tag}.txt`),
          `行政审批局通知 ${tag}\n${'依法审批，规范管理。'.repeat(2000)}`,
        );
        break;
      case 1:
        await writeFile(join(dir, `reply-${tag}.pdf`), await makePdf([`Reply ${tag}`], 1 + (i % 3)));
        break;
      case 2:
        await writeFile(join(dir, `scan-${tag}.png`), makePng(64, 32, seed * 31 + i));
        break;
      default:
        // Incompressible bulk: takes long enough to write that a kill often interrupts it.
        await writeFile(join(dir, `bulk-${tag}.txt`), Buffer.from(randomBytes(1_500_000).toString('base64')));
    }
  }
}

async function stagingFiles(data: string): Promise<string[]> {
  const found: string[] = [];
  for (const volume of ['v1', 'v2']) {
    const dir = join(data, 'volumes', volume, 'staging');
    try {
      for (const name of await readdir(dir)) found.push(join(dir, name));
    } catch {
      // no staging folder yet
    }
  }
  return found;
}

describe('crash safety', () => {
  let dir: string;
  let data: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dangan-crash-'));
    data = join(dir, 'data');
    // Create the archive once, so that kills land in ingest rather than in first-start set-up.
    const init = await runCli(['migrate', '--data', data]);
    assert.equal(init.code, 0, init.stderr);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it(`loses no acknowledged record and leaves no orphan across ${ITERATIONS} kill -9 during ingest`, async () => {
    const acknowledged = new Set<string>();
    let killsMidIngest = 0;
    for (let round = 0; round < ITERATIONS; round++) {
      const corpus = join(dir, `corpus-${round}`);
      await makeCorpus(corpus, round);
      const child = spawn(
        process.execPath,
        [...CLI_ARGS, 'ingest', corpus, '--data', data, '--json', '--concurrency', '3'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, DANGAN_LOG_LEVEL: 'error' },
        },
      );
      let stdout = '';
      // Kill after a random number of acknowledged files plus a random delay: anywhere inside the loop.
      const killAfterLines = Math.floor(Math.random() * 20);
      const delay = Math.floor(Math.random() * 250);
      let killed = false;
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const lines = stdout.split('\n').filter((l) => l.startsWith('{')).length;
        if (!killed && lines >= killAfterLines) {
          killed = true;
          setTimeout(() => child.kill('SIGKILL'), delay);
        }
      });
      const code = await exited;
      if (code === null) killsMidIngest++;
      // Only complete lines were acknowledged; a line cut by the kill was not.
      for (const line of jsonLines<Line>(stdout.slice(0, stdout.lastIndexOf('\n') + 1))) {
        if (line.status === 'created' && line.recordId) acknowledged.add(line.recordId);
      }

      // Restart: verify runs the same start-up recovery as every command, then scrubs.
      const verify = await runCli(['verify', '--data', data, '--json']);
      assert.equal(verify.code, 0, `round ${round}: ${verify.stdout}\n${verify.stderr}`);
      const report = JSON.parse(verify.stdout) as {
        missing: number;
        damaged: number;
        orphans: number;
        unrecoverable: number;
      };
      assert.deepEqual(
        {
          missing: report.missing,
          damaged: report.damaged,
          orphans: report.orphans,
          unrecoverable: report.unrecoverable,
        },
        { missing: 0, damaged: 0, orphans: 0, unrecoverable: 0 },
        `round ${round}`,
      );
      assert.deepEqual(await stagingFiles(data), [], `round ${round}: staging left behind`);

      const db = await openDatabase({ dataDir: join(data, 'db') });
      try {
        const ids = (await db.query<{ id: string }>('SELECT id FROM records')).rows.map((r) => r.id);
        for (const id of acknowledged)
          assert.ok(ids.includes(id), `round ${round}: acknowledged record ${id} lost`);
        const broken = await db.query<{ id: string }>(
          `SELECT r.id FROM records r WHERE (SELECT count(*) FROM components c WHERE c.record_id = r.id AND c.role = 'original') <> 1`,
        );
        assert.deepEqual(broken.rows, [], `round ${round}: records without exactly one original`);
        const withoutJobs = await db.query<{ id: string }>(
          `SELECT r.id FROM records r JOIN components c ON c.record_id = r.id AND c.role = 'original'
            WHERE c.format IN ('pdf', 'txt') AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.record_id = r.id AND j.kind = 'extract_text')`,
        );
        assert.deepEqual(withoutJobs.rows, [], `round ${round}: records whose jobs were lost`);
        const intents = await db.query('SELECT 1 FROM blob_intents');
        assert.equal(intents.rowCount, 0, `round ${round}: intents left after recovery`);
      } finally {
        await db.close();
      }
    }
    assert.ok(
      killsMidIngest >= Math.ceil(ITERATIONS / 2),
      `only ${killsMidIngest} of ${ITERATIONS} kills landed during ingest`,
    );
    assert.ok(acknowledged.size > 0, 'some files were acknowledged before the kills');
  });
});
