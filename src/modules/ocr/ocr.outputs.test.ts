import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import type { PDFRawStream } from 'pdf-lib';
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFStream } from 'pdf-lib';
import { CONTRACT_FONT, CONTRACT_TEXT } from './ocr.contract.ts';
import { ocrOutputs } from './ocr.outputs.ts';
import type { OcrEngine, OcrLine } from './ocr.port.ts';
import { ocrFile, openPages, type OcrDocument } from './ocr.usecases.ts';
import { tableWorkbook } from './ocr.xlsx.ts';
import { createPpOcrEngine } from './ppocr.adapter.ts';
import { renderPage } from './testing/render.ts';
import { scanPdf } from './testing/scan-pdf.ts';

/** The text layer of a PDF as pdfjs extracts it (what a reader copies), page by page. */
async function textBack(pdf: Uint8Array, boxes: OcrLine['box'][] = []): Promise<string[]> {
  const source = await openPages(Buffer.from(pdf), 'out.pdf');
  try {
    const pages: string[] = [];
    for (let i = 0; i < source.pageCount; i++) {
      const page = await source.page(i);
      assert.equal(page.kind, 'text', `page ${i + 1} has a text layer`);
      if (page.kind !== 'text') continue;
      pages.push(page.page.lines.map((l) => l.text).join('\n'));
      if (i === 0) boxes.push(...page.page.lines.map((l) => l.box));
    }
    return pages;
  } finally {
    await source.close();
  }
}

function ocrText(document: OcrDocument, page: number): string {
  return document.pages[page]!.lines.map((l) => l.text).join('\n');
}

