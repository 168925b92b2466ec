import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

import { ChunkAuthenticationError, composedSeal, open, openAsync, seal, sealAsync } from './chunk-cipher.ts';

describe('chunk ciphers', () => {
  it('SM4-GCM matches the known answer of RFC 8998 Appendix A.1', () => {
    const key = Buffer.from('0123456789ABCDEFFEDCBA9876543210', 'hex');
    const nonce = Buffer.from('00001234567800000000ABCD', 'hex');
    const aad = Buffer.from('FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2', 'hex');
    const plain = Buffer.from(
      'AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDDEEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA',
      'hex',
    );
    const expected =
      '17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D' +
      '83DE3541E4C2B58177E065A9BF7B62EC';
    const sealed = seal('sm4-gcm', key, nonce, aad, plain);
    assert.equal(sealed.toString('hex').toUpperCase(), expected);
    assert.ok(open('sm4-gcm', key, nonce, aad, sealed).equals(plain));
  });

  it('the GCM composition over AES equals OpenSSL’s native AES-256-GCM', () => {
    for (const length of [0, 1, 15, 16, 17, 1000, 65_536 + 3]) {
      const key = randomBytes(32);
      const nonce = randomBytes(12);
      const aad = randomBytes(length % 50);
      const plain = randomBytes(length);
      const native = createCipheriv('aes-256-gcm', key, nonce);
      native.setAAD(aad);
      const reference = Buffer.concat([native.update(plain), native.final(), native.getAuthTag()]);
      assert.ok(composedSeal('aes-256', key, nonce, aad, plain).equals(reference), `length ${length}`);
      assert.ok(seal('aes-256-gcm', key, nonce, aad, plain).equals(reference));
    }
  });

  for (const cipher of ['aes-256-gcm', 'sm4-gcm'] as const) {
    it(`${cipher} refuses a changed byte, another AAD and another key`, () => {
      const key = randomBytes(cipher === 'sm4-gcm' ? 16 : 32);
      const nonce = randomBytes(12);
      const aad = Buffer.from('chunk 7');
      const sealed = seal(cipher, key, nonce, aad, Buffer.from('电子档案'.repeat(100)));
      const flipped = Buffer.from(sealed);
      flipped[5] = (flipped[5] as number) ^ 1;
      const refused = (error: unknown) => error instanceof ChunkAuthenticationError;
      assert.throws(() => open(cipher, key, nonce, aad, flipped), refused);
      assert.throws(() => open(cipher, key, nonce, Buffer.from('chunk 8'), sealed), refused);
      assert.throws(() => open(cipher, randomBytes(key.length), nonce, aad, sealed), refused);
    });

    it(`${cipher}: the threadpool variants give the same bytes and refuse the same tampering`, async () => {
      const key = randomBytes(cipher === 'sm4-gcm' ? 16 : 32);
      const nonce = randomBytes(12);
      const aad = Buffer.from('chunk 3');
      const plain = randomBytes(70_000);
      const sealed = await sealAsync(cipher, key, nonce, aad, plain);
      assert.ok(sealed.equals(seal(cipher, key, nonce, aad, plain)));
      assert.ok((await openAsync(cipher, key, nonce, aad, sealed)).equals(plain));
      const flipped = Buffer.from(sealed);
      flipped[100] = (flipped[100] as number) ^ 1;
      await assert.rejects(
        openAsync(cipher, key, nonce, aad, flipped),
        (error) => error instanceof ChunkAuthenticationError,
      );
    });
  }
});
