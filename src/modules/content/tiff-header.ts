/**
 * TIFF: walks the chain of image file directories (one per page) and checks that every
 * directory and every strip or tile it points to lies inside the file, which is how a
 * truncated or forged TIFF shows itself without decoding.
 */
import type { FileHandle } from 'node:fs/promises';
import { corruptFile, tooManyPages } from './content.errors.ts';
import { readAt } from './file-io.ts';
import { checkImageSize, type ImageInfo } from './image-headers.ts';
import type { ContentLimits } from './limits.ts';

const TAG_WIDTH = 256;
const TAG_HEIGHT = 257;
const TAG_STRIP_OFFSETS = 273;
const TAG_STRIP_BYTE_COUNTS = 279;
const TAG_TILE_OFFSETS = 324;
const TAG_TILE_BYTE_COUNTS = 325;
const TYPE_SHORT = 3;
const TYPE_LONG = 4;
// Enough for a strip per row of a very tall scan; more is a forgery meant to make us allocate.
const MAX_SEGMENTS = 4_000_000;

/** Classic TIFF ("II*\0" or "MM\0*"); BigTIFF (version 43) is not accepted. */
export function isTiff(head: Buffer): boolean {
  if (head.length < 8) return false;
  const order = head.toString('latin1', 0, 2);
  if (order === 'II') return head.readUInt16LE(2) === 42;
  if (order === 'MM') return head.readUInt16BE(2) === 42;
  return false;
}

interface Field {
  type: number;
  count: number;
  /** The 4 value bytes of the entry: the value itself when it fits, else its offset. */
  raw: Buffer;
}

/** Size of the first page and number of pages, after checking every directory and strip. */
export async function inspectTiff(
  handle: FileHandle,
  size: number,
  limits: ContentLimits,
  name: string,
): Promise<ImageInfo> {
  const header = await readAt(handle, 0, 8);
  const little = header.toString('latin1', 0, 2) === 'II';
  const u16 = (b: Buffer, at: number) => (little ? b.readUInt16LE(at) : b.readUInt16BE(at));
  const u32 = (b: Buffer, at: number) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at));
  const broken = (reason: string) => corruptFile({ name, reason });

  const values = async (field: Field, what: string): Promise<number[]> => {
    if (field.type !== TYPE_SHORT && field.type !== TYPE_LONG)
      throw broken(`TIFF ${what} has type ${field.type}`);
    if (field.count > MAX_SEGMENTS) throw broken(`TIFF ${what} lists ${field.count} values`);
    const width = field.type === TYPE_SHORT ? 2 : 4;
    const bytes = field.count * width;
    let data = field.raw;
    if (bytes > 4) {
      const at = u32(field.raw, 0);
      if (at + bytes > size) throw broken(`TIFF ${what} lie outside the file`);
      data = await readAt(handle, at, bytes);
    }
    const out: number[] = [];
    for (let i = 0; i < field.count; i++) out.push(width === 2 ? u16(data, i * 2) : u32(data, i * 4));
    return out;
  };

  const checkSegments = async (fields: Map<number, Field>, offsetsTag: number, countsTag: number) => {
    const offsetsField = fields.get(offsetsTag);
    const countsField = fields.get(countsTag);
    if (!offsetsField) return false;
    if (!countsField) throw broken('TIFF image data has no byte counts');
    const offsets = await values(offsetsField, 'data offsets');
    const counts = await values(countsField, 'data byte counts');
    if (offsets.length !== counts.length) throw broken('TIFF data offsets and byte counts disagree');
    for (let i = 0; i < offsets.length; i++) {
      if (offsets[i]! + counts[i]! > size) throw broken('TIFF image data lies beyond the end of the file');
    }
    return true;
  };

  const seen = new Set<number>();
  let first: { width: number; height: number } | undefined;
  let pages = 0;
  for (let offset = u32(header, 4); offset !== 0;) {
    if (seen.has(offset)) throw broken('TIFF directories form a loop');
    seen.add(offset);
    if (offset < 8 || offset + 2 > size) throw broken(`TIFF directory offset ${offset} is outside the file`);
    const countBytes = await readAt(handle, offset, 2);
    const entries = u16(countBytes, 0);
    const end = offset + 2 + entries * 12 + 4;
    if (entries === 0 || end > size) throw broken(`TIFF directory at ${offset} is truncated or empty`);
    pages += 1;
    if (pages > limits.maxPages)
      throw tooManyPages({ name, pages: `>${limits.maxPages}`, max: limits.maxPages });

    const ifd = await readAt(handle, offset + 2, entries * 12 + 4);
    const fields = new Map<number, Field>();
    for (let i = 0; i < entries; i++) {
      const at = i * 12;
      fields.set(u16(ifd, at), {
        type: u16(ifd, at + 2),
        count: u32(ifd, at + 4),
        raw: ifd.subarray(at + 8, at + 12),
      });
    }
    const width = fields.get(TAG_WIDTH);
    const height = fields.get(TAG_HEIGHT);
    if (!width || !height) throw broken(`TIFF page ${pages} has no dimensions`);
    const [w] = await values({ ...width, count: 1 }, 'width');
    const [h] = await values({ ...height, count: 1 }, 'height');
    if (!w || !h) throw broken(`TIFF page ${pages} has zero width or height`);
    checkImageSize(w, h, limits, name);
    first ??= { width: w, height: h };

    const hasStrips = await checkSegments(fields, TAG_STRIP_OFFSETS, TAG_STRIP_BYTE_COUNTS);
    const hasTiles = await checkSegments(fields, TAG_TILE_OFFSETS, TAG_TILE_BYTE_COUNTS);
    if (!hasStrips && !hasTiles) throw broken(`TIFF page ${pages} has no image data`);
    offset = u32(ifd, entries * 12);
  }
  if (!first) throw broken('TIFF has no image directory');
  return { ...first, pageCount: pages };
}
