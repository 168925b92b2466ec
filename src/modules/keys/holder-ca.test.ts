import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { createFileKeyStore } from './file-key-store.ts';
import {
  checkCaCertificate,
  checkHolderCertificate,
  createSystemCa,
  issueHolderCert,
  openCaKey,
  parseCertificate,
} from './holder-ca.ts';
import { HOLDER_ALGORITHMS, generateHolderKeyPair } from './holder-crypto.ts';
import { certInvalid } from './holders.errors.ts';
import type { KeyStore } from './keys.port.ts';

const invalid = (reason: RegExp) => (error: unknown) =>
  certInvalid.is(error) && reason.test(String(error.details?.['reason']));

describe('the system CA', () => {
  let dir: string;
  let store: KeyStore;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dangan-ca-'));
    store = await createFileKeyStore({ dir, masterKey: randomBytes(32).toString('hex') });
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('issues holder certificates for P-256, RSA-OAEP 3072 and SM2 keys that pass the import checks', async () => {
    const ca = await createSystemCa(store, { name: 'CN=测试 CA, O=dangan' });
    assert.ok(new X509Certificate(ca.certDer).ca);
    assert.equal(ca.sealedPrivateKey.includes(Buffer.from('PRIVATE')), false);
    const key = await openCaKey(store, ca);
    for (const algorithm of HOLDER_ALGORITHMS) {
      const { publicKey } = generateHolderKeyPair(algorithm);
      const issued = await issueHolderCert(
        { certDer: ca.certDer, key },
        { subject: 'CN=张三, O=审批局', spki: publicKey.spki },
      );
      assert.equal(issued.algorithm, algorithm);
      const checked = checkHolderCertificate(issued.certDer, [{ id: 'sys', certDer: ca.certDer }]);
      assert.equal(checked.caId, 'sys');
      assert.equal(checked.algorithm, algorithm);
      assert.deepEqual(checked.spki, publicKey.spki);
      // after its end date it is refused
      assert.throws(
        () =>
          checkHolderCertificate(
            issued.certDer,
            [{ id: 'sys', certDer: ca.certDer }],
            new Date(issued.notAfter.getTime() + 1000),
          ),
        invalid(/expired/),
      );
    }
  });

  it('keeps its signing key sealed: another key store cannot open it', async () => {
    const ca = await createSystemCa(store, { name: 'CN=另一 CA' });
    const otherDir = await mkdtemp(join(tmpdir(), 'dangan-ca-other-'));
    const other = await createFileKeyStore({ dir: otherDir, masterKey: randomBytes(32).toString('hex') });
    try {
      await assert.rejects(openCaKey(other, ca));
    } finally {
      await other.close();
      await rm(otherDir, { recursive: true, force: true });
    }
  });
});

describe('imported certificates (an external SM2 CA made with OpenSSL)', () => {
  let dir: string;
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const read = async (name: string) => parseCertificate(await readFile(join(dir, name), 'utf8'));

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dangan-extca-'));
    openssl('genpkey', '-algorithm', 'SM2', '-out', 'ca.key');
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-sm3',
      '-subj',
      '/CN=Ext SM2 CA',
      '-days',
      '30',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      'ca.crt',
    );
    openssl('genpkey', '-algorithm', 'SM2', '-out', 'other.key');
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      'other.key',
      '-sm3',
      '-subj',
      '/CN=Ext SM2 CA',
      '-days',
      '30',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
      '-out',
      'other.crt',
    );
    const leaf = async (name: string, extensions: string) => {
      openssl('genpkey', '-algorithm', 'SM2', '-out', `${name}.key`);
      openssl('req', '-new', '-key', `${name}.key`, '-sm3', '-subj', `/CN=${name}`, '-out', `${name}.csr`);
      await writeFile(join(dir, `${name}.cnf`), extensions);
      openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-set_serial',
        '7',
        '-sm3',
        '-days',
        '10',
        '-extfile',
        `${name}.cnf`,
        '-out',
        `${name}.crt`,
      );
    };
    await leaf('good', 'keyUsage=critical,keyEncipherment\nbasicConstraints=CA:FALSE\n');
    await leaf('signonly', 'keyUsage=critical,digitalSignature\nbasicConstraints=CA:FALSE\n');
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('accepts a certificate signed by a trusted CA (SM2 with SM3), with its key usage and dates', async () => {
    const ca = await read('ca.crt');
    assert.equal(checkCaCertificate(ca).subject, 'CN=Ext SM2 CA');
    const checked = checkHolderCertificate(await read('good.crt'), [{ id: 'ext', certDer: ca }]);
    assert.deepEqual([checked.caId, checked.algorithm, checked.subject], ['ext', 'sm2', 'CN=good']);
  });

  it('refuses an untrusted issuer, a forged signature, the wrong key usage, a CA as holder, and dates outside', async () => {
    const ca = await read('ca.crt');
    const good = await read('good.crt');
    const other = await read('other.crt');
    const signOnly = await read('signonly.crt');
    assert.throws(() => checkHolderCertificate(good, []), invalid(/trusted CA/));
    // same name, different key: the signature does not verify
    assert.throws(() => checkHolderCertificate(good, [{ id: 'o', certDer: other }]), invalid(/trusted CA/));
    assert.throws(() => checkHolderCertificate(signOnly, [{ id: 'ext', certDer: ca }]), invalid(/key usage/));
    assert.throws(() => checkHolderCertificate(ca, [{ id: 'ext', certDer: ca }]), invalid(/CA certificate/));
    const later = new Date(Date.now() + 20 * 86_400_000);
    assert.throws(
      () => checkHolderCertificate(good, [{ id: 'ext', certDer: ca }], later),
      invalid(/expired/),
    );
    assert.throws(
      () => checkHolderCertificate(good, [{ id: 'ext', certDer: ca }], new Date(Date.now() - 86_400_000)),
      invalid(/not yet valid/),
    );
    assert.throws(() => checkCaCertificate(good), invalid(/not a CA/));
    assert.throws(
      () => parseCertificate('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'),
      invalid(/X\.509/),
    );
  });
});
