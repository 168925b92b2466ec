import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sm2 } from 'sm-crypto-v2';

import {
  HOLDER_ALGORITHMS,
  algorithmOfSpki,
  generateHolderKeyPair,
  openPrivateKey,
  parseHolderPrivateKey,
  publicKeyOf,
  sealPrivateKey,
  unwrapAsHolder,
  wrapForHolder,
} from './holder-crypto.ts';
import { holderKeyUnsupported, holderPassphraseWrong, holderUnwrapFailed } from './holders.errors.ts';

const context = Buffer.from('dangan.holder-share\0' + 'a'.repeat(64));
const fast = { N: 2 ** 10, r: 8, p: 1 };

describe('holder key wrapping', () => {
  for (const algorithm of HOLDER_ALGORITHMS) {
    it(`wraps a data key share for a ${algorithm} holder and only that holder opens it`, () => {
      const holder = generateHolderKeyPair(algorithm);
      const other = generateHolderKeyPair(algorithm);
      assert.equal(algorithmOfSpki(holder.publicKey.spki), algorithm);
      assert.deepEqual(publicKeyOf(holder.privateKey).spki, holder.publicKey.spki);
      const secret = randomBytes(32);
      const wrapped = wrapForHolder(holder.publicKey, secret, context);
      assert.deepEqual(unwrapAsHolder(holder.privateKey, wrapped, context), secret);
      // randomised: two wraps of one secret differ
      assert.notDeepEqual(wrapForHolder(holder.publicKey, secret, context), wrapped);
      assert.throws(
        () => unwrapAsHolder(other.privateKey, wrapped, context),
        (e: unknown) => holderUnwrapFailed.is(e),
      );
    });

    it(`refuses a tampered or moved ${algorithm} wrap`, () => {
      const holder = generateHolderKeyPair(algorithm);
      const wrapped = wrapForHolder(holder.publicKey, randomBytes(32), context);
      for (const at of [1, Math.floor(wrapped.length / 2), wrapped.length - 1]) {
        const bad = Buffer.from(wrapped);
        bad[at]! ^= 0x01;
        assert.throws(
          () => unwrapAsHolder(holder.privateKey, bad, context),
          (e: unknown) => holderUnwrapFailed.is(e),
          `byte ${at}`,
        );
      }
      // bound to its blob: the same wrap under another blob's context does not open
      const elsewhere = Buffer.from('dangan.holder-share\0' + 'b'.repeat(64));
      assert.throws(
        () => unwrapAsHolder(holder.privateKey, wrapped, elsewhere),
        (e: unknown) => holderUnwrapFailed.is(e),
      );
    });
  }

  it('never opens a wrap of one algorithm as another', () => {
    const p256 = generateHolderKeyPair('ecdh-p256');
    const sm2Holder = generateHolderKeyPair('sm2');
    const wrapped = wrapForHolder(p256.publicKey, randomBytes(32), context);
    assert.throws(
      () => unwrapAsHolder(sm2Holder.privateKey, wrapped, context),
      (e: unknown) => holderUnwrapFailed.is(e),
    );
  });

  it('refuses RSA keys shorter than 3072 bits and unknown curves', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    assert.throws(
      () => algorithmOfSpki(rsa2048),
      (e: unknown) => holderKeyUnsupported.is(e),
    );
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    assert.throws(
      () => algorithmOfSpki(p384),
      (e: unknown) => holderKeyUnsupported.is(e),
    );
  });
});

describe('passphrase-sealed holder private keys', () => {
  it('opens with the passphrase only, and only for its own certificate', async () => {
    const { privateKey } = generateHolderKeyPair('sm2');
    const sealed = await sealPrivateKey(privateKey, '持有人 长口令 2026', 'cert-a', fast);
    assert.ok(!sealed.includes(privateKey.der), 'no plain key in the sealed bytes');
    const opened = await openPrivateKey(sealed, 'sm2', '持有人 长口令 2026', 'cert-a');
    assert.deepEqual(opened.der, privateKey.der);
    await assert.rejects(openPrivateKey(sealed, 'sm2', 'wrong passphrase!!', 'cert-a'), (e: unknown) =>
      holderPassphraseWrong.is(e),
    );
    await assert.rejects(openPrivateKey(sealed, 'sm2', '持有人 长口令 2026', 'cert-b'), (e: unknown) =>
      holderPassphraseWrong.is(e),
    );
  });
});

describe('SM2 encryption against OpenSSL (GB/T 32918.4, C1C3C2 ASN.1)', () => {
  it('OpenSSL decrypts our SM2 wrap, and we decrypt what OpenSSL encrypts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dangan-sm2-'));
    try {
      const keyPem = join(dir, 'sm2.pem');
      execFileSync('openssl', ['genpkey', '-algorithm', 'SM2', '-out', keyPem]);
      execFileSync('openssl', ['pkey', '-in', keyPem, '-pubout', '-out', join(dir, 'pub.pem')]);
      const privateKey = parseHolderPrivateKey('sm2', await readFile(keyPem, 'utf8'));
      const { spki } = publicKeyOf(privateKey);
      const fromOpenssl = execFileSync('openssl', [
        'pkey',
        '-pubin',
        '-in',
        join(dir, 'pub.pem'),
        '-outform',
        'DER',
      ]);
      assert.deepEqual(spki, fromOpenssl, 'same public key as OpenSSL derives');

      // ours → OpenSSL: the raw SM2 ciphertext (after our one-byte tag) is what pkeyutl reads
      const message = randomBytes(48);
      const point = spki.subarray(spki.length - 65).toString('hex');
      const ours = Buffer.from(sm2.doEncrypt(new Uint8Array(message), point, 1, { asn1: true }), 'hex');
      await writeFile(join(dir, 'ours.bin'), ours);
      const decrypted = execFileSync('openssl', [
        'pkeyutl',
        '-decrypt',
        '-inkey',
        keyPem,
        '-in',
        join(dir, 'ours.bin'),
      ]);
      assert.deepEqual(decrypted, message);

      // OpenSSL → ours: a holder wrap made by OpenSSL opens with our unwrap
      const secret = randomBytes(32);
      const { sm3 } = await import('sm-crypto-v2');
      const plain = Buffer.concat([Buffer.from(sm3(new Uint8Array(context)), 'hex').subarray(0, 16), secret]);
      await writeFile(join(dir, 'plain.bin'), plain);
      const theirs = execFileSync('openssl', [
        'pkeyutl',
        '-encrypt',
        '-pubin',
        '-inkey',
        join(dir, 'pub.pem'),
        '-in',
        join(dir, 'plain.bin'),
      ]);
      const wrap = Buffer.concat([Buffer.from([3]), theirs]);
      assert.deepEqual(unwrapAsHolder(privateKey, wrap, context), secret);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
