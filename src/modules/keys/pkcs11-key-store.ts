/**
 * The PKCS#11 KeyStore (OASIS PKCS#11 v2.40): key-encryption keys are AES-256 secret-key objects
 * generated inside a token — an HSM, a smart card, or SoftHSM2 in tests — marked sensitive and not
 * extractable, so they never leave it. Wrapping is CKM_AES_GCM (96-bit IV, 128-bit tag) done by
 * the token. Each key object is labelled with its id.
 *
 * pkcs11js is an optional dependency (a native addon); it is loaded only when this adapter is used.
 * Its calls are synchronous and short (a few hundred bytes per call), so they run inline.
 */
import { randomBytes } from 'node:crypto';
import type * as Pkcs11 from 'pkcs11js';

import { keyNotFound, keyStoreConfigInvalid, keyStoreFailed, keyUnwrapFailed } from './keys.errors.ts';
import { MAX_WRAPPED_SECRET } from './keys.port.ts';
import type { KeyStore } from './keys.port.ts';

export interface Pkcs11KeyStoreOptions {
  /** path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so */
  library: string;
  /** label of the token that holds the keys */
  tokenLabel: string;
  /** user PIN (from DANGAN_PKCS11_PIN; never written to logs or the configuration file) */
  pin: string;
}

const WRAP_VERSION = 2;

export async function createPkcs11KeyStore(options: Pkcs11KeyStoreOptions): Promise<KeyStore> {
  let module: typeof Pkcs11;
  try {
    module = (await import('pkcs11js')).default;
  } catch (error) {
    throw keyStoreConfigInvalid(
      { reason: 'pkcs11js is not installed (npm rebuild pkcs11js)' },
      { cause: error },
    );
  }
  const p11 = new module.PKCS11();
  let session: Buffer;
  try {
    p11.load(options.library);
    p11.C_Initialize();
  } catch (error) {
    throw keyStoreConfigInvalid({ reason: `cannot load ${options.library}` }, { cause: error });
  }
  try {
    const slot = p11
      .C_GetSlotList(true)
      .find((candidate) => p11.C_GetTokenInfo(candidate).label.trim() === options.tokenLabel);
    if (!slot) throw keyStoreConfigInvalid({ reason: `no token labelled ${options.tokenLabel}` });
    session = p11.C_OpenSession(slot, module.CKF_RW_SESSION | module.CKF_SERIAL_SESSION);
    p11.C_Login(session, module.CKU_USER, options.pin);
  } catch (error) {
    p11.C_Finalize();
    if (error instanceof Error && 'code' in error && typeof error.code === 'string') throw error;
    throw keyStoreFailed({ operation: 'login' }, { cause: error });
  }

  const handles = new Map<string, Buffer>();
  function find(keyId: string): Buffer | undefined {
    const cached = handles.get(keyId);
    if (cached) return cached;
    p11.C_FindObjectsInit(session, [
      { type: module.CKA_CLASS, value: module.CKO_SECRET_KEY },
      { type: module.CKA_LABEL, value: keyId },
    ]);
    const found = p11.C_FindObjects(session, 1);
    p11.C_FindObjectsFinal(session);
    const handle = found[0];
    if (handle) handles.set(keyId, handle);
    return handle;
  }
  function require(keyId: string): Buffer {
    const handle = find(keyId);
    if (!handle) throw keyNotFound({ keyId });
    return handle;
  }
  function gcm(iv: Buffer, aad: Buffer): Pkcs11.Mechanism {
    const parameter: Pkcs11.AesGCM = { type: module.CK_PARAMS_AES_GCM, iv, aad, ivBits: 96, tagBits: 128 };
    return { mechanism: module.CKM_AES_GCM, parameter };
  }
  const guard = <T>(operation: string, run: () => T): T => {
    try {
      return run();
    } catch (error) {
      if (error instanceof Error && 'code' in error && typeof error.code === 'string') throw error;
      throw keyStoreFailed({ operation }, { cause: error });
    }
  };

  return {
    kind: 'pkcs11',
    async createKey() {
      const keyId = `kek-${randomBytes(12).toString('hex')}`;
      guard('generate', () =>
        p11.C_GenerateKey(session, { mechanism: module.CKM_AES_KEY_GEN, parameter: null as never }, [
          { type: module.CKA_CLASS, value: module.CKO_SECRET_KEY },
          { type: module.CKA_KEY_TYPE, value: module.CKK_AES },
          { type: module.CKA_VALUE_LEN, value: 32 },
          { type: module.CKA_TOKEN, value: true },
          { type: module.CKA_PRIVATE, value: true },
          { type: module.CKA_SENSITIVE, value: true },
          { type: module.CKA_EXTRACTABLE, value: false },
          { type: module.CKA_ENCRYPT, value: true },
          { type: module.CKA_DECRYPT, value: true },
          { type: module.CKA_LABEL, value: keyId },
          { type: module.CKA_ID, value: Buffer.from(keyId) },
        ]),
      );
      return keyId;
    },
    async wrap(keyId, secret, context) {
      if (secret.length > MAX_WRAPPED_SECRET) throw new TypeError('wrap: secret too long');
      return guard('wrap', () => {
        const handle = require(keyId);
        const iv = randomBytes(12);
        p11.C_EncryptInit(session, gcm(iv, context), handle);
        const out = p11.C_Encrypt(session, secret, Buffer.alloc(secret.length + 16));
        return Buffer.concat([Buffer.from([WRAP_VERSION]), iv, out]);
      });
    },
    async unwrap(keyId, wrapped, context) {
      const handle = guard('unwrap', () => require(keyId));
      if (wrapped.length < 1 + 12 + 16 || wrapped[0] !== WRAP_VERSION) throw keyUnwrapFailed({ keyId });
      try {
        p11.C_DecryptInit(session, gcm(wrapped.subarray(1, 13), context), handle);
        return Buffer.from(p11.C_Decrypt(session, wrapped.subarray(13), Buffer.alloc(wrapped.length)));
      } catch (error) {
        throw keyUnwrapFailed({ keyId }, { cause: error });
      }
    },
    async destroyKey(keyId) {
      guard('destroy', () => {
        const handle = find(keyId);
        handles.delete(keyId);
        if (handle) p11.C_DestroyObject(session, handle);
      });
    },
    async hasKey(keyId) {
      return guard('find', () => find(keyId) !== undefined);
    },
    async listKeys() {
      return guard('list', () => {
        p11.C_FindObjectsInit(session, [{ type: module.CKA_CLASS, value: module.CKO_SECRET_KEY }]);
        const all = p11.C_FindObjects(session, 10_000);
        p11.C_FindObjectsFinal(session);
        return all
          .map((handle) => p11.C_GetAttributeValue(session, handle, [{ type: module.CKA_LABEL }])[0]?.value)
          .map((label) => (Buffer.isBuffer(label) ? label.toString('utf8') : String(label)))
          .filter((label) => label.startsWith('kek-'));
      });
    },
    async close() {
      try {
        p11.C_Logout(session);
        p11.C_CloseSession(session);
      } finally {
        p11.C_Finalize();
      }
    },
  };
}
