// node:test's describe() and it() return promises that the runner itself awaits.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ErrorFactory } from '../../app/errors.ts';
import {
  archiveBomb,
  corruptFile,
  emptyFile,
  encryptedFile,
  imageTooLarge,
  maliciousArchive,
  tooManyPages,
  unsupportedType,
} from './content.errors.ts';
import { inspectFile } from './sniff.ts';
import { APPROVAL_TITLE, gb18030, scratchDir } from './testing/scratch.ts';
import { chineseStandardFontPdf, encryptedPdf, latinPdf } from './testing/pdf-fixtures.ts';
import { jpeg, png, tiff } from './testing/image-fixtures.ts';
import {
  docxParts,
  encryptedOfficeFile,
  flagEncrypted,
  ofdParts,
  patchDeclaredSize,
  xlsxParts,
  zip,
} from './testing/zip-fixtures.ts';

let scratch: Awaited<ReturnType<typeof scratchDir>>;
before(async () => {
  scratch = await scratchDir();
});
after(() => scratch.remove());

/** Inspects bytes written under `fileName`, passing that name as the original name. */
async function inspectBytes(fileName: string, bytes: Uint8Array | string, limits = {}) {
  const path = await scratch.file(`${Math.random().toString(36).slice(2)}-${fileName}`, bytes);
  return inspectFile(path, { originalName: fileName, limits });
}

async function assertRefused(
  promise: Promise<unknown>,
  factory: ErrorFactory,
  details: Record<string, unknown> = {},
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(factory.is(error), `expected ${factory.code}, got ${String(error)}`);
    for (const [key, value] of Object.entries(details)) assert.equal(error.details?.[key], value, key);
    return true;
  });
}

describe('inspectFile: PDF', () => {
  it('accepts a born-digital PDF and counts its pages', async () => {
    const file = await inspectBytes('批复.pdf', await latinPdf([['one'], ['two'], ['three']]));
    assert.deepEqual(file, { kind: 'pdf', mime: 'application/pdf', extension: 'pdf', pageCount: 3 });
  });

  it('accepts a Chinese PDF that uses a standard CJK font', async () => {
    const file = await inspectBytes('批复.pdf', await chineseStandardFontPdf([APPROVAL_TITLE]));
    assert.equal(file.kind, 'pdf');
    assert.equal(file.pageCount, 1);
  });

  it('refuses a truncated PDF as corrupt', async () => {
    const bytes = await latinPdf([['a page that will be cut off']]);
    await assertRefused(
      inspectBytes('cut.pdf', bytes.subarray(0, Math.floor(bytes.length * 0.6))),
      corruptFile,
      {
        name: 'cut.pdf',
      },
    );
  });

  it('refuses a PDF header followed by garbage as corrupt', async () => {
    const garbage = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(8192)]);
    await assertRefused(inspectBytes('garbage.pdf', garbage), corruptFile);
  });

  it('refuses garbage between a PDF header and an end marker as corrupt, because pdfjs cannot open it', async () => {
    const garbage = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(8192), Buffer.from('\n%%EOF\n')]);
    await assertRefused(inspectBytes('garbage.pdf', garbage), corruptFile);
  });

  it('refuses a password-protected PDF', async () => {
    await assertRefused(inspectBytes('secret.pdf', await encryptedPdf('user-secret')), encryptedFile, {
      name: 'secret.pdf',
    });
  });

  it('refuses a PDF encrypted with only an owner password, because archives must stay readable without keys', async () => {
    await assertRefused(inspectBytes('restricted.pdf', await encryptedPdf('')), encryptedFile);
  });

  it('refuses a PDF with more pages than the limit', async () => {
    await assertRefused(
      inspectBytes('long.pdf', await latinPdf([['1'], ['2'], ['3']]), { maxPages: 2 }),
      tooManyPages,
    );
  });
});

