import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  chineseEmbeddedFontPdf,
  encryptedPdf,
  findCjkFont,
  latinPdf,
} from '../content/testing/pdf-fixtures.ts';
import { scratchDir } from '../content/testing/scratch.ts';
import { CONTRACT_FONT, CONTRACT_TEXT } from './ocr.contract.ts';
import { characterErrorRate } from './ocr.models.ts';
import type { OcrEngine } from './ocr.port.ts';
import { ocrFile, openPages } from './ocr.usecases.ts';
import { createPpOcrEngine } from './ppocr.adapter.ts';
import { renderPage } from './testing/render.ts';
import { scanPdf } from './testing/scan-pdf.ts';

describe('OCR of PDF files', () => {
  let engine: OcrEngine;
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let dir: string;
  before(async () => {
    engine = await createPpOcrEngine();
    scratch = await scratchDir();
    dir = scratch.dir;
  });
  after(async () => {
    await engine.close();
    await scratch.remove();
  });

  it('reads scanned pages and keeps the text layer of born-digital pages, deciding page by page', async () => {
    const scan = await renderPage({
      paragraphs: CONTRACT_TEXT,
      font: CONTRACT_FONT,
      dpi: 150,
      jpegQuality: 85,
      maxLines: 5,
    });
    const pdf = await scanPdf([
      { image: scan.image, format: 'jpeg', dpi: 150 },
      { latin: ['Permit No. 2024-0031 granted to the applicant', 'Valid until 31 December 2026'] },
    ]);
    const path = join(dir, 'mixed.pdf');
    await writeFile(path, pdf);
    const document = await ocrFile(engine, path, 'mixed.pdf');
    assert.equal(document.pages.length, 2);
    const [first, second] = document.pages;
    assert.equal(first!.source, 'ocr');
    const read = first!.lines.map((l) => l.text).join('\n');
    const { errors, length } = characterErrorRate(scan.text, read);
    assert.ok(errors / length < 0.02, `CER ${errors}/${length}\n${read}`);
    assert.equal(second!.source, 'text');
    assert.deepEqual(
      second!.lines.map((l) => l.text),
      ['Permit No. 2024-0031 granted to the applicant', 'Valid until 31 December 2026'],
    );
    assert.match(document.text, /Permit No\. 2024-0031/);
  });

  it('uses the Chinese text layer of a born-digital page without spaces between characters', async () => {
    // CI installs Debian fonts-droid-fallback (.ci/run).
    const font = findCjkFont();
    assert.ok(font, 'a CJK TrueType font is installed');
    const pdf = await chineseEmbeddedFontPdf(await readFile(font), [
      '关于同意建设项目用地预审的批复',
      '经审查，同意你单位的申请。',
    ]);
    const document = await ocrFile(engine, Buffer.from(pdf), 'digital.pdf');
    assert.equal(document.pages[0]!.source, 'text');
    assert.equal(document.text, '关于同意建设项目用地预审的批复\n经审查，同意你单位的申请。');
  });

  it('refuses an encrypted PDF with a stable code', async () => {
    const pdf = Buffer.from(await encryptedPdf('secret'));
    await assert.rejects(ocrFile(engine, pdf, 'locked.pdf'), { code: 'ocr.pdf_encrypted' });
  });

  it('refuses a broken PDF with a stable code', async () => {
    const broken = Buffer.concat([
      Buffer.from('%PDF-1.7\n'),
      Buffer.from('garbage, no PDF body '.repeat(20)),
    ]);
    await assert.rejects(ocrFile(engine, broken, 'broken.pdf'), { code: 'ocr.unreadable_pdf' });
    const whole = Buffer.from(await latinPdf([['a page cut in half']]));
    await assert.rejects(ocrFile(engine, whole.subarray(0, whole.length >> 1), 'cut.pdf'), {
      code: 'ocr.unreadable_pdf',
    });
  });

  it('opens a 1,000-page PDF page by page without reading every page first', async () => {
    const pdf = await latinPdf(
      Array.from({ length: 1000 }, (_, i) => [`Page ${i + 1} of the long file, item ${i}`]),
    );
    const path = join(dir, 'long.pdf');
    await writeFile(path, pdf);
    const source = await openPages(path, 'long.pdf');
    try {
      assert.equal(source.pageCount, 1000);
      const last = await source.page(999);
      assert.equal(last.kind, 'text');
      assert.equal(last.kind === 'text' && last.page.lines[0]!.text, 'Page 1000 of the long file, item 999');
    } finally {
      await source.close();
    }
  });
});
