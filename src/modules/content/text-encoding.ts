/**
 * Plain text: which encoding a file is in, and whether it is text at all. Accepted are UTF-8
 * (with or without BOM), UTF-16 with a BOM, and GB18030 (which includes GBK and GB2312, still
 * common in Chinese government systems). Control bytes such as NUL mean binary, not text.
 */
import { createReadStream } from 'node:fs';
import { TextDecoder } from 'node:util';
import type { TextEncodingName } from './types.ts';

// C0 controls other than tab, LF, VT, FF, CR; SUB and ESC are tolerated (DOS end-of-file, ANSI colours).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BINARY_CONTROLS = /[\u0000-\u0008\u000e-\u0019\u001c-\u001f]/;

/** The encoding announced by a byte order mark, if any. */
export function bomEncoding(head: Uint8Array): TextEncodingName | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return undefined;
}

export interface TextSniff {
  encoding: TextEncodingName;
  /** The first characters, to recognise markup and scripts that are not plain text. */
  start: string;
}

const START_CHARS = 1024;

/**
 * Decodes the whole file as a stream with strict decoders (UTF-8 and GB18030 side by side when
 * there is no BOM) and returns the first encoding that decodes it without errors or control
 * characters, or undefined when it is not text.
 */
export async function sniffTextEncoding(path: string, head: Uint8Array): Promise<TextSniff | undefined> {
  const bom = bomEncoding(head);
  const candidates: { encoding: TextEncodingName; decoder: TextDecoder; start: string }[] = (
    bom ? [bom] : (['utf-8', 'gb18030'] as const)
  ).map((encoding) => ({ encoding, decoder: new TextDecoder(encoding, { fatal: true }), start: '' }));

  const feed = (bytes: Uint8Array | undefined) => {
    for (const candidate of [...candidates]) {
      let text: string;
      try {
        text = bytes ? candidate.decoder.decode(bytes, { stream: true }) : candidate.decoder.decode();
      } catch {
        text = '\u0000';
      }
      if (BINARY_CONTROLS.test(text)) {
        candidates.splice(candidates.indexOf(candidate), 1);
        continue;
      }
      if (candidate.start.length < START_CHARS) candidate.start += text.slice(0, START_CHARS);
    }
  };

  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      feed(chunk);
      // Binary content usually fails within the first chunk; stop reading as soon as it does.
      if (candidates.length === 0) return undefined;
    }
  } finally {
    stream.destroy();
  }
  feed(undefined);
  const winner = candidates[0];
  return winner && { encoding: winner.encoding, start: winner.start.slice(0, START_CHARS) };
}

// Markup and scripts decode as text but are not plain-text records, and HTML is what a
// phishing page or a stored-XSS payload looks like; refuse them by what they start with.
const MARKUP = /^\s*(?:<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html|head|body|script|iframe|svg|\?xml)\b/i;

/** What kind of non-plain text a file starts like ('html', 'xml', 'svg', 'script'), if any. */
export function markupKind(start: string): string | undefined {
  const text = start.replace(/^\ufeff/, '');
  if (text.startsWith('#!')) return 'script';
  const match = MARKUP.exec(text);
  if (!match) return undefined;
  const tag = match[1]!.toLowerCase();
  if (tag === '?xml') return 'xml';
  if (tag === 'svg') return 'svg';
  return 'html';
}
