/**
 * Authenticated encryption of one stored chunk: AES-256-GCM (NIST SP 800-38D) or SM4-GCM (the same
 * GCM mode over the SM4 block cipher of GB/T 32907-2016, as used by RFC 8998).
 *
 * Node's OpenSSL offers aes-256-gcm natively but, even in Node 24 (OpenSSL 3.5), no sm4-gcm cipher:
 * it does offer sm4-ecb and sm4-ctr. SM4-GCM is therefore composed here from exactly the pieces SP
 * 800-38D §7 names — H = E_K(0¹²⁸), J₀ = IV ‖ 0³¹ ‖ 1, GCTR from inc32(J₀), tag = E_K(J₀) ⊕ GHASH_H(A, C)
 * — with the block cipher and counter mode from OpenSSL and GHASH from @noble/ciphers (audited). No
 * cryptographic primitive is written by hand. OpenSSL's CTR increments the whole 128-bit counter
 * while GCM's inc32 wraps the low 32 bits; they agree as long as a message has fewer than 2³² − 2
 * blocks, which MAX_SEALED_MESSAGE guarantees. Known-answer tests: RFC 8998 Appendix A.1, and the
 * same composition over AES checked against OpenSSL's native AES-GCM.
 */
import { createCipheriv, createDecipheriv, subtle, timingSafeEqual } from 'node:crypto';
import { ghash } from '@noble/ciphers/_polyval.js';

export type CipherName = 'aes-256-gcm' | 'sm4-gcm';
export const CIPHER_NAMES: readonly CipherName[] = ['aes-256-gcm', 'sm4-gcm'];

export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;
/** 64 MiB, far below GCM's 2³⁹ − 256 bits and the inc32 limit above. */
export const MAX_SEALED_MESSAGE = 64 * 1024 * 1024;

/** Container code (blob-container.ts) and key length of each cipher. */
export const CIPHERS: Record<CipherName, { code: number; keyLength: number }> = {
  'aes-256-gcm': { code: 1, keyLength: 32 },
  'sm4-gcm': { code: 2, keyLength: 16 },
};

export function cipherByCode(code: number): CipherName | undefined {
  return CIPHER_NAMES.find((name) => CIPHERS[name].code === code);
}

/** A tag that does not verify: wrong key, or bytes changed. */
export class ChunkAuthenticationError extends Error {
  constructor() {
    super('authentication tag does not verify');
    this.name = 'ChunkAuthenticationError';
  }
}

/** Encrypts `plain`; returns ciphertext ‖ 16-byte tag. */
export function seal(cipher: CipherName, key: Buffer, nonce: Buffer, aad: Buffer, plain: Buffer): Buffer {
  checkArguments(cipher, key, nonce, plain.length);
  if (cipher === 'aes-256-gcm') {
    const c = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
    c.setAAD(aad);
    const out = Buffer.allocUnsafe(plain.length + TAG_LENGTH);
    const body = c.update(plain);
    body.copy(out, 0);
    const rest = c.final();
    rest.copy(out, body.length);
    c.getAuthTag().copy(out, plain.length);
    return out;
  }
  return composedSeal('sm4', key, nonce, aad, plain);
}

/** Decrypts ciphertext ‖ tag; throws ChunkAuthenticationError when the tag does not verify. */
export function open(cipher: CipherName, key: Buffer, nonce: Buffer, aad: Buffer, sealed: Buffer): Buffer {
  if (sealed.length < TAG_LENGTH) throw new ChunkAuthenticationError();
  checkArguments(cipher, key, nonce, sealed.length - TAG_LENGTH);
  const body = sealed.subarray(0, sealed.length - TAG_LENGTH);
  const tag = sealed.subarray(sealed.length - TAG_LENGTH);
  if (cipher === 'aes-256-gcm') {
    const d = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
    d.setAAD(aad);
    d.setAuthTag(tag);
    const out = d.update(body);
    try {
      d.final();
    } catch {
      throw new ChunkAuthenticationError();
    }
    return out;
  }
  return composedOpen('sm4', key, nonce, aad, body, tag);
}

type BlockCipher = 'sm4' | 'aes-256';

