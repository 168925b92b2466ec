/**
 * The filesystem BlobStore: every blob is kept as one container file (blob-container.ts, FORMAT.md)
 * on each of N volume folders, which are meant to sit on different disks.
 *
 *   <volume>/blobs/<aa>/<bb>/<sha256>   a stored blob (aa, bb: its first two hex pairs, so that no
 *                                       directory grows beyond 256 entries per level)
 *   <volume>/staging/                   private temporary files: <host>-<pid>-<random>.raw (staged
 *                                       uploads, on the first volume only) and .tmp (containers
 *                                       being written, on every volume)
 *
 * Durability follows the usual POSIX recipe: write a temporary file on the same filesystem, fsync
 * it, rename it over the final name (rename(2) is atomic), fsync the directory so that the rename
 * itself survives a power cut. A reader therefore sees a complete container or none.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';

import { isAppError } from '../../app/errors.ts';
import type { AppError } from '../../app/errors.ts';
import {
  ContainerDamage,
  HEADER_SIZE,
  INDEX_ENTRY_SIZE,
  MAX_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
  TRAILER_SIZE,
  chunkCountFor,
  decodeChunk,
  encodeChunk,
  encodeHeader,
  encodeTrailer,
  indexEntry,
  rawLengthOf,
  readLayout,
  writeIndexEntry,
} from './blob-container.ts';
import type { ContainerHeader, ContainerLayout, EncodedChunk } from './blob-container.ts';
import { CIPHERS } from './chunk-cipher.ts';
import {
  WrongBlobKey,
  checkKey,
  checkSealedChunk,
  decodeSealedChunk,
  encodeSealedChunk,
  keyCheckOf,
} from './blob-seal.ts';
import type { BlobKey, BlobSeal } from './blob-seal.ts';
import {
  blobAddressInvalid,
  blobKeyInvalid,
  blobKeyRequired,
  blobNotFound,
  blobNotStaged,
  blobRangeInvalid,
  blobStagingCorrupt,
  blobTooLarge,
  blobUnreadable,
  storageFull,
  storageReadFailed,
  storageWriteFailed,
} from './blobs.errors.ts';
import type {
  BlobStore,
  CommittedBlob,
  ReplicaReport,
  ReplicaState,
  StageOptions,
  StagedBlob,
} from './blobs.port.ts';

export interface FsBlobStoreOptions {
  /** Replica folders, in order; the first also holds staged uploads. At least one. */
  volumes: string[];
  /** Raw bytes per chunk, 1 KiB … 64 MiB. Default 1 MiB. */
  chunkSize?: number;
  /** zstd level (RFC 8878; 1 = fastest … 19). Default 3, zstd's own default. */
  compressionLevel?: number;
  /**
   * Chunks in flight at once: compressed in parallel during commit, read ahead during get. Default 4,
   * the size of libuv's threadpool, which runs zstd, SHA-256 (WebCrypto) and file I/O.
   */
  concurrency?: number;
}

const ADDRESS = /^[0-9a-f]{64}$/;
const HEX_PAIR = /^[0-9a-f]{2}$/;
/** staging names: <host>-<pid>-<random>.<raw|tmp>; the host part never contains '-' (see HOST_TAG) */
const STAGING_NAME = /^([A-Za-z0-9._]+)-(\d+)-[0-9a-f]+\.(?:raw|tmp)$/;
/** The hostname with '-' and anything unusual replaced, so the name splits unambiguously. */
const HOST_TAG = hostname().replace(/[^A-Za-z0-9.]/g, '_') || 'host';
/** Bytes gathered before one write(2)/writev(2): few syscalls, bounded memory. */
const WRITE_BUFFER = 1024 * 1024;

const noop = () => {};

interface OpenReplica {
  volume: number;
  fh: FileHandle;
  layout: ContainerLayout;
}
type ReplicaProbe =
  { state: 'missing' } | { state: 'damaged'; reason: unknown } | ({ state: 'ok' } & OpenReplica);

/**
 * Creates a BlobStore over local folders. Folders are created on demand; nothing is touched until
 * the first call.
 */
