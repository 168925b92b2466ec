/**
 * Text of born-digital files for the search index. Parsing happens in a worker thread (see
 * worker-pool.ts): the caller's event loop never runs pdfjs or mammoth, and a document that
 * hangs or exhausts memory ends as `extract.failed` rather than taking the server down.
 */
import { extractFailed } from './content.errors.ts';
import { resolveLimits, type ContentLimits } from './limits.ts';
import type { InspectedFile } from './types.ts';
import type { ExtractedText } from './worker-protocol.ts';
import { runInWorker, WorkerFailure } from './worker-pool.ts';

export type { ExtractedText } from './worker-protocol.ts';

export const DEFAULT_MAX_CHARS = 2_000_000;
export const DEFAULT_EXTRACT_TIMEOUT_MS = 120_000;

export interface ExtractOptions {
  /** Most characters returned; longer text is cut and flagged `truncated`. */
  maxChars?: number;
  /** How long the worker may take before it is terminated. */
  timeoutMs?: number;
  /** The limits the file was inspected with, if not the defaults (containers are re-vetted). */
  limits?: Partial<ContentLimits>;
}

/**
 * Extracts the text of a file already vetted by inspectFile: per page for PDF and OFD, whole for
 * DOCX, XLSX, TXT and MD; newlines are \n and text is in Unicode NFC. Returns null for images,
 * whose text is left to OCR. A PDF without a text layer gives empty text.
 * @throws AppError `extract.failed` (with the reason in details) on any failure or timeout.
 */
export async function extractText(
  path: string,
  file: InspectedFile,
  options: ExtractOptions = {},
): Promise<ExtractedText | null> {
  if (file.kind === 'tiff' || file.kind === 'jpeg' || file.kind === 'png') return null;
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXTRACT_TIMEOUT_MS;
  try {
    const value = await runInWorker(
      { type: 'extract', path, file, maxChars, limits: resolveLimits(options.limits) },
      timeoutMs,
    );
    return value as ExtractedText;
  } catch (error) {
    if (error instanceof WorkerFailure) throw extractFailed({ reason: error.message }, { cause: error });
    throw extractFailed({ reason: error instanceof Error ? error.message : String(error) }, { cause: error });
  }
}
