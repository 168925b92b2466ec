import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scratchDir } from '../content/testing/scratch.ts';
import { CONTRACT_FONT, CONTRACT_TEXT } from './ocr.contract.ts';
import { characterErrorRate } from './ocr.models.ts';
import { createOcrPool, type OcrPool } from './ocr.pool.ts';
import { renderPage } from './testing/render.ts';

describe('OCR worker pool', () => {
  let pool: OcrPool;
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  before(async () => {
    scratch = await scratchDir();
  });
  after(async () => {
    await pool?.close();
    await scratch.remove();
  });

  it('reads files in a worker process, writes the outputs, and reports bad files with their code', async () => {
    pool = createOcrPool({ workers: 1 });
    const page = await renderPage({ paragraphs: CONTRACT_TEXT, font: CONTRACT_FONT, dpi: 150, maxLines: 4 });
    const path = await scratch.file('批复.png', page.image);
    const bad = await scratch.file('坏.pdf', '%PDF-1.7 no body');
    const out = join(scratch.dir, 'out');
    const [good, broken] = await Promise.allSettled([
      pool.read(path, '批复.png', { outDir: out, stem: '批复' }),
      pool.read(bad, '坏.pdf'),
    ]);
    assert.equal(good.status, 'fulfilled');
    if (good.status !== 'fulfilled') return;
    const { errors, length } = characterErrorRate(page.text, good.value.document.text);
    assert.ok(errors / length < 0.02, good.value.document.text);
    assert.ok(good.value.cpuSeconds > 0 && good.value.maxRss > 0);
    assert.deepEqual((await readdir(out)).sort(), ['批复.json', '批复.pdf', '批复.txt']);
    assert.deepEqual(good.value.outputs.map((o) => [o.name, o.kind, o.format]).sort(), [
      ['批复.json', 'layout', 'json'],
      ['批复.pdf', 'searchable_pdf', 'pdf'],
      ['批复.txt', 'text', 'txt'],
    ]);
    assert.equal(broken.status, 'rejected');
    assert.equal(
      broken.status === 'rejected' && (broken.reason as { code: string }).code,
      'ocr.unreadable_pdf',
    );
  });

  it('stops a page that overruns its time limit with ocr.page_timeout, naming the page', async () => {
    await pool.close();
    pool = createOcrPool({ workers: 1, pageTimeoutMs: 1 });
    const page = await renderPage({ paragraphs: CONTRACT_TEXT, font: CONTRACT_FONT, dpi: 150, maxLines: 4 });
    const path = await scratch.file('慢.png', page.image);
    await assert.rejects(pool.read(path, '慢.png'), {
      code: 'ocr.page_timeout',
      details: { name: '慢.png', page: 1, seconds: 0.001 },
    });
  });

  it('kills a worker that outgrows its memory ceiling, fails the file with ocr.worker_crashed and replaces the worker', async () => {
    await pool.close();
    pool = createOcrPool({ workers: 1, maxRssBytes: 1 });
    const page = await renderPage({ paragraphs: CONTRACT_TEXT, font: CONTRACT_FONT, dpi: 150, maxLines: 2 });
    const path = await scratch.file('大.png', page.image);
    await assert.rejects(pool.read(path, '大.png'), {
      code: 'ocr.worker_crashed',
      details: { name: '大.png', reason: 'memory limit' },
    });
    // The replacement worker takes the next file (and is killed the same way, not left hanging).
    await assert.rejects(pool.read(path, '大.png'), { code: 'ocr.worker_crashed' });
  });

  it('gives up a file when its signal aborts, queued or running, and keeps serving', async () => {
    await pool.close();
    pool = createOcrPool({ workers: 1 });
    const page = await renderPage({ paragraphs: CONTRACT_TEXT, font: CONTRACT_FONT, dpi: 150, maxLines: 2 });
    const path = await scratch.file('停.png', page.image);
    const running = new AbortController();
    const queued = new AbortController();
    const first = pool.read(path, '停.png', { signal: running.signal });
    const second = pool.read(path, '停2.png', { signal: queued.signal });
    queued.abort();
    await assert.rejects(second, { code: 'ocr.aborted' });
    running.abort();
    await assert.rejects(first, { code: 'ocr.aborted' });
    const again = await pool.read(path, '停.png');
    assert.ok(again.document.text.length > 0);
  });
});
