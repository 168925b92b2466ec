/** Background jobs: text extraction after ingest, graceful shutdown, and a queue that survives restarts. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Readable } from 'node:stream';
import { text as readAll } from 'node:stream/consumers';
import { createLogger } from '../src/app/logger.ts';
import { buildServices } from '../src/app/services.ts';
import { openDatabase } from '../src/db/open.ts';
import { ingestFile } from '../src/modules/ingest/ingest.usecases.ts';
import { enqueue } from '../src/modules/jobs/jobs.queue.ts';
import { CHINESE_TEXT, makeDocx, makePdf } from './fixtures.ts';
import { createTestContext, type TestContext } from './helpers.ts';

async function ingest(ctx: TestContext, name: string, content: Buffer | string) {
  const outcome = await ingestFile(ctx.services.ingestDeps, ctx.services.local, {
    source: Readable.from([Buffer.from(content)]),
    originalName: name,
  });
  assert.equal(outcome.status, 'created');
  return outcome.status === 'created' ? outcome.recordId : '';
}

async function jobStates(ctx: TestContext, recordId: string) {
  const { rows } = await ctx.services.db.query<{ kind: string; state: string; attempts: number }>(
    'SELECT kind, state, attempts FROM jobs WHERE record_id = $1 ORDER BY id',
    [recordId],
  );
  return rows;
}

describe('background jobs', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(async () => ctx.close());

  it('extracts the text of born-digital files into a derived component linked to the original', async () => {
    const ids = [
      await ingest(ctx, '通知.txt', `${CHINESE_TEXT}\n`),
      await ingest(ctx, '批复.docx', makeDocx(['关于同意建设项目用地预审的批复', CHINESE_TEXT])),
      await ingest(
        ctx,
        '许可证.pdf',
        await makePdf(['Construction permit', 'No. 2024-17 of the Approval Bureau']),
      ),
    ];
    for (const id of ids)
      assert.deepEqual(await jobStates(ctx, id), [{ kind: 'extract_text', state: 'queued', attempts: 0 }]);

    const workers = ctx.services.startJobWorkers(2);
    await workers.idle();
    await workers.stop(1000);
    ctx.services.workers = undefined;

    const expected = ['呼和浩特市行政审批局', '关于同意建设项目用地预审的批复', 'No. 2024-17'];
    for (const [i, id] of ids.entries()) {
      // The extracted text queues the next step, classification (migration 0004's trigger).
      assert.deepEqual(await jobStates(ctx, id), [
        { kind: 'extract_text', state: 'done', attempts: 1 },
        { kind: 'classify', state: 'done', attempts: 1 },
      ]);
      const { rows } = await ctx.services.db.query<{
        role: string;
        blob_sha256: string;
        source_is_original: boolean;
      }>(
        `SELECT t.role, t.blob_sha256, (t.source_id = o.id) AS source_is_original
           FROM components t JOIN components o ON o.record_id = t.record_id AND o.role = 'original'
          WHERE t.record_id = $1 AND t.role = 'text'`,
        [id],
      );
      assert.equal(rows.length, 1, `record ${i} has one text component`);
      assert.equal(rows[0]!.source_is_original, true);
      const text = await readAll(await ctx.services.blobs.get(rows[0]!.blob_sha256));
      assert.ok(
        text.includes(expected[i]!),
        `text of record ${i} holds ${expected[i]}: ${text.slice(0, 80)}`,
      );
    }
  });

  it('puts a running job back in the queue on a graceful stop, without counting the attempt', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    ctx.services.jobHandlers['test_slow'] = async (_job, { signal }) => {
      started();
      await new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(new Error('stopped'))),
      );
    };
    try {
      const id = await enqueue(ctx.services.db, { kind: 'test_slow' });
      const workers = ctx.services.startJobWorkers(1);
      await running;
      const { released } = await workers.stop(200);
      ctx.services.workers = undefined;
      assert.equal(released, 1);
      const { rows } = await ctx.services.db.query<{
        state: string;
        attempts: number;
        locked_by: string | null;
      }>('SELECT state, attempts, locked_by FROM jobs WHERE id = $1', [id]);
      assert.deepEqual(rows[0], { state: 'queued', attempts: 0, locked_by: null });
    } finally {
      delete ctx.services.jobHandlers['test_slow'];
    }
  });

  it('keeps queued jobs across a restart and runs them after it', async () => {
    const dir = ctx.dir;
    const config = { ...ctx.config, dataDir: `${dir}/restart` };
    const volumes = [`${dir}/restart/v1`, `${dir}/restart/v2`];
    const first = await buildServices({ ...config, volumes }, createLogger('silent'));
    const outcome = await ingestFile(first.ingestDeps, first.local, {
      source: Readable.from([Buffer.from(`${CHINESE_TEXT}重启之后仍在队列中。\n`)]),
      originalName: '重启.txt',
    });
    assert.equal(outcome.status, 'created');
    const recordId = outcome.status === 'created' ? outcome.recordId : '';
    await first.close();

    const second = await buildServices({ ...config, volumes }, createLogger('silent'));
    try {
      const before = await second.db.query<{ state: string }>('SELECT state FROM jobs WHERE record_id = $1', [
        recordId,
      ]);
      assert.deepEqual(before.rows, [{ state: 'queued' }]);
      const workers = second.startJobWorkers(1);
      await workers.idle();
      const afterRows = await second.db.query<{ state: string }>(
        'SELECT state FROM jobs WHERE record_id = $1 ORDER BY id',
        [recordId],
      );
      assert.deepEqual(afterRows.rows, [{ state: 'done' }, { state: 'done' }]); // extract_text, classify
    } finally {
      await second.close();
    }
    // The embedded database was really in that folder: opening it again sees the record.
    const db = await openDatabase({ dataDir: `${config.dataDir}/db` });
    try {
      const { rowCount } = await db.query('SELECT 1 FROM records WHERE id = $1', [recordId]);
      assert.equal(rowCount, 1);
    } finally {
      await db.close();
    }
  });
});