describe('inspectFile: images', () => {
  it('accepts a PNG and reads its size from the header', async () => {
    assert.deepEqual(await inspectBytes('scan.png', png(3, 2)), {
      kind: 'png',
      mime: 'image/png',
      extension: 'png',
      width: 3,
      height: 2,
    });
  });

  it('refuses a PNG declaring 100000×100000 pixels without decoding it', async () => {
    const bomb = png(1, 1, { width: 100_000, height: 100_000 });
    await assertRefused(inspectBytes('bomb.png', bomb), imageTooLarge, { width: 100_000, height: 100_000 });
  });

  it('refuses a PNG within the side limit but over the pixel limit', async () => {
    await assertRefused(
      inspectBytes('wide.png', png(1, 1, { width: 20_000, height: 20_000 })),
      imageTooLarge,
    );
  });

  it('refuses a truncated PNG (no IEND) as corrupt', async () => {
    const bytes = png(4, 4);
    await assertRefused(inspectBytes('cut.png', bytes.subarray(0, bytes.length - 12)), corruptFile);
  });

  it('accepts a baseline JPEG and reads its size from the frame header', async () => {
    const file = await inspectBytes('photo.jpg', jpeg());
    assert.deepEqual(file, { kind: 'jpeg', mime: 'image/jpeg', extension: 'jpg', width: 8, height: 8 });
  });

  it('refuses a JPEG whose side exceeds the limit', async () => {
    await assertRefused(inspectBytes('tall.jpg', jpeg({ width: 8, height: 60_000 })), imageTooLarge);
  });

  it('refuses a truncated JPEG (no EOI) as corrupt', async () => {
    const bytes = jpeg();
    await assertRefused(inspectBytes('cut.jpg', bytes.subarray(0, bytes.length - 2)), corruptFile);
  });

  it('refuses a JPEG cut inside its headers as corrupt', async () => {
    await assertRefused(inspectBytes('cut.jpg', jpeg().subarray(0, 40)), corruptFile);
  });

  it('accepts a two-page TIFF and counts its pages', async () => {
    const file = await inspectBytes(
      'scan.tif',
      tiff([
        { width: 4, height: 3 },
        { width: 2, height: 2 },
      ]),
    );
    assert.deepEqual(file, {
      kind: 'tiff',
      mime: 'image/tiff',
      extension: 'tif',
      width: 4,
      height: 3,
      pageCount: 2,
    });
  });

  it('refuses a TIFF whose image data lies beyond the end of the file as corrupt', async () => {
    const bytes = tiff([{ width: 16, height: 16 }]);
    await assertRefused(inspectBytes('cut.tif', bytes.subarray(0, bytes.length - 10)), corruptFile);
  });

  it('refuses a TIFF whose next-directory offset points outside the file as corrupt', async () => {
    const bytes = tiff([{ width: 2, height: 2 }]);
    // The single directory starts at 8 and holds 9 entries; its next-IFD link follows them.
    bytes.writeUInt32LE(bytes.length + 1000, 8 + 2 + 9 * 12);
    await assertRefused(inspectBytes('bad.tif', bytes), corruptFile);
  });

  it('refuses a TIFF page that exceeds the image limits', async () => {
    const pages = [
      { width: 2, height: 2 },
      { width: 10, height: 10 },
    ];
    await assertRefused(inspectBytes('big.tif', tiff(pages), { maxImagePixels: 50 }), imageTooLarge, {
      width: 10,
    });
  });

  it('refuses a TIFF with more pages than the limit', async () => {
    const pages = [
      { width: 1, height: 1 },
      { width: 1, height: 1 },
      { width: 1, height: 1 },
    ];
    await assertRefused(inspectBytes('long.tif', tiff(pages), { maxPages: 2 }), tooManyPages);
  });
});

