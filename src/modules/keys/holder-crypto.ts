/**
 * Public-key wrapping of a secret for a holder (持有人), three algorithms (docs/SECURITY-KEYS.md):
 *
 *   ecdh-p256      ECIES: ephemeral ECDH on P-256, HKDF-SHA256 (SEC 1 §5.1 style, salt = both
 *                  public keys, info = context), AES-256-GCM with the context as associated data.
 *   rsa-oaep-3072  RSAES-OAEP with SHA-256 and MGF1-SHA-256 (RFC 8017 §7.1); the context is the
 *                  OAEP label, so a wrap moved to another blob does not decrypt.
 *   sm2            SM2 public-key encryption (GB/T 32918.4-2016), C1C3C2 in the ASN.1 form of
 *                  GB/T 35276-2017 that OpenSSL writes; SM2 has no associated data, so the plaintext
 *                  starts with SM3(context)'s first 16 bytes and decryption checks them. The SM2
 *                  arithmetic is sm-crypto-v2's (MIT, on the audited @noble/curves): Node's OpenSSL
 *                  has the curve but its JavaScript API offers no SM2 encryption.
 *
 * A wrap starts with one byte naming its algorithm, so a wrap can never be opened as another kind.
 * Holders' private keys are sealed under a key derived from their passphrase with scrypt and never
 * stored in the clear (sealPrivateKey).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  scrypt as scryptCallback,
  constants,
  type KeyObject,
} from 'node:crypto';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import type * as SmCrypto from 'sm-crypto-v2';

import { holderKeyUnsupported, holderPassphraseWrong, holderUnwrapFailed } from './holders.errors.ts';

// sm-crypto-v2 is loaded on first use: every CLI command and the server import this module, few use SM2.
const load = createRequire(import.meta.url);
let smCrypto: typeof SmCrypto | undefined;
function sm(): typeof SmCrypto {
  return (smCrypto ??= load('sm-crypto-v2') as typeof SmCrypto);
}

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

export const HOLDER_ALGORITHMS = ['ecdh-p256', 'rsa-oaep-3072', 'sm2'] as const;
export type HolderAlgorithm = (typeof HOLDER_ALGORITHMS)[number];

const TAG: Record<HolderAlgorithm, number> = { 'ecdh-p256': 1, 'rsa-oaep-3072': 2, sm2: 3 };
const RSA_BITS = 3072;
/** SubjectPublicKeyInfo of an uncompressed point on the SM2 curve: id-ecPublicKey, sm2p256v1, BIT STRING. */
const SM2_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');
const EC_POINT = 65;

/** A holder's public key, as found in their certificate's SubjectPublicKeyInfo. */
export interface HolderPublicKey {
  algorithm: HolderAlgorithm;
  /** DER SubjectPublicKeyInfo */
  spki: Buffer;
}

/** A holder's private key in the clear — only ever in memory, while the holder has it unlocked. */
export interface HolderPrivateKey {
  algorithm: HolderAlgorithm;
  /** PKCS#8 DER for P-256 and RSA; the 32-byte scalar for SM2 */
  der: Buffer;
}

