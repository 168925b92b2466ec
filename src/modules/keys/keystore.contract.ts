/**
 * The KeyStore contract: every adapter (key file, PKCS#11 token) passes the same suite. An adapter's
 * test calls runKeyStoreContract with a factory for a fresh store; `reopen` opens the same store
 * again (a restart), to prove keys persist.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';

import { keyNotFound, keyUnwrapFailed } from './keys.errors.ts';
import type { KeyStore } from './keys.port.ts';

export interface KeyStoreHarness {
  store: KeyStore;
  /** closes `store` and opens the same keys again */
  reopen(): Promise<KeyStore>;
  dispose(): Promise<void>;
}

export function runKeyStoreContract(name: string, makeHarness: () => Promise<KeyStoreHarness>): void {
  describe(`KeyStore contract: ${name}`, () => {
    let harness: KeyStoreHarness;
    let store: KeyStore;
    beforeEach(async () => {
      harness = await makeHarness();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('wraps and unwraps a data key under a new key-encryption key', async () => {
      const keyId = await store.createKey();
      assert.equal(await store.hasKey(keyId), true);
      assert.ok((await store.listKeys()).includes(keyId));
      const secret = randomBytes(32);
      const context = Buffer.from('blob:abc level:secret');
      const wrapped = await store.wrap(keyId, secret, context);
      assert.ok(!wrapped.includes(secret), 'the wrapped key does not contain the key');
      assert.ok((await store.unwrap(keyId, wrapped, context)).equals(secret));
      // every wrap uses a fresh IV
      assert.ok(!(await store.wrap(keyId, secret, context)).equals(wrapped));
    });

    it('refuses another context, another key-encryption key and changed bytes', async () => {
      const [a, b] = [await store.createKey(), await store.createKey()];
      assert.notEqual(a, b);
      const wrapped = await store.wrap(a, randomBytes(16), Buffer.from('one'));
      const refused = (error: unknown) => keyUnwrapFailed.is(error);
      await assert.rejects(store.unwrap(a, wrapped, Buffer.from('two')), refused);
      await assert.rejects(store.unwrap(b, wrapped, Buffer.from('one')), refused);
      const changed = Buffer.from(wrapped);
      changed[changed.length - 1] = (changed[changed.length - 1] as number) ^ 1;
      await assert.rejects(store.unwrap(a, changed, Buffer.from('one')), refused);
    });

    it('keeps its keys across a restart', async () => {
      const keyId = await store.createKey();
      const secret = randomBytes(32);
      const wrapped = await store.wrap(keyId, secret, Buffer.alloc(0));
      store = await harness.reopen();
      assert.ok((await store.unwrap(keyId, wrapped, Buffer.alloc(0))).equals(secret));
    });

    it('destroys a key for good: what it wrapped can no longer be unwrapped', async () => {
      const keyId = await store.createKey();
      const keep = await store.createKey();
      const wrapped = await store.wrap(keyId, randomBytes(32), Buffer.from('x'));
      await store.destroyKey(keyId);
      await store.destroyKey(keyId); // idempotent
      assert.equal(await store.hasKey(keyId), false);
      await assert.rejects(store.unwrap(keyId, wrapped, Buffer.from('x')), (error) => keyNotFound.is(error));
      store = await harness.reopen();
      assert.equal(await store.hasKey(keyId), false);
      assert.equal(await store.hasKey(keep), true);
      await assert.rejects(store.wrap(keyId, randomBytes(32), Buffer.alloc(0)), (error) =>
        keyNotFound.is(error),
      );
    });

    it('reports an unknown key as not found', async () => {
      assert.equal(await store.hasKey('kek-000000000000000000000000'), false);
      await assert.rejects(
        store.unwrap('kek-000000000000000000000000', randomBytes(40), Buffer.alloc(0)),
        (error) => keyNotFound.is(error),
      );
    });
  });
}
