import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isAppError } from '../../app/errors.ts';
import { decodeManifest, readManifest } from './manifest.ts';

describe('metadata manifests', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dangan-manifest-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  async function manifest(name: string, content: string | Buffer) {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  }

  async function refusal(path: string) {
    try {
      await readManifest(path);
    } catch (error) {
      assert.ok(isAppError(error), String(error));
      return { code: error.code, details: error.details, zh: error.zh };
    }
    assert.fail('the manifest was accepted');
  }

  it('reads a CSV manifest with keywords, numbers and extra fields, matched by path or base name', async () => {
    const path = await manifest(
      'ok.csv',
      'file,title,year,retention,keywords,extra.projectCode\n' +
        'scans/批复.pdf,关于某项目的批复,2024,Y,规划；许可;批复,2024-150105-48-01-000001\n',
    );
    const m = await readManifest(path);
    assert.equal(m.size, 1);
    const meta = m.lookup('scans/批复.pdf');
    assert.deepEqual(meta, {
      title: '关于某项目的批复',
      year: 2024,
      retention: 'Y',
      keywords: ['规划', '许可', '批复'],
      extra: { projectCode: '2024-150105-48-01-000001' },
    });
    assert.deepEqual(m.lookup('/elsewhere/批复.pdf'), meta);
    assert.equal(m.lookup('other.pdf'), undefined);
  });

  it('names the row and the unknown field of a CSV manifest', async () => {
    const path = await manifest('unknown.csv', 'file,title,colour\na.txt,甲,red\nb.txt,乙,blue\n');
    const refused = await refusal(path);
    assert.equal(refused.code, 'ingest.manifest_invalid');
    assert.equal(refused.details?.['row'], 1);
    assert.equal(refused.details?.['field'], 'colour');
    assert.match(refused.zh, /第 1 行的 colour/);
  });

  it('names the row and the field of an ill-typed value', async () => {
    const csv = await refusal(await manifest('year.csv', 'file,year\na.txt,2024\nb.txt,二〇二四\n'));
    assert.deepEqual(
      [csv.code, csv.details?.['row'], csv.details?.['field']],
      ['ingest.manifest_invalid', 2, 'year'],
    );
    const json = await refusal(
      await manifest(
        'date.json',
        JSON.stringify([
          { file: 'a.txt', formedOn: '2024-01-05' },
          { file: 'b.txt', formedOn: '5 Jan 2024' },
        ]),
      ),
    );
    assert.deepEqual(
      [json.code, json.details?.['row'], json.details?.['field']],
      ['ingest.manifest_invalid', 2, 'formedOn'],
    );
    const retention = await refusal(
      await manifest('retention.json', JSON.stringify({ 'a.txt': { retention: 'FOREVER' } })),
    );
    assert.equal(retention.details?.['field'], 'retention');
  });

  it('refuses a row without a file name, and a manifest that is not JSON', async () => {
    const missing = await refusal(await manifest('nofile.json', JSON.stringify([{ title: '无文件名' }])));
    assert.deepEqual([missing.code, missing.details?.['field']], ['ingest.manifest_invalid', 'file']);
    const broken = await refusal(await manifest('broken.json', '{"a.txt": {"title": "未完'));
    assert.equal(broken.code, 'ingest.manifest_unreadable');
    const absent = await refusal(join(dir, 'absent.csv'));
    assert.equal(absent.code, 'ingest.manifest_unreadable');
  });

  it('reads a CSV saved in GB 18030 by a Chinese spreadsheet program', async () => {
    // "file,title\r\na.txt,题名批复\r\n" with the title in GBK/GB 18030 bytes
    const bytes = Buffer.concat([
      Buffer.from('file,title\r\na.txt,'),
      Buffer.from('cce2c3fbc5fab8b4', 'hex'),
      Buffer.from('\r\n'),
    ]);
    assert.equal(decodeManifest(bytes).includes('题名批复'), true);
    const m = await readManifest(await manifest('gbk.csv', bytes));
    assert.equal(m.lookup('a.txt')?.title, '题名批复');
    // UTF-8 with a byte order mark stays UTF-8.
    const bom = await readManifest(await manifest('bom.csv', '\uFEFFfile,title\na.txt,题名\n'));
    assert.equal(bom.lookup('a.txt')?.title, '题名');
  });
});
