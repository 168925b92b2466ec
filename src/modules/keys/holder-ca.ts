/**
 * The system certificate authority (系统 CA) and the checks on imported certificates.
 *
 * The CA signs with ECDSA P-256 / SHA-256 (RFC 5480, RFC 5758). Its private key never rests in the
 * clear: it is AES-256-GCM sealed under a random seal key, and the seal key is wrapped by the
 * KeyStore under a KEK of its own (key file or PKCS#11 token), exactly like the levels' secrets.
 * Certificates are built with @peculiar/x509 on Node's WebCrypto; imported certificates are verified
 * with Node's X509Certificate (OpenSSL: RSA, ECDSA and SM2-with-SM3 signatures alike).
 */
import { createRequire } from 'node:module';
import {
  X509Certificate as NodeCertificate,
  createCipheriv,
  createDecipheriv,
  randomBytes,
  webcrypto,
} from 'node:crypto';
import type * as X509 from '@peculiar/x509';

import { algorithmOfSpki, fingerprint, type HolderAlgorithm } from './holder-crypto.ts';
import { certInvalid } from './holders.errors.ts';
import type { KeyStore } from './keys.port.ts';

type CryptoKey = webcrypto.CryptoKey;

// @peculiar/x509 takes about a second to load: loaded on first use, not by every CLI command.
const load = createRequire(import.meta.url);
let x509lib: typeof X509 | undefined;
function x509(): typeof X509 {
  if (!x509lib) {
    load('reflect-metadata'); // its dependency injection (tsyringe) needs it first
    x509lib = load('@peculiar/x509') as typeof X509;
    x509lib.cryptoProvider.set(webcrypto as unknown as Parameters<typeof X509.cryptoProvider.set>[0]);
  }
  return x509lib;
}

const SIGNING = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface SystemCaMaterial {
  certDer: Buffer;
  fingerprint: string;
  subject: string;
  store: KeyStore['kind'];
  keyRef: string;
  wrappedSealKey: Buffer;
  sealedPrivateKey: Buffer;
}

function caContext(fp: string): Buffer {
  return Buffer.from(`dangan.ca-key\0${fp}`);
}

