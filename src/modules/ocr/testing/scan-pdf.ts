/** Test support: PDFs made of scanned page images (as a scanner writes them), mixed with text pages. */
import { PDFDocument, StandardFonts } from 'pdf-lib';

export type ScanPdfPage = { image: Buffer; format: 'png' | 'jpeg'; dpi: number } | { latin: string[] };

/** A PDF whose pages are full-page images, or Latin text lines set in Helvetica. */
export async function scanPdf(pages: ScanPdfPage[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const entry of pages) {
    if ('latin' in entry) {
      const page = doc.addPage([595, 842]);
      entry.latin.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 20, size: 12, font }));
      continue;
    }
    const image = entry.format === 'jpeg' ? await doc.embedJpg(entry.image) : await doc.embedPng(entry.image);
    const width = (image.width * 72) / entry.dpi;
    const height = (image.height * 72) / entry.dpi;
    doc.addPage([width, height]).drawImage(image, { x: 0, y: 0, width, height });
  }
  return Buffer.from(await doc.save());
}
