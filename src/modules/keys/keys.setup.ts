/** Opens the configured key store and keyring (or none when encryption is off). */
import { join } from 'node:path';
import type { Logger } from 'pino';

import type { Config } from '../../app/config.ts';
import { createFileKeyStore } from './file-key-store.ts';
import { createKeyring } from './keyring.ts';
import type { Keyring } from './keyring.ts';
import { keyStoreConfigInvalid } from './keys.errors.ts';
import type { KeyStore } from './keys.port.ts';
import { createPkcs11KeyStore } from './pkcs11-key-store.ts';

/** The key file's folder in the data folder (beside the ledger's signing key). */
export function keyStoreDir(config: Config): string {
  return join(config.dataDir, 'keys');
}

export async function openKeyStore(
  config: Config,
  log: Pick<Logger, 'warn'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<KeyStore> {
  const { encryption } = config;
  if (encryption.keyStore === 'pkcs11') {
    if (!encryption.pkcs11Library || !encryption.pkcs11Token || !env.DANGAN_PKCS11_PIN) {
      throw keyStoreConfigInvalid({
        reason: 'pkcs11 needs DANGAN_PKCS11_LIBRARY, DANGAN_PKCS11_TOKEN and DANGAN_PKCS11_PIN',
      });
    }
    return createPkcs11KeyStore({
      library: encryption.pkcs11Library,
      tokenLabel: encryption.pkcs11Token,
      pin: env.DANGAN_PKCS11_PIN,
    });
  }
  return createFileKeyStore({
    dir: keyStoreDir(config),
    masterKey: env.DANGAN_MASTER_KEY,
    passphrase: env.DANGAN_MASTER_PASSPHRASE,
    warn: (message) => log.warn(message),
  });
}

export async function openKeyring(config: Config, log: Pick<Logger, 'warn'>): Promise<Keyring> {
  return createKeyring(await openKeyStore(config, log), config.encryption.cipher, {
    holderLevels: holderLevelsOf(config),
    holdersRequired: config.encryption.holdersRequired,
  });
}

/** The levels at or above encryption.holderFromLevel. */
export function holderLevelsOf(config: Config): string[] {
  const from = config.secrecyLevels.find((l) => l.code === config.encryption.holderFromLevel);
  if (!from) return [];
  return config.secrecyLevels.filter((l) => l.rank >= from.rank).map((l) => l.code);
}
