/** Test support: real PDFs made with pdf-lib, including Chinese and encrypted ones. */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, PDFHexString, PDFName, PDFString, StandardFonts, type PDFPage } from 'pdf-lib';

/** A PDF with one page per entry, each page's lines set in Helvetica. */
export async function latinPdf(
  pages: string[][],
  options: { useObjectStreams?: boolean } = {},
): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([595, 842]);
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 20, size: 12, font }));
  }
  return doc.save({ useObjectStreams: options.useObjectStreams ?? true });
}

/** A PDF page with only a rectangle: what a scan without OCR looks like to a text extractor. */
export async function pdfWithoutText(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawRectangle({ x: 50, y: 50, width: 200, height: 100 });
  return doc.save();
}

function utf16Hex(text: string): string {
  return Buffer.from(text, 'utf16le').swap16().toString('hex');
}

// A Chinese font by name only (STSong-Light, one of Acrobat's standard CJK fonts) with the
// predefined UniGB-UCS2-H CMap: common in Chinese government PDFs, and needs no font file.
function addStandardChineseFont(doc: PDFDocument, page: PDFPage): string {
  const context = doc.context;
  const descriptor = context.register(
    context.obj({
      Type: 'FontDescriptor',
      FontName: 'STSong-Light',
      Flags: 6,
      FontBBox: [-25, -254, 1000, 880],
      ItalicAngle: 0,
      Ascent: 880,
      Descent: -120,
      CapHeight: 880,
      StemV: 93,
    }),
  );
  const cidFont = context.register(
    context.obj({
      Type: 'Font',
      Subtype: 'CIDFontType0',
      BaseFont: 'STSong-Light',
      CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('GB1'), Supplement: 4 },
      FontDescriptor: descriptor,
      DW: 1000,
    }),
  );
  const font = context.register(
    context.obj({
      Type: 'Font',
      Subtype: 'Type0',
      BaseFont: 'STSong-Light-UniGB-UCS2-H',
      Encoding: 'UniGB-UCS2-H',
      DescendantFonts: [cidFont],
    }),
  );
  page.node.setFontDictionary(PDFName.of('FSong'), font);
  return 'FSong';
}

/**
 * A Chinese PDF with a non-embedded standard font. With `letterSpacing`, each character is placed
 * on its own with a wide gap, as in letter-spaced headings, where layout engines see word gaps.
 */
export async function chineseStandardFontPdf(lines: string[], options: { letterSpacing?: number } = {}) {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const font = addStandardChineseFont(doc, page);
  const ops: string[] = ['BT', `/${font} 16 Tf`];
  lines.forEach((line, i) => {
    const y = 780 - i * 30;
    if (options.letterSpacing) {
      [...line].forEach((char, j) => {
        ops.push(`1 0 0 1 ${50 + j * (16 + options.letterSpacing!)} ${y} Tm`, `<${utf16Hex(char)}> Tj`);
      });
    } else {
      ops.push(`1 0 0 1 50 ${y} Tm`, `<${utf16Hex(line)}> Tj`);
    }
  });
  ops.push('ET');
  const stream = doc.context.stream(ops.join('\n'));
  page.node.set(PDFName.of('Contents'), doc.context.register(stream));
  return doc.save();
}

const CJK_FONT_FILES = [
  // Debian package fonts-droid-fallback: a single TrueType font, which pdf-lib can embed.
  '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf',
  '/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf',
  '/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf',
];

/** The first installed CJK TrueType font file, if any. */
export function findCjkFont(): string | undefined {
  return CJK_FONT_FILES.find((path) => existsSync(path));
}

/** A born-digital Chinese PDF with a subset of a real CJK font embedded (as Word or WPS would). */
export async function chineseEmbeddedFontPdf(fontBytes: Uint8Array, lines: string[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(fontBytes, { subset: true });
  const page = doc.addPage([595, 842]);
  lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 30, size: 16, font }));
  return doc.save();
}

const PASSWORD_PADDING = Buffer.from(
  '28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a',
  'hex',
);

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 255;
    j = (j + s[i]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 255]!;
  }
  return out;
}

const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();

/**
 * A PDF with a Standard security handler (RC4 40-bit, revision 2). With a user password it cannot
 * be opened without it; with `userPassword: ''` it opens but is still encrypted (owner password
 * and permission flags only). Content streams are left as they are: only the handshake matters.
 */
export async function encryptedPdf(userPassword: string): Promise<Uint8Array> {
  const doc = await PDFDocument.load(await latinPdf([['Secret']], { useObjectStreams: false }));
  const pad = (password: string) =>
    Buffer.concat([Buffer.from(password, 'latin1'), PASSWORD_PADDING]).subarray(0, 32);
  const id = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  const permissions = -44;
  const owner = rc4(md5(pad('owner-secret')).subarray(0, 5), pad(userPassword));
  const p = Buffer.alloc(4);
  p.writeInt32LE(permissions);
  const key = md5(pad(userPassword), owner, p, id).subarray(0, 5);
  const user = rc4(key, PASSWORD_PADDING);
  const context = doc.context;
  context.trailerInfo.Encrypt = context.register(
    context.obj({
      Filter: 'Standard',
      V: 1,
      R: 2,
      O: PDFHexString.of(owner.toString('hex')),
      U: PDFHexString.of(user.toString('hex')),
      P: permissions,
    }),
  );
  context.trailerInfo.ID = context.obj([
    PDFHexString.of(id.toString('hex')),
    PDFHexString.of(id.toString('hex')),
  ]);
  return doc.save({ useObjectStreams: false });
}
