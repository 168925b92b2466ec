import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../../../test/helpers.ts';
import { png } from '../content/testing/image-fixtures.ts';
import { ingestFile } from '../ingest/ingest.usecases.ts';
import { renderPage } from './testing/render.ts';
import { scanPdf } from './testing/scan-pdf.ts';
import { CONTRACT_FONT, CONTRACT_TEXT } from './ocr.contract.ts';
import { ocrJob } from './ocr.job.ts';
import { characterErrorRate } from './ocr.models.ts';
import { createOcrPool } from './ocr.pool.ts';

describe('OCR job step in ingest', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(async () => ctx.close());

  async function ingest(name: string, bytes: Buffer): Promise<string> {
    const outcome = await ingestFile(ctx.services.ingestDeps, ctx.services.local, {
      source: Readable.from([bytes]),
      originalName: name,
    });
    assert.equal(outcome.status, 'created');
    return outcome.status === 'created' ? outcome.recordId : '';
  }

  it('stores the text, layout, searchable PDF and table spreadsheet of a scan linked to the original', async () => {
    const page = await renderPage({
      paragraphs: CONTRACT_TEXT,
      font: CONTRACT_FONT,
      dpi: 150,
      seals: 1,
      maxLines: 6,
      table: [
        ['项目名称', '金额（万元）'],
        ['食品经营许可', '1250.00'],
      ],
    });
    const recordId = await ingest('批复扫描件.png', page.image);
    const workers = ctx.services.startJobWorkers(1);
    await workers.idle();
    const { rows } = await ctx.services.db.query<{
      role: string;
      blob_sha256: string;
      source_id: string | null;
    }>(`SELECT role, blob_sha256, source_id FROM components WHERE record_id = $1 ORDER BY role`, [recordId]);
    assert.deepEqual(
      rows.map((r) => r.role),
      ['ocr_layout', 'ocr_text', 'original', 'searchable_pdf', 'table_xlsx'],
    );
    for (const row of rows.filter((r) => r.role !== 'original'))
      assert.equal(row.source_id, (await originalId(recordId)) ?? 'missing');
    const original = rows.find((r) => r.role === 'original')!;
    const text = rows.find((r) => r.role === 'ocr_text')!;
    assert.equal(text.source_id, (await originalId(recordId)) ?? 'missing');
    const stored = await readBlob(text.blob_sha256);
    const { errors, length } = characterErrorRate(page.text, stored);
    assert.ok(errors / length < 0.02, stored);
    const layout = JSON.parse(await readBlob(rows.find((r) => r.role === 'ocr_layout')!.blob_sha256));
    assert.equal(layout.pages.length, 1);
    assert.equal(layout.pages[0].seals.length, 1);
    assert.equal(layout.pages[0].tables.length, 1);
    assert.ok(Array.isArray(layout.review));
    assert.notEqual(original.blob_sha256, text.blob_sha256);
  });

  it('reads the scanned pages of a PDF after text extraction finds no text layer', async () => {
    const scan = await renderPage({
      paragraphs: CONTRACT_TEXT,
      font: CONTRACT_FONT,
      dpi: 150,
      jpegQuality: 85,
      maxLines: 4,
    });
    const recordId = await ingest(
      '扫描批复.pdf',
      await scanPdf([{ image: scan.image, format: 'jpeg', dpi: 150 }]),
    );
    await ctx.services.startJobWorkers(1).idle();
    const { rows } = await ctx.services.db.query<{ role: string; blob_sha256: string }>(
      `SELECT role, blob_sha256 FROM components WHERE record_id = $1 ORDER BY role`,
      [recordId],
    );
    assert.deepEqual(
      rows.map((r) => r.role),
      ['ocr_layout', 'ocr_text', 'original', 'searchable_pdf'],
    );
    const text = await readBlob(rows.find((r) => r.role === 'ocr_text')!.blob_sha256);
    const { errors, length } = characterErrorRate(scan.text, text);
    assert.ok(errors / length < 0.02, text);
  });

  it('fails a scan with corrupt pixel data for good instead of retrying it', async () => {
    // Header and trailer intact (ingest accepts it), the compressed pixels inside damaged.
    const bytes = png(64, 48);
    const idat = bytes.indexOf('IDAT');
    bytes.fill(0x5a, idat + 8, idat + 20);
    const recordId = await ingest('坏扫描件.png', bytes);
    await ctx.services.startJobWorkers(1).idle();
    await assertFailedOnce(recordId, /ocr\.unreadable_image/);
  });

  it('fails a page that overruns its time limit with ocr.page_timeout for good, storing nothing', async () => {
    const pool = createOcrPool({ workers: 1, pageTimeoutMs: 1 });
    const handlers = ctx.services.jobHandlers;
    const normal = handlers.ocr!;
    handlers.ocr = ocrJob({
      ...ctx.services.ingestDeps,
      tmpDir: ctx.services.tmpDir,
      pool: async () => pool,
    });
    try {
      const page = await renderPage({
        paragraphs: CONTRACT_TEXT,
        font: CONTRACT_FONT,
        dpi: 150,
        maxLines: 3,
      });
      const recordId = await ingest('超时扫描件.png', page.image);
      await ctx.services.startJobWorkers(1).idle();
      await assertFailedOnce(recordId, /ocr\.page_timeout/);
      const derived = await ctx.services.db.query(
        `SELECT role FROM components WHERE record_id = $1 AND role <> 'original'`,
        [recordId],
      );
      assert.deepEqual(derived.rows, []);
    } finally {
      handlers.ocr = normal;
      await pool.close();
    }
  });

  /** The record's ocr job failed on its first attempt (no retry) with this error. */
  async function assertFailedOnce(recordId: string, error: RegExp): Promise<void> {
    const { rows } = await ctx.services.db.query<{ state: string; attempts: number; last_error: string }>(
      `SELECT state, attempts, last_error FROM jobs WHERE record_id = $1 AND kind = 'ocr'`,
      [recordId],
    );
    assert.equal(rows[0]?.state, 'failed');
    assert.equal(rows[0]?.attempts, 1);
    assert.match(rows[0]?.last_error ?? '', error);
  }

  async function originalId(recordId: string): Promise<string | undefined> {
    const { rows } = await ctx.services.db.query<{ id: string }>(
      `SELECT id FROM components WHERE record_id = $1 AND role = 'original'`,
      [recordId],
    );
    return rows[0]?.id;
  }

  async function readBlob(sha256: string): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of await ctx.services.blobs.get(sha256)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
});
