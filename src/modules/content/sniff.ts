/**
 * What an uploaded file really is, decided from its content: the ingest pipeline calls
 * inspectFile on the staged bytes before storing anything, and a refusal carries a stable code.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileTypeFromFile } from 'file-type';
import { isCfb, isEncryptedOfficePackage } from './cfb.ts';
import { classifyContainer } from './containers.ts';
import { corruptFile, emptyFile, encryptedFile, tooManyPages, unsupportedType } from './content.errors.ts';
import { readAt, readTail } from './file-io.ts';
import { inspectJpeg, inspectPng, isJpeg, isPng } from './image-headers.ts';
import { resolveLimits, type ContentLimits } from './limits.ts';
import type { PdfInfo } from './pdf-task.ts';
import { bomEncoding, markupKind, sniffTextEncoding } from './text-encoding.ts';
import { inspectTiff, isTiff } from './tiff-header.ts';
import { describe, extensionOf, type InspectedFile } from './types.ts';
import { runInWorker, WorkerFailure } from './worker-pool.ts';
import { isZip, openZip, verifyEntries } from './zip-inspect.ts';

export type { ContentLimits } from './limits.ts';
export { DEFAULT_CONTENT_LIMITS } from './limits.ts';
export type { FileKind, InspectedFile, TextEncodingName } from './types.ts';

export interface InspectOptions {
  /** The name the file was uploaded under: used in messages, and only to tell TXT from MD. */
  originalName?: string;
  limits?: Partial<ContentLimits>;
}

interface Context {
  path: string;
  handle: FileHandle;
  size: number;
  name: string;
  originalName: string | undefined;
  limits: ContentLimits;
  /** What file-type makes of the content (its extension), computed once and only when needed. */
  detect(): Promise<string | undefined>;
}

// A PDF's end-of-file marker sits in its last bytes; writers may add a little whitespace after it.
const PDF_TRAILER_WINDOW = 1024;

/**
 * Identifies the file at `path` from its content and vets it: accepted are PDF, OFD, TIFF, JPEG,
 * PNG, DOCX, XLSX and plain text (TXT or MD, told apart by the original name only).
 * @throws AppError `ingest.empty_file`, `ingest.unsupported_type`, `ingest.corrupt_file`,
 *   `ingest.encrypted_file`, `ingest.archive_bomb`, `ingest.malicious_archive`,
 *   `ingest.image_too_large` or `ingest.too_many_pages`.
 */
export async function inspectFile(path: string, options: InspectOptions = {}): Promise<InspectedFile> {
  const handle = await open(path, 'r');
  try {
    const stats = await handle.stat();
    let detected: Promise<string | undefined> | undefined;
    const context: Context = {
      path,
      handle,
      size: stats.size,
      name: options.originalName ?? basename(path),
      originalName: options.originalName,
      limits: resolveLimits(options.limits),
      detect: () =>
        (detected ??= fileTypeFromFile(path).then(
          (type) => type?.ext,
          () => undefined,
        )),
    };
    if (!stats.isFile()) throw unsupportedType({ name: context.name, detected: 'unknown' });
    if (stats.size === 0) throw emptyFile({ name: context.name });
    return await identify(context, await readAt(handle, 0, 4100));
  } finally {
    await handle.close();
  }
}

async function identify(context: Context, head: Buffer): Promise<InspectedFile> {
  const { handle, size, limits, name, originalName } = context;
  if (head.toString('latin1', 0, 5) === '%PDF-') return inspectPdf(context);
  if (isPng(head)) return describe('png', originalName, await inspectPng(handle, size, limits, name));
  if (isJpeg(head)) return describe('jpeg', originalName, await inspectJpeg(handle, size, limits, name));
  if (isTiff(head)) {
    // Camera raw formats (CR2, NEF, DNG…) are TIFF inside but not scans we archive.
    const detected = await context.detect();
    if (detected !== undefined && detected !== 'tif') throw unsupportedType({ name, detected });
    return describe('tiff', originalName, await inspectTiff(handle, size, limits, name));
  }
  if (isZip(head)) return inspectContainer(context);
  if (isCfb(head)) {
    if (await isEncryptedOfficePackage(handle, size)) throw encryptedFile({ name });
    throw unsupportedType({ name, detected: (await context.detect()) ?? 'cfb' });
  }
  return inspectText(context, head);
}

async function inspectPdf(context: Context): Promise<InspectedFile> {
  const { handle, size, limits, name } = context;
  const tail = await readTail(handle, size, PDF_TRAILER_WINDOW);
  if (!tail.includes('%%EOF', 0, 'latin1')) {
    throw corruptFile({ name, reason: 'no %%EOF marker at the end; the PDF is truncated' });
  }
  let info: PdfInfo;
  try {
    info = (await runInWorker({ type: 'pdf-info', path: context.path }, limits.pdfOpenTimeoutMs)) as PdfInfo;
  } catch (error) {
    if (error instanceof WorkerFailure)
      throw corruptFile({ name, reason: `cannot open PDF (${error.message})` });
    throw error;
  }
  switch (info.status) {
    case 'password':
      throw encryptedFile({ name });
    case 'invalid':
      throw corruptFile({ name, reason: `cannot open PDF (${info.reason})` });
    case 'ok':
      // Even without a user password, an encrypted PDF cannot be preserved as-is: archives
      // must stay readable without keys (and permission flags would block later conversion).
      if (info.encrypted) throw encryptedFile({ name });
      if (info.pageCount === 0) throw corruptFile({ name, reason: 'the PDF has no pages' });
      if (info.pageCount > limits.maxPages)
        throw tooManyPages({ name, pages: info.pageCount, max: limits.maxPages });
      return describe('pdf', context.originalName, { pageCount: info.pageCount });
  }
}

async function inspectContainer(context: Context): Promise<InspectedFile> {
  const { size, limits, name } = context;
  const opened = await openZip(context.path, size, name, limits);
  try {
    const container = await classifyContainer(opened);
    if (container.kind === 'other')
      throw unsupportedType({ name, detected: (await context.detect()) ?? 'zip' });
    if (container.kind === 'ofd' && container.pageCount > limits.maxPages) {
      throw tooManyPages({ name, pages: container.pageCount, max: limits.maxPages });
    }
    await verifyEntries(opened);
    return describe(
      container.kind,
      context.originalName,
      container.kind === 'ofd' ? { pageCount: container.pageCount } : {},
    );
  } finally {
    opened.zip.close();
  }
}

async function inspectText(context: Context, head: Buffer): Promise<InspectedFile> {
  const { name, originalName } = context;
  const text = await sniffTextEncoding(context.path, head);
  if (!text) throw unsupportedType({ name, detected: (await context.detect()) ?? 'unknown' });
  const markup = markupKind(text.start);
  if (markup) throw unsupportedType({ name, detected: markup });
  // Text formats with a signature (RTF, PostScript, XML…) are documents of another kind; with a
  // BOM the first bytes are the BOM, which signature sniffers may misread as audio frames.
  if (!bomEncoding(head)) {
    const detected = await context.detect();
    if (detected !== undefined) throw unsupportedType({ name, detected });
  }
  const ext = extensionOf(originalName);
  const kind = ext === 'md' || ext === 'markdown' ? 'md' : 'txt';
  return describe(kind, originalName, { textEncoding: text.encoding });
}
