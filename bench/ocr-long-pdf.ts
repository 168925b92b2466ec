/**
 * npm run bench:ocr -- --long-pdf 1000
 * A scanned PDF of N pages (each page its own JPEG, as a scanner writes them) is generated in a
 * temporary folder — never committed — and read by one pool worker. The worker's resident memory
 * after each page shows whether a long file is read page by page in bounded memory: the figure
 * after page 10 and after the last page should be about the same.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { createOcrPool } from '../src/modules/ocr/ocr.pool.ts';
import { renderPage } from '../src/modules/ocr/testing/render.ts';
import { FONTS } from './ocr-corpus.ts';

export async function longPdfBench(pages: number, laws: string[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-ocr-long-'));
  try {
    // Ten different page images (three lines at 150 dpi, quick to read), each page embedding its own copy.
    const images = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        renderPage({
          paragraphs: laws.slice(i * 3, i * 3 + 3),
          font: FONTS[i % FONTS.length]!,
          dpi: 150,
          maxLines: 3,
          jpegQuality: 80,
          seed: i + 1,
        }),
      ),
    );
    const doc = await PDFDocument.create();
    for (let p = 0; p < pages; p++) {
      const image = await doc.embedJpg(images[p % images.length]!.image);
      const width = (image.width * 72) / 150;
      const height = (image.height * 72) / 150;
      doc.addPage([width, height]).drawImage(image, { x: 0, y: 0, width, height });
    }
    const path = join(dir, 'long.pdf');
    await writeFile(path, await doc.save());
    console.error(
      `generated ${pages}-page scanned PDF (${((await stat(path)).size / 1e6).toFixed(1)} MB) → ${path}`,
    );

    const rss: number[] = [];
    const pool = createOcrPool({
      workers: 1,
      onPage: (_name, index, count, bytes) => {
        rss[index] = bytes;
        if ((index + 1) % 50 === 0 || index + 1 === count)
          console.error(`page ${index + 1}/${count}: RSS ${(bytes / 1048576).toFixed(0)} MB`);
      },
    });
    const started = performance.now();
    try {
      const result = await pool.read(path, 'long.pdf');
      const wall = (performance.now() - started) / 1000;
      const mb = (i: number) => `${((rss[Math.min(i, rss.length - 1)] ?? 0) / 1048576).toFixed(0)} MB`;
      const marks = [1, 10, 100, 250, 500, 750, pages].filter(
        (n, i, all) => n <= pages && all.indexOf(n) === i,
      );
      console.log(
        `\nlong PDF: ${result.document.pages.length} pages read by one worker in ${wall.toFixed(0)} s wall, ${result.cpuSeconds.toFixed(0)} s CPU`,
      );
      console.log(`worker RSS after page ${marks.map((n) => `${n}: ${mb(n - 1)}`).join(', ')}`);
      const settled = rss[Math.min(9, rss.length - 1)] ?? 0;
      const last = rss.at(-1) ?? 0;
      console.log(
        `growth from page 10 to page ${pages}: ${((last - settled) / 1048576).toFixed(0)} MB (${((100 * (last - settled)) / Math.max(1, settled)).toFixed(1)} %); peak ${(result.maxRss / 1048576).toFixed(0)} MB`,
      );
    } finally {
      await pool.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
