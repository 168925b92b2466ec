import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig, maskedConfig } from './config.ts';

describe('configuration', () => {
  const made: string[] = [];
  const tempDir = () => {
    made.push(mkdtempSync(join(tmpdir(), 'dangan-config-')));
    return made.at(-1)!;
  };
  after(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  it('layers defaults < file < environment < flags', () => {
    const dir = tempDir();
    const file = join(dir, 'dangan.json');
    writeFileSync(file, JSON.stringify({ server: { port: 9001, host: '0.0.0.0' }, jobs: { workers: 3 } }));
    const config = loadConfig({
      configFile: file,
      env: { DANGAN_PORT: '9002', DANGAN_JOB_WORKERS: '5' },
      flags: { port: '9003', data: dir },
    });
    assert.equal(config.server.port, 9003);
    assert.equal(config.server.host, '0.0.0.0');
    assert.equal(config.jobs.workers, 5);
    assert.equal(config.jobs.pollMs, 500);
    assert.equal(config.dataDir, dir);
    assert.deepEqual(config.volumes, [join(dir, 'volumes', 'v1'), join(dir, 'volumes', 'v2')]);
  });

  it('reads dangan.json from the data folder when present', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'dangan.json'), JSON.stringify({ locale: 'en' }));
    assert.equal(loadConfig({ flags: { data: dir }, env: {} }).locale, 'en');
  });

  it('names the bad setting and where it came from', () => {
    assert.throws(
      () => loadConfig({ env: { DANGAN_PORT: 'eighty' } }),
      (e: Error & { code: string }) => {
        assert.equal(e.code, 'config.invalid');
        assert.match(e.message, /server\.port/);
        assert.match(e.message, /DANGAN_PORT/);
        return true;
      },
    );
    assert.throws(() => loadConfig({ env: { DANGAN_PORT: '70000' } }), /server\.port/);
    assert.throws(() => loadConfig({ env: { DATABASE_URL: 'mysql://x' } }), /databaseUrl/);
    assert.throws(() => loadConfig({ env: { DANGAN_DEFAULT_LEVEL: 'topsecret' } }), /ingest\.defaultLevel/);
  });

  it('refuses unknown keys in the config file', () => {
    const dir = tempDir();
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ server: { prot: 1 } }));
    assert.throws(() => loadConfig({ configFile: file, env: {} }), /server/);
    writeFileSync(file, '{ not json');
    assert.throws(
      () => loadConfig({ configFile: file, env: {} }),
      (e: Error & { code: string }) => e.code === 'config.file_unreadable',
    );
  });

  it('masks the database password when printed', () => {
    const config = loadConfig({ env: { DATABASE_URL: 'postgres://dangan:s3cret@db.example:5432/archive' } });
    const printed = JSON.stringify(maskedConfig(config));
    assert.doesNotMatch(printed, /s3cret/);
    assert.match(printed, /dangan:\*\*\*\*@db\.example/);
  });
});
