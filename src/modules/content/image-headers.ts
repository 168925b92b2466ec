/**
 * PNG and JPEG: dimensions from the header and a check that the file was not cut short,
 * without decoding a single pixel (a decompression bomb must be refused before anyone decodes it).
 */
import type { FileHandle } from 'node:fs/promises';
import { corruptFile, imageTooLarge } from './content.errors.ts';
import { readAt, readTail } from './file-io.ts';
import type { ContentLimits } from './limits.ts';

export interface ImageInfo {
  width: number;
  height: number;
  pageCount?: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// Trailers are small, but some writers append metadata after IEND/EOI; look this far back.
const TRAILER_WINDOW = 4096;

/** Starts with the PNG signature. */
export function isPng(head: Buffer): boolean {
  return head.length >= 8 && head.subarray(0, 8).equals(PNG_SIGNATURE);
}

/** Starts with a JPEG start-of-image marker followed by another marker. */
export function isJpeg(head: Buffer): boolean {
  return head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
}

/** Refuses dimensions beyond the limits; shared by every image kind and by each TIFF page. */
export function checkImageSize(width: number, height: number, limits: ContentLimits, name: string): void {
  if (width > limits.maxImageSide || height > limits.maxImageSide || width * height > limits.maxImagePixels) {
    throw imageTooLarge({ name, width, height });
  }
}

/** Reads IHDR and requires an IEND chunk at the end. */
export async function inspectPng(
  handle: FileHandle,
  size: number,
  limits: ContentLimits,
  name: string,
): Promise<ImageInfo> {
  const header = await readAt(handle, 0, 33);
  if (header.length < 33 || header.toString('latin1', 12, 16) !== 'IHDR') {
    throw corruptFile({ name, reason: 'PNG header chunk (IHDR) missing' });
  }
  const width = header.readUInt32BE(16);
  const height = header.readUInt32BE(20);
  if (width === 0 || height === 0) throw corruptFile({ name, reason: 'PNG has zero width or height' });
  checkImageSize(width, height, limits, name);

  const tail = await readTail(handle, size, TRAILER_WINDOW);
  const at = tail.lastIndexOf('IEND', undefined, 'latin1');
  // IEND is a zero-length chunk: 4 length bytes before the type, 4 CRC bytes after it.
  if (at < 4 || tail.readUInt32BE(at - 4) !== 0 || at + 8 > tail.length || size - tail.length + at < 37) {
    throw corruptFile({ name, reason: 'PNG end chunk (IEND) missing; the file is truncated' });
  }
  return { width, height };
}

// SOF0–SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

const MAX_JPEG_SEGMENTS = 10_000;

/** Walks the marker segments up to the first scan for the frame size, then requires an EOI after it. */
export async function inspectJpeg(
  handle: FileHandle,
  size: number,
  limits: ContentLimits,
  name: string,
): Promise<ImageInfo> {
  const truncated = () => corruptFile({ name, reason: 'JPEG ends inside its headers' });
  let position = 2;
  let frame: { width: number; height: number } | undefined;
  let scanStart = -1;
  for (let segments = 0; segments < MAX_JPEG_SEGMENTS && scanStart < 0; segments++) {
    const bytes = await readAt(handle, position, 4);
    if (bytes.length < 2) throw truncated();
    if (bytes[0] !== 0xff) throw corruptFile({ name, reason: `JPEG marker expected at byte ${position}` });
    const marker = bytes[1]!;
    // 0xFF may be repeated as fill before a marker.
    if (marker === 0xff) {
      position += 1;
      continue;
    }
    // Standalone markers carry no length.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      position += 2;
      continue;
    }
    if (marker === 0xd8 || marker === 0xd9) {
      throw corruptFile({ name, reason: 'JPEG image ends before its first scan' });
    }
    if (bytes.length < 4) throw truncated();
    const length = bytes.readUInt16BE(2);
    if (length < 2 || position + 2 + length > size) throw truncated();
    if (isStartOfFrame(marker)) {
      const sof = await readAt(handle, position + 4, 5);
      if (sof.length < 5) throw truncated();
      frame = { height: sof.readUInt16BE(1), width: sof.readUInt16BE(3) };
    }
    if (marker === 0xda) scanStart = position + 2 + length;
    position += 2 + length;
  }
  if (scanStart < 0) throw corruptFile({ name, reason: 'JPEG has no image scan' });
  if (!frame) throw corruptFile({ name, reason: 'JPEG has no frame header (SOF)' });
  // A height of 0 is legal (defined later by a DNL marker) but we cannot check it without decoding.
  if (frame.width === 0 || frame.height === 0) {
    throw corruptFile({ name, reason: 'JPEG has zero width or height' });
  }
  checkImageSize(frame.width, frame.height, limits, name);

  // Entropy-coded data escapes 0xFF as FF 00, so FF D9 after the scan start can only be EOI.
  const tailStart = Math.max(scanStart, size - TRAILER_WINDOW);
  const tail = await readAt(handle, tailStart, size - tailStart);
  if (tail.lastIndexOf(Buffer.from([0xff, 0xd9])) < 0) {
    throw corruptFile({ name, reason: 'JPEG end marker (EOI) missing; the file is truncated' });
  }
  return frame;
}