export function createFsBlobStore(options: FsBlobStoreOptions): BlobStore {
  const volumes = options.volumes.map((volume) => resolve(volume));
  if (volumes.length === 0) throw new TypeError('createFsBlobStore: at least one volume is required');
  if (new Set(volumes).size !== volumes.length) throw new TypeError('createFsBlobStore: volumes repeat');
  const chunkSize = options.chunkSize ?? 1024 * 1024;
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new TypeError(
      `createFsBlobStore: chunkSize must be an integer in ${MIN_CHUNK_SIZE}…${MAX_CHUNK_SIZE}`,
    );
  }
  const compressionLevel = options.compressionLevel ?? 3;
  const concurrency = Math.max(1, options.concurrency ?? 4);

  const blobPath = (volume: number, sha256: string) =>
    join(volumeAt(volume), 'blobs', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  const stagingDir = (volume: number) => join(volumeAt(volume), 'staging');
  const volumeAt = (volume: number) => volumes[volume] as string;

  // ---- stage ------------------------------------------------------------------------------------

  async function stage(
    source: Readable | AsyncIterable<Uint8Array>,
    stageOptions: StageOptions = {},
  ): Promise<StagedBlob> {
    const maxBytes = stageOptions.maxBytes ?? Number.POSITIVE_INFINITY;
    const signal = stageOptions.signal;
    signal?.throwIfAborted();
    // A Readable stays open on refusal: stage does not own it, and the caller may still want to
    // answer (HTTP 413) on the same connection. Other iterables are stopped through return().
    let iterator: AsyncIterator<unknown>;
    if (source instanceof Readable) iterator = source.iterator({ destroyOnReturn: false });
    else if (typeof source?.[Symbol.asyncIterator] === 'function') iterator = source[Symbol.asyncIterator]();
    else throw new TypeError('stage: the source must be a Readable or an async iterable of bytes');
    let sourceDone = false;
    const path = join(stagingDir(0), tempName('raw'));
    let fh: FileHandle;
    try {
      fh = await createFile(path);
    } catch (error) {
      iterator.return?.().catch(noop);
      throw storageError(error, volumeAt(0));
    }
    const writer = new StagingWriter(fh, volumeAt(0));
    const sha256 = createHash('sha256');
    const sm3 = createHash('sm3');
    let size = 0;
    try {
      for (;;) {
        const step = await nextUnlessAborted(iterator, signal);
        if (step.done) {
          sourceDone = true;
          break;
        }
        const chunk = step.value;
        if (!(chunk instanceof Uint8Array)) throw new TypeError('stage: the source must yield bytes');
        size += chunk.length;
        // Refuse before writing or hashing the chunk that crosses the limit.
        if (size > maxBytes) throw blobTooLarge({ maxBytes });
        sha256.update(chunk);
        sm3.update(chunk);
        await writer.write(chunk);
      }
      signal?.throwIfAborted();
      await writer.finish();
    } catch (error) {
      if (!sourceDone) iterator.return?.().catch(noop);
      await writer.abandon();
      await rm(path, { force: true }).catch(noop);
      throw error;
    }
    return stagedBlob(path, sha256.digest('hex'), sm3.digest('hex'), size);
  }

  function stagedBlob(path: string, sha256: string, sm3: string, size: number): StagedBlob {
    let committing: Promise<CommittedBlob> | undefined;
    let discarded = false;
    return {
      path,
      sha256,
      sm3,
      size,
      commit(seal?: BlobSeal) {
        if (discarded) return Promise.reject(blobNotStaged());
        if (seal) assertSeal(seal);
        // One commit at a time; a failed commit may be retried (the staged file is still there).
        committing ??= commitStaged(path, sha256, sm3, size, seal).catch((error: unknown) => {
          committing = undefined;
          throw error;
        });
        return committing;
      },
      async discard() {
        discarded = true;
        await committing?.catch(noop);
        await rm(path, { force: true });
      },
    };
  }

  // ---- commit -----------------------------------------------------------------------------------

  async function commitStaged(
    path: string,
    sha256: string,
    sm3: string,
    size: number,
    seal: BlobSeal | undefined,
  ): Promise<CommittedBlob> {
    const address = seal?.address ?? sha256;
    const present = await Promise.all(volumes.map((_, volume) => probeComplete(volume, address, seal)));
    const targets = present.flatMap((fileSize, volume) => (fileSize === undefined ? [volume] : []));
    let storedSize: number;
    if (targets.length === 0) {
      storedSize = present[0] as number;
    } else {
      let fh: FileHandle;
      try {
        fh = await open(path, 'r');
      } catch (error) {
        if (isNotFound(error)) throw blobNotStaged();
        throw storageError(error, volumeAt(0));
      }
      try {
        // A staged file that is shorter, longer or different shows up as a chunk of the wrong
        // length or a wrong whole-file digest inside writeContainer.
        storedSize = await writeContainer(address, size, readStaged(fh, size), targets, {
          mismatch: () => blobStagingCorrupt({ sha256 }),
          removeAfter: path,
          contentSha256: sha256,
          seal,
        });
      } finally {
        await fh.close().catch(noop);
      }
    }
    await unlink(path).catch(noop);
    return { sha256, sm3, size, address, storedSize, existed: targets.length === 0 };
  }

  /**
   * The size of a structurally valid container on this volume, or undefined (absent, broken, or not
   * sealed with this seal's key — then it is replaced).
   */
  async function probeComplete(
    volume: number,
    address: string,
    seal?: BlobSeal,
  ): Promise<number | undefined> {
    const probe = await openReplica(volume, address);
    if (probe.state !== 'ok') return undefined;
    await probe.fh.close().catch(noop);
    if (seal ? !sealedWith(probe.layout, seal) : probe.layout.sealed !== undefined) return undefined;
    return probe.layout.fileSize;
  }

  /** Yields the staged file in chunks of chunkSize, keeping the next read in flight. */
  async function* readStaged(fh: FileHandle, size: number): AsyncGenerator<Buffer> {
    const count = chunkCountFor(size, chunkSize);
    const readAt = (i: number) => readFully(fh, i * chunkSize, Math.min(chunkSize, size - i * chunkSize));
    let next = count > 0 ? readAt(0) : undefined;
    for (let i = 0; i < count; i++) {
      const current = next as Promise<Buffer>;
      next = i + 1 < count ? readAt(i + 1) : undefined;
      next?.catch(noop);
      yield await current;
    }
  }

  /**
   * Encodes raw chunks (exactly chunkSize bytes each but the last) into a container and places it on
   * the target volumes: one read of the source, one compression per chunk, the stored bytes fanned
   * out to one temporary file per target. Every temporary file is fsynced before the first rename,
   * so either all targets get the blob or (on a write failure) none does. Returns the container size.
   * `mismatch` makes the error for a source that does not match the address; `removeAfter` is a file
   * to delete once the blob is in place (the staged upload), overlapped with the directory fsyncs.
   */
  async function writeContainer(
    sha256: string,
    size: number,
    rawChunks: AsyncIterable<Buffer>,
    targets: number[],
    {
      mismatch,
      removeAfter,
      contentSha256 = sha256,
      seal,
    }: {
      mismatch: () => AppError;
      removeAfter?: string;
      contentSha256?: string;
      seal?: BlobSeal | undefined;
    },
  ): Promise<number> {
    const count = chunkCountFor(size, chunkSize);
    const index = Buffer.alloc(count * INDEX_ENTRY_SIZE);
    const layout: ContainerHeader = seal
      ? {
          chunkSize,
          size,
          sha256,
          sealed: { cipherCode: CIPHERS[seal.cipher].code, keyCheck: keyCheckOf(seal.key, sha256) },
        }
      : { chunkSize, size, sha256 };
    const outputs: TempFile[] = [];
    const queue: Promise<EncodedChunk>[] = [];
    try {
      for (const volume of targets) {
        outputs.push(new TempFile(volume, join(stagingDir(volume), tempName('tmp')), volumeAt(volume)));
      }
      await Promise.all(outputs.map((output) => output.open()));
      const whole = createHash('sha256');
      let offset = HEADER_SIZE;
      let written = 0;
      let received = 0;
      const emit = async (encoded: EncodedChunk) => {
        writeIndexEntry(index, written++, {
          offset,
          storedLength: encoded.stored.length,
          rawLength: encoded.raw.length,
          encoding: encoded.encoding,
          sha256: encoded.sha256,
        });
        offset += encoded.stored.length;
        await Promise.all(outputs.map((output) => output.append(encoded.stored)));
      };
      const header = encodeHeader(layout);
      await Promise.all(outputs.map((output) => output.append(header)));
      for await (const raw of rawChunks) {
        if (received >= count || raw.length !== rawLengthOf(layout, received)) throw mismatch();
        received++;
        // The whole-file digest is recomputed, not trusted: the staged file (or, for repair, the
        // chunks gathered from several replicas) must really be the bytes the address names.
        whole.update(raw);
        const encoding = seal
          ? encodeSealedChunk(raw, compressionLevel, layout, seal, received - 1)
          : encodeChunk(raw, compressionLevel);
        encoding.catch(noop);
        queue.push(encoding);
        if (queue.length >= concurrency) await emit(await (queue.shift() as Promise<EncodedChunk>));
      }
      while (queue.length > 0) await emit(await (queue.shift() as Promise<EncodedChunk>));
      if (received !== count || whole.digest('hex') !== contentSha256) throw mismatch();
      const trailer = encodeTrailer(offset, count, index);
      await Promise.all(outputs.map((output) => output.finish([index, trailer])));
      await Promise.all(outputs.map((output) => output.placeAt(blobPath(output.volume, sha256))));
      await Promise.all([
        ...targets.map((volume) => syncDir(dirname(blobPath(volume, sha256)), volumeAt(volume))),
        removeAfter === undefined ? undefined : unlink(removeAfter).catch(noop),
      ]);
      return offset + count * INDEX_ENTRY_SIZE + TRAILER_SIZE;
    } catch (error) {
      await Promise.allSettled(queue);
      await Promise.all(outputs.map((output) => output.discard()));
      throw isAppError(error) ? error : storageError(error);
    }
  }

  // ---- read -------------------------------------------------------------------------------------

  /** Opens one replica's container and validates header, trailer and index. Never throws. */
  async function openReplica(volume: number, sha256: string): Promise<ReplicaProbe> {
    let fh: FileHandle;
    try {
      fh = await open(blobPath(volume, sha256), 'r');
    } catch (error) {
      return isNotFound(error) ? { state: 'missing' } : { state: 'damaged', reason: error };
    }
    try {
      const info = await fh.stat();
      if (!info.isFile()) throw new ContainerDamage('not a regular file');
      const layout = await readLayout(
        (position, length) => readFully(fh, position, length),
        info.size,
        sha256,
      );
      return { state: 'ok', volume, fh, layout };
    } catch (error) {
      await fh.close().catch(noop);
      return { state: 'damaged', reason: error };
    }
  }

  /** Reads and verifies chunk j of one replica. Throws ContainerDamage or an I/O error. */
  async function readChunk(replica: OpenReplica, j: number, key?: BlobKey): Promise<Buffer> {
    const entry = indexEntry(replica.layout, j);
    const stored = await readFully(replica.fh, entry.offset, entry.storedLength);
    if (!replica.layout.sealed) {
      // Given a key the blob must be sealed: a container in the clear put in its place is damage.
      if (key) throw new ContainerDamage('a sealed blob was replaced by one in the clear');
      return decodeChunk(stored, entry);
    }
    if (!key) throw new ContainerDamage('sealed chunk read without a key');
    return decodeSealedChunk(stored, entry, replica.layout, key, j);
  }

  /** Verified original bytes [from, to) out of one replica, whatever that replica's chunk size. */
  async function readRange(replica: OpenReplica, from: number, to: number, key?: BlobKey): Promise<Buffer> {
    const size = replica.layout.chunkSize;
    const first = Math.floor(from / size);
    const last = Math.floor((to - 1) / size);
    const parts: Buffer[] = [];
    for (let j = first; j <= last; j++) parts.push(await readChunk(replica, j, key));
    const joined = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    return joined.subarray(from - first * size, to - first * size);
  }

  interface OpenBlob {
    size: number;
    /** Verified bytes [start, end] in order, chunk by chunk, with per-chunk replica fallback. */
    read(start: number, end: number): AsyncGenerator<Buffer>;
    close(): Promise<void>;
  }

  /**
   * Opens every replica of a blob; rejects with blob.not_found, blob.unreadable, or for a sealed
   * blob blob.key_required (no key) and blob.key_invalid (every sealed replica has another key).
   */
  async function openBlob(sha256: string, key?: BlobKey): Promise<OpenBlob> {
    const probes = await Promise.all(volumes.map((_, volume) => openReplica(volume, sha256)));
    const opened = probes.filter((probe): probe is { state: 'ok' } & OpenReplica => probe.state === 'ok');
    const closeAll = () => Promise.all(opened.map((replica) => replica.fh.close().catch(noop)));
    if (opened.length === 0) {
      if (probes.every((probe) => probe.state === 'missing')) throw blobNotFound({ sha256 });
      throw blobUnreadable({ sha256 });
    }
    if (!key && opened.some((replica) => replica.layout.sealed)) {
      await closeAll();
      throw blobKeyRequired({ sha256 });
    }
    const good = key ? opened.filter((replica) => opensWith(replica.layout, key)) : opened;
    if (good.length === 0) {
      await closeAll();
      if (opened.some((replica) => replica.layout.sealed)) throw blobKeyInvalid({ sha256 });
      throw blobUnreadable({ sha256 });
    }
    const reference = (good[0] as OpenReplica).layout;
    // Header digests all equal the address, so the sizes agree unless a header was forged with a
    // valid CRC; such a replica is simply not used.
    const usable = good.filter((replica) => replica.layout.size === reference.size);
    const byVolume = new Map(usable.map((replica) => [replica.volume, replica]));
    let closing: Promise<void> | undefined;
    const close = () => (closing ??= closeAll().then(noop));

    /** Chunk i (of the reference layout) from replica i mod N first, then the following ones. */
    async function fetchChunk(i: number): Promise<Buffer> {
      const from = i * reference.chunkSize;
      const to = Math.min(reference.size, from + reference.chunkSize);
      for (let k = 0; k < volumes.length; k++) {
        const replica = byVolume.get((i + k) % volumes.length);
        if (!replica) continue;
        try {
          return await readRange(replica, from, to, key);
        } catch {
          // damaged, truncated or unreadable here: try the next replica
        }
      }
      throw blobUnreadable({ sha256, chunk: i });
    }

    return {
      size: reference.size,
      close,
      async *read(start: number, end: number) {
        if (end < start) return;
        const first = Math.floor(start / reference.chunkSize);
        const last = Math.floor(end / reference.chunkSize);
        let i = first;
        for await (const raw of inOrder(first, last + 1, concurrency, fetchChunk)) {
          const chunkStart = i * reference.chunkSize;
          const from = Math.max(0, start - chunkStart);
          const to = Math.min(raw.length, end + 1 - chunkStart);
          yield from === 0 && to === raw.length ? raw : raw.subarray(from, to);
          i++;
        }
      },
    };
  }

  async function get(
    sha256: string,
    range?: { start: number; end: number },
    key?: BlobKey,
  ): Promise<Readable> {
    assertAddress(sha256);
    const blob = await openBlob(sha256, key);
    let start = 0;
    let end = blob.size - 1;
    if (range) {
      const valid =
        Number.isSafeInteger(range.start) &&
        Number.isSafeInteger(range.end) &&
        range.start >= 0 &&
        range.start <= range.end &&
        range.end < blob.size;
      if (!valid) {
        await blob.close();
        throw blobRangeInvalid({ size: blob.size });
      }
      ({ start, end } = range);
    }
    async function* bytes() {
      try {
        yield* blob.read(start, end);
      } finally {
        await blob.close();
      }
    }
    // Byte mode with a one-chunk high-water mark: at most `concurrency` chunks being fetched plus
    // one waiting for the consumer, whatever the blob's size.
    const stream = Readable.from(bytes(), { objectMode: false, highWaterMark: chunkSize });
    // A stream destroyed before its first read never runs the generator's finally block.
    stream.once('close', () => void blob.close());
    return stream;
  }

  // ---- fixity -----------------------------------------------------------------------------------

  async function checkReplica(volume: number, sha256: string): Promise<ReplicaState> {
    const probe = await openReplica(volume, sha256);
    if (probe.state !== 'ok') return probe.state;
    try {
      if (probe.layout.sealed) {
        // Keyless: every stored chunk against its digest; the index digest covers the rest.
        const layout = probe.layout;
        const chunks = inOrder(0, layout.chunkCount, concurrency, async (j) => {
          const entry = indexEntry(layout, j);
          await checkSealedChunk(await readFully(probe.fh, entry.offset, entry.storedLength), entry);
        });
        for await (const _ of chunks);
        return 'ok';
      }
      const whole = createHash('sha256');
      const chunks = inOrder(0, probe.layout.chunkCount, concurrency, (j) => readChunk(probe, j));
      for await (const raw of chunks) whole.update(raw);
      return whole.digest('hex') === sha256 ? 'ok' : 'damaged';
    } catch {
      return 'damaged';
    } finally {
      await probe.fh.close().catch(noop);
    }
  }

  async function check(sha256: string): Promise<ReplicaReport[]> {
    assertAddress(sha256);
    const states = await Promise.all(volumes.map((_, volume) => checkReplica(volume, sha256)));
    return states.map((state, volume) => ({ replica: volumeAt(volume), state }));
  }

  async function repair(sha256: string): Promise<string[]> {
    const reports = await check(sha256);
    const targets = reports.flatMap((report, volume) => (report.state === 'ok' ? [] : [volume]));
    if (targets.length === 0) return [];
    if (reports.every((report) => report.state === 'missing')) throw blobNotFound({ sha256 });
    if (await repairSealed(sha256, targets)) return targets.map(volumeAt);
    // The new copies are built from the per-chunk verified read, so a blob whose replicas are each
    // damaged in different chunks is still repaired; writeContainer re-checks the whole digest.
    const blob = await openBlob(sha256);
    try {
      await writeContainer(sha256, blob.size, rechunk(blob.read(0, blob.size - 1), chunkSize), targets, {
        mismatch: () => blobUnreadable({ sha256 }),
      });
    } finally {
      await blob.close();
    }
    return targets.map(volumeAt);
  }

  /**
   * Repairs a sealed blob without its key: the stored (encrypted) chunks are copied, each checked
   * against its digest, from the good replicas whose index equals the first good one's (replicas
   * written together are identical byte for byte). False when the blob is not sealed.
   */
  async function repairSealed(sha256: string, targets: number[]): Promise<boolean> {
    const probes = await Promise.all(volumes.map((_, volume) => openReplica(volume, sha256)));
    const opened = probes.filter((probe): probe is { state: 'ok' } & OpenReplica => probe.state === 'ok');
    try {
      // A replica damaged in one chunk still lends its other chunks (as the unsealed repair does).
      const reference = (opened.find((replica) => !targets.includes(replica.volume)) ?? opened[0])?.layout;
      if (!reference?.sealed) return false;
      const sources = opened.filter((replica) => replica.layout.index.equals(reference.index));
      const outputs = targets.map(
        (volume) => new TempFile(volume, join(stagingDir(volume), tempName('tmp')), volumeAt(volume)),
      );
      try {
        await Promise.all(outputs.map((output) => output.open()));
        const header = encodeHeader(reference);
        await Promise.all(outputs.map((output) => output.append(header)));
        const copy = inOrder(0, reference.chunkCount, concurrency, async (j) => {
          const entry = indexEntry(reference, j);
          for (const source of sources) {
            try {
              const stored = await readFully(source.fh, entry.offset, entry.storedLength);
              await checkSealedChunk(stored, entry);
              return stored;
            } catch {
              // damaged here: try the next replica
            }
          }
          throw blobUnreadable({ sha256, chunk: j });
        });
        for await (const stored of copy) await Promise.all(outputs.map((output) => output.append(stored)));
        const trailer = encodeTrailer(reference.indexOffset, reference.chunkCount, reference.index);
        await Promise.all(outputs.map((output) => output.finish([reference.index, trailer])));
        await Promise.all(outputs.map((output) => output.placeAt(blobPath(output.volume, sha256))));
        await Promise.all(
          targets.map((volume) => syncDir(dirname(blobPath(volume, sha256)), volumeAt(volume))),
        );
        return true;
      } catch (error) {
        await Promise.all(outputs.map((output) => output.discard()));
        throw isAppError(error) ? error : storageError(error);
      }
    } finally {
      await Promise.all(opened.map((replica) => replica.fh.close().catch(noop)));
    }
  }

  // ---- listing and housekeeping -----------------------------------------------------------------

  async function has(sha256: string): Promise<boolean> {
    assertAddress(sha256);
    const found = await Promise.all(
      volumes.map((_, volume) =>
        stat(blobPath(volume, sha256)).then(
          (info) => info.isFile(),
          () => false,
        ),
      ),
    );
    return found.includes(true);
  }

  /** Merges the volumes level by level, so memory holds one directory's names, not the whole store. */
  async function* list(): AsyncGenerator<string> {
    const roots = volumes.map((volume) => join(volume, 'blobs'));
    for (const aa of await unionDir(roots, HEX_PAIR, 'directory')) {
      for (const bb of await unionDir(
        roots.map((root) => join(root, aa)),
        HEX_PAIR,
        'directory',
      )) {
        const leaves = roots.map((root) => join(root, aa, bb));
        for (const name of await unionDir(leaves, ADDRESS, 'file')) {
          if (name.startsWith(aa + bb)) yield name;
        }
      }
    }
  }

  async function remove(sha256: string): Promise<void> {
    assertAddress(sha256);
    // No directory fsync: a removal lost in a crash only leaves an orphan, which list() finds.
    await Promise.all(
      volumes.map(async (_, volume) => {
        try {
          await rm(blobPath(volume, sha256), { force: true });
        } catch (error) {
          throw storageError(error, volumeAt(volume));
        }
      }),
    );
  }

  async function cleanStaging(): Promise<number> {
    let removed = 0;
    for (let volume = 0; volume < volumes.length; volume++) {
      let names: string[];
      try {
        names = await readdir(stagingDir(volume));
      } catch (error) {
        if (isNotFound(error)) continue;
        throw storageReadFailed({ volume: volumeAt(volume) }, { cause: error });
      }
      for (const name of names) {
        const match = STAGING_NAME.exec(name);
        if (!match || match[1] !== HOST_TAG) continue; // another host's (shared volume) or foreign
        const pid = Number(match[2]);
        if (pid === process.pid || processRuns(pid)) continue;
        await rm(join(stagingDir(volume), name), { force: true });
        removed++;
      }
    }
    return removed;
  }

  return {
    replicas: Object.freeze([...volumes]),
    stage,
    get,
    has,
    check,
    repair,
    list,
    remove,
    cleanStaging,
  };
}

