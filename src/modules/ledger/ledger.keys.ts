/**
 * The checkpoint signing key. Until the KeyStore port holds it, the private key is generated at first
 * start and kept in <data>/keys/ledger-<algorithm>.pem (PKCS#8), the folder 0700 and the file 0600;
 * only its public half goes into the database (ledger_keys).
 *
 * Two algorithms, chosen per ledger when it is created (ledger_state.signature_algorithm):
 * - Ed25519 (RFC 8032), by node:crypto;
 * - SM2 (GB/T 32918.2-2016) with SM3 and the default distinguishing ID "1234567812345678"
 *   (GB/T 35276-2017 §8), DER-encoded (r, s). node:crypto's sign() on an SM2-curve key computes an
 *   ECDSA-style signature without the Z value, which no SM2 verifier accepts, so the signature itself
 *   comes from sm-crypto-v2; node:crypto (OpenSSL) only generates and stores the key. Tests check the
 *   result against Debian's `openssl pkeyutl -rawin -digest sm3 -pkeyopt distid:1234567812345678`.
 *
 * The key itself says which algorithm verifies a signature: an Ed25519 SubjectPublicKeyInfo or an EC
 * one on the SM2 curve (OID 1.2.156.10197.1.301). So checkpoints keep their v1 text, and a log whose
 * key was changed from one algorithm to the other still verifies throughout.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sm2 } from 'sm-crypto-v2';

export const SIGNATURE_ALGORITHMS = ['ed25519', 'sm2'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** The SM2 default distinguishing ID (GB/T 35276-2017 §8; GM/T 0009-2012). */
export const SM2_DEFAULT_ID = '1234567812345678';

export interface SigningKey {
  algorithm: SignatureAlgorithm;
  /** the first 16 bytes of SHA-256 over the public key's SubjectPublicKeyInfo (DER), in hex */
  keyId: string;
  /** SubjectPublicKeyInfo, PEM */
  publicKeyPem: string;
  sign(message: string): Buffer;
}

/** The Ed25519 key file (the name predates SM2; kept so existing data folders keep their key). */
export const KEY_FILE = 'ledger-ed25519.pem';
export const SM2_KEY_FILE = 'ledger-sm2.pem';

export function keyFileOf(algorithm: SignatureAlgorithm): string {
  return algorithm === 'sm2' ? SM2_KEY_FILE : KEY_FILE;
}

export function keyIdOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const der = key.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 32);
}

/**
 * The DER prefixes of SM2 keys as OpenSSL writes them: SubjectPublicKeyInfo and PKCS#8 with
 * AlgorithmIdentifier { id-ecPublicKey, sm2p256v1 (1.2.156.10197.1.301) }. A reloaded SM2 key has no
 * asymmetricKeyType in Node (OpenSSL 3 loads it as its own SM2 type), so the DER is what tells.
 */
const SM2_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d03420004', 'hex');
const SM2_PKCS8_PREFIX = Buffer.from(
  '308187020100301306072a8648ce3d020106082a811ccf5501822d046d306b0201010420',
  'hex',
);

/** Which algorithm a key is for, or undefined for any other key. */
export function algorithmOf(key: KeyObject): SignatureAlgorithm | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ type: 'spki', format: 'der' });
  if (
    der.length === SM2_SPKI_PREFIX.length + 64 &&
    der.subarray(0, SM2_SPKI_PREFIX.length).equals(SM2_SPKI_PREFIX)
  )
    return 'sm2';
  return undefined;
}

function generate(algorithm: SignatureAlgorithm): KeyObject {
  return algorithm === 'sm2'
    ? generateKeyPairSync('ec', { namedCurve: 'SM2' }).privateKey
    : generateKeyPairSync('ed25519').privateKey;
}

/** The SM2 private scalar d (hex), from inside the key's PKCS#8 (its RFC 5915 ECPrivateKey). */
function sm2PrivateHex(privateKey: KeyObject): string {
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  if (!der.subarray(0, SM2_PKCS8_PREFIX.length).equals(SM2_PKCS8_PREFIX))
    throw new Error('unexpected SM2 private key encoding');
  return der.subarray(SM2_PKCS8_PREFIX.length, SM2_PKCS8_PREFIX.length + 32).toString('hex');
}

/** The SM2 public point, uncompressed (04 ‖ x ‖ y), hex: the end of its SubjectPublicKeyInfo. */
function sm2PublicHex(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'der' }).subarray(-65).toString('hex');
}

/** Loads the signing key of the algorithm from dir, creating it (and dir) when missing. */
export function loadOrCreateSigningKey(dir: string, algorithm: SignatureAlgorithm = 'ed25519'): SigningKey {
  const file = join(dir, keyFileOf(algorithm));
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const pem = generate(algorithm).export({ type: 'pkcs8', format: 'pem' }) as string;
    try {
      // 'wx': never overwrite a key another process created meanwhile; use theirs instead.
      writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    } catch (writeError) {
      if ((writeError as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError;
    }
    privateKey = createPrivateKey(readFileSync(file, 'utf8'));
  }
  if (algorithmOf(privateKey) !== algorithm)
    throw new Error(`${file} is not an ${algorithm === 'sm2' ? 'SM2' : 'Ed25519'} key`);
  const publicKey = createPublicKey(privateKey);
  const signer =
    algorithm === 'sm2'
      ? sm2Signer(sm2PrivateHex(privateKey))
      : (message: string) => sign(null, Buffer.from(message, 'utf8'), privateKey);
  return {
    algorithm,
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    sign: signer,
  };
}

function sm2Signer(privateHex: string): (message: string) => Buffer {
  return (message) =>
    Buffer.from(
      sm2.doSignature(Buffer.from(message, 'utf8'), privateHex, {
        hash: true,
        der: true,
        userId: SM2_DEFAULT_ID,
      }),
      'hex',
    );
}

/** Checks a checkpoint signature with the algorithm the public key is for (Ed25519 or SM2-with-SM3). */
export function verifySignature(publicKeyPem: string, message: string, signature: Uint8Array): boolean {
  try {
    const key = createPublicKey(publicKeyPem);
    const bytes = Buffer.from(message, 'utf8');
    switch (algorithmOf(key)) {
      case 'ed25519':
        return verify(null, bytes, key, signature);
      case 'sm2':
        return sm2.doVerifySignature(bytes, Buffer.from(signature).toString('hex'), sm2PublicHex(key), {
          hash: true,
          der: true,
          userId: SM2_DEFAULT_ID,
        });
      case undefined:
        return false;
    }
  } catch {
    return false;
  }
}
