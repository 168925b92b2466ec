/**
 * ZIP containers (DOCX, XLSX, OFD) read through their central directory with yauzl, with every
 * check an archive bomb or a path-traversal archive would trip: entry count, declared sizes and
 * ratios, unsafe or duplicate names, overlapping entries, encryption, and actual inflated bytes
 * that exceed what was declared.
 */
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { isAppError, type AppError } from '../../app/errors.ts';
import { archiveBomb, corruptFile, encryptedFile, maliciousArchive } from './content.errors.ts';
import type { ContentLimits } from './limits.ts';

/** Starts like a ZIP archive. */
export function isZip(head: Buffer): boolean {
  // Local file header, or the end record of an empty archive.
  return (
    head.length >= 4 &&
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))
  );
}

// Small entries compress absurdly well (a run of spaces); only large ones are judged by ratio.
const RATIO_MIN_BYTES = 1024 * 1024;
const LOCAL_HEADER_MIN_BYTES = 30;

export interface OpenedZip {
  zip: ZipFile;
  /** Entries by their decoded name, with backslashes turned into slashes. */
  entries: Map<string, Entry>;
  /** The display name used in error details. */
  name: string;
  limits: ContentLimits;
}

/** A name that would escape the extraction folder if anyone unpacked it. */
export function isUnsafeEntryName(entryName: string): boolean {
  if (entryName.includes('\u0000')) return true;
  const name = entryName.replace(/\\/g, '/');
  return name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.split('/').includes('..');
}

/** Maps yauzl, zlib and our own failures to the module's error codes. */
export function zipFailure(error: unknown, name: string): AppError {
  if (isAppError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/strong encryption|encrypted/i.test(message)) return encryptedFile({ name }, { cause: error });
  if (/too many bytes/i.test(message)) {
    return archiveBomb({ name, reason: 'an entry inflates beyond its declared size' }, { cause: error });
  }
  return corruptFile({ name, reason: `broken ZIP structure (${message})` }, { cause: error });
}

/** Opens a ZIP and vets its central directory; closes it again if any check fails. */
export async function openZip(
  path: string,
  fileSize: number,
  name: string,
  limits: ContentLimits,
): Promise<OpenedZip> {
  let zip: ZipFile;
  try {
    // Names are decoded and vetted here rather than by yauzl, so each problem gets its own code.
    zip = await yauzl.openPromise(path, { autoClose: false, decodeStrings: false, validateEntrySizes: true });
  } catch (error) {
    throw zipFailure(error, name);
  }
  try {
    return { zip, entries: await listEntries(zip, fileSize, name, limits), name, limits };
  } catch (error) {
    zip.close();
    throw zipFailure(error, name);
  }
}