// ---- helpers ------------------------------------------------------------------------------------

function assertAddress(sha256: string): void {
  if (typeof sha256 !== 'string' || !ADDRESS.test(sha256)) throw blobAddressInvalid();
}

function assertSeal(seal: BlobSeal): void {
  assertAddress(seal.address);
  if (!(seal.cipher in CIPHERS) || seal.key.length !== CIPHERS[seal.cipher].keyLength) {
    throw new TypeError('commit: the seal has an unknown cipher or a key of the wrong length');
  }
}

/** True when the container is sealed with exactly this seal's cipher and key. */
function sealedWith(layout: ContainerLayout, seal: BlobSeal): boolean {
  return opensWith(layout, seal);
}

/** True when `key` opens this container (sealed, same cipher, same key check value). */
function opensWith(layout: ContainerLayout, key: BlobKey): boolean {
  try {
    checkKey(layout, key);
    return true;
  } catch (error) {
    if (error instanceof WrongBlobKey || error instanceof ContainerDamage) return false;
    throw error;
  }
}

function tempName(extension: 'raw' | 'tmp'): string {
  return `${HOST_TAG}-${process.pid}-${randomBytes(8).toString('hex')}.${extension}`;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

function isNotFound(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** ENOSPC / EDQUOT → storage.full; any other failure → storage.write_failed. AppErrors pass. */
function storageError(error: unknown, volume?: string): AppError {
  if (isAppError(error)) return error;
  const code = errorCode(error);
  const details = volume === undefined ? undefined : { volume };
  return code === 'ENOSPC' || code === 'EDQUOT'
    ? storageFull(details, { cause: error })
    : storageWriteFailed(details, { cause: error });
}

/** kill(pid, 0) checks existence without sending anything; EPERM means it runs as another user. */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) !== 'ESRCH';
  }
}

