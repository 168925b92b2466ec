/**
 * The blob container format, version 1: how one blob is laid out in one stored file (or object).
 * FORMAT.md beside this file is the normative description; this comment is the short version.
 *
 *   offset 0            header, 64 bytes
 *   offset 64           chunk 0, chunk 1, … (stored bytes, back to back)
 *   offset indexOffset  chunk index, 52 bytes per chunk
 *   end - 64            trailer, 64 bytes
 *
 * All integers are unsigned big-endian (network byte order). CRC-32 is the ISO-HDLC / ITU-T V.42
 * polynomial (zlib.crc32); SHA-256 is FIPS 180-4; zstd frames are RFC 8878.
 *
 * Header:  magic 89 44 47 42 0D 0A 1A 0A ("\x89DGB\r\n\x1a\n", PNG-style so that text-mode and
 *          7-bit transfers are detected) · u16 format version (1) · u16 flags (0) · u32 chunk size ·
 *          u64 original size · 32 bytes SHA-256 of the original · 4 reserved zero bytes ·
 *          u32 CRC-32 of header bytes 0..59.
 * Chunk:   the raw bytes [i × chunkSize, min(size, (i+1) × chunkSize)) of the original, stored either
 *          as they are (encoding 0) or as one zstd frame (encoding 1). zstd is used only when it is
 *          smaller than the raw chunk, so a stored chunk is never longer than its raw chunk.
 * Index entry: u64 offset of the stored chunk · u32 stored length · u32 raw length · u8 encoding ·
 *          3 reserved zero bytes · 32 bytes SHA-256 of the raw chunk.
 * Trailer: u64 index offset · u32 chunk count · u32 reserved zero · 32 bytes SHA-256 of the index ·
 *          u32 reserved zero · u32 CRC-32 of trailer bytes 0..51 · end magic "DGBTRL\r\n".
 *
 * Version 2 (sealed: encrypted, see blob-seal.ts) differs only where marked: flags bit 0 is set and
 * bits 8–15 name the cipher (1 AES-256-GCM, 2 SM4-GCM); the header digest field holds the blob's
 * address (a keyed digest of the content, never the content's SHA-256), the 4 reserved header bytes
 * hold a key check value; a stored chunk is the (possibly compressed) chunk encrypted, followed by
 * its 16-byte tag; an index entry's last 32 bytes are the 12-byte nonce and the first 20 bytes of the
 * SHA-256 of the stored (encrypted) chunk, so fixity checks and repair need no key.
 *
 * The header is written first and the index last, so a writer streams and never seeks; a reader
 * fetches the fixed-size trailer, then the index, then exactly the chunks a byte range needs, and
 * checks each chunk against its own digest. Redundancy (offsets must be contiguous, raw lengths
 * follow from the chunk size and original size, the trailer must end the file) makes truncation and
 * most corruption visible before any chunk is decoded.
 */
import { createHash, subtle } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export const FORMAT_VERSION = 1;
/** Version of sealed (encrypted) containers. */
export const SEALED_FORMAT_VERSION = 2;
/** Bytes a sealed chunk adds to its plaintext: the GCM tag. */
export const SEAL_OVERHEAD = 16;
export const HEADER_SIZE = 64;
export const TRAILER_SIZE = 64;
export const INDEX_ENTRY_SIZE = 52;
/** 64 MiB: larger chunks would make range reads and per-chunk repair coarse and memory-hungry. */
export const MAX_CHUNK_SIZE = 64 * 1024 * 1024;
/** A chunk smaller than this is pointless overhead (52 index bytes per chunk). */
export const MIN_CHUNK_SIZE = 1024;
/**
 * Store compressed only when it saves at least 3 %: JPEG, ZIP, PNG and already-deflated PDF streams
 * barely shrink, and storing them raw saves the decompression on every read.
 */
export const COMPRESSION_WORTH = 0.97;

const HEADER_MAGIC = Buffer.from([0x89, 0x44, 0x47, 0x42, 0x0d, 0x0a, 0x1a, 0x0a]);
const TRAILER_MAGIC = Buffer.from('DGBTRL\r\n', 'latin1');

