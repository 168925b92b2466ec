// node:test's describe() and it() return promises that the runner itself awaits.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { extractFailed } from './content.errors.ts';
import { extractText } from './extract.ts';
import { inspectFile } from './sniff.ts';
import { APPROVAL_TITLE, gb18030, scratchDir } from './testing/scratch.ts';
import {
  chineseEmbeddedFontPdf,
  chineseStandardFontPdf,
  findCjkFont,
  latinPdf,
  pdfWithoutText,
} from './testing/pdf-fixtures.ts';
import { png, tiff } from './testing/image-fixtures.ts';
import { docxParts, ofdParts, xlsxParts, zip } from './testing/zip-fixtures.ts';

let scratch: Awaited<ReturnType<typeof scratchDir>>;
before(async () => {
  scratch = await scratchDir();
});
after(() => scratch.remove());

/** Writes, inspects (as the pipeline does first), then extracts. */
async function extractBytes(fileName: string, bytes: Uint8Array | string, options = {}) {
  const path = await scratch.file(`${Math.random().toString(36).slice(2)}-${fileName}`, bytes);
  const file = await inspectFile(path, { originalName: fileName });
  return extractText(path, file, options);
}

describe('extractText: PDF', () => {
  it('extracts text per page, breaking lines where pdfjs marks their end', async () => {
    const result = await extractBytes(
      'two.pdf',
      await latinPdf([['First line', 'Second line'], ['Page two']]),
    );
    assert.ok(result);
    assert.deepEqual(result.pages, [
      { number: 1, text: 'First line\nSecond line' },
      { number: 2, text: 'Page two' },
    ]);
    assert.equal(result.text, 'First line\nSecond line\n\nPage two');
    assert.equal(result.truncated, false);
  });

  it('extracts Chinese text set in a standard CJK font through its predefined CMap', async () => {
    const result = await extractBytes(
      '批复.pdf',
      await chineseStandardFontPdf([APPROVAL_TITLE, '经审查，同意。']),
    );
    assert.equal(result?.text, `${APPROVAL_TITLE}\n经审查，同意。`);
  });

  it('never inserts spaces between Chinese characters, even when they are set apart', async () => {
    const result = await extractBytes(
      '标题.pdf',
      await chineseStandardFontPdf(['建设工程规划许可证'], { letterSpacing: 24 }),
    );
    assert.equal(result?.text, '建设工程规划许可证');
  });

  const fontPath = findCjkFont();
  it(
    'extracts Chinese text from a PDF with an embedded CJK font',
    { skip: fontPath ? false : 'no CJK TrueType font installed (Debian package fonts-droid-fallback)' },
    async () => {
      const font = await readFile(fontPath!);
      const result = await extractBytes(
        '批复.pdf',
        await chineseEmbeddedFontPdf(font, [APPROVAL_TITLE, '审批意见']),
      );
      assert.equal(result?.text, `${APPROVAL_TITLE}\n审批意见`);
    },
  );

  it('gives empty text for a PDF without a text layer', async () => {
    const result = await extractBytes('scan.pdf', await pdfWithoutText());
    assert.deepEqual(result, { text: '', pages: [{ number: 1, text: '' }], truncated: false });
  });

  it('cuts long text at maxChars and says so', async () => {
    const result = await extractBytes(
      'long.pdf',
      await latinPdf([['0123456789'], ['abcdefghij'], ['klmnopqrst']]),
      {
        maxChars: 15,
      },
    );
    assert.ok(result);
    assert.equal(result.truncated, true);
    assert.equal(result.text, '0123456789\n\nabc');
    assert.deepEqual(result.pages, [
      { number: 1, text: '0123456789' },
      { number: 2, text: 'abc' },
    ]);
  });
});

