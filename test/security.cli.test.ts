/** Access administration and the audit trail at the command line (dangan user …, share …, audit …). */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jsonLines, runCli } from './cli-helpers.ts';

describe('security commands', () => {
  let dir: string;
  const cli = (...args: string[]) => runCli(['--data', join(dir, 'data'), ...args]);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dangan-seccli-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('refuses a duty role joined with a content role, with the code and both languages', async () => {
    const res = await cli('user', 'add', 'both', '--roles', 'auditor,reader');
    assert.equal(res.code, 1);
    assert.match(res.stderr, /\[access\.role_conflict\].*三员分立/);
    assert.match(res.stderr, /Separation of duties/);
  });

  it('manages clearances and shares, and the auditor’s trail shows it, exported as JSON Lines', async () => {
    for (const code of ['XC', 'HM']) {
      const org = await cli('org', 'add', code, `${code} 区`, '--level', 'district', '--parent', 'SPJ');
      assert.equal(org.code, 0, org.stderr);
    }
    const added = await cli('user', 'add', 'reader1', '--roles', 'reader', '--org', 'HM');
    assert.equal(added.code, 0, added.stderr);
    const clearance = await cli('user', 'clearance', 'reader1', 'internal');
    assert.equal(clearance.code, 0, clearance.stderr);
    const redundant = await cli('share', 'grant', 'reader1', 'HM');
    assert.match(redundant.stderr, /access\.share_redundant/);
    const share = await cli('share', 'grant', 'reader1', 'XC', '--days', '3', '--reason', '联合审批');
    assert.equal(share.code, 0, share.stderr);
    const listed = await cli('share', 'list', '--json');
    const shares = JSON.parse(listed.stdout) as { username: string; organisationCode: string }[];
    assert.deepEqual(
      shares.map((s) => [s.username, s.organisationCode]),
      [['reader1', 'XC']],
    );
    const out = join(dir, 'audit.jsonl');
    const exported = await cli('audit', 'export', '--format', 'jsonl', '--action', 'access.*', '--out', out);
    assert.equal(exported.code, 0, exported.stderr);
    const actions = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { action: string }).action);
    assert.deepEqual(actions, ['access.clearance', 'access.share_grant']);
    const list = await cli('audit', 'list', '--json', '--action', 'audit.export');
    assert.equal(jsonLines(list.stdout).length, 1);
    const bad = await cli('audit', 'list', '--outcome', 'perhaps');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /audit\.bad_filter/);
  });
});