export type ChunkEncoding = 'none' | 'zstd';
const ENCODING_CODES: Record<ChunkEncoding, number> = { none: 0, zstd: 1 };

/** A stored file that is not a valid container; the message says what is wrong (for logs). */
export class ContainerDamage extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ContainerDamage';
  }
}

export interface ContainerHeader {
  chunkSize: number;
  /** original size in bytes */
  size: number;
  /** lowercase hex SHA-256 of the original (version 1), or the blob's address (version 2) */
  sha256: string;
  /** present in sealed containers (version 2) */
  sealed?: SealInfo;
}

export interface SealInfo {
  /** cipher code (chunk-cipher.ts CIPHERS) */
  cipherCode: number;
  /** 4 bytes derived from the data key and the address, to tell a wrong key from damage */
  keyCheck: Buffer;
}

export interface ChunkEntry {
  offset: number;
  storedLength: number;
  rawLength: number;
  encoding: ChunkEncoding;
  /** version 1: SHA-256 of the raw chunk; version 2: nonce (12) ‖ first 20 bytes of SHA-256(stored) */
  sha256: Buffer;
}

/** A validated container: header values plus the index, kept packed (52 bytes per chunk). */
export interface ContainerLayout extends ContainerHeader {
  chunkCount: number;
  indexOffset: number;
  fileSize: number;
  index: Buffer;
}

/** Reads exactly `length` bytes at `position`, or fewer when the file ends first. */
export type PositionalReader = (position: number, length: number) => Promise<Buffer>;

/** Number of chunks a blob of `size` bytes is cut into. */
export function chunkCountFor(size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize);
}

/** Raw length of chunk `i`: every chunk is full except possibly the last. */
export function rawLengthOf(layout: ContainerHeader, i: number): number {
  return Math.min(layout.chunkSize, layout.size - i * layout.chunkSize);
}

/** Builds the 64-byte header. */
export function encodeHeader(header: ContainerHeader): Buffer {
  const out = Buffer.alloc(HEADER_SIZE);
  HEADER_MAGIC.copy(out, 0);
  const sealed = header.sealed;
  out.writeUInt16BE(sealed ? SEALED_FORMAT_VERSION : FORMAT_VERSION, 8);
  out.writeUInt16BE(sealed ? 1 | (sealed.cipherCode << 8) : 0, 10);
  out.writeUInt32BE(header.chunkSize, 12);
  out.writeBigUInt64BE(BigInt(header.size), 16);
  out.write(header.sha256, 24, 32, 'hex');
  if (sealed) sealed.keyCheck.copy(out, 56, 0, 4);
  out.writeUInt32BE(zlib.crc32(out.subarray(0, 60)), 60);
  return out;
}

/** Parses and checks the header; `expectedSha256` is the address the file was found under. */
export function parseHeader(buf: Buffer, expectedSha256: string): ContainerHeader {
  if (buf.length < HEADER_SIZE) throw new ContainerDamage('header truncated');
  if (!buf.subarray(0, 8).equals(HEADER_MAGIC)) throw new ContainerDamage('bad header magic');
  if (zlib.crc32(buf.subarray(0, 60)) !== buf.readUInt32BE(60)) throw new ContainerDamage('header CRC');
  const version = buf.readUInt16BE(8);
  if (version !== FORMAT_VERSION && version !== SEALED_FORMAT_VERSION) {
    throw new ContainerDamage(`unknown format version ${version}`);
  }
  const flags = buf.readUInt16BE(10);
  if (version === FORMAT_VERSION && flags !== 0) throw new ContainerDamage('bad flags');
  if (version === SEALED_FORMAT_VERSION && (flags & 0xff) !== 1) throw new ContainerDamage('bad flags');
  const chunkSize = buf.readUInt32BE(12);
  if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) throw new ContainerDamage('bad chunk size');
  const size = toSafeNumber(buf.readBigUInt64BE(16), 'original size');
  const sha256 = buf.toString('hex', 24, 56);
  if (sha256 !== expectedSha256) throw new ContainerDamage('header digest differs from the address');
  if (version === FORMAT_VERSION) return { chunkSize, size, sha256 };
  const sealed = { cipherCode: flags >> 8, keyCheck: Buffer.from(buf.subarray(56, 60)) };
  return { chunkSize, size, sha256, sealed };
}

