/**
 * The embedded KeyStore: key-encryption keys kept in one file in the data folder, each sealed
 * (AES-256-GCM) under a master key that is not in that folder — from the environment
 * (DANGAN_MASTER_KEY, 32 bytes) or derived from a passphrase (DANGAN_MASTER_PASSPHRASE) with scrypt
 * (RFC 7914). Without either, a master key file is generated beside it and a warning says so: that
 * protects nothing against a stolen disk and is meant for trying the system out only.
 *
 *   <dir>/keystore.json   { format, master: {kind, scrypt salt/params}, check, keys: {id: sealed KEK} }
 *   <dir>/master.key      only when no master key is configured (mode 0600)
 *
 * Writes are atomic (temporary file, fsync, rename, directory fsync); the file is read again before
 * every change, so a CLI and a server sharing a data folder see each other's keys.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  keyNotFound,
  keyStoreFailed,
  keyUnwrapFailed,
  masterKeyInvalid,
  masterKeyMalformed,
} from './keys.errors.ts';
import { MAX_WRAPPED_SECRET } from './keys.port.ts';
import type { KeyStore } from './keys.port.ts';

export interface FileKeyStoreOptions {
  /** folder of keystore.json (created when missing) */
  dir: string;
  /** DANGAN_MASTER_KEY: 64 hex digits or Base64 of 32 bytes */
  masterKey?: string | undefined;
  /** DANGAN_MASTER_PASSPHRASE */
  passphrase?: string | undefined;
  /** told once when the master key is a generated local file */
  warn?: (message: string) => void;
  /** scrypt cost (tests lower it); default N = 2^15, r = 8, p = 1 (32 MiB, ~0.1 s) */
  scryptCost?: number;
}

interface KeyFile {
  format: 'dangan-keystore-1';
  master: { kind: 'key' | 'passphrase' | 'local'; salt?: string; N?: number; r?: number; p?: number };
  /** a known text sealed under the master key: tells a wrong master key from a damaged file */
  check: string;
  keys: Record<string, { createdAt: string; sealed: string }>;
}

const CHECK_TEXT = Buffer.from('dangan keystore master check');
const WRAP_VERSION = 1;

export async function createFileKeyStore(options: FileKeyStoreOptions): Promise<KeyStore> {
  const path = join(options.dir, 'keystore.json');
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  let file = await readKeyFile(path);
  let master: Buffer;
  if (file) {
    master = await masterFor(file.master, options);
    if (!opens(master, file.check, CHECK_TEXT, 'check')) throw masterKeyInvalid({ file: path });
  } else {
    const kind: KeyFile['master']['kind'] = options.masterKey
      ? 'key'
      : options.passphrase
        ? 'passphrase'
        : 'local';
    const params: KeyFile['master'] =
      kind === 'passphrase'
        ? { kind, salt: randomBytes(16).toString('base64'), N: options.scryptCost ?? 2 ** 15, r: 8, p: 1 }
        : { kind };
    master = await masterFor(params, options);
    file = {
      format: 'dangan-keystore-1',
      master: params,
      check: sealWith(master, CHECK_TEXT, 'check'),
      keys: {},
    };
    await writeAtomically(path, file);
  }
  let current: KeyFile = file;
  const latestOrCurrent = async () => (await readKeyFile(path)) ?? current;

  const kekCache = new Map<string, Buffer>();
  async function kek(keyId: string): Promise<Buffer> {
    const cached = kekCache.get(keyId);
    if (cached) return cached;
    let entry = current.keys[keyId];
    if (!entry) {
      current = await latestOrCurrent(); // another process may have created it
      entry = current.keys[keyId];
    }
    if (!entry) throw keyNotFound({ keyId });
    const key = openWith(master, entry.sealed, Buffer.from(`kek\0${keyId}`));
    if (!key) throw keyUnwrapFailed({ keyId });
    kekCache.set(keyId, key);
    return key;
  }

  // One change at a time within this process.
  let changing: Promise<unknown> = Promise.resolve();
  function change<T>(edit: (file: KeyFile) => T): Promise<T> {
    const run = changing.then(async () => {
      const latest = await latestOrCurrent();
      const result = edit(latest);
      await writeAtomically(path, latest);
      current = latest;
      return result;
    });
    changing = run.catch(() => undefined);
    return run;
  }

  return {
    kind: 'file',
    async createKey() {
      const keyId = `kek-${randomBytes(12).toString('hex')}`;
      const key = randomBytes(32);
      await change((f) => {
        f.keys[keyId] = {
          createdAt: new Date().toISOString(),
          sealed: sealWith(master, key, `kek\0${keyId}`),
        };
      });
      kekCache.set(keyId, key);
      return keyId;
    },
    async wrap(keyId, secret, context) {
      if (secret.length > MAX_WRAPPED_SECRET) throw new TypeError('wrap: secret too long');
      const key = await kek(keyId);
      const nonce = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, nonce);
      c.setAAD(context);
      const body = Buffer.concat([c.update(secret), c.final()]);
      return Buffer.concat([Buffer.from([WRAP_VERSION]), nonce, body, c.getAuthTag()]);
    },
    async unwrap(keyId, wrapped, context) {
      const key = await kek(keyId);
      if (wrapped.length < 1 + 12 + 16 || wrapped[0] !== WRAP_VERSION) throw keyUnwrapFailed({ keyId });
      try {
        const d = createDecipheriv('aes-256-gcm', key, wrapped.subarray(1, 13));
        d.setAAD(context);
        d.setAuthTag(wrapped.subarray(wrapped.length - 16));
        return Buffer.concat([d.update(wrapped.subarray(13, wrapped.length - 16)), d.final()]);
      } catch {
        throw keyUnwrapFailed({ keyId });
      }
    },
    async destroyKey(keyId) {
      kekCache.get(keyId)?.fill(0);
      kekCache.delete(keyId);
      await change((f) => {
        delete f.keys[keyId];
      });
    },
    async hasKey(keyId) {
      current = await latestOrCurrent();
      return keyId in current.keys;
    },
    async listKeys() {
      current = await latestOrCurrent();
      return Object.keys(current.keys);
    },
    async close() {
      await changing;
      for (const key of kekCache.values()) key.fill(0);
      kekCache.clear();
    },
  };
}

