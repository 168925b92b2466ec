/**
 * A full disk during an upload, end to end: the second volume is a 2 MiB tmpfs (mounting needs root,
 * which CI has; elsewhere the test says why it cannot run). The upload fails with storage.full, and
 * there is no record, no blob row, no stored or temporary file, and verify finds nothing amiss.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { verifyStorage } from '../src/modules/storage/verify.usecases.ts';
import { filesUnder } from './cli-helpers.ts';
import { createTestContext, signIn, uploadRecord, type TestContext } from './helpers.ts';

describe('a full disk during an upload', () => {
  let ctx: TestContext;
  let small: string;
  let mounted = false;
  let admin: string;

  before(async () => {
    ctx = await createTestContext();
    small = ctx.config.volumes[1]!;
    await mkdir(small, { recursive: true });
    if (process.getuid?.() === 0) {
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', small], { stdio: 'ignore' });
        mounted = true;
      } catch {
        mounted = false;
      }
    }
    admin = (await signIn(ctx.app, 'admin', ctx.adminPassword)).authorization;
  });

  after(async () => {
    if (mounted) execFileSync('umount', [small], { stdio: 'ignore' });
    await rm(small, { recursive: true, force: true });
    await ctx.close();
  });

  it('answers storage.full and leaves no record, no blob and no file behind', async (t) => {
    if (!mounted) {
      t.skip('cannot mount a tmpfs here (needs root)');
      return;
    }
    // An archivist uploads: the administrator creates one (the administrator sees no content).
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { authorization: admin },
      payload: { username: 'diskfull', roles: ['archivist'], organisation: 'SPJ', clearance: 'sensitive' },
    });
    const archivist = (
      await signIn(ctx.app, 'diskfull', created.json<{ oneTimePassword: string }>().oneTimePassword)
    ).authorization;
    const before = await ctx.services.db.query<{ records: number; blobs: number }>(
      'SELECT (SELECT count(*)::int FROM records) AS records, (SELECT count(*)::int FROM blobs) AS blobs',
    );

    // Random bytes do not compress: 3 MB cannot fit on a 2 MiB volume.
    const res = await uploadRecord(ctx.app, archivist, {
      name: '扫描件.txt',
      content: randomBytes(3_000_000).toString('base64'),
    });
    assert.equal(res.statusCode, 507, res.body);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'storage.full');

    const afterRows = await ctx.services.db.query<{ records: number; blobs: number; intents: number }>(
      `SELECT (SELECT count(*)::int FROM records) AS records, (SELECT count(*)::int FROM blobs) AS blobs,
              (SELECT count(*)::int FROM blob_intents) AS intents`,
    );
    assert.deepEqual(afterRows.rows[0], { ...before.rows[0], intents: 0 });
    for (const volume of ctx.config.volumes) assert.deepEqual(await filesUnder(volume), [], volume);
    const report = await verifyStorage(ctx.services, ctx.services.local, { repair: false });
    assert.deepEqual([report.missing, report.damaged, report.orphans], [0, 0, 0]);

    // The archive still takes files that fit.
    const ok = await uploadRecord(ctx.app, archivist, {
      name: '小文件.txt',
      content: '呼审批发〔2024〕17号 批复\n',
    });
    assert.equal(ok.statusCode, 201, ok.body);
  });
});
