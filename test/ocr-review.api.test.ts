/** OCR review through the API: page images of PDF/TIFF scans, saving corrections as new versions. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { tiff } from '../src/modules/content/testing/image-fixtures.ts';
import { verifyRecords } from '../src/modules/ledger/ledger.records-verify.ts';
import { CONTRACT_FONT, CONTRACT_TEXT } from '../src/modules/ocr/ocr.contract.ts';
import { renderPage } from '../src/modules/ocr/testing/render.ts';
import { scanPdf } from '../src/modules/ocr/testing/scan-pdf.ts';
import { makePng } from './fixtures.ts';
import { createSignedInUser, createTestContext, signIn, uploadRecord, type TestContext } from './helpers.ts';

interface Layout {
  pages: { width: number; height: number; lines: { text: string }[]; reviewedBy?: string }[];
  text: string;
}
interface Component {
  id: string;
  role: string;
  sourceId: string | null;
}

describe('OCR review API', () => {
  let ctx: TestContext;
  let archivist: string;
  let reader: string;
  let scanId: string;

  const settle = () => ctx.services.startJobWorkers(1).idle();
  const components = async (id: string) => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${id}`,
      headers: { authorization: archivist },
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<{ components: Component[] }>().components;
  };
  const content = async (id: string, componentId: string) => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${id}/components/${componentId}/content`,
      headers: { authorization: archivist },
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.body;
  };
  /** the component of a role that no later version points at */
  const current = (list: Component[], role: string) =>
    list.find((c) => c.role === role && !list.some((n) => n.sourceId === c.id && n.role === role))!;
  const save = (auth: string, page: number, payload: unknown) =>
    ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/records/${scanId}/ocr/pages/${page}`,
      headers: { authorization: auth },
      payload: payload as object,
    });
  const hits = async (q: string) => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/search?q=${encodeURIComponent(q)}`,
      headers: { authorization: archivist },
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<{ hits: { id: string }[] }>().hits.map((h) => h.id);
  };
  const upload = async (name: string, bytes: Buffer, level = 'internal') => {
    const res = await uploadRecord(ctx.app, archivist, { name, content: bytes }, { title: name, level });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<{ record: { id: string } }>().record.id;
  };

  before(async () => {
    ctx = await createTestContext();
    const admin = (await signIn(ctx.app, 'admin', ctx.adminPassword)).authorization;
    archivist = await createSignedInUser(ctx, admin, { username: 'ocr-archivist', roles: ['archivist'] });
    reader = await createSignedInUser(ctx, admin, { username: 'ocr-reader', roles: ['reader'] });
    const scan = await renderPage({ paragraphs: CONTRACT_TEXT, font: CONTRACT_FONT, dpi: 150, maxLines: 3 });
    const pdf = await scanPdf([
      { image: scan.image, format: 'png', dpi: 150 },
      { latin: ['Second page of the approval, typed.', 'It has a text layer of its own.'] },
    ]);
    scanId = await upload('扫描批复.pdf', pdf);
    await settle();
  });
  after(async () => ctx.close());

  it('renders any page of a PDF scan as a PNG in the layout proportions, and refuses a page beyond the end', async () => {
    const list = await components(scanId);
    const layout = JSON.parse(await content(scanId, current(list, 'ocr_layout').id)) as Layout;
    for (const page of [1, 2]) {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/records/${scanId}/ocr/pages/${page}/image`,
        headers: { authorization: reader },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'image/png');
      assert.equal(res.headers['x-dangan-page-count'], '2');
      const meta = await sharp(res.rawPayload).metadata();
      assert.ok(Math.max(meta.width, meta.height) <= 2000);
      const want = layout.pages[page - 1]!.width / layout.pages[page - 1]!.height;
      assert.ok(Math.abs(meta.width / meta.height - want) < 0.02, `${meta.width}x${meta.height} vs ${want}`);
    }
    const beyond = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${scanId}/ocr/pages/3/image`,
      headers: { authorization: reader },
    });
    assert.equal(beyond.statusCode, 404);
    assert.equal(beyond.json<{ error: { code: string } }>().error.code, 'ocr.page_not_found');
  });

  it('renders the second page of a multi-page TIFF, and watermarks a sensitive page', async () => {
    const id = await upload(
      '两页.tif',
      tiff([
        { width: 40, height: 30 },
        { width: 24, height: 60 },
      ]),
    );
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${id}/ocr/pages/2/image`,
      headers: { authorization: archivist },
    });
    assert.equal(res.statusCode, 200, res.body);
    const meta = await sharp(res.rawPayload).metadata();
    assert.deepEqual([meta.width, meta.height], [24, 60]);
    assert.equal(res.headers['x-dangan-watermarked'], 'false');

    const secret = await upload('敏感.png', makePng(300, 200, 3), 'sensitive');
    const marked = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${secret}/ocr/pages/1/image`,
      headers: { authorization: archivist },
    });
    assert.equal(marked.statusCode, 200, marked.body);
    assert.equal(marked.headers['x-dangan-watermarked'], 'true');
    const events = await ctx.services.db.query<{ details: { watermarked?: boolean; page?: number } }>(
      `SELECT details FROM events WHERE record_id = $1 AND action = 'record.download'`,
      [secret],
    );
    assert.ok(events.rows.some((e) => e.details.watermarked === true && e.details.page === 1));
  });

  it('saves a corrected page as a new version, keeps the machine output, and search finds the corrected word', async () => {
    assert.deepEqual(await hits('鹦鹉螺'), []);
    const before = await components(scanId);
    const layoutBefore = current(before, 'ocr_layout');
    const textBefore = current(before, 'ocr_text');
    const originalText = await content(scanId, textBefore.id);
    const layout = JSON.parse(await content(scanId, layoutBefore.id)) as Layout;
    const lines = layout.pages[0]!.lines.map((l) => l.text);
    assert.ok(lines.length > 0);
    const corrected = [`${lines[0]}鹦鹉螺`, ...lines.slice(1)];

    // A reader may look but not correct; the line count must match; a line holds no line break.
    assert.equal((await save(reader, 1, { lines: corrected })).statusCode, 403);
    const mismatch = await save(archivist, 1, { lines: corrected.slice(1) });
    assert.equal(mismatch.statusCode, 422);
    assert.equal(mismatch.json<{ error: { code: string } }>().error.code, 'ocr.lines_mismatch');
    assert.equal((await save(archivist, 1, { lines: ['a\nb', ...corrected.slice(1)] })).statusCode, 400);

    const res = await save(archivist, 1, { lines: corrected, base: layoutBefore.id });
    assert.equal(res.statusCode, 200, res.body);
    const saved = res.json<{ changed: number[]; version: number; layoutId: string; textId: string }>();
    assert.deepEqual(saved.changed, [0]);
    assert.equal(saved.version, 2);

    // Saving again on the old base is a conflict: someone saved in between.
    const stale = await save(archivist, 1, { lines: corrected, base: layoutBefore.id });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json<{ error: { code: string } }>().error.code, 'ocr.review_conflict');

    const after = await components(scanId);
    assert.equal(current(after, 'ocr_text').id, saved.textId);
    assert.equal(current(after, 'ocr_layout').id, saved.layoutId);
    assert.equal(after.find((c) => c.id === saved.textId)!.sourceId, textBefore.id);
    assert.equal(await content(scanId, textBefore.id), originalText, 'the machine output is kept');
    assert.ok((await content(scanId, saved.textId)).includes('鹦鹉螺'));
    const newLayout = JSON.parse(await content(scanId, saved.layoutId)) as Layout;
    assert.equal(newLayout.pages[0]!.lines[0]!.text, corrected[0]);
    assert.equal(newLayout.pages[0]!.reviewedBy, 'user:ocr-archivist');

    const history = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${scanId}/events`,
      headers: { authorization: archivist },
    });
    const review = history
      .json<{ items: { action: string; actor: string; details: { page?: number; changed?: number[] } }[] }>()
      .items.find((e) => e.action === 'record.ocr_review');
    assert.equal(review?.actor, 'user:ocr-archivist');
    assert.equal(review?.details.page, 1);
    assert.deepEqual(review?.details.changed, [0]);

    await settle();
    assert.deepEqual(await hits('鹦鹉螺'), [scanId]);

    // Accepting page 2 unchanged records the review without changing any line.
    const page2 = newLayout.pages[1]!.lines.map((l) => l.text);
    const accept = await save(archivist, 2, { lines: page2, base: saved.layoutId });
    assert.equal(accept.statusCode, 200, accept.body);
    assert.deepEqual(accept.json<{ changed: number[]; version: number }>().changed, []);
    assert.equal(accept.json<{ version: number }>().version, 3);
    await settle();
    assert.deepEqual(await hits('鹦鹉螺'), [scanId], 'the correction survives the next version');

    // The logged state of the record matches what is stored: `dangan ledger verify` finds nothing.
    const problems: string[] = [];
    await verifyRecords(ctx.services.db, { blobs: ctx.services.blobs }, (p) =>
      problems.push(`${p.code} ${p.recordId}`),
    );
    assert.deepEqual(problems, []);
  });
});