async function masterFor(params: KeyFile['master'], options: FileKeyStoreOptions): Promise<Buffer> {
  switch (params.kind) {
    case 'key':
      if (!options.masterKey) throw masterKeyInvalid({ file: 'DANGAN_MASTER_KEY' });
      return parseMasterKey(options.masterKey);
    case 'passphrase': {
      if (!options.passphrase) throw masterKeyInvalid({ file: 'DANGAN_MASTER_PASSPHRASE' });
      const N = params.N ?? 2 ** 15;
      const r = params.r ?? 8;
      const p = params.p ?? 1;
      return scrypt(options.passphrase, Buffer.from(params.salt ?? '', 'base64'), 32, {
        N,
        r,
        p,
        maxmem: 256 * N * r,
      });
    }
    case 'local': {
      if (options.masterKey || options.passphrase) {
        // A master key was configured after the key file was made with a local one.
        throw masterKeyInvalid({ file: join(options.dir, 'master.key') });
      }
      const keyPath = join(options.dir, 'master.key');
      try {
        return parseMasterKey((await readFile(keyPath, 'utf8')).trim());
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      options.warn?.(
        `未配置主密钥（DANGAN_MASTER_KEY 或 DANGAN_MASTER_PASSPHRASE），已生成 ${keyPath}：仅供试用，生产环境须配置主密钥。` +
          ` / No master key configured: generated ${keyPath}, for trying out only; configure a master key in production.`,
      );
      const key = randomBytes(32);
      await writeFile(keyPath, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
      return key;
    }
  }
}

export function parseMasterKey(text: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw masterKeyMalformed();
  return key;
}

function scrypt(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFC'), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function sealWith(master: Buffer, secret: Buffer, context: string): string {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', master, nonce);
  c.setAAD(Buffer.from(context));
  const body = Buffer.concat([c.update(secret), c.final()]);
  return Buffer.concat([nonce, body, c.getAuthTag()]).toString('base64');
}

function openWith(master: Buffer, sealed: string, context: Buffer): Buffer | undefined {
  const raw = Buffer.from(sealed, 'base64');
  if (raw.length < 28) return undefined;
  try {
    const d = createDecipheriv('aes-256-gcm', master, raw.subarray(0, 12));
    d.setAAD(context);
    d.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]);
  } catch {
    return undefined;
  }
}

function opens(master: Buffer, sealed: string, expected: Buffer, context: string): boolean {
  return openWith(master, sealed, Buffer.from(context))?.equals(expected) ?? false;
}

async function readKeyFile(path: string): Promise<KeyFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw keyStoreFailed({ operation: 'read' }, { cause: error });
  }
  const file = JSON.parse(text) as KeyFile;
  if (file.format !== 'dangan-keystore-1') throw keyStoreFailed({ operation: 'read: unknown format' });
  return file;
}

async function writeAtomically(path: string, file: KeyFile): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fh = await open(temp, 'wx', 0o600);
    try {
      await fh.writeFile(`${JSON.stringify(file, null, 2)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, path);
    const dir = await open(join(path, '..'), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (error) {
    throw keyStoreFailed({ operation: 'write' }, { cause: error });
  }
}
