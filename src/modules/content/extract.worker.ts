/** Worker thread entry: performs each WorkerTask it is sent, one at a time, and posts a WorkerReply. */
import { parentPort } from 'node:worker_threads';
import { stat } from 'node:fs/promises';
import { isAppError } from '../../app/errors.ts';
import { ofdText } from './ofd-text.ts';
import { docxText, xlsxText } from './office-text.ts';
import { pdfInfo, pdfText } from './pdf-task.ts';
import { plainText } from './plain-text.ts';
import { normalizeText, truncate } from './text-normalize.ts';
import type { ExtractedText, WorkerReply, WorkerTask } from './worker-protocol.ts';
import { openZip } from './zip-inspect.ts';

type Raw =
  { text: string; complete: boolean } | { pages: { number: number; text: string }[]; complete: boolean };

async function extractRaw(task: Extract<WorkerTask, { type: 'extract' }>): Promise<Raw> {
  const { path, file, maxChars, limits } = task;
  switch (file.kind) {
    case 'pdf':
      return pdfText(path, maxChars);
    case 'docx':
      return { text: await docxText(path), complete: true };
    case 'xlsx':
    case 'ofd': {
      const opened = await openZip(path, (await stat(path)).size, 'file', limits);
      try {
        return file.kind === 'xlsx' ? await xlsxText(opened, maxChars) : await ofdText(opened, maxChars);
      } finally {
        opened.zip.close();
      }
    }
    case 'txt':
    case 'md':
      return plainText(path, file.textEncoding ?? 'utf-8', maxChars);
    case 'tiff':
    case 'jpeg':
    case 'png':
      throw new Error(`no text layer in ${file.kind} files`);
  }
}

/** Normalises, and cuts at `maxChars`: pages are joined by a blank line and cut with the text. */
function finish(raw: Raw, maxChars: number): ExtractedText {
  if ('text' in raw) {
    const cut = truncate(normalizeText(raw.text), maxChars);
    return { text: cut.text, truncated: cut.truncated || !raw.complete };
  }
  const pages: { number: number; text: string }[] = [];
  let used = 0;
  let truncated = !raw.complete;
  for (const page of raw.pages) {
    const text = normalizeText(page.text);
    const separator = pages.length > 0 ? 2 : 0;
    const room = maxChars - used - separator;
    if (room < 0 || (room === 0 && text !== '')) {
      truncated = true;
      break;
    }
    const cut = truncate(text, room);
    pages.push({ number: page.number, text: cut.text });
    used += separator + cut.text.length;
    if (cut.truncated) {
      truncated = true;
      break;
    }
  }
  return { text: pages.map((page) => page.text).join('\n\n'), pages, truncated };
}

async function run(task: WorkerTask): Promise<unknown> {
  if (task.type === 'pdf-info') return pdfInfo(task.path);
  return finish(await extractRaw(task), task.maxChars);
}

function describeError(error: unknown): string {
  if (isAppError(error)) return `${error.code}: ${error.en}`;
  return error instanceof Error ? error.message : String(error);
}

// The pool sends the next task only after this one's reply, so tasks never overlap.
parentPort?.on('message', (task: WorkerTask) => {
  void run(task).then(
    (value) => parentPort?.postMessage({ ok: true, value } satisfies WorkerReply),
    (error: unknown) =>
      parentPort?.postMessage({ ok: false, reason: describeError(error) } satisfies WorkerReply),
  );
});