/** Packs one index entry at slot `i` of `index`. */
export function writeIndexEntry(index: Buffer, i: number, entry: ChunkEntry): void {
  const at = i * INDEX_ENTRY_SIZE;
  index.writeBigUInt64BE(BigInt(entry.offset), at);
  index.writeUInt32BE(entry.storedLength, at + 8);
  index.writeUInt32BE(entry.rawLength, at + 12);
  index.writeUInt8(ENCODING_CODES[entry.encoding], at + 16);
  index.fill(0, at + 17, at + 20);
  entry.sha256.copy(index, at + 20);
}

/** Unpacks index entry `i` (the layout was validated, so no checks here). */
export function indexEntry(layout: ContainerLayout, i: number): ChunkEntry {
  const at = i * INDEX_ENTRY_SIZE;
  const index = layout.index;
  return {
    offset: Number(index.readBigUInt64BE(at)),
    storedLength: index.readUInt32BE(at + 8),
    rawLength: index.readUInt32BE(at + 12),
    encoding: index[at + 16] === ENCODING_CODES.zstd ? 'zstd' : 'none',
    sha256: index.subarray(at + 20, at + 52),
  };
}

/** Builds the 64-byte trailer that points at the index. */
export function encodeTrailer(indexOffset: number, chunkCount: number, index: Buffer): Buffer {
  const out = Buffer.alloc(TRAILER_SIZE);
  out.writeBigUInt64BE(BigInt(indexOffset), 0);
  out.writeUInt32BE(chunkCount, 8);
  createHash('sha256').update(index).digest().copy(out, 16);
  out.writeUInt32BE(zlib.crc32(out.subarray(0, 52)), 52);
  TRAILER_MAGIC.copy(out, 56);
  return out;
}

/**
 * Reads and validates the header, trailer and index of a stored file of `fileSize` bytes. Throws
 * ContainerDamage when anything is inconsistent (which includes every truncation).
 */
export async function readLayout(
  read: PositionalReader,
  fileSize: number,
  expectedSha256: string,
): Promise<ContainerLayout> {
  if (fileSize < HEADER_SIZE + TRAILER_SIZE) throw new ContainerDamage('file too short');
  const [head, tail] = await Promise.all([read(0, HEADER_SIZE), read(fileSize - TRAILER_SIZE, TRAILER_SIZE)]);
  const header = parseHeader(head, expectedSha256);
  if (tail.length < TRAILER_SIZE) throw new ContainerDamage('trailer truncated');
  if (!tail.subarray(56, 64).equals(TRAILER_MAGIC)) throw new ContainerDamage('bad trailer magic');
  if (zlib.crc32(tail.subarray(0, 52)) !== tail.readUInt32BE(52)) throw new ContainerDamage('trailer CRC');
  const indexOffset = toSafeNumber(tail.readBigUInt64BE(0), 'index offset');
  const chunkCount = tail.readUInt32BE(8);
  if (chunkCount !== chunkCountFor(header.size, header.chunkSize)) throw new ContainerDamage('chunk count');
  if (indexOffset + chunkCount * INDEX_ENTRY_SIZE + TRAILER_SIZE !== fileSize) {
    throw new ContainerDamage('index does not end where the trailer starts');
  }
  const index = chunkCount === 0 ? Buffer.alloc(0) : await read(indexOffset, chunkCount * INDEX_ENTRY_SIZE);
  if (index.length !== chunkCount * INDEX_ENTRY_SIZE) throw new ContainerDamage('index truncated');
  if (!createHash('sha256').update(index).digest().equals(tail.subarray(16, 48))) {
    throw new ContainerDamage('index digest');
  }
  const layout: ContainerLayout = { ...header, chunkCount, indexOffset, fileSize, index };
  let expectedOffset = HEADER_SIZE;
  for (let i = 0; i < chunkCount; i++) {
    const at = i * INDEX_ENTRY_SIZE;
    const entry = indexEntry(layout, i);
    const code = index[at + 16];
    if (code !== ENCODING_CODES.none && code !== ENCODING_CODES.zstd) throw new ContainerDamage('encoding');
    if (entry.offset !== expectedOffset) throw new ContainerDamage(`chunk ${i} offset`);
    if (entry.rawLength !== rawLengthOf(header, i)) throw new ContainerDamage(`chunk ${i} raw length`);
    const overhead = header.sealed ? SEAL_OVERHEAD : 0;
    if (entry.storedLength <= overhead || entry.storedLength > entry.rawLength + overhead) {
      throw new ContainerDamage(`chunk ${i} stored length`);
    }
    if (entry.encoding === 'none' && entry.storedLength !== entry.rawLength + overhead) {
      throw new ContainerDamage(`chunk ${i} stored length`);
    }
    expectedOffset += entry.storedLength;
  }
  if (expectedOffset !== indexOffset) throw new ContainerDamage('chunks do not end where the index starts');
  return layout;
}