describe('inspectFile: ZIP-based documents', () => {
  it('accepts a minimal DOCX', async () => {
    const file = await inspectBytes('批复.docx', zip(docxParts(['行政审批'])));
    assert.equal(file.kind, 'docx');
    assert.equal(file.extension, 'docx');
    assert.equal(file.nameMismatch, undefined);
  });

  it('accepts a minimal XLSX', async () => {
    const file = await inspectBytes('台账.xlsx', zip(xlsxParts([{ name: '清单', rows: [['编号', 1]] }])));
    assert.equal(file.kind, 'xlsx');
    assert.equal(file.mime, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  });

  it('accepts a minimal OFD and counts its pages from Document.xml', async () => {
    const file = await inspectBytes('批复.ofd', zip(ofdParts([[['第一页']], [['第二页']]])));
    assert.deepEqual(file, { kind: 'ofd', mime: 'application/ofd', extension: 'ofd', pageCount: 2 });
  });

  it('refuses a DOCX missing its main document part as corrupt', async () => {
    const parts = docxParts(['x']);
    delete parts['word/document.xml'];
    await assertRefused(inspectBytes('broken.docx', zip(parts)), corruptFile);
  });

  it('refuses a DOCX without [Content_Types].xml as corrupt', async () => {
    const parts = docxParts(['x']);
    delete parts['[Content_Types].xml'];
    await assertRefused(inspectBytes('broken.docx', zip(parts)), corruptFile);
  });

  it('refuses an OFD whose page content is missing as corrupt', async () => {
    const parts = ofdParts([[['第一页']]]);
    delete parts['Doc_0/Pages/Page_9/Content.xml'];
    await assertRefused(inspectBytes('broken.ofd', zip(parts)), corruptFile);
  });

  it('refuses an OFD whose Document.xml is missing as corrupt', async () => {
    const parts = ofdParts([[['第一页']]]);
    delete parts['Doc_0/Document.xml'];
    await assertRefused(inspectBytes('broken.ofd', zip(parts)), corruptFile);
  });

  it('refuses a ZIP whose central directory is cut off as corrupt', async () => {
    const bytes = zip(docxParts(['x']));
    await assertRefused(inspectBytes('cut.docx', bytes.subarray(0, bytes.length - 30)), corruptFile);
  });

  it('refuses a ZIP whose central directory is damaged as corrupt', async () => {
    const bytes = Buffer.from(zip(docxParts(['x'])));
    const directory = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.fill(0x20, directory, directory + 8);
    await assertRefused(inspectBytes('damaged.docx', bytes), corruptFile);
  });

  it('refuses a password-protected ZIP entry', async () => {
    await assertRefused(inspectBytes('secret.docx', flagEncrypted(zip(docxParts(['x'])))), encryptedFile);
  });

  it('refuses a password-protected Word file (an encrypted OLE package)', async () => {
    await assertRefused(inspectBytes('secret.docx', encryptedOfficeFile()), encryptedFile);
  });

  it('refuses a zip bomb by its compression ratio', async () => {
    const parts = { ...docxParts(['x']), 'word/media/zeros.bin': new Uint8Array(20 * 1024 * 1024) };
    await assertRefused(inspectBytes('bomb.docx', zip(parts, 9)), archiveBomb, { name: 'bomb.docx' });
  });

  it('refuses a ZIP whose declared content exceeds the size limit', async () => {
    const parts = { ...docxParts(['x']), 'word/media/noise.bin': randomBytes(256 * 1024) };
    await assertRefused(
      inspectBytes('big.docx', zip(parts), { maxUncompressedBytes: 128 * 1024 }),
      archiveBomb,
    );
  });

  it('refuses a ZIP declaring 2 GB of content', async () => {
    const declared = patchDeclaredSize(zip(docxParts(['x'])), 'word/document.xml', 2 ** 31);
    await assertRefused(inspectBytes('huge.docx', declared), archiveBomb);
  });

  it('refuses a ZIP with more entries than the limit', async () => {
    await assertRefused(inspectBytes('many.docx', zip(docxParts(['x'])), { maxZipEntries: 2 }), archiveBomb);
  });

  it('refuses a ZIP entry that inflates beyond its declared size, stopping while inflating', async () => {
    const parts = { ...docxParts(['x']), 'word/media/zeros.bin': new Uint8Array(512 * 1024) };
    const lying = patchDeclaredSize(zip(parts, 9), 'word/media/zeros.bin', 1000);
    await assertRefused(inspectBytes('lying.docx', lying), archiveBomb);
  });

  for (const entry of [
    '../../etc/passwd',
    '/etc/passwd',
    'C:/Windows/evil.dll',
    '..\\..\\evil.bat',
    'word/../../x',
  ]) {
    it(`refuses a ZIP with a path-traversal entry ${JSON.stringify(entry)}`, async () => {
      const parts = { ...docxParts(['x']), [entry]: 'root:x:0:0' };
      await assertRefused(inspectBytes('evil.docx', zip(parts)), maliciousArchive, { entry });
    });
  }

  it('refuses a ZIP of something else named .pdf', async () => {
    await assertRefused(inspectBytes('x.pdf', zip({ 'hello.txt': 'hi' })), unsupportedType, {
      detected: 'zip',
    });
  });

  it('refuses a macro-enabled Word file (DOCM)', async () => {
    const parts = docxParts(['x']);
    parts['[Content_Types].xml'] = String(parts['[Content_Types].xml']).replace(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
      'application/vnd.ms-word.document.macroEnabled.main+xml',
    );
    await assertRefused(inspectBytes('macro.docx', zip(parts)), unsupportedType, { detected: 'docm' });
  });

  it('refuses a PowerPoint file, which is OOXML but not an accepted type', async () => {
    const parts: Record<string, string | Uint8Array> = {
      ...docxParts(['x']),
      '[Content_Types].xml':
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>',
      'ppt/presentation.xml': '<p:presentation/>',
    };
    delete parts['word/document.xml'];
    await assertRefused(inspectBytes('slides.pptx', zip(parts)), unsupportedType, { detected: 'pptx' });
  });
});

describe('inspectFile: disguised and unknown files', () => {
  it('refuses an executable disguised as a PDF', async () => {
    const exe = Buffer.concat([
      Buffer.from('MZ'),
      Buffer.alloc(62),
      Buffer.from('PE\0\0'),
      Buffer.alloc(200),
    ]);
    await assertRefused(inspectBytes('x.pdf', exe), unsupportedType, { name: 'x.pdf', detected: 'exe' });
  });

  it('refuses an ELF binary disguised as a PDF', async () => {
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);
    await assertRefused(inspectBytes('x.pdf', elf), unsupportedType, { detected: 'elf' });
  });

  it('refuses an HTML page disguised as a PDF', async () => {
    const html = '<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>';
    await assertRefused(inspectBytes('x.pdf', html), unsupportedType, { detected: 'html' });
  });

  it('refuses a shell script disguised as a text file', async () => {
    await assertRefused(inspectBytes('notes.txt', '#!/bin/sh\nrm -rf /\n'), unsupportedType, {
      detected: 'script',
    });
  });

  it('refuses random binary data as unknown', async () => {
    const noise = Buffer.concat([Buffer.from([0, 1, 2, 3]), randomBytes(4096)]);
    await assertRefused(inspectBytes('data.bin', noise), unsupportedType, { detected: 'unknown' });
  });

  it('refuses an empty file', async () => {
    await assertRefused(inspectBytes('empty.pdf', ''), emptyFile, { name: 'empty.pdf' });
  });
});

