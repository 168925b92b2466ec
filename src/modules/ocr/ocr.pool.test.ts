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
    assert.equal(broken.status, 'rejected');
    assert.equal(
      broken.status === 'rejected' && (broken.reason as { code: string }).code,
      'ocr.unreadable_pdf',
    );
  });

  it('stops a page that overruns its time limit with ocr.aborted', async () => {
    await pool.close();
    pool = createOcrPool({ workers: 1, pageTimeoutMs: 1 });
    const page = await renderPage({ paragraphs: CONTRACT_TEXT, font: CONTRACT_FONT, dpi: 150, maxLines: 4 });
    const path = await scratch.file('慢.png', page.image);
    await assert.rejects(pool.read(path, '慢.png'), { code: 'ocr.aborted' });
  });
});
