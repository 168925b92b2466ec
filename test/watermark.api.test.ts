/** Watermarked copies of sensitive documents, through the API: PDF text, image pixels, refusals, audit. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { makePdf, makePng } from './fixtures.ts';
import { createSignedInUser, createTestContext, signIn, uploadRecord, type TestContext } from './helpers.ts';

async function pdfText(bytes: Buffer): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  try {
    const pages: string[] = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const content = await (await doc.getPage(i)).getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''));
    }
    return pages.join('\n');
  } finally {
    await doc.cleanup();
  }
}

describe('watermarks on sensitive downloads', () => {
  let ctx: TestContext;
  let archivist: string;

  before(async () => {
    ctx = await createTestContext();
    const admin = (await signIn(ctx.app, 'admin', ctx.adminPassword)).authorization;
    archivist = await createSignedInUser(ctx, admin, { username: 'wm-archivist', roles: ['archivist'] });
  });
  after(async () => ctx.close());

  async function store(file: { name: string; content: Buffer }, level: string, year: number) {
    const res = await uploadRecord(ctx.app, archivist, file, {
      title: `水印测试 ${file.name}`,
      level,
      category: 'WS',
      retention: 'D30',
      year,
    });
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json<{ record: { id: string } }>().record.id;
    const filed = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/records/${id}/file`,
      headers: { authorization: archivist },
    });
    assert.equal(filed.statusCode, 200, filed.body);
    return { id, archiveNo: filed.json<{ archiveNo: string }>().archiveNo };
  }

  const download = (id: string, query = '', headers: Record<string, string> = {}) =>
    ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${id}/components/original/content${query}`,
      headers: { authorization: archivist, ...headers },
    });

  it('marks a sensitive PDF with the account, time and 档号, leaves the original intact and audits it', async () => {
    const original = await makePdf(['Approval of project 17'], 2);
    const { id, archiveNo } = await store({ name: 'secret.pdf', content: original }, 'sensitive', 2021);
    const res = await download(id, `?purpose=${encodeURIComponent('审计核查')}`, { range: 'bytes=0-9' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['x-dangan-watermarked'], 'true');
    assert.equal(res.headers['x-content-sha256'], undefined);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.notDeepEqual(res.rawPayload, original);
    const text = await pdfText(res.rawPayload);
    assert.match(text, /Approval of project 17/);
    assert.ok(text.includes('user:wm-archivist'), text);
    assert.ok(text.includes(`档号 ${archiveNo}`), text);
    assert.ok(text.includes('用途 审计核查'), text);
    assert.match(text, new RegExp(`${new Date().toISOString().slice(0, 10)} \\d\\d:\\d\\d:\\d\\d UTC`));
    assert.equal(text.split('user:wm-archivist').length - 1, 4, 'two marks on each of two pages');

    // The stored bytes are unchanged: the blob still has the original's digest.
    const view = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${id}`,
      headers: { authorization: archivist },
    });
    const { createHash } = await import('node:crypto');
    const component = view.json<{ components: { role: string; sha256: string }[] }>().components[0]!;
    assert.equal(component.sha256, createHash('sha256').update(original).digest('hex'));

    const { rows } = await ctx.services.db.query<{ details: Record<string, unknown> }>(
      `SELECT details FROM events WHERE action = 'record.download' AND record_id = $1`,
      [id],
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.details['watermarked'], true);
    assert.equal(rows[0]!.details['purpose'], '审计核查');
    assert.equal(rows[0]!.details['copySha256'], createHash('sha256').update(res.rawPayload).digest('hex'));
  });

  it('marks a sensitive PNG visibly in the band at its foot', async () => {
    const original = makePng(240, 160, 3);
    const { id } = await store({ name: 'scan.png', content: original }, 'sensitive', 2022);
    const res = await download(id);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['x-dangan-watermarked'], 'true');
    assert.equal(res.headers['content-type'], 'image/png');
    const before = await sharp(original)
      .extract({ left: 0, top: 140, width: 240, height: 20 })
      .greyscale()
      .raw()
      .toBuffer();
    const after = await sharp(res.rawPayload)
      .extract({ left: 0, top: 140, width: 240, height: 20 })
      .greyscale()
      .raw()
      .toBuffer();
    assert.equal(before.length, after.length);
    let changed = 0;
    for (let i = 0; i < before.length; i++) if (Math.abs(before[i]! - after[i]!) > 16) changed++;
    assert.ok(changed > before.length / 2, `only ${changed}/${before.length} pixels differ in the band`);
    const meta = await sharp(res.rawPayload).metadata();
    assert.deepEqual([meta.width, meta.height], [240, 160]);
  });

  it('refuses a sensitive file that cannot carry a visible mark, with a stable code and an audit entry', async () => {
    const { id } = await store(
      { name: '名单.txt', content: Buffer.from('股东名单：张三、李四') },
      'sensitive',
      2023,
    );
    const res = await download(id);
    assert.equal(res.statusCode, 415, res.body);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'watermark.unsupported');
    const { rows } = await ctx.services.db.query<{ outcome: string; details: Record<string, unknown> }>(
      `SELECT outcome, details FROM events WHERE action = 'record.download' AND record_id = $1`,
      [id],
    );
    assert.deepEqual(
      rows.map((r) => [r.outcome, r.details['reason']]),
      [['denied', 'watermark_unsupported']],
    );
  });

  it('serves a public record byte for byte, with ranges, unmarked', async () => {
    const original = await makePdf(['Public notice'], 1);
    const { id } = await store({ name: 'public.pdf', content: original }, 'public', 2024);
    const res = await download(id);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['x-dangan-watermarked'], undefined);
    assert.deepEqual(res.rawPayload, original);
    const tooLong = await download(id, `?purpose=${'x'.repeat(101)}`);
    assert.equal(tooLong.json<{ error: { code: string } }>().error.code, 'watermark.purpose_invalid');
    assert.equal(tooLong.statusCode, 400);
    const part = await download(id, '', { range: 'bytes=0-9' });
    assert.equal(part.statusCode, 206);
    assert.deepEqual(part.rawPayload, original.subarray(0, 10));
  });
});
