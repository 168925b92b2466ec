/**
 * Sealed chunks (container version 2): compress, then encrypt with the blob's data key — a fresh
 * random nonce per chunk, and the chunk's place bound in as associated data, so that chunks cannot
 * be swapped, moved to another blob or cut off (the blob's size is bound too). Each chunk is sealed
 * on its own, so a range read decrypts only the chunks it needs and memory stays at one chunk per
 * reader. The stored bytes also carry a keyless digest (SHA-256, first 20 bytes) so that fixity
 * checks and repair work without any key.
 */
import { createHmac, randomBytes, subtle } from 'node:crypto';

import { ContainerDamage, compressChunk, decompressChunk } from './blob-container.ts';
import type { ChunkEncoding, ChunkEntry, ContainerHeader, EncodedChunk } from './blob-container.ts';
import {
  CIPHERS,
  ChunkAuthenticationError,
  NONCE_LENGTH,
  cipherByCode,
  openAsync,
  sealAsync,
} from './chunk-cipher.ts';
import type { CipherName } from './chunk-cipher.ts';

/** What sealing one blob needs: where it is stored, which cipher and the blob's own data key. */
export interface BlobSeal {
  /** the address the sealed container is stored under (64 hex digits, a keyed digest of the content) */
  address: string;
  cipher: CipherName;
  /** the blob's data key: 32 bytes (AES-256) or 16 bytes (SM4) */
  key: Buffer;
}

/** The data key of a sealed blob, for reading it. */
export interface BlobKey {
  cipher: CipherName;
  key: Buffer;
}

/** The wrong data key for this container (its key check value differs). */
export class WrongBlobKey extends Error {
  constructor() {
    super('the data key does not belong to this blob');
    this.name = 'WrongBlobKey';
  }
}

const DIGEST_PART = 20;
const ENCODING_CODE: Record<ChunkEncoding, number> = { none: 0, zstd: 1 };

/** 4 bytes that tell whether a key belongs to a container, revealing nothing useful about the key. */
export function keyCheckOf(key: Buffer, address: string): Buffer {
  return createHmac('sha256', key).update('dangan.blob.key-check\0').update(address).digest().subarray(0, 4);
}

/** Checks that a sealed container may be read with `key`; throws WrongBlobKey or ContainerDamage. */
export function checkKey(header: ContainerHeader, blobKey: BlobKey): void {
  const sealed = header.sealed;
  if (!sealed) throw new ContainerDamage('not a sealed container');
  if (cipherByCode(sealed.cipherCode) !== blobKey.cipher) throw new WrongBlobKey();
  if (!keyCheckOf(blobKey.key, header.sha256).equals(sealed.keyCheck)) throw new WrongBlobKey();
}

/** AAD of chunk i: address ‖ size ‖ chunk size ‖ i ‖ encoding ‖ raw length. */
function chunkAad(header: ContainerHeader, i: number, encoding: ChunkEncoding, rawLength: number): Buffer {
  const aad = Buffer.alloc(32 + 8 + 4 + 4 + 1 + 4);
  aad.write(header.sha256, 0, 32, 'hex');
  aad.writeBigUInt64BE(BigInt(header.size), 32);
  aad.writeUInt32BE(header.chunkSize, 40);
  aad.writeUInt32BE(i, 44);
  aad.writeUInt8(ENCODING_CODE[encoding], 48);
  aad.writeUInt32BE(rawLength, 49);
  return aad;
}

/** Compresses (threadpool), encrypts and digests chunk i of a sealed container. */
export async function encodeSealedChunk(
  raw: Buffer,
  compressionLevel: number,
  header: ContainerHeader,
  blobSeal: BlobSeal,
  i: number,
): Promise<EncodedChunk> {
  const { stored: plain, encoding } = await compressChunk(raw, compressionLevel);
  const nonce = randomBytes(NONCE_LENGTH);
  const stored = await sealAsync(
    blobSeal.cipher,
    blobSeal.key,
    nonce,
    chunkAad(header, i, encoding, raw.length),
    plain,
  );
  const digest = Buffer.from(await subtle.digest('SHA-256', stored));
  return { raw, stored, encoding, sha256: Buffer.concat([nonce, digest.subarray(0, DIGEST_PART)]) };
}

/** Keyless check of a stored sealed chunk against its index entry. Throws ContainerDamage. */
export async function checkSealedChunk(stored: Buffer, entry: ChunkEntry): Promise<void> {
  if (stored.length !== entry.storedLength) throw new ContainerDamage('chunk truncated');
  const digest = Buffer.from(await subtle.digest('SHA-256', stored));
  if (!digest.subarray(0, DIGEST_PART).equals(entry.sha256.subarray(NONCE_LENGTH))) {
    throw new ContainerDamage('chunk digest');
  }
}

/** Checks, decrypts and decompresses chunk i. Throws ContainerDamage (damage or tampering). */
export async function decodeSealedChunk(
  stored: Buffer,
  entry: ChunkEntry,
  header: ContainerHeader,
  blobKey: BlobKey,
  i: number,
): Promise<Buffer> {
  await checkSealedChunk(stored, entry);
  const nonce = entry.sha256.subarray(0, NONCE_LENGTH);
  let plain: Buffer;
  try {
    plain = await openAsync(
      blobKey.cipher,
      blobKey.key,
      nonce,
      chunkAad(header, i, entry.encoding, entry.rawLength),
      stored,
    );
  } catch (error) {
    if (error instanceof ChunkAuthenticationError) throw new ContainerDamage('chunk tag', { cause: error });
    throw error;
  }
  return decompressChunk(plain, entry.encoding, entry.rawLength);
}

/** A fresh random data key for `cipher`. */
export function newDataKey(cipher: CipherName): Buffer {
  return randomBytes(CIPHERS[cipher].keyLength);
}
