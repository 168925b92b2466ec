/**
 * PDF work done inside the extraction worker with pdfjs-dist (legacy build, for Node): opening a
 * document to count its pages and see whether it is encrypted, and reading its text layer.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as PdfJsModule from 'pdfjs-dist/legacy/build/pdf.mjs';
import { joinCjkAware } from './text-normalize.ts';

export type PdfInfo =
  | { status: 'ok'; pageCount: number; encrypted: boolean }
  | { status: 'password' }
  | { status: 'invalid'; reason: string };

type PdfJs = typeof PdfJsModule;

let loaded: Promise<{ pdfjs: PdfJs; assets: string }> | undefined;

/** pdfjs-dist's legacy build for Node, loaded once per thread, and the folder of its fonts and maps. */
export async function loadPdfJs() {
  loaded ??= (async () => {
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    // No DOM Worker in Node: pdfjs runs its parser in this thread, which is already a worker.
    pdfjs.GlobalWorkerOptions.workerSrc = import.meta.resolve('pdfjs-dist/legacy/build/pdf.worker.mjs');
    const assets = dirname(fileURLToPath(import.meta.resolve('pdfjs-dist/package.json')));
    return { pdfjs, assets };
  })();
  return loaded;
}

/**
 * Opens a PDF with pdfjs, from a path (read by ranges as pdfjs needs them, not the whole file at
 * once) or from bytes, with the predefined CJK CMaps (e.g. UniGB-UCS2-H with a non-embedded STSong)
 * and the 14 standard fonts shipped in pdfjs-dist. Used by text extraction and by OCR.
 */
export async function openPdfDocument(source: string | Uint8Array) {
  const { pdfjs, assets } = await loadPdfJs();
  return pdfjs.getDocument({
    ...(typeof source === 'string'
      ? { url: pathToFileURL(source), disableAutoFetch: true, disableStream: true }
      : { data: new Uint8Array(source.buffer, source.byteOffset, source.byteLength).slice() }),
    cMapUrl: join(assets, 'cmaps') + '/',
    cMapPacked: true,
    standardFontDataUrl: join(assets, 'standard_fonts') + '/',
    wasmUrl: join(assets, 'wasm') + '/',
    enableXfa: false,
    useSystemFonts: false,
    verbosity: 0,
  });
}

/** Page count and encryption of a PDF, or why pdfjs cannot open it. */
export async function pdfInfo(path: string): Promise<PdfInfo> {
  const task = await openPdfDocument(path);
  try {
    const document = await task.promise;
    const metadata = await document.getMetadata();
    const info = metadata.info as { EncryptFilterName?: string | null };
    return { status: 'ok', pageCount: document.numPages, encrypted: Boolean(info.EncryptFilterName) };
  } catch (error) {
    if (error instanceof Error && error.name === 'PasswordException') return { status: 'password' };
    return { status: 'invalid', reason: error instanceof Error ? error.message : String(error) };
  } finally {
    await task.destroy();
  }
}

/** The text layer of each page; `complete` is false when pages were left unread past `maxChars`. */
export async function pdfText(
  path: string,
  maxChars: number,
): Promise<{ pages: { number: number; text: string }[]; complete: boolean }> {
  const task = await openPdfDocument(path);
  try {
    const document = await task.promise;
    const pages: { number: number; text: string }[] = [];
    let total = 0;
    for (let number = 1; number <= document.numPages; number++) {
      if (total > maxChars) return { pages, complete: false };
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      const parts: string[] = [];
      for (const item of content.items) {
        if (!('str' in item)) continue;
        parts.push(item.str);
        // pdfjs marks where a line ends; items within a line already carry their own spaces.
        if (item.hasEOL) parts.push('\n');
      }
      const text = joinCjkAware(parts.join(''));
      pages.push({ number, text });
      total += text.length;
      page.cleanup();
    }
    return { pages, complete: true };
  } finally {
    await task.destroy();
  }
}