/** Which holder algorithm a SubjectPublicKeyInfo is for; key.holder_key_unsupported otherwise. */
export function algorithmOfSpki(spki: Buffer): HolderAlgorithm {
  if (
    spki.length === SM2_SPKI_PREFIX.length + EC_POINT &&
    spki.subarray(0, SM2_SPKI_PREFIX.length).equals(SM2_SPKI_PREFIX)
  )
    return 'sm2';
  let key: KeyObject;
  try {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch (error) {
    throw holderKeyUnsupported({ reason: 'unreadable public key' }, { cause: error });
  }
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') return 'ecdh-p256';
  if (key.asymmetricKeyType === 'rsa') {
    if ((details.modulusLength ?? 0) < RSA_BITS)
      throw holderKeyUnsupported({ reason: `RSA ${details.modulusLength} < ${RSA_BITS} bits` });
    return 'rsa-oaep-3072';
  }
  throw holderKeyUnsupported({ reason: `${key.asymmetricKeyType} ${details.namedCurve ?? ''}`.trim() });
}

/** A new key pair for a holder. */
export function generateHolderKeyPair(algorithm: HolderAlgorithm): {
  publicKey: HolderPublicKey;
  privateKey: HolderPrivateKey;
} {
  switch (algorithm) {
    case 'ecdh-p256': {
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      return {
        publicKey: { algorithm, spki: pair.publicKey.export({ type: 'spki', format: 'der' }) },
        privateKey: { algorithm, der: pair.privateKey.export({ type: 'pkcs8', format: 'der' }) },
      };
    }
    case 'rsa-oaep-3072': {
      const pair = generateKeyPairSync('rsa', { modulusLength: RSA_BITS });
      return {
        publicKey: { algorithm, spki: pair.publicKey.export({ type: 'spki', format: 'der' }) },
        privateKey: { algorithm, der: pair.privateKey.export({ type: 'pkcs8', format: 'der' }) },
      };
    }
    case 'sm2': {
      const pair = sm().sm2.generateKeyPairHex();
      return {
        publicKey: { algorithm, spki: sm2Spki(Buffer.from(pair.publicKey, 'hex')) },
        privateKey: { algorithm, der: Buffer.from(pair.privateKey.padStart(64, '0'), 'hex') },
      };
    }
  }
}

export function sm2Spki(point: Buffer): Buffer {
  if (point.length !== EC_POINT || point[0] !== 4) throw holderKeyUnsupported({ reason: 'SM2 point' });
  return Buffer.concat([SM2_SPKI_PREFIX, point]);
}

/** The public key that belongs to a private key (to check that an unlocked key fits its certificate). */
export function publicKeyOf(privateKey: HolderPrivateKey): HolderPublicKey {
  if (privateKey.algorithm === 'sm2') {
    const point = sm().sm2.getPublicKeyFromPrivateKey(privateKey.der.toString('hex'));
    return { algorithm: 'sm2', spki: sm2Spki(Buffer.from(point, 'hex')) };
  }
  const key = createPublicKey(createPrivateKey({ key: privateKey.der, format: 'der', type: 'pkcs8' }));
  return { algorithm: privateKey.algorithm, spki: key.export({ type: 'spki', format: 'der' }) };
}

/** Reads a holder's private key from PEM (PKCS#8, or SEC 1 "EC PRIVATE KEY" for SM2) or SM2 hex. */
export function parseHolderPrivateKey(algorithm: HolderAlgorithm, text: string): HolderPrivateKey {
  const trimmed = text.trim();
  try {
    if (algorithm === 'sm2') {
      if (/^[0-9a-f]{64}$/i.test(trimmed)) return { algorithm, der: Buffer.from(trimmed, 'hex') };
      // PKCS#8 or SEC 1 PEM (Node cannot export SM2 keys): the scalar is the ECPrivateKey's OCTET
      // STRING right after its version 1 (RFC 5915), in both forms
      const der = Buffer.from(trimmed.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
      const at = der.indexOf(Buffer.from([0x02, 0x01, 0x01, 0x04, 0x20]));
      if (at < 0 || der.length < at + 37) throw new Error('not an SM2 key');
      return { algorithm, der: Buffer.from(der.subarray(at + 5, at + 37)) };
    }
    const key = createPrivateKey(trimmed);
    return { algorithm, der: key.export({ type: 'pkcs8', format: 'der' }) };
  } catch (error) {
    throw holderKeyUnsupported({ reason: 'unreadable private key' }, { cause: error });
  }
}

// Precomputed multiples of a holder's SM2 public point make each wrap for them several times
// faster; a level has few holders, so a small cache holds them all.
const sm2Points = new Map<string, ReturnType<typeof SmCrypto.sm2.precomputePublicKey>>();
function sm2Point(spki: Buffer) {
  const hex = spki.subarray(SM2_SPKI_PREFIX.length).toString('hex');
  let point = sm2Points.get(hex);
  if (!point) {
    point = sm().sm2.precomputePublicKey(hex);
    if (sm2Points.size >= 64) sm2Points.delete(sm2Points.keys().next().value!);
    sm2Points.set(hex, point);
  }
  return point;
}

function sm3Bytes(data: Buffer): Buffer {
  return Buffer.from(sm().sm3(new Uint8Array(data)), 'hex');
}

/** Wraps `secret` for one holder's public key, bound to `context`. */
export function wrapForHolder(publicKey: HolderPublicKey, secret: Buffer, context: Buffer): Buffer {
  const tag = Buffer.from([TAG[publicKey.algorithm]]);
  switch (publicKey.algorithm) {
    case 'ecdh-p256': {
      const recipient = createPublicKey({ key: publicKey.spki, format: 'der', type: 'spki' });
      const ephemeral = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient });
      const ephemeralPoint = rawPoint(ephemeral.publicKey);
      const key = eciesKey(shared, ephemeralPoint, rawPoint(recipient), context);
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(context);
      const body = Buffer.concat([cipher.update(secret), cipher.final(), cipher.getAuthTag()]);
      return Buffer.concat([tag, ephemeralPoint, nonce, body]);
    }
    case 'rsa-oaep-3072': {
      const body = publicEncrypt(
        {
          key: createPublicKey({ key: publicKey.spki, format: 'der', type: 'spki' }),
          padding: constants.RSA_PKCS1_OAEP_PADDING,
          oaepHash: 'sha256',
          oaepLabel: context,
        },
        secret,
      );
      return Buffer.concat([tag, body]);
    }
    case 'sm2': {
      const plain = Buffer.concat([sm3Bytes(context).subarray(0, 16), secret]);
      const body = sm().sm2.doEncrypt(new Uint8Array(plain), sm2Point(publicKey.spki), 1, { asn1: true });
      return Buffer.concat([tag, Buffer.from(body, 'hex')]);
    }
  }
}