/** Creates the system CA: a self-signed P-256 certificate and its sealed private key. */
export async function createSystemCa(
  store: KeyStore,
  options: { name: string; years?: number; now?: Date },
): Promise<SystemCaMaterial> {
  const now = options.now ?? new Date();
  const keys = await webcrypto.subtle.generateKey(SIGNING, true, ['sign', 'verify']);
  const cert = await x509().X509CertificateGenerator.createSelfSigned({
    name: options.name,
    keys,
    signingAlgorithm: SIGNING,
    serialNumber: randomSerial(),
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + (options.years ?? 10) * 365 * DAY),
    extensions: [
      new (x509().BasicConstraintsExtension)(true, 0, true),
      new (x509().KeyUsagesExtension)(x509().KeyUsageFlags.keyCertSign | x509().KeyUsageFlags.cRLSign, true),
      await x509().SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const certDer = Buffer.from(cert.rawData);
  const fp = fingerprint(certDer);
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const sealKey = randomBytes(32);
  const keyRef = await store.createKey();
  const wrappedSealKey = await store.wrap(keyRef, sealKey, caContext(fp));
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey, nonce).setAAD(caContext(fp));
  const sealedPrivateKey = Buffer.concat([nonce, cipher.update(pkcs8), cipher.final(), cipher.getAuthTag()]);
  sealKey.fill(0);
  pkcs8.fill(0);
  return {
    certDer,
    fingerprint: fp,
    subject: cert.subject,
    store: store.kind,
    keyRef,
    wrappedSealKey,
    sealedPrivateKey,
  };
}

/** The CA's signing key, unsealed through the KeyStore (non-extractable once imported). */
export async function openCaKey(
  store: KeyStore,
  row: { fingerprint: string; keyRef: string; wrappedSealKey: Buffer; sealedPrivateKey: Buffer },
): Promise<CryptoKey> {
  const sealKey = await store.unwrap(row.keyRef, row.wrappedSealKey, caContext(row.fingerprint));
  const nonce = row.sealedPrivateKey.subarray(0, 12);
  const body = row.sealedPrivateKey.subarray(12);
  const decipher = createDecipheriv('aes-256-gcm', sealKey, nonce).setAAD(caContext(row.fingerprint));
  decipher.setAuthTag(body.subarray(body.length - 16));
  const pkcs8 = Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
  sealKey.fill(0);
  try {
    return await webcrypto.subtle.importKey('pkcs8', pkcs8, SIGNING, false, ['sign']);
  } finally {
    pkcs8.fill(0);
  }
}

/** What a holder certificate must allow: key agreement for ECDH, key encipherment for RSA and SM2. */
function requiredUsage(algorithm: HolderAlgorithm): number {
  return algorithm === 'ecdh-p256' ? x509().KeyUsageFlags.keyAgreement : x509().KeyUsageFlags.keyEncipherment;
}

/** Issues a holder certificate for `spki` (any of the three holder algorithms). */
export async function issueHolderCert(
  ca: { certDer: Buffer; key: CryptoKey },
  holder: { subject: string; spki: Buffer; days?: number; now?: Date },
): Promise<{ certDer: Buffer; serial: string; notBefore: Date; notAfter: Date; algorithm: HolderAlgorithm }> {
  const algorithm = algorithmOfSpki(holder.spki);
  const caCert = new (x509().X509Certificate)(new Uint8Array(ca.certDer));
  const now = holder.now ?? new Date();
  const notBefore = new Date(Math.floor((now.getTime() - 60_000) / 1000) * 1000);
  const notAfter = new Date(Math.floor((now.getTime() + (holder.days ?? 730) * DAY) / 1000) * 1000);
  const serial = randomSerial();
  const cert = await x509().X509CertificateGenerator.create({
    subject: holder.subject,
    issuer: caCert.subject,
    publicKey: new Uint8Array(holder.spki),
    signingKey: ca.key,
    signingAlgorithm: SIGNING,
    serialNumber: serial,
    notBefore,
    notAfter,
    extensions: [
      new (x509().BasicConstraintsExtension)(false, undefined, true),
      new (x509().KeyUsagesExtension)(requiredUsage(algorithm), true),
      await x509().AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { certDer: Buffer.from(cert.rawData), serial, notBefore, notAfter, algorithm };
}

function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f; // positive INTEGER (RFC 5280 §4.1.2.2)
  if (bytes[0] === 0) bytes[0] = 1;
  return bytes.toString('hex');
}

/** Reads a certificate given as PEM or DER (Base64 or raw); key.cert_invalid when it is not one. */
export function parseCertificate(input: string | Buffer): Buffer {
  try {
    const cert = new NodeCertificate(input);
    return Buffer.from(cert.raw);
  } catch (error) {
    throw certInvalid({ reason: 'not an X.509 certificate / 不是 X.509 证书' }, { cause: error });
  }
}

export interface CaCheck {
  certDer: Buffer;
  subject: string;
}

/** Checks that a certificate may act as a CA for holders: cA, keyCertSign, within its dates. */
export function checkCaCertificate(certDer: Buffer, now: Date = new Date()): CaCheck {
  const cert = new (x509().X509Certificate)(new Uint8Array(certDer));
  const basic = cert.getExtension(x509().BasicConstraintsExtension);
  if (!basic?.ca) throw certInvalid({ reason: 'not a CA (basicConstraints cA) / 不是 CA 证书' });
  const usage = cert.getExtension(x509().KeyUsagesExtension);
  if (usage && !(usage.usages & x509().KeyUsageFlags.keyCertSign))
    throw certInvalid({ reason: 'CA may not sign certificates (keyCertSign) / CA 无签发用途' });
  checkDates(cert, now, 'CA');
  return { certDer, subject: cert.subject };
}

function checkDates(cert: X509.X509Certificate, now: Date, what: string): void {
  if (now < cert.notBefore) throw certInvalid({ reason: `${what} not yet valid / 尚未生效` });
  if (now > cert.notAfter) throw certInvalid({ reason: `${what} expired / 已过期` });
}

export interface HolderCertCheck {
  caId: string;
  algorithm: HolderAlgorithm;
  spki: Buffer;
  subject: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

/**
 * Checks a holder certificate against the CAs we trust (the system CA and imported roots): issued
 * and signed by one of them (directly: no intermediates), both within their dates, not a CA itself,
 * the key usage the algorithm needs (RFC 5280 §4.2.1.3), a key we can wrap for.
 */
export function checkHolderCertificate(
  certDer: Buffer,
  cas: readonly { id: string; certDer: Buffer }[],
  now: Date = new Date(),
): HolderCertCheck {
  const cert = new (x509().X509Certificate)(new Uint8Array(certDer));
  const node = new NodeCertificate(certDer);
  const issuer = cas.find((ca) => {
    const caNode = new NodeCertificate(ca.certDer);
    return node.checkIssued(caNode) && safeVerify(node, caNode);
  });
  if (!issuer) throw certInvalid({ reason: 'not issued by a trusted CA / 非受信任 CA 签发或签名无效' });
  checkDates(new (x509().X509Certificate)(new Uint8Array(issuer.certDer)), now, 'CA');
  checkDates(cert, now, 'certificate');
  if (cert.getExtension(x509().BasicConstraintsExtension)?.ca)
    throw certInvalid({ reason: 'a CA certificate cannot be a holder / CA 证书不能作持有人证书' });
  const spki = Buffer.from(node.publicKey.export({ type: 'spki', format: 'der' }));
  const algorithm = algorithmOfSpki(spki);
  const usage = cert.getExtension(x509().KeyUsagesExtension);
  if (!usage || !(usage.usages & requiredUsage(algorithm)))
    throw certInvalid({
      reason: `key usage must include ${algorithm === 'ecdh-p256' ? 'keyAgreement' : 'keyEncipherment'} / 密钥用途不符`,
    });
  return {
    caId: issuer.id,
    algorithm,
    spki,
    subject: cert.subject,
    serial: cert.serialNumber,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  };
}

function safeVerify(cert: NodeCertificate, ca: NodeCertificate): boolean {
  try {
    return cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}

export function certificatePem(der: Buffer): string {
  return new NodeCertificate(der).toString();
}