async function listEntries(zip: ZipFile, fileSize: number, name: string, limits: ContentLimits) {
  if (zip.entryCount > limits.maxZipEntries) {
    throw archiveBomb({ name, reason: `${zip.entryCount} entries (limit ${limits.maxZipEntries})` });
  }
  const entries = new Map<string, Entry>();
  let declared = 0;
  for await (const entry of zip.eachEntry()) {
    const entryName = yauzl.getFileNameLowLevel(
      entry.generalPurposeBitFlag,
      entry.fileNameRaw,
      entry.extraFields,
      true,
    );
    if (isUnsafeEntryName(entryName)) throw maliciousArchive({ name, entry: entryName });
    const key = entryName.replace(/\\/g, '/');
    // Two entries of one name let different readers see different documents.
    if (entries.has(key)) throw maliciousArchive({ name, entry: entryName });
    if (entry.isEncrypted()) throw encryptedFile({ name });
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
      throw corruptFile({
        name,
        reason: `entry ${key} uses unsupported compression method ${entry.compressionMethod}`,
      });
    }
    declared += entry.uncompressedSize;
    if (declared > limits.maxUncompressedBytes) {
      throw archiveBomb({ name, reason: `declared content exceeds ${limits.maxUncompressedBytes} bytes` });
    }
    if (
      entry.uncompressedSize > RATIO_MIN_BYTES &&
      entry.uncompressedSize > Math.max(1, entry.compressedSize) * limits.maxCompressionRatio
    ) {
      throw archiveBomb({
        name,
        reason: `entry ${key} has a compression ratio above ${limits.maxCompressionRatio}`,
      });
    }
    if (entry.relativeOffsetOfLocalHeader + LOCAL_HEADER_MIN_BYTES + entry.compressedSize > fileSize) {
      throw corruptFile({ name, reason: `entry ${key} extends beyond the end of the file` });
    }
    entries.set(key, entry);
  }
  // Overlapping entries reuse one compressed stream many times: the densest kind of bomb.
  const sorted = [...entries.values()].sort(
    (a, b) => a.relativeOffsetOfLocalHeader - b.relativeOffsetOfLocalHeader,
  );
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]!;
    if (
      previous.relativeOffsetOfLocalHeader + LOCAL_HEADER_MIN_BYTES + previous.compressedSize >
      sorted[i]!.relativeOffsetOfLocalHeader
    ) {
      throw archiveBomb({ name, reason: 'entries overlap' });
    }
  }
  return entries;
}

/** The inflated content of an entry, as yauzl streams it (size-checked against the header). */
export async function openEntryStream(opened: OpenedZip, entry: Entry): Promise<Readable> {
  try {
    return await opened.zip.openReadStreamPromise(entry);
  } catch (error) {
    throw zipFailure(error, opened.name);
  }
}

/**
 * Yields an entry's inflated bytes, stopping with `ingest.archive_bomb` as soon as they exceed
 * the declared size or `maxBytes`, whichever is smaller.
 */
export async function* entryChunks(
  opened: OpenedZip,
  entry: Entry,
  maxBytes = Infinity,
): AsyncGenerator<Buffer> {
  const stream = await openEntryStream(opened, entry);
  const cap = Math.min(entry.uncompressedSize, maxBytes);
  let seen = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      seen += chunk.length;
      if (seen > cap) {
        throw archiveBomb({
          name: opened.name,
          reason: 'an entry inflates beyond its declared size or the limit',
        });
      }
      yield chunk;
    }
  } catch (error) {
    throw zipFailure(error, opened.name);
  } finally {
    stream.destroy();
  }
}

/** A small entry (a manifest, a relationship part) read whole. */
export async function readEntry(
  opened: OpenedZip,
  entryName: string,
  maxBytes: number,
): Promise<Buffer | undefined> {
  const entry = opened.entries.get(entryName);
  if (!entry) return undefined;
  if (entry.uncompressedSize > maxBytes) {
    throw archiveBomb({
      name: opened.name,
      reason: `part ${entryName} declares ${entry.uncompressedSize} bytes`,
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of entryChunks(opened, entry, maxBytes)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * Inflates every entry once, discarding the output, so that a lying size field, broken deflate
 * data or a CRC mismatch is caught before any parser loads the container into memory.
 */
export async function verifyEntries(opened: OpenedZip): Promise<void> {
  let total = 0;
  for (const [entryName, entry] of opened.entries) {
    if (entryName.endsWith('/')) continue;
    let crc = 0;
    let size = 0;
    for await (const chunk of entryChunks(opened, entry)) {
      size += chunk.length;
      total += chunk.length;
      if (total > opened.limits.maxUncompressedBytes) {
        throw archiveBomb({
          name: opened.name,
          reason: `content exceeds ${opened.limits.maxUncompressedBytes} bytes`,
        });
      }
      crc = crc32(chunk, crc);
    }
    if (size !== entry.uncompressedSize || crc !== entry.crc32) {
      throw corruptFile({ name: opened.name, reason: `entry ${entryName} fails its checksum` });
    }
  }
}
