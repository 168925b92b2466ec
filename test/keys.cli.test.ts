/**
 * dangan keys … at the command line, with the key file under DANGAN_MASTER_KEY and with a real
 * SoftHSM2 token (PKCS#11): ingest, read back byte for byte, rotate, shred, wrong master key.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { createSoftHsmToken, type SoftHsmToken } from '../src/modules/keys/softhsm.testing.ts';
import { jsonLines, runCli } from './cli-helpers.ts';
import { CHINESE_TEXT } from './fixtures.ts';

interface Line {
  status: string;
  recordId: string;
}

function suite(
  name: string,
  makeEnv: () => Promise<{ env: NodeJS.ProcessEnv; store: string; dispose: () => Promise<void> }>,
) {
  describe(`dangan keys with ${name}`, () => {
    let dir: string;
    let data: string;
    let env: NodeJS.ProcessEnv;
    let store: string;
    let dispose: () => Promise<void>;
    const content = `${CHINESE_TEXT}命令行加密测试 ${name}\n`;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'dangan-keys-cli-'));
      data = join(dir, 'data');
      ({ env, store, dispose } = await makeEnv());
      await writeFile(join(dir, '材料.txt'), content);
    });
    after(async () => {
      await dispose();
      await rm(dir, { recursive: true, force: true });
    });

    it('ingests encrypted, reports the keys, rotates them and still reads the file back', async () => {
      const ingest = await runCli(
        // 'internal': sealed under its level's KEK, and below the watermark level, so the text file
        // can be exported byte for byte (a sensitive one leaves only as a marked PDF or image).
        ['ingest', join(dir, '材料.txt'), '--data', data, '--json', '--level', 'internal'],
        {
          env,
        },
      );
      assert.equal(ingest.code, 0, ingest.stderr);
      const [line] = jsonLines<Line>(ingest.stdout);
      assert.equal(line!.status, 'created');

      const status = await runCli(['keys', 'status', '--json', '--data', data], { env });
      assert.equal(status.code, 0, status.stderr);
      const body = JSON.parse(status.stdout) as {
        store: string;
        levels: { level: string }[];
        blobs: { sealed: number };
      };
      assert.equal(body.store, store);
      assert.ok(body.levels.some((l) => l.level === 'internal'));
      assert.ok(body.blobs.sealed >= 1);

      const rotate = await runCli(['keys', 'rotate', '--json', '--data', data], { env });
      assert.equal(rotate.code, 0, rotate.stderr);
      const [rotation] = JSON.parse(rotate.stdout) as { toVersion: number; rewrapped: number }[];
      assert.equal(rotation!.toVersion, 2);
      assert.ok(rotation!.rewrapped >= 1);

      const out = join(dir, 'export');
      const exported = await runCli(['export', line!.recordId, '--data', data, '--out', out], { env });
      assert.equal(exported.code, 0, exported.stderr);
      const files = (await readdir(out, { recursive: true })).filter((f) => f.endsWith('材料.txt'));
      assert.equal(files.length, 1);
      assert.equal(await readFile(join(out, files[0]!), 'utf8'), content, 'byte for byte after rotation');
    });

    it('shreds a record only when confirmed, and then its content is gone for good', async () => {
      const ingest = await runCli(
        ['ingest', join(dir, '材料.txt'), '--data', data, '--json', '--level', 'internal'],
        {
          env,
        },
      );
      const [line] = jsonLines<Line>(ingest.stdout);
      const unconfirmed = await runCli(['keys', 'shred', line!.recordId, '--data', data], { env });
      assert.notEqual(unconfirmed.code, 0);
      const shred = await runCli(['keys', 'shred', line!.recordId, '--yes', '--json', '--data', data], {
        env,
      });
      assert.equal(shred.code, 0, shred.stderr);
      assert.equal((JSON.parse(shred.stdout) as { destroyed: string[] }).destroyed.length, 1);
      const exported = await runCli(['export', line!.recordId, '--data', data, '--out', join(dir, 'x')], {
        env,
      });
      assert.notEqual(exported.code, 0);
      assert.match(exported.stderr, /key\.content_destroyed/);
    });
  });
}

suite('the key file under DANGAN_MASTER_KEY', async () => ({
  env: { DANGAN_MASTER_KEY: randomBytes(32).toString('hex') },
  store: 'file',
  dispose: async () => undefined,
}));

let token: SoftHsmToken;
suite('a SoftHSM2 token (PKCS#11)', async () => {
  token = await createSoftHsmToken('dangan-cli');
  return {
    env: {
      DANGAN_KEY_STORE: 'pkcs11',
      DANGAN_PKCS11_LIBRARY: token.library,
      DANGAN_PKCS11_TOKEN: token.tokenLabel,
      DANGAN_PKCS11_PIN: token.pin,
      SOFTHSM2_CONF: process.env.SOFTHSM2_CONF,
    },
    store: 'pkcs11',
    dispose: () => token.dispose(),
  };
});

describe('dangan with a wrong master key', () => {
  it('refuses to start with a clear message and touches nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dangan-keys-cli-'));
    try {
      const data = join(dir, 'data');
      const first = await runCli(['keys', 'status', '--data', data], {
        env: { DANGAN_MASTER_KEY: randomBytes(32).toString('hex') },
      });
      assert.equal(first.code, 0, first.stderr);
      const wrong = await runCli(['keys', 'status', '--data', data], {
        env: { DANGAN_MASTER_KEY: randomBytes(32).toString('hex') },
      });
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /主密钥或口令不正确/);
      assert.match(wrong.stderr, /key\.master_invalid/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
