/** Test support: tiny real PNG, JPEG and TIFF images, built byte by byte. */
import { crc32, deflateSync } from 'node:zlib';

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** A real RGB PNG; `declared` overrides the size written in IHDR (pixels stay `width`×`height`). */
export function png(width: number, height: number, declared?: { width: number; height: number }): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(declared?.width ?? width, 0);
  ihdr.writeUInt32BE(declared?.height ?? height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.alloc(1 + width * 3, 0x80);
  row[0] = 0;
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', pixels),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function segment(marker: number, body: number[]): number[] {
  const length = body.length + 2;
  return [0xff, marker, length >> 8, length & 255, ...body];
}

/**
 * An 8×8 baseline JPEG, flat grey: one-code Huffman tables where the code 0 means "DC difference
 * 0" and "end of block". The frame header may declare another size (the scan stays one block).
 */
export function jpeg(declared?: { width: number; height: number }): Buffer {
  const width = declared?.width ?? 8;
  const height = declared?.height ?? 8;
  const one16 = [1, ...Array<number>(15).fill(0)];
  return Buffer.from([
    0xff,
    0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xdb, [0, ...Array<number>(64).fill(1)]),
    ...segment(0xc0, [8, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0]),
    ...segment(0xc4, [0x00, ...one16, 0]),
    ...segment(0xc4, [0x10, ...one16, 0]),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    // The one block: "0" (DC difference 0), "0" (end of block), padded with ones.
    0x3f,
    0xff,
    0xd9,
  ]);
}

/** A little-endian, uncompressed 8-bit greyscale TIFF with one directory per page. */
export function tiff(pages: { width: number; height: number }[]): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0]);
  parts.push(header);
  let offset = 8;
  pages.forEach((page, index) => {
    const entries: [number, number, number][] = [
      [256, 4, page.width],
      [257, 4, page.height],
      [258, 3, 8],
      [259, 3, 1],
      [262, 3, 1],
      [273, 4, 0], // strip offset, set below
      [277, 3, 1],
      [278, 4, page.height],
      [279, 4, page.width * page.height],
    ];
    const ifdSize = 2 + entries.length * 12 + 4;
    const dataOffset = offset + ifdSize;
    const dataSize = page.width * page.height;
    const next = index === pages.length - 1 ? 0 : dataOffset + dataSize;
    const ifd = Buffer.alloc(ifdSize);
    ifd.writeUInt16LE(entries.length, 0);
    entries.forEach(([tag, type, value], i) => {
      const at = 2 + i * 12;
      ifd.writeUInt16LE(tag, at);
      ifd.writeUInt16LE(type, at + 2);
      ifd.writeUInt32LE(1, at + 4);
      const actual = tag === 273 ? dataOffset : value;
      if (type === 3) ifd.writeUInt16LE(actual, at + 8);
      else ifd.writeUInt32LE(actual, at + 8);
    });
    ifd.writeUInt32LE(next, ifdSize - 4);
    parts.push(ifd, Buffer.alloc(dataSize, 0x7f));
    offset = dataOffset + dataSize;
  });
  return Buffer.concat(parts);
}
