/**
 * The KeyStore port: where the key-encryption keys (KEKs) live. A KEK never leaves its store; the
 * store wraps (encrypts) and unwraps small secrets — data keys and the levels' address secrets —
 * under it. Adapters: the embedded key file (file-key-store.ts) and a PKCS#11 token
 * (pkcs11-key-store.ts, e.g. an HSM or SoftHSM2). Both pass keystore.contract.ts.
 */
export interface KeyStore {
  /** 'file' or 'pkcs11', recorded beside every key id in the database */
  readonly kind: 'file' | 'pkcs11';
  /** Creates a new 256-bit KEK and returns its id (unique within the store). */
  createKey(): Promise<string>;
  /**
   * Encrypts `secret` (at most 64 bytes) under the KEK with AES-256-GCM; `context` is bound as
   * associated data and must be given again to unwrap. Rejects with key.not_found.
   */
  wrap(keyId: string, secret: Buffer, context: Buffer): Promise<Buffer>;
  /** Inverse of wrap. Rejects with key.not_found or key.unwrap_failed (wrong KEK, context or bytes). */
  unwrap(keyId: string, wrapped: Buffer, context: Buffer): Promise<Buffer>;
  /** Destroys the KEK for good: everything wrapped under it becomes unreadable. Idempotent. */
  destroyKey(keyId: string): Promise<void>;
  hasKey(keyId: string): Promise<boolean>;
  /** The ids of every KEK held. */
  listKeys(): Promise<string[]>;
  close(): Promise<void>;
}

/** Secrets wrapped by a store are small: data keys (16–32 bytes) and address secrets (32 bytes). */
export const MAX_WRAPPED_SECRET = 64;