/** Opens a wrap with the holder's private key; key.holder_unwrap_failed if it is not theirs or was altered. */
export function unwrapAsHolder(privateKey: HolderPrivateKey, wrapped: Buffer, context: Buffer): Buffer {
  if (wrapped[0] !== TAG[privateKey.algorithm]) throw holderUnwrapFailed({ reason: 'algorithm' });
  const body = wrapped.subarray(1);
  try {
    switch (privateKey.algorithm) {
      case 'ecdh-p256': {
        const own = createPrivateKey({ key: privateKey.der, format: 'der', type: 'pkcs8' });
        const ephemeralPoint = body.subarray(0, EC_POINT);
        const nonce = body.subarray(EC_POINT, EC_POINT + 12);
        const sealed = body.subarray(EC_POINT + 12);
        if (sealed.length < 17) throw new Error('short');
        const ephemeral = createPublicKey({ key: ecSpki(ephemeralPoint), format: 'der', type: 'spki' });
        const shared = diffieHellman({ privateKey: own, publicKey: ephemeral });
        const key = eciesKey(shared, ephemeralPoint, rawPoint(createPublicKey(own)), context);
        const decipher = createDecipheriv('aes-256-gcm', key, nonce).setAAD(context);
        decipher.setAuthTag(sealed.subarray(sealed.length - 16));
        return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
      }
      case 'rsa-oaep-3072':
        return privateDecrypt(
          {
            key: createPrivateKey({ key: privateKey.der, format: 'der', type: 'pkcs8' }),
            padding: constants.RSA_PKCS1_OAEP_PADDING,
            oaepHash: 'sha256',
            oaepLabel: context,
          },
          body,
        );
      case 'sm2': {
        checkSm2Der(body);
        const plain = Buffer.from(
          sm().sm2.doDecrypt(body.toString('hex'), privateKey.der.toString('hex'), 1, {
            output: 'array',
            asn1: true,
          }),
        );
        // sm-crypto-v2 answers an empty array when C3 (the SM3 check) does not match
        if (plain.length < 16 || !plain.subarray(0, 16).equals(sm3Bytes(context).subarray(0, 16)))
          throw new Error('SM2 check');
        return plain.subarray(16);
      }
    }
  } catch (error) {
    throw holderUnwrapFailed({ reason: privateKey.algorithm }, { cause: error });
  }
}

/**
 * Strict DER check of an SM2 ciphertext, SEQUENCE { INTEGER x, INTEGER y, OCTET STRING(32) C3,
 * OCTET STRING C2 } (GB/T 35276-2017 §7.2): the decoder of sm-crypto-v2 is lenient, and a wrap
 * whose bytes were changed must be refused even where the change would not alter what it decodes to.
 */
