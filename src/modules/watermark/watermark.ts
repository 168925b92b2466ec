/**
 * Visible watermarks (可见水印) on copies of sensitive documents: whoever views or downloads a
 * document at or above the configured secrecy level gets a copy marked with their account, the time,
 * the record's 档号 and the purpose they gave, so a leaked copy names its source. The stored original
 * is never changed: the mark is drawn on the copy as it is served.
 *
 * PDF: pdf-lib draws the text on every page (a diagonal mark across the page and a line at the
 * foot), in a subset of the system's CJK TrueType font (the one the OCR module embeds).
 * Images (PNG, JPEG, TIFF, WebP): sharp composites an SVG text overlay, tiled over the image.
 * Anything else cannot carry a visible mark: the download is refused (watermark.unsupported) and the
 * user is pointed to the PDF rendition, when the record has one.
 */
import { degrees, PDFDocument, rgb } from 'pdf-lib';
import sharp from 'sharp';
import { createErrorFactory, isAppError } from '../../app/errors.ts';
import { findCjkFont, fontkitFor } from '../ocr/ocr.fonts.ts';

export const watermarkUnsupported = createErrorFactory({
  code: 'watermark.unsupported',
  status: 415,
  zh: '该文件密级需加水印后才能下载，但 {mediaType} 类型的文件无法加可见水印；请下载该档案的 PDF 版本（如有）。',
  en: 'Files at this secrecy level are only served watermarked, and a {mediaType} file cannot carry a visible watermark; download the record’s PDF rendition if it has one.',
});

export const watermarkFailed = createErrorFactory({
  code: 'watermark.failed',
  status: 422,
  zh: '无法为该文件加水印（文件无法解析），因此不提供下载。',
  en: 'The file cannot be watermarked (it cannot be parsed), so it is not served.',
});

export const watermarkPurposeInvalid = createErrorFactory({
  code: 'watermark.purpose_invalid',
  status: 400,
  zh: '查阅用途（purpose）须为 1–100 个字符。',
  en: 'The purpose must be 1 to 100 characters.',
});

/**
 * The rank from which copies are served watermarked (config security.watermarkFromLevel), the same
 * for the HTTP downloads and the CLI export; undefined when that level is not configured.
 */
export function watermarkFromRank(config: {
  secrecyLevels: readonly { code: string; rank: number }[];
  security: { watermarkFromLevel: string };
}): number | undefined {
  return config.secrecyLevels.find((l) => l.code === config.security.watermarkFromLevel)?.rank;
}

/** A purpose (查阅用途) as given: trimmed, 1–100 characters, or watermark.purpose_invalid. */
export function checkPurpose(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const purpose = raw.trim();
  if (purpose.length < 1 || purpose.length > 100) throw watermarkPurposeInvalid();
  return purpose;
}

export interface WatermarkInfo {
  /** who, e.g. "user:zhangsan" */
  account: string;
  at: Date;
  /** the record's 档号, or its id while it has none */
  archiveNo: string;
  purpose?: string | undefined;
}

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/tiff', 'image/webp']);

export function canWatermark(mediaType: string): boolean {
  return mediaType === 'application/pdf' || IMAGE_TYPES.has(mediaType);
}

/** The mark's text: one line, Chinese labels (the reader of a leaked copy is Chinese). */
export function watermarkText(info: WatermarkInfo): string {
  const time = `${info.at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  const purpose = info.purpose ? ` 用途 ${info.purpose}` : '';
  return `${info.account} ${time} 档号 ${info.archiveNo}${purpose}`;
}

/** The marked copy of the bytes; fails with watermark.unsupported / watermark.failed. */
export async function watermark(bytes: Buffer, mediaType: string, info: WatermarkInfo): Promise<Buffer> {
  if (!canWatermark(mediaType)) throw watermarkUnsupported({ mediaType });
  const text = watermarkText(info);
  try {
    return mediaType === 'application/pdf'
      ? await markPdf(bytes, text)
      : await markImage(bytes, mediaType, text);
  } catch (error) {
    if (isAppError(error)) throw error;
    throw watermarkFailed({}, { cause: error });
  }
}

async function markPdf(bytes: Buffer, text: string): Promise<Buffer> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const cjk = await findCjkFont();
  doc.registerFontkit(fontkitFor(cjk));
  const font = await doc.embedFont(cjk.bytes, { subset: true });
  for (const page of doc.getPages()) {
    const { width, height } = page.getSize();
    const foot = Math.max(6, Math.min(10, width / 60));
    page.drawText(text, { x: 12, y: 8, size: foot, font, color: rgb(0.6, 0, 0), opacity: 0.8 });
    // Diagonal, across the middle: the size that makes the line span about 80 % of the diagonal.
    const diagonal = Math.hypot(width, height);
    const size = Math.max(8, Math.min(36, (diagonal * 0.8) / Math.max(1, font.widthOfTextAtSize(text, 1))));
    const angle = Math.atan2(height, width);
    const length = font.widthOfTextAtSize(text, size);
    page.drawText(text, {
      x: width / 2 - (Math.cos(angle) * length) / 2,
      y: height / 2 - (Math.sin(angle) * length) / 2,
      size,
      font,
      color: rgb(0.75, 0.1, 0.1),
      opacity: 0.25,
      rotate: degrees((angle * 180) / Math.PI),
    });
  }
  return Buffer.from(await doc.save());
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function markImage(bytes: Buffer, mediaType: string, text: string): Promise<Buffer> {
  const image = sharp(bytes, { limitInputPixels: 268_402_689 }).rotate();
  const meta = await image.metadata();
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new Error('image without size');
  // Tiled diagonal lines plus a solid band at the foot; the size follows the image.
  const size = Math.max(8, Math.round(Math.min(width, height) / 24));
  const step = size * 4;
  const lines: string[] = [];
  for (let y = -height; y < height * 2; y += step)
    lines.push(
      `<text x="${-width / 2}" y="${y}" transform="rotate(-30 ${width / 2} ${height / 2})">${escapeXml(text)} ${escapeXml(text)}</text>`,
    );
  const band = Math.max(size + 6, 12);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<g font-family="WenQuanYi Zen Hei, AR PL UMing CN, Noto Sans CJK SC, sans-serif" font-size="${size}" fill="#c00000" fill-opacity="0.3">${lines.join('')}</g>
<rect x="0" y="${height - band}" width="${width}" height="${band}" fill="#ffffff" fill-opacity="0.85"/>
<text x="4" y="${height - 4 - Math.max(0, (band - size) / 2)}" font-family="WenQuanYi Zen Hei, AR PL UMing CN, Noto Sans CJK SC, sans-serif" font-size="${size}" fill="#c00000">${escapeXml(text)}</text>
</svg>`;
  const marked = image.composite([{ input: Buffer.from(svg), top: 0, left: 0 }]);
  switch (mediaType) {
    case 'image/png':
      return marked.png().toBuffer();
    case 'image/jpeg':
      return marked.jpeg({ quality: 90 }).toBuffer();
    case 'image/tiff':
      return marked.tiff().toBuffer();
    default:
      return marked.webp().toBuffer();
  }
}
