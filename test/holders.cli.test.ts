/** dangan keys ca | cert | holder at the command line: the system CA, an imported SM2 certificate, holders. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { runCli } from './cli-helpers.ts';

describe('holder commands', () => {
  let dir: string;
  const cli = (...args: string[]) => runCli(['--data', join(dir, 'data'), ...args]);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dangan-holdercli-'));
    // An external CA (SM2 with SM3) and one holder certificate it issued, as a bureau's CA would.
    openssl('genpkey', '-algorithm', 'SM2', '-out', 'ca.key');
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-sm3',
      '-subj',
      '/CN=Ext CA',
      '-days',
      '30',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
      '-out',
      'ca.crt',
    );
    openssl('genpkey', '-algorithm', 'SM2', '-out', 'h.key');
    openssl('req', '-new', '-key', 'h.key', '-sm3', '-subj', '/CN=holder1', '-out', 'h.csr');
    await writeFile(join(dir, 'h.cnf'), 'keyUsage=critical,keyEncipherment\nbasicConstraints=CA:FALSE\n');
    openssl(
      'x509',
      '-req',
      '-in',
      'h.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-set_serial',
      '9',
      '-sm3',
      '-days',
      '10',
      '-extfile',
      'h.cnf',
      '-out',
      'h.crt',
    );
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('creates the system CA, trusts an external CA, imports a certificate, grants and revokes', async () => {
    const init = await cli('keys', 'ca', 'init', '--json');
    assert.equal(init.code, 0, init.stderr);
    assert.equal((JSON.parse(init.stdout) as { kind: string }).kind, 'system');
    const twice = await cli('keys', 'ca', 'init');
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /\[key\.ca_exists\].*系统证书颁发机构已经存在/);

    const added = await cli('user', 'add', 'holder1', '--roles', 'archivist');
    assert.equal(added.code, 0, added.stderr);
    assert.equal((await cli('user', 'clearance', 'holder1', 'sensitive')).code, 0);

    const untrusted = await cli('keys', 'cert', 'import', 'holder1', join(dir, 'h.crt'));
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /\[key\.cert_invalid\]/);
    const trust = await cli('keys', 'ca', 'trust', join(dir, 'ca.crt'));
    assert.equal(trust.code, 0, trust.stderr);
    const imported = await cli('keys', 'cert', 'import', 'holder1', join(dir, 'h.crt'), '--json');
    assert.equal(imported.code, 0, imported.stderr);
    const cert = JSON.parse(imported.stdout) as { id: string; algorithm: string; origin: string };
    assert.deepEqual([cert.algorithm, cert.origin], ['sm2', 'imported']);

    const below = await cli('keys', 'holder', 'grant', 'holder1', 'internal');
    assert.match(below.stderr, /\[key\.holder_level_below\]/);
    const grant = await cli('keys', 'holder', 'grant', 'holder1', 'sensitive');
    assert.equal(grant.code, 0, grant.stderr);
    const list = await cli('keys', 'holder', 'list', '--json');
    assert.deepEqual(
      (JSON.parse(list.stdout) as { level: string; username: string; activeCerts: number }[]).map((h) => [
        h.level,
        h.username,
        h.activeCerts,
      ]),
      [['sensitive', 'holder1', 1]],
    );
    const revoke = await cli('keys', 'cert', 'revoke', cert.id, '--reason', '密钥遗失', '--json');
    assert.equal(revoke.code, 0, revoke.stderr);
    assert.equal((JSON.parse(revoke.stdout) as { state: string }).state, 'revoked');
    const after = await cli('keys', 'holder', 'revoke', 'holder1', 'sensitive');
    assert.equal(after.code, 0, after.stderr);
    const events = await cli('audit', 'list', '--json', '--action', 'key.*');
    for (const action of [
      'key.ca_init',
      'key.ca_trust',
      'key.cert_import',
      'key.holder_grant',
      'key.cert_revoke',
      'key.holder_revoke',
    ])
      assert.ok(events.stdout.includes(`"${action}"`), action);
  });
});