describe('OCR outputs', () => {
  let engine: OcrEngine;
  let scan: Awaited<ReturnType<typeof renderPage>>;
  before(async () => {
    engine = await createPpOcrEngine();
    scan = await renderPage({
      paragraphs: CONTRACT_TEXT,
      font: CONTRACT_FONT,
      dpi: 150,
      jpegQuality: 85,
      maxLines: 5,
      title: '关于同意建设项目用地预审的批复',
    });
  });
  after(async () => engine.close());

  it('writes a searchable PDF of a scan whose copied text is the recognised text, without spaces', async () => {
    const document = await ocrFile(engine, scan.image, 'scan.jpg');
    const outputs = await ocrOutputs(scan.image, 'scan', document);
    assert.deepEqual(
      outputs.map((o) => o.name),
      ['scan.txt', 'scan.json', 'scan.pdf'],
    );
    const pdf = outputs.find((o) => o.kind === 'searchable_pdf')!.bytes;
    const boxes: OcrLine['box'][] = [];
    const [back] = await textBack(pdf, boxes);
    assert.equal(back, ocrText(document, 0));
    // Each line lies over its place on the image (the text layer is read back at 200 dpi).
    const scale = 200 / document.pages[0]!.dpi!;
    document.pages[0]!.lines.forEach((line, i) => {
      // Within a third of the line height: readers take a glyph's extent from the font size.
      const tolerance = Math.max(12, 0.35 * (line.box[3] - line.box[1]) * scale);
      line.box.forEach((v, k) =>
        assert.ok(
          Math.abs(v * scale - boxes[i]![k]!) < tolerance,
          `line ${i} box ${line.box.join()} ~ ${boxes[i]?.join()}`,
        ),
      );
    });
    assert.match(back, /关于同意建设项目用地预审的批复/);
    assert.doesNotMatch(back, /[\u4e00-\u9fff] [\u4e00-\u9fff]/);
    // The original JPEG is embedded as it is, not re-encoded.
    assert.ok(Buffer.from(pdf).includes(scan.image.subarray(0, 4096)));
  });

  it('makes the searchable PDF of a scan PDF/A-2b: XMP claim, sRGB output intent, identifier, fonts embedded', async () => {
    const document = await ocrFile(engine, scan.image, 'scan.jpg');
    const pdf = (await ocrOutputs(scan.image, 'scan', document)).find(
      (o) => o.kind === 'searchable_pdf',
    )!.bytes;
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    const catalog = doc.catalog;
    const metadata = catalog.lookup(PDFName.of('Metadata'), PDFStream) as PDFRawStream;
    assert.equal(metadata.dict.get(PDFName.of('Filter')), undefined, 'XMP unfiltered');
    const xmp = Buffer.from(metadata.getContents()).toString('utf8');
    assert.match(xmp, /<pdfaid:part>2<\/pdfaid:part>/);
    assert.match(xmp, /<pdfaid:conformance>B<\/pdfaid:conformance>/);
    // The information dictionary says the same as the XMP.
    const created = doc
      .getCreationDate()!
      .toISOString()
      .replace(/\.000Z$/, 'Z');
    assert.match(xmp, new RegExp(`<xmp:CreateDate>${created}</xmp:CreateDate>`));
    assert.match(xmp, new RegExp(`<pdf:Producer>${doc.getProducer()}</pdf:Producer>`));
    const intents = catalog.lookup(PDFName.of('OutputIntents'), PDFArray);
    assert.equal(intents.size(), 1);
    const intent = intents.lookup(0, PDFDict);
    assert.equal(intent.get(PDFName.of('S'))?.toString(), '/GTS_PDFA1');
    const profile = intent.lookup(PDFName.of('DestOutputProfile'), PDFStream) as PDFRawStream;
    assert.equal(profile.dict.get(PDFName.of('N'))?.toString(), '3');
    const icc = Buffer.from(decodePDFRawStream(profile).decode());
    assert.equal(icc.toString('latin1', 36, 40), 'acsp');
    assert.equal(icc.toString('latin1', 16, 20), 'RGB ');
    const id = doc.context.trailerInfo.ID;
    assert.ok(id instanceof PDFArray && id.size() === 2, 'trailer /ID');
    // Every font has its program embedded.
    let fonts = 0;
    for (const [, object] of doc.context.enumerateIndirectObjects()) {
      if (!(object instanceof PDFDict) || object.get(PDFName.of('Type'))?.toString() !== '/FontDescriptor')
        continue;
      fonts++;
      assert.ok(object.has(PDFName.of('FontFile2')) || object.has(PDFName.of('FontFile3')), 'font embedded');
    }
    assert.ok(fonts >= 1);
    assert.ok(Buffer.from(pdf).subarray(0, 20).toString('latin1').startsWith('%PDF-1.7'));
  });

  it('lays the text over the pages of a scanned PDF and keeps born-digital pages as they are', async () => {
    const input = await scanPdf([
      { image: scan.image, format: 'jpeg', dpi: 150 },
      { latin: ['Permit No. 2024-0031 granted to the applicant'] },
    ]);
    const document = await ocrFile(engine, input, 'mixed.pdf');
    const outputs = await ocrOutputs(input, 'mixed', document);
    const back = await textBack(outputs.find((o) => o.kind === 'searchable_pdf')!.bytes);
    assert.equal(back.length, 2);
    assert.equal(back[0], ocrText(document, 0));
    assert.equal(back[1], 'Permit No. 2024-0031 granted to the applicant');
  });

  it('writes a table as a spreadsheet with merged cells and codes kept as text', async () => {
    const xlsx = await tableWorkbook([
      [
        { text: '项目名称', rowSpan: 2, colSpan: 1 },
        { text: '项目代码', rowSpan: 1, colSpan: 2 },
      ],
      [
        { text: '2024-330102-47-01-123456', rowSpan: 1, colSpan: 1 },
        { text: '0012', rowSpan: 1, colSpan: 1 },
      ],
    ]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    assert.equal(sheet.getCell('A1').value, '项目名称');
    assert.equal(sheet.getCell('B1').value, '项目代码');
    assert.equal(sheet.getCell('B2').value, '2024-330102-47-01-123456');
    assert.equal(sheet.getCell('C2').value, '0012');
    assert.ok(sheet.getCell('A2').isMerged && sheet.getCell('C1').isMerged);
    assert.equal(sheet.getCell('A2').master.address, 'A1');
  });
});