const zstdCompress = promisify(zlib.zstdCompress);
const zstdDecompress = promisify(zlib.zstdDecompress);

export interface EncodedChunk {
  raw: Buffer;
  stored: Buffer;
  encoding: ChunkEncoding;
  sha256: Buffer;
}

/**
 * Compresses one raw chunk and digests it, both on the libuv threadpool (zstd through zlib, SHA-256
 * through WebCrypto) so that several chunks are processed in parallel and the event loop stays free.
 */
export async function encodeChunk(raw: Buffer, compressionLevel: number): Promise<EncodedChunk> {
  const [digest, compressed] = await Promise.all([
    subtle.digest('SHA-256', raw),
    compressChunk(raw, compressionLevel),
  ]);
  return { raw, ...compressed, sha256: Buffer.from(digest) };
}

/** zstd when it is worth it (COMPRESSION_WORTH), else the raw bytes; on the libuv threadpool. */
export async function compressChunk(
  raw: Buffer,
  compressionLevel: number,
): Promise<{ stored: Buffer; encoding: ChunkEncoding }> {
  const compressed = await zstdCompress(raw, {
    // One output buffer large enough for the whole frame: the default 16 KiB output buffer makes
    // zlib return to JavaScript once per 16 KiB, which costs more than the compression itself.
    chunkSize: Math.max(64, raw.length + (raw.length >> 7) + 512),
    pledgedSrcSize: raw.length,
    params: { [zlib.constants.ZSTD_c_compressionLevel]: compressionLevel },
  });
  const worth = compressed.length < raw.length * COMPRESSION_WORTH;
  return worth ? { stored: compressed, encoding: 'zstd' } : { stored: raw, encoding: 'none' };
}

/** Inverse of compressChunk; throws ContainerDamage when the frame is bad or the length wrong. */
export async function decompressChunk(
  stored: Buffer,
  encoding: ChunkEncoding,
  rawLength: number,
): Promise<Buffer> {
  let raw: Buffer;
  if (encoding === 'zstd') {
    try {
      raw = await zstdDecompress(stored, {
        chunkSize: Math.max(64, rawLength),
        // A corrupted frame must not be able to make us allocate more than the chunk's size.
        maxOutputLength: rawLength,
      });
    } catch (error) {
      throw new ContainerDamage('chunk does not decompress', { cause: error });
    }
  } else {
    raw = stored;
  }
  if (raw.length !== rawLength) throw new ContainerDamage('chunk length');
  return raw;
}

/**
 * Decodes one stored chunk and checks it against its index entry. Throws ContainerDamage when it is
 * short, does not decompress, has the wrong length or the wrong digest.
 */
export async function decodeChunk(stored: Buffer, entry: ChunkEntry): Promise<Buffer> {
  if (stored.length !== entry.storedLength) throw new ContainerDamage('chunk truncated');
  const raw = await decompressChunk(stored, entry.encoding, entry.rawLength);
  const digest = Buffer.from(await subtle.digest('SHA-256', raw));
  if (!digest.equals(entry.sha256)) throw new ContainerDamage('chunk digest');
  return raw;
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ContainerDamage(`${what} out of range`);
  return Number(value);
}
