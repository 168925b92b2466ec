import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { createFileKeyStore } from './file-key-store.ts';
import { masterKeyInvalid } from './keys.errors.ts';
import { runKeyStoreContract } from './keystore.contract.ts';
import { createPkcs11KeyStore } from './pkcs11-key-store.ts';
import { createSoftHsmToken } from './softhsm.testing.ts';

const masterKey = randomBytes(32).toString('hex');

runKeyStoreContract('key file sealed under DANGAN_MASTER_KEY', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-keys-'));
  let store = await createFileKeyStore({ dir, masterKey });
  return {
    store,
    async reopen() {
      await store.close();
      store = await createFileKeyStore({ dir, masterKey });
      return store;
    },
    async dispose() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

runKeyStoreContract('key file sealed under a passphrase (scrypt)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-keys-'));
  const open = () => createFileKeyStore({ dir, passphrase: '档案 correct horse', scryptCost: 2 ** 12 });
  let store = await open();
  return {
    store,
    async reopen() {
      await store.close();
      store = await open();
      return store;
    },
    async dispose() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

runKeyStoreContract('PKCS#11 on a SoftHSM2 token', async () => {
  const token = await createSoftHsmToken();
  const open = () =>
    createPkcs11KeyStore({ library: token.library, tokenLabel: token.tokenLabel, pin: token.pin });
  let store = await open();
  return {
    store,
    async reopen() {
      await store.close();
      store = await open();
      return store;
    },
    async dispose() {
      await store.close();
      await token.dispose();
    },
  };
});

describe('key file', () => {
  it('refuses a wrong master key or passphrase with a clear error, and holds no key in the clear', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dangan-keys-'));
    try {
      const store = await createFileKeyStore({ dir, masterKey });
      const keyId = await store.createKey();
      await store.close();
      const text = await readFile(join(dir, 'keystore.json'), 'utf8');
      assert.ok(text.includes(keyId));
      assert.equal((await stat(join(dir, 'keystore.json'))).mode & 0o077, 0, 'private to its owner');
      await assert.rejects(
        createFileKeyStore({ dir, masterKey: randomBytes(32).toString('hex') }),
        (error) => masterKeyInvalid.is(error) && error.zh.includes('主密钥'),
      );
      await assert.rejects(createFileKeyStore({ dir, passphrase: 'guess' }), (error) =>
        masterKeyInvalid.is(error),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without a configured master key, generates a local one and warns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dangan-keys-'));
    try {
      const warnings: string[] = [];
      const store = await createFileKeyStore({ dir, warn: (message) => warnings.push(message) });
      const keyId = await store.createKey();
      const wrapped = await store.wrap(keyId, Buffer.from('k'), Buffer.alloc(0));
      await store.close();
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /DANGAN_MASTER_KEY/);
      const again = await createFileKeyStore({ dir, warn: (message) => warnings.push(message) });
      assert.equal((await again.unwrap(keyId, wrapped, Buffer.alloc(0))).toString(), 'k');
      await again.close();
      assert.equal(warnings.length, 1, 'warned once, when the key was made');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