/** Reads up to `length` bytes at `position`, looping over short reads; shorter only at end of file. */
async function readFully(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

async function writeFully(fh: FileHandle, buffer: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < buffer.length) {
    const { bytesWritten } = await fh.write(buffer, done, buffer.length - done, position + done);
    done += bytesWritten;
  }
}

/** Creates a new private file (O_EXCL, mode 0600), making its directory only when it is missing. */
async function createFile(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'wx', 0o600);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  await mkdir(dirname(path), { recursive: true });
  return open(path, 'wx', 0o600);
}

/** fsync(2) on a directory makes the entries created or renamed in it durable. */
async function syncDir(path: string, volume: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, 'r');
    await fh.sync();
  } catch (error) {
    throw storageError(error, volume);
  } finally {
    await fh?.close().catch(noop);
  }
}

/** mkdir -p, then fsync the parents of every directory it created so the new entries are durable. */
async function ensureDir(path: string, volume: string): Promise<void> {
  let created: string | undefined;
  try {
    created = await mkdir(path, { recursive: true });
  } catch (error) {
    throw storageError(error, volume);
  }
  if (created === undefined) return;
  const parents: string[] = [];
  for (let dir = path; dir.length >= created.length; dir = dirname(dir)) parents.push(dirname(dir));
  await Promise.all(parents.map((dir) => syncDir(dir, volume)));
}

