/**
 * `keys encrypt-legacy`: blobs stored in the clear before encryption are sealed in place; a failure
 * injected before the switch or before the plaintext is removed leaves everything readable, and a
 * re-run finishes. Real CLI for ingest, verify and export; the use case in-process for the failures.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/app/config.ts';
import { createLogger } from '../src/app/logger.ts';
import { buildServices } from '../src/app/services.ts';
import { encryptLegacyBlobs } from '../src/modules/storage/encrypt-legacy.ts';
import { jsonLines, runCli } from './cli-helpers.ts';

const PLAIN_A = '旧系统明文材料甲：关于某项目的审批意见\n';
const PLAIN_B = '旧系统明文材料乙：公开的通知\n';

describe('keys encrypt-legacy', () => {
  let dir: string;
  let data: string;
  let volume: string;
  const ids: string[] = [];
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli([...args, '--data', data], { env });

  /** How many stored files under the volume hold the given plaintext. */
  async function filesHolding(text: string): Promise<number> {
    let n = 0;
    for (const entry of await readdir(volume, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const bytes = await readFile(join(entry.parentPath, entry.name));
      if (bytes.includes(Buffer.from(text))) n++;
    }
    return n;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dangan-encrypt-legacy-'));
    data = join(dir, 'data');
    await writeFile(join(dir, '甲.txt'), PLAIN_A);
    await writeFile(join(dir, '乙.txt'), PLAIN_B);
    for (const [file, level] of [
      ['甲.txt', 'internal'],
      ['乙.txt', 'public'],
    ] as const) {
      const res = await cli(['ingest', join(dir, file), '--level', level, '--json'], {
        DANGAN_ENCRYPTION: 'false',
      });
      assert.equal(res.code, 0, res.stderr);
      ids.push(jsonLines<{ recordId: string }>(res.stdout)[0]!.recordId);
    }
    // Every replica volume (the default keeps two copies).
    volume = join(data, 'volumes');
    assert.deepEqual(
      loadConfig({ flags: { data }, env: {} }).volumes.map((v) => v.startsWith(volume)),
      [true, true],
    );
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('seals legacy plaintext in place, survives failures mid-way, and leaves the ledger clean', async () => {
    assert.equal(await filesHolding(PLAIN_A), 2, 'stored in the clear before, in both replicas');
    const config = loadConfig({ flags: { data, logLevel: 'silent' }, env: {} });
    const services = await buildServices(config, createLogger('silent'));
    const deps = { db: services.db, blobs: services.blobs, owner: services.owner, keyring: services.keyring };
    const legacyRows = async () =>
      (await services.db.query('SELECT sha256 FROM blobs WHERE content_sha256 IS NULL')).rowCount;
    try {
      assert.equal(await legacyRows(), 2);
      const files = (await readdir(volume, { recursive: true, withFileTypes: true })).filter((e) =>
        e.isFile(),
      ).length;

      // 1. Failure after the sealed copy is written and verified, before the switch commits.
      await assert.rejects(
        encryptLegacyBlobs(deps, services.local, {
          beforeSwitch: () => {
            throw new Error('injected: crash before the switch');
          },
        }),
        /injected/,
      );
      assert.equal(await legacyRows(), 2, 'nothing switched');
      assert.equal(
        (await readdir(volume, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length,
        files,
        'the unused sealed copy was removed',
      );

      // 2. Failure after the first switch committed, before its plaintext is removed.
      let switched = 0;
      await assert.rejects(
        encryptLegacyBlobs(deps, services.local, {
          beforeRemove: () => {
            switched++;
            throw new Error('injected: crash before removal');
          },
        }),
        /injected/,
      );
      assert.equal(switched, 1);
      const { rows: sealedNow } = await services.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM components c JOIN blobs b ON b.sha256 = c.blob_sha256
          WHERE b.content_sha256 IS NOT NULL AND c.role = 'original'`,
      );
      assert.equal(sealedNow[0]!.n, 1, 'one record already reads the sealed copy');

      // 3. The re-run finishes both; a further run has nothing to do.
      const done = await encryptLegacyBlobs(deps, services.local);
      assert.equal(done.blobs, 2);
      assert.equal(done.sealedCopies, 1);
      assert.deepEqual(done.damaged, []);
      assert.equal(await legacyRows(), 0);
      const again = await encryptLegacyBlobs(deps, services.local);
      assert.deepEqual(again, { blobs: 0, sealedCopies: 0, records: 0, damaged: [] });
      const { rows: audit } = await services.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM events WHERE action = 'record.reencrypt'`,
      );
      assert.equal(audit[0]!.n, 2, 'each record logged its new state once');
    } finally {
      await services.close();
    }

    assert.equal(await filesHolding(PLAIN_A), 0, 'no plaintext left on disk');
    assert.equal(await filesHolding(PLAIN_B), 0);
    const verify = await cli(['ledger', 'verify', '--json']);
    const report = JSON.parse(verify.stdout) as { problems: unknown[]; blobsChecked: number };
    assert.deepEqual(report.problems, []);
    assert.equal(report.blobsChecked, 2);
    assert.equal(verify.code, 0);
    const out = join(dir, 'out');
    const exported = await cli(['export', ids[0]!, '--out', out]);
    assert.equal(exported.code, 0, exported.stderr);
    const [folder] = await readdir(out);
    assert.equal(await readFile(join(out, folder!, '甲.txt'), 'utf8'), PLAIN_A, 'reads back byte for byte');
  });
});
