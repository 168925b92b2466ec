import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archiveNoFormatProblem, DEFAULT_ARCHIVE_NO_FORMAT, formatArchiveNo } from './archive-number.ts';
import { safeFileName } from './records.models.ts';
import { titleFromName } from '../ingest/ingest.usecases.ts';

describe('archive numbers (DA/T 22-2015)', () => {
  it('prints 全宗号-门类代码·年度-保管期限代码-机构代码-件号 by default', () => {
    assert.equal(
      formatArchiveNo(DEFAULT_ARCHIVE_NO_FORMAT, {
        fonds: 'A012',
        category: 'WS',
        year: 2024,
        retention: 'Y',
        org: 'BGS',
        item: 1,
      }),
      'A012-WS·2024-Y-BGS-0001',
    );
    assert.equal(
      formatArchiveNo(DEFAULT_ARCHIVE_NO_FORMAT, {
        fonds: 'A012',
        category: 'WS',
        year: 2024,
        retention: 'D30',
        org: 'BGS',
        item: 12345,
      }),
      'A012-WS·2024-D30-BGS-12345',
    );
  });

  it('accepts a local variant that keeps every part', () => {
    const format = '{fonds}/{year}';
    assert.ok(archiveNoFormatProblem(format));
    assert.equal(archiveNoFormatProblem('{fonds}-{year}-{category}-{org}-{retention}-{item:5}'), null);
    assert.equal(
      formatArchiveNo('{fonds}-{year}-{category}-{org}-{retention}-{item:5}', {
        fonds: 'F1',
        category: 'SP',
        year: 2025,
        retention: 'D10',
        org: 'ZJ',
        item: 7,
      }),
      'F1-2025-SP-ZJ-D10-00007',
    );
  });

  it('refuses templates that could give two records one number', () => {
    assert.match(archiveNoFormatProblem('{fonds}-{category}·{year}-{retention}-{item}')!, /\{org\}/);
    assert.match(
      archiveNoFormatProblem('{fonds}-{category}·{year}-{retention}-{org}{item}')!,
      /separator|分隔/,
    );
    assert.match(
      archiveNoFormatProblem('{fonds}-{category}·{year}-{retention}-{org}-{item}-{item}')!,
      /\{item\}/,
    );
    assert.match(
      archiveNoFormatProblem('{fonds}-{category}·{year}-{retention}-{org}-{serial}')!,
      /unknown|未知/,
    );
    assert.match(archiveNoFormatProblem('{fonds}/{category}·{year}-{retention}-{org}-{item}')!, /slash|斜杠/);
  });
});

describe('file names', () => {
  it('makes any uploaded name safe to write, keeping the extension', () => {
    assert.equal(safeFileName('../../etc/passwd'), 'passwd');
    assert.equal(safeFileName('a\u0000b\u0007c.pdf'), 'a_b_c.pdf');
    assert.equal(safeFileName('..hidden'), '_hidden');
    assert.equal(safeFileName('CON.txt'), '_CON.txt');
    const long = safeFileName(`${'长'.repeat(300)}.pdf`);
    assert.ok(Buffer.byteLength(long) <= 200);
    assert.ok(long.endsWith('.pdf'));
  });

  it('derives a clean title from a file name', () => {
    assert.equal(titleFromName('dir/关于某项目的批复.pdf'), '关于某项目的批复');
    assert.equal(titleFromName('a\u0007b.txt'), 'a b');
    assert.equal(titleFromName('.pdf'), '未命名文件');
  });
});