/** The next item of a source, or the signal's reason as soon as the signal aborts. */
function nextUnlessAborted(
  iterator: AsyncIterator<unknown>,
  signal: AbortSignal | undefined,
): Promise<IteratorResult<unknown>> {
  if (!signal) return iterator.next();
  signal.throwIfAborted();
  return new Promise((resolvePromise, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    iterator.next().then(
      (step) => {
        signal.removeEventListener('abort', onAbort);
        resolvePromise(step);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Runs make(i) for i in [from, to) with at most `width` in flight and yields the results in order.
 * On early exit it waits for what is still running, so callers may close files afterwards.
 */
async function* inOrder<T>(
  from: number,
  to: number,
  width: number,
  make: (i: number) => Promise<T>,
): AsyncGenerator<T> {
  const window: Promise<T>[] = [];
  let next = from;
  try {
    for (let i = from; i < to; i++) {
      while (next < to && window.length < width) {
        const pending = make(next++);
        pending.catch(noop);
        window.push(pending);
      }
      yield await (window.shift() as Promise<T>);
    }
  } finally {
    await Promise.allSettled(window);
  }
}

/** Re-cuts a byte stream into pieces of exactly `size` bytes (the last may be shorter). */
async function* rechunk(pieces: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const piece of pieces) {
    let rest = piece;
    while (rest.length > 0) {
      if (pendingBytes === 0 && rest.length >= size) {
        yield rest.subarray(0, size); // aligned: no copy
        rest = rest.subarray(size);
        continue;
      }
      const take = Math.min(size - pendingBytes, rest.length);
      pending.push(rest.subarray(0, take));
      pendingBytes += take;
      rest = rest.subarray(take);
      if (pendingBytes === size) {
        yield Buffer.concat(pending, size);
        pending = [];
        pendingBytes = 0;
      }
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
}

/** Names in the union of several directories that match `pattern`, sorted, each once. */
async function unionDir(dirs: string[], pattern: RegExp, kind: 'file' | 'directory'): Promise<string[]> {
  const names = new Set<string>();
  await Promise.all(
    dirs.map(async (dir) => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isNotFound(error)) return;
        throw storageReadFailed({ directory: dir }, { cause: error });
      }
      for (const entry of entries) {
        const fits = kind === 'file' ? entry.isFile() : entry.isDirectory();
        if (fits && pattern.test(entry.name)) names.add(entry.name);
      }
    }),
  );
  return [...names].sort();
}

/**
 * Write buffers of the staging writers, kept for the next writer: allocating a fresh 1 MiB buffer for
 * every upload (most are far smaller) made batch ingest spend its time collecting garbage.
 */
const spareWriteBuffers: Buffer[] = [];
const SPARE_WRITE_BUFFERS = 16;

function takeWriteBuffer(): Buffer {
  return spareWriteBuffers.pop() ?? Buffer.allocUnsafe(WRITE_BUFFER);
}

function giveBackWriteBuffer(buffer: Buffer | undefined): void {
  if (buffer && spareWriteBuffers.length < SPARE_WRITE_BUFFERS) spareWriteBuffers.push(buffer);
}

/**
 * Writes a staged upload with two alternating buffers: incoming bytes are copied (the producer may
 * reuse its buffer once it has yielded it) into one while the other is being written, so reading
 * the source, hashing and writing overlap, and one write(2) covers up to WRITE_BUFFER bytes.
 */
class StagingWriter {
  private readonly fh: FileHandle;
  private readonly volume: string;
  private current: Buffer | undefined;
  private spare: Buffer | undefined;
  private fill = 0;
  private position = 0;
  private inflight: Promise<void> = Promise.resolve();
  private failure: unknown;
  private closed = false;

  constructor(fh: FileHandle, volume: string) {
    this.fh = fh;
    this.volume = volume;
  }

  async write(data: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      this.current ??= this.spare ?? takeWriteBuffer();
      this.spare = undefined;
      const take = Math.min(data.length - offset, this.current.length - this.fill);
      this.current.set(data.subarray(offset, offset + take), this.fill);
      this.fill += take;
      offset += take;
      if (this.fill === this.current.length) await this.flush();
    }
  }

  /** Starts writing the current buffer once the previous write is done (then its buffer is free). */
  private async flush(): Promise<void> {
    await this.settled();
    if (!this.current || this.fill === 0) return;
    const buffer = this.current;
    const data = buffer.subarray(0, this.fill);
    const position = this.position;
    this.position += this.fill;
    this.current = undefined;
    this.fill = 0;
    this.inflight = writeFully(this.fh, data, position).then(
      () => {
        this.spare = buffer;
      },
      (error: unknown) => {
        this.failure ??= error;
      },
    );
  }

  private async settled(): Promise<void> {
    await this.inflight;
    if (this.failure !== undefined) throw storageError(this.failure, this.volume);
  }

  /** No write is in flight any more: the buffers go back to the shared spares. */
  private release(): void {
    giveBackWriteBuffer(this.current);
    giveBackWriteBuffer(this.spare);
    this.current = undefined;
    this.spare = undefined;
  }

  /**
   * Writes what is left and closes. No fsync: a staged file is temporary — what must survive a crash
   * is the container written (and fsynced) at commit, which re-reads the staged bytes and checks them
   * against the whole-file digest, and staging left by a crash is removed at the next start.
   */
  async finish(): Promise<void> {
    await this.flush();
    await this.settled();
    this.release();
    try {
      this.closed = true;
      await this.fh.close();
    } catch (error) {
      throw storageError(error, this.volume);
    }
  }

  /** Waits for the write in flight and closes, ignoring errors (the file is about to be removed). */
  async abandon(): Promise<void> {
    await this.inflight;
    this.release();
    if (!this.closed) {
      this.closed = true;
      await this.fh.close().catch(noop);
    }
  }
}

/** One temporary container file: buffered appends through writev(2), then fsync and rename. */
class TempFile {
  readonly volume: number;
  readonly path: string;
  private readonly volumeName: string;
  private fh: FileHandle | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private position = 0;
  private placed = false;

  constructor(volume: number, path: string, volumeName: string) {
    this.volume = volume;
    this.path = path;
    this.volumeName = volumeName;
  }

  async open(): Promise<void> {
    try {
      this.fh = await createFile(this.path);
    } catch (error) {
      throw storageError(error, this.volumeName);
    }
  }

  async append(data: Buffer): Promise<void> {
    this.pending.push(data);
    this.pendingBytes += data.length;
    if (this.pendingBytes >= WRITE_BUFFER) await this.flush();
  }

  private async flush(): Promise<void> {
    const fh = this.fh as FileHandle;
    let buffers = this.pending;
    let left = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    try {
      while (left > 0) {
        const { bytesWritten } = await fh.writev(buffers, this.position);
        this.position += bytesWritten;
        left -= bytesWritten;
        if (left > 0) buffers = dropBytes(buffers, bytesWritten);
      }
    } catch (error) {
      throw storageError(error, this.volumeName);
    }
  }

  /** Appends the last buffers, fsyncs and closes. */
  async finish(last: Buffer[]): Promise<void> {
    for (const data of last) {
      this.pending.push(data);
      this.pendingBytes += data.length;
    }
    await this.flush();
    try {
      const fh = this.fh as FileHandle;
      this.fh = undefined;
      await fh.sync();
      await fh.close();
    } catch (error) {
      throw storageError(error, this.volumeName);
    }
  }

  /** rename(2) into place; the blob's directory is created only when the rename says it is missing. */
  async placeAt(finalPath: string): Promise<void> {
    try {
      try {
        await rename(this.path, finalPath);
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
        await ensureDir(dirname(finalPath), this.volumeName);
        await rename(this.path, finalPath);
      }
      this.placed = true;
    } catch (error) {
      throw storageError(error, this.volumeName);
    }
  }

  /** Closes and removes the temporary file unless it was already renamed into place. */
  async discard(): Promise<void> {
    await this.fh?.close().catch(noop);
    this.fh = undefined;
    if (!this.placed) await rm(this.path, { force: true }).catch(noop);
  }
}

/** The buffers that remain after the first `count` bytes were written (partial writev). */
function dropBytes(buffers: Buffer[], count: number): Buffer[] {
  const rest: Buffer[] = [];
  let skip = count;
  for (const buffer of buffers) {
    if (skip >= buffer.length) {
      skip -= buffer.length;
      continue;
    }
    rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
    skip = 0;
  }
  return rest;
}
