import type { Readable } from 'node:stream';

import type { BlobKey, BlobSeal } from './blob-seal.ts';

export type { BlobKey, BlobSeal } from './blob-seal.ts';

/**
 * The BlobStore port: content-addressed storage of file bytes, replicated, compressed and
 * fixity-checked. The filesystem adapter (fs-blob-store.ts) and, later, an S3 adapter pass the same
 * contract suite (blob-store.contract.ts).
 *
 * Writing is two-phase so that a caller can make the database row and the stored bytes agree even
 * when the process is killed: `stage` takes the bytes into a private temporary place (nothing is
 * visible yet), the caller records its intent, `commit` makes the blob durable on every replica.
 */
export interface BlobDigest {
  /** lowercase hex SHA-256 of the original bytes: the blob's address */
  sha256: string;
  /** lowercase hex SM3 (GB/T 32905-2016) of the original bytes, recorded beside SHA-256 */
  sm3: string;
  /** size of the original bytes */
  size: number;
}

export interface StagedBlob extends BlobDigest {
  /** A local file holding the raw bytes, readable until commit() or discard() (for type sniffing). */
  readonly path: string;
  /**
   * Stores the blob on every replica (idempotent when it already exists). Removes the staging file.
   * With `seal`, the blob is encrypted with the seal's data key and stored under the seal's address
   * (container version 2); without, it is stored in the clear under its SHA-256 (version 1). A
   * replica already at the address that was sealed with another key is replaced.
   */
  commit(seal?: BlobSeal): Promise<CommittedBlob>;
  /** Drops the staged bytes. Safe to call twice or after a failed commit. */
  discard(): Promise<void>;
}

export interface CommittedBlob extends BlobDigest {
  /** where the blob is stored: its SHA-256, or the seal's address */
  address: string;
  /** bytes used on one replica after compression */
  storedSize: number;
  /** true when identical bytes were already stored (nothing new written) */
  existed: boolean;
}

export interface StageOptions {
  /** Refuse (blob.too_large) as soon as more bytes than this arrive; nothing is kept. */
  maxBytes?: number;
  signal?: AbortSignal;
}

export type ReplicaState = 'ok' | 'missing' | 'damaged';

export interface ReplicaReport {
  /** the replica's name (a volume path for the filesystem adapter) */
  replica: string;
  state: ReplicaState;
}

export interface BlobStore {
  /** the replicas' names, in order */
  readonly replicas: readonly string[];

  /** Streams bytes in, hashing as they pass. Rejects with blob.too_large, storage.full or storage.write_failed. */
  stage(source: Readable | AsyncIterable<Uint8Array>, options?: StageOptions): Promise<StagedBlob>;

  /**
   * The original bytes, or the inclusive byte range [start, end] of them. Every chunk is checked
   * against its digest before it is passed on; a damaged or missing chunk is read from another
   * replica. Rejects with blob.not_found when no replica has it; the stream errors with
   * blob.unreadable when no replica has a good copy of a chunk. A sealed blob needs its data key
   * (blob.key_required without, blob.key_invalid with another blob's key); given a key, a container
   * in the clear is refused as damaged, so a replaced file cannot downgrade a sealed blob.
   */
  get(address: string, range?: { start: number; end: number }, key?: BlobKey): Promise<Readable>;

  /** True when at least one replica holds the blob. */
  has(sha256: string): Promise<boolean>;

  /**
   * Checks every replica of one blob fully (all chunks and the whole-file digest; for a sealed blob
   * every stored chunk against its keyless digest). Needs no key.
   */
  check(sha256: string): Promise<ReplicaReport[]>;

  /** Rewrites missing or damaged replicas from a good one (no key needed). Returns the replicas it rewrote. */
  repair(sha256: string): Promise<string[]>;

  /** Every blob address present on any replica (for finding orphans). */
  list(): AsyncIterable<string>;

  /** Removes a blob from every replica. */
  remove(sha256: string): Promise<void>;

  /** Removes staging files left by processes that no longer run. Returns how many were removed. */
  cleanStaging(): Promise<number>;
}