describe('extractText: office documents', () => {
  it('extracts the paragraphs of a DOCX', async () => {
    const result = await extractBytes('批复.docx', zip(docxParts([APPROVAL_TITLE, '经审查，同意。'])));
    assert.equal(result?.text.trim(), `${APPROVAL_TITLE}\n\n经审查，同意。`);
    assert.equal(result?.pages, undefined);
  });

  it('extracts shared and inline strings and values of an XLSX, sheets in workbook order, cells by tabs', async () => {
    const workbook = xlsxParts([
      {
        name: '审批清单',
        rows: [
          ['编号', '事项', '日期'],
          ['A-1', { inline: '建设工程规划许可' }, 45000],
        ],
      },
      { name: '说明', rows: [['备注 & 附件']] },
    ]);
    const result = await extractBytes('台账.xlsx', zip(workbook));
    assert.equal(
      result?.text,
      '审批清单\n编号\t事项\t日期\nA-1\t建设工程规划许可\t45000\n\n说明\n备注 & 附件',
    );
  });

  it('stops reading a large XLSX at maxChars and says so', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => [`第${i}行`, i]);
    const result = await extractBytes('大表.xlsx', zip(xlsxParts([{ name: '表', rows }])), { maxChars: 100 });
    assert.equal(result?.truncated, true);
    assert.equal(result?.text.length, 100);
    assert.ok(result?.text.startsWith('表\n第0行\t0\n第1行\t1\n'));
  });

  it('extracts the text codes of an OFD, pages in Document.xml order, lines by baseline', async () => {
    const ofd = ofdParts([[[APPROVAL_TITLE], ['申请人：', '某某公司'], ['Project', 'No. 7']], [['第二页']]]);
    const result = await extractBytes('批复.ofd', zip(ofd));
    assert.deepEqual(result?.pages, [
      { number: 1, text: `${APPROVAL_TITLE}\n申请人：某某公司\nProject No. 7` },
      { number: 2, text: '第二页' },
    ]);
  });
});

describe('extractText: plain text', () => {
  it('decodes GB18030 text and normalises newlines', async () => {
    const result = await extractBytes('gbk.txt', gb18030(`${APPROVAL_TITLE}\r\n审批意见：同意。\r\n`));
    assert.deepEqual(result, { text: `${APPROVAL_TITLE}\n审批意见：同意。\n`, truncated: false });
  });

  it('decodes UTF-16LE text with a BOM, dropping the BOM', async () => {
    const result = await extractBytes('u16.txt', Buffer.from(`\ufeff${APPROVAL_TITLE}\rline`, 'utf16le'));
    assert.equal(result?.text, `${APPROVAL_TITLE}\nline`);
  });

  it('returns Markdown as written, in Unicode NFC', async () => {
    const result = await extractBytes('notes.md', '# Cafe\u0301\n\n- 一\n');
    assert.equal(result?.text, '# Caf\u00e9\n\n- 一\n');
  });

  it('cuts long text at maxChars and says so', async () => {
    const result = await extractBytes('long.txt', '行'.repeat(1000), { maxChars: 10 });
    assert.deepEqual(result, { text: '行'.repeat(10), truncated: true });
  });
});

describe('extractText: images and failures', () => {
  it('returns null for images, which are left to OCR', async () => {
    assert.equal(await extractBytes('scan.png', png(2, 2)), null);
    assert.equal(await extractBytes('scan.tif', tiff([{ width: 1, height: 1 }])), null);
  });

  it('fails with extract.failed when the worker runs out of time', async () => {
    const pdf = await latinPdf([['slow']]);
    await assert.rejects(extractBytes('slow.pdf', pdf, { timeoutMs: 1 }), (error: unknown) => {
      assert.ok(extractFailed.is(error));
      assert.match(String(error.details?.reason), /timed out/);
      return true;
    });
  });

  it('fails with extract.failed, without crashing the caller, when the file is not what inspection said', async () => {
    const path = await scratch.file('garbage.docx', 'not a zip at all');
    const file = { kind: 'docx', mime: 'x', extension: 'docx' } as const;
    await assert.rejects(extractText(path, file), (error: unknown) => extractFailed.is(error));
    const pdfPath = await scratch.file('garbage.pdf', '%PDF-1.7 nothing');
    await assert.rejects(extractText(pdfPath, { ...file, kind: 'pdf' }), (error: unknown) =>
      extractFailed.is(error),
    );
  });

  it('keeps the caller’s event loop free while a document is parsed', async () => {
    const pdf = await latinPdf(Array.from({ length: 20 }, (_, i) => [`Page ${i + 1}`]));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const result = await extractBytes('twenty.pdf', pdf);
      assert.equal(result?.pages?.length, 20);
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks >= 5, `the event loop ticked only ${ticks} times`);
  });
});