/** GCM over `block` from its ECB and CTR modes (exported for the AES cross-check test only). */
export function composedSeal(
  block: BlockCipher,
  key: Buffer,
  nonce: Buffer,
  aad: Buffer,
  plain: Buffer,
): Buffer {
  const { h, tagMask } = subkeys(block, key, nonce);
  const out = Buffer.allocUnsafe(plain.length + TAG_LENGTH);
  const ctr = createCipheriv(`${block}-ctr`, key, counterBlock(nonce, 2));
  const body = ctr.update(plain);
  body.copy(out, 0);
  const tag = tagOf(h, tagMask, aad, out.subarray(0, plain.length));
  tag.copy(out, plain.length);
  return out;
}

export function composedOpen(
  block: BlockCipher,
  key: Buffer,
  nonce: Buffer,
  aad: Buffer,
  body: Buffer,
  tag: Buffer,
): Buffer {
  const { h, tagMask } = subkeys(block, key, nonce);
  const expected = tagOf(h, tagMask, aad, body);
  if (!timingSafeEqual(expected, tag)) throw new ChunkAuthenticationError();
  const ctr = createDecipheriv(`${block}-ctr`, key, counterBlock(nonce, 2));
  return ctr.update(body);
}

function subkeys(block: BlockCipher, key: Buffer, nonce: Buffer): { h: Buffer; tagMask: Buffer } {
  const ecb = createCipheriv(`${block}-ecb`, key, null).setAutoPadding(false);
  const both = ecb.update(Buffer.concat([Buffer.alloc(16), counterBlock(nonce, 1)]));
  return { h: both.subarray(0, 16), tagMask: both.subarray(16, 32) };
}

function tagOf(h: Buffer, tagMask: Buffer, aad: Buffer, body: Buffer): Buffer {
  const lengths = Buffer.alloc(16);
  lengths.writeBigUInt64BE(BigInt(aad.length) * 8n, 0);
  lengths.writeBigUInt64BE(BigInt(body.length) * 8n, 8);
  // GHASH pads each update to a block boundary: A, C and the lengths block are separate updates.
  const mac = ghash.create(h);
  if (aad.length > 0) mac.update(aad);
  if (body.length > 0) mac.update(body);
  mac.update(lengths);
  const s = Buffer.from(mac.digest());
  for (let i = 0; i < 16; i++) s[i] = (s[i] as number) ^ (tagMask[i] as number);
  return s;
}

function counterBlock(nonce: Buffer, counter: number): Buffer {
  const block = Buffer.alloc(16);
  nonce.copy(block, 0);
  block.writeUInt32BE(counter, 12);
  return block;
}

function checkArguments(cipher: CipherName, key: Buffer, nonce: Buffer, length: number): void {
  if (key.length !== CIPHERS[cipher].keyLength) throw new TypeError(`${cipher}: wrong key length`);
  if (nonce.length !== NONCE_LENGTH) throw new TypeError(`${cipher}: the nonce must be 12 bytes`);
  if (length > MAX_SEALED_MESSAGE) throw new TypeError(`${cipher}: message too long`);
}

/**
 * seal() off the main thread where it can be: AES-256-GCM through WebCrypto runs on the libuv
 * threadpool, beside zstd and SHA-256, so several chunks are encrypted in parallel. Same output.
 */
export async function sealAsync(
  cipher: CipherName,
  key: Buffer,
  nonce: Buffer,
  aad: Buffer,
  plain: Buffer,
): Promise<Buffer> {
  if (cipher !== 'aes-256-gcm') return seal(cipher, key, nonce, aad, plain);
  checkArguments(cipher, key, nonce, plain.length);
  const cryptoKey = await subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt']);
  const out = await subtle.encrypt(
    { name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 },
    cryptoKey,
    plain,
  );
  return Buffer.from(out);
}

/** open() off the main thread for AES-256-GCM (see sealAsync). */
export async function openAsync(
  cipher: CipherName,
  key: Buffer,
  nonce: Buffer,
  aad: Buffer,
  sealed: Buffer,
): Promise<Buffer> {
  if (cipher !== 'aes-256-gcm') return open(cipher, key, nonce, aad, sealed);
  if (sealed.length < TAG_LENGTH) throw new ChunkAuthenticationError();
  checkArguments(cipher, key, nonce, sealed.length - TAG_LENGTH);
  const cryptoKey = await subtle.importKey('raw', key, 'AES-GCM', false, ['decrypt']);
  try {
    const out = await subtle.decrypt(
      { name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 },
      cryptoKey,
      sealed,
    );
    return Buffer.from(out);
  } catch {
    throw new ChunkAuthenticationError();
  }
}