describe('inspectFile: plain text', () => {
  it('accepts UTF-8 text', async () => {
    const file = await inspectBytes('说明.txt', `${APPROVAL_TITLE}\n第二行\n`);
    assert.deepEqual(file, { kind: 'txt', mime: 'text/plain', extension: 'txt', textEncoding: 'utf-8' });
  });

  it('accepts UTF-8 text with a BOM', async () => {
    const file = await inspectBytes('bom.txt', `\ufeff${APPROVAL_TITLE}`);
    assert.equal(file.textEncoding, 'utf-8');
  });

  it('accepts GB18030-encoded Chinese text', async () => {
    const file = await inspectBytes('gbk.txt', gb18030(`${APPROVAL_TITLE}\r\n审批意见：同意。\r\n`));
    assert.equal(file.kind, 'txt');
    assert.equal(file.textEncoding, 'gb18030');
  });

  it('accepts UTF-16LE text with a BOM', async () => {
    const file = await inspectBytes('utf16.txt', Buffer.from(`\ufeff${APPROVAL_TITLE}\r\n`, 'utf16le'));
    assert.equal(file.textEncoding, 'utf-16le');
  });

  it('accepts UTF-16BE text with a BOM', async () => {
    const file = await inspectBytes('utf16.txt', Buffer.from(`\ufeff${APPROVAL_TITLE}`, 'utf16le').swap16());
    assert.equal(file.textEncoding, 'utf-16be');
  });

  it('refuses text containing NUL bytes', async () => {
    await assertRefused(inspectBytes('nul.txt', 'abc\u0000def'), unsupportedType);
  });

  it('refuses bytes that are neither UTF-8 nor GB18030', async () => {
    await assertRefused(
      inspectBytes('bad.txt', Buffer.from([0x41, 0xff, 0xfe, 0x80, 0xff])),
      unsupportedType,
    );
  });

  it('tells Markdown from plain text by the original name only', async () => {
    const file = await inspectBytes('README.md', '# 标题\n\n正文');
    assert.deepEqual(file, { kind: 'md', mime: 'text/markdown', extension: 'md', textEncoding: 'utf-8' });
  });
});

describe('inspectFile: names', () => {
  it('reports a name mismatch when the extension says another type', async () => {
    const file = await inspectBytes('photo.jpg', png(1, 1));
    assert.equal(file.kind, 'png');
    assert.equal(file.nameMismatch, true);
  });

  it('identifies plain text named .pdf as text, with a name mismatch', async () => {
    const file = await inspectBytes('report.pdf', '只是一段文字');
    assert.equal(file.kind, 'txt');
    assert.equal(file.nameMismatch, true);
  });

  it('does not report a mismatch for a name without extension or for an alias', async () => {
    assert.equal((await inspectBytes('README', 'text')).nameMismatch, undefined);
    assert.equal((await inspectBytes('scan.TIFF', tiff([{ width: 1, height: 1 }]))).nameMismatch, undefined);
  });

  it('detects from content when no original name is given', async () => {
    const path = await scratch.file('no-name', png(2, 2));
    assert.equal((await inspectFile(path, {})).kind, 'png');
  });
});
