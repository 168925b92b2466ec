/**
 * The blob store as the rest of the application sees it: reads find each sealed blob's data key
 * through the keyring, so every reader (download, text extraction, OCR, search, export) decrypts
 * without knowing about keys; blobs stored in the clear (before encryption) read as before.
 */
import type { Queryable } from '../../db/database.port.ts';
import type { BlobStore } from '../blobs/blobs.port.ts';
import type { Keyring } from './keyring.ts';

export function createKeyedBlobStore(inner: BlobStore, keyring: Keyring, db: Queryable): BlobStore {
  return {
    ...inner,
    async get(address, range, key) {
      return inner.get(address, range, key ?? (await keyring.keyFor(db, address)));
    },
  };
}
