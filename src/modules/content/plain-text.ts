/** TXT and MD files decoded per their detected encoding, read only as far as needed. */
import { createReadStream } from 'node:fs';
import type { TextEncodingName } from './types.ts';

/** The decoded text; `complete` is false when reading stopped past `maxChars`. */
export async function plainText(
  path: string,
  encoding: TextEncodingName,
  maxChars: number,
): Promise<{ text: string; complete: boolean }> {
  // Not fatal: the file was validated at inspection, and a later change should not abort extraction.
  const decoder = new TextDecoder(encoding);
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  let text = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      text += decoder.decode(chunk, { stream: true });
      if (text.length > maxChars) return { text, complete: false };
    }
  } finally {
    stream.destroy();
  }
  return { text: text + decoder.decode(), complete: true };
}
