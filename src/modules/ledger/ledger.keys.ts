/**
 * The checkpoint signing key. Until the KeyStore port exists, the Ed25519 private key is generated
 * at first start and kept in <data>/keys/ledger-ed25519.pem (PKCS#8), the folder 0700 and the file
 * 0600; only its public half goes into the database (ledger_keys). SM2 is selectable later.
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

export interface SigningKey {
  algorithm: 'ed25519';
  /** the first 16 bytes of SHA-256 over the public key's SubjectPublicKeyInfo (DER), in hex */
  keyId: string;
  /** SubjectPublicKeyInfo, PEM */
  publicKeyPem: string;
  sign(message: string): Buffer;
}

export const KEY_FILE = 'ledger-ed25519.pem';

export function keyIdOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const der = key.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 32);
}

/** Loads the signing key from dir, creating it (and dir) when missing. */
export function loadOrCreateSigningKey(dir: string): SigningKey {
  const file = join(dir, KEY_FILE);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const pair = generateKeyPairSync('ed25519');
    const pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    try {
      // 'wx': never overwrite a key another process created meanwhile; use theirs instead.
      writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    } catch (writeError) {
      if ((writeError as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError;
    }
    privateKey = createPrivateKey(readFileSync(file, 'utf8'));
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 key`);
  const publicKey = createPublicKey(privateKey);
  return {
    algorithm: 'ed25519',
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    sign: (message) => sign(null, Buffer.from(message, 'utf8'), privateKey),
  };
}

export function verifySignature(publicKeyPem: string, message: string, signature: Uint8Array): boolean {
  try {
    return verify(null, Buffer.from(message, 'utf8'), createPublicKey(publicKeyPem), signature);
  } catch {
    return false;
  }
}