function checkSm2Der(der: Buffer): void {
  let at = 0;
  const element = (tag: number): Buffer => {
    if (der[at] !== tag) throw new Error('SM2 DER tag');
    let length = der[at + 1]!;
    let start = at + 2;
    if (length & 0x80) {
      const bytes = length & 0x7f;
      if (bytes < 1 || bytes > 2) throw new Error('SM2 DER length');
      length = der.readUIntBE(start, bytes);
      if (length < 0x80 || (bytes === 2 && length < 0x100)) throw new Error('SM2 DER not minimal');
      start += bytes;
    }
    if (start + length > der.length) throw new Error('SM2 DER truncated');
    const value = der.subarray(start, start + length);
    at = start + length;
    return value;
  };
  const sequence = element(0x30);
  if (at !== der.length) throw new Error('SM2 DER trailing bytes');
  const outer = der;
  at = outer.indexOf(sequence);
  for (const tag of [0x02, 0x02]) {
    const integer = element(tag);
    if (integer.length === 0 || integer.length > 33) throw new Error('SM2 DER integer');
    if (integer.length > 1 && integer[0] === 0 && (integer[1]! & 0x80) === 0)
      throw new Error('SM2 DER integer');
  }
  if (element(0x04).length !== 32) throw new Error('SM2 DER C3');
  element(0x04);
  if (at !== der.length) throw new Error('SM2 DER trailing bytes');
}

function rawPoint(key: KeyObject): Buffer {
  const spki = key.export({ type: 'spki', format: 'der' });
  return spki.subarray(spki.length - EC_POINT);
}

const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
function ecSpki(point: Buffer): Buffer {
  if (point.length !== EC_POINT || point[0] !== 4) throw new Error('bad point');
  return Buffer.concat([P256_SPKI_PREFIX, point]);
}

function eciesKey(shared: Buffer, ephemeralPoint: Buffer, recipientPoint: Buffer, context: Buffer): Buffer {
  const info = Buffer.concat([Buffer.from('dangan.holder-wrap.v1\0'), context]);
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephemeralPoint, recipientPoint]), info, 32));
}

// ---- passphrase-sealed private keys -------------------------------------------------------------

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

/**
 * Seals a holder's private key under scrypt(passphrase): version ‖ N,r,p ‖ salt ‖ nonce ‖ AES-256-GCM.
 * `binding` (the certificate's fingerprint) is associated data: a sealed key cannot be moved to
 * another certificate.
 */
export async function sealPrivateKey(
  privateKey: HolderPrivateKey,
  passphrase: string,
  binding: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<Buffer> {
  const salt = randomBytes(16);
  const key = await scrypt(passphrase.normalize('NFC'), salt, 32, { ...params, maxmem: 256 * 1024 * 1024 });
  const nonce = randomBytes(12);
  const head = Buffer.alloc(1 + 4 + 2 + 2);
  head.writeUInt8(1, 0);
  head.writeUInt32BE(params.N, 1);
  head.writeUInt16BE(params.r, 5);
  head.writeUInt16BE(params.p, 7);
  const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(
    sealAad(head, privateKey.algorithm, binding),
  );
  const body = Buffer.concat([cipher.update(privateKey.der), cipher.final(), cipher.getAuthTag()]);
  key.fill(0);
  return Buffer.concat([head, salt, nonce, body]);
}

/** Opens a sealed private key; key.holder_passphrase_wrong when the passphrase (or the bytes) are wrong. */
export async function openPrivateKey(
  sealed: Buffer,
  algorithm: HolderAlgorithm,
  passphrase: string,
  binding: string,
): Promise<HolderPrivateKey> {
  const head = sealed.subarray(0, 9);
  if (sealed.length < 9 + 16 + 12 + 17 || head[0] !== 1) throw holderPassphraseWrong();
  const params = { N: head.readUInt32BE(1), r: head.readUInt16BE(5), p: head.readUInt16BE(7) };
  if (params.N > 2 ** 20 || params.r > 32 || params.p > 16) throw holderPassphraseWrong();
  const salt = sealed.subarray(9, 25);
  const nonce = sealed.subarray(25, 37);
  const body = sealed.subarray(37);
  const key = await scrypt(passphrase.normalize('NFC'), salt, 32, { ...params, maxmem: 256 * 1024 * 1024 });
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce).setAAD(sealAad(head, algorithm, binding));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return {
      algorithm,
      der: Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]),
    };
  } catch (error) {
    throw holderPassphraseWrong(undefined, { cause: error });
  } finally {
    key.fill(0);
  }
}

function sealAad(head: Buffer, algorithm: HolderAlgorithm, binding: string): Buffer {
  return Buffer.concat([Buffer.from(`dangan.holder-key\0${algorithm}\0${binding}\0`), head]);
}

/** SHA-256 of DER, hex: how certificates are named. */
export function fingerprint(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}
