/**
 * A holder's own key (any signed-in user, on their own key only): create a key pair and have the
 * system CA certify it, unlock it for a while, lock it, and share the content they can open with
 * holders who were granted the level after it was stored. Every step is an event.
 *
 * Trust model (docs/SECURITY-KEYS.md): a key created here is generated in the server's memory and
 * stored only sealed under scrypt(passphrase); the server sees the private key while it is unlocked.
 * A holder who does not accept that generates the key themselves and submits only the public key
 * (or has a certificate imported), and unlocks by presenting the private key for the session only.
 */
import { randomUUID } from 'node:crypto';

import type { Queryable } from '../../db/database.port.ts';
import type { Actor } from '../access/access.policy.ts';
import { forbidden } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';
import { issueHolderCert, openCaKey } from './holder-ca.ts';
import {
  algorithmOfSpki,
  fingerprint,
  generateHolderKeyPair,
  openPrivateKey,
  parseHolderPrivateKey,
  publicKeyOf,
  sealPrivateKey,
  unwrapAsHolder,
  wrapForHolder,
  type HolderAlgorithm,
  type HolderPrivateKey,
  type ScryptParams,
} from './holder-crypto.ts';
import { holderShareContext } from './holder-seal.ts';
import {
  caMissing,
  holderKeyUnsupported,
  holderLocked,
  holderPassphraseWeak,
  holderPassphraseWrong,
} from './holders.errors.ts';
import { CERT_SELECT, certView, type CertRow, type CertView, type HoldersDeps } from './holders.usecases.ts';

export const MIN_PASSPHRASE = 12;

export interface SelfDeps extends HoldersDeps {
  /** scrypt cost for new sealed keys (tests lower it) */
  scrypt?: ScryptParams;
}

function self(actor: Actor): string {
  // Holder keys belong to people: the local operator and API tokens without a user have none.
  if (actor.kind !== 'user' || actor.userId === null) throw forbidden({ action: 'key.self' });
  return actor.userId;
}

export interface MyKeys {
  certs: CertView[];
  levels: string[];
  unlocked: string[];
}

export async function myKeys(deps: SelfDeps, actor: Actor): Promise<MyKeys> {
  const userId = self(actor);
  const certs = await deps.db.query<CertRow>(`${CERT_SELECT} WHERE hc.user_id = $1 ORDER BY hc.created_at`, [
    userId,
  ]);
  const levels = await deps.db.query<{ level: string }>(
    'SELECT level FROM holder_grants WHERE user_id = $1 ORDER BY level',
    [userId],
  );
  return {
    certs: certs.rows.map(certView),
    levels: levels.rows.map((row) => row.level),
    unlocked: [...deps.keyring.holders.keysOf(userId).keys()],
  };
}

/**
 * Creates the holder's key pair (server-generated, sealed under their passphrase) or certifies a
 * public key they generated themselves; the system CA signs the certificate.
 */
export async function createMyKey(
  deps: SelfDeps,
  actor: Actor,
  input: { algorithm?: HolderAlgorithm; passphrase?: string; publicKeyPem?: string; days?: number },
): Promise<CertView> {
  const userId = self(actor);
  const { db, keyring } = deps;
  const ca = await db.query<{
    id: string;
    cert_der: Uint8Array;
    fingerprint: string;
    key_ref: string;
    wrapped_seal_key: Uint8Array;
    sealed_private_key: Uint8Array;
  }>(`SELECT * FROM holder_cas WHERE kind = 'system' AND state = 'active'`);
  const caRow = ca.rows[0];
  if (!caRow) throw caMissing();
  const user = await db.query<{ username: string; org: string }>(
    `SELECT u.username, o.name AS org FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.id = $1`,
    [userId],
  );
  const { username, org } = user.rows[0]!;
  let spki: Buffer;
  let privateKey: HolderPrivateKey | undefined;
  if (input.publicKeyPem !== undefined) {
    spki = publicKeyFromPem(input.publicKeyPem);
  } else {
    if (!input.passphrase || [...input.passphrase].length < MIN_PASSPHRASE)
      throw holderPassphraseWeak({ min: MIN_PASSPHRASE });
    const pair = generateHolderKeyPair(input.algorithm ?? 'ecdh-p256');
    spki = pair.publicKey.spki;
    privateKey = pair.privateKey;
  }
  const caKey = await openCaKey(keyring.store, {
    fingerprint: caRow.fingerprint,
    keyRef: caRow.key_ref,
    wrappedSealKey: Buffer.from(caRow.wrapped_seal_key),
    sealedPrivateKey: Buffer.from(caRow.sealed_private_key),
  });
  const issued = await issueHolderCert(
    { certDer: Buffer.from(caRow.cert_der), key: caKey },
    { subject: subjectOf(username, org), spki, days: input.days, now: deps.now?.() },
  );
  const fp = fingerprint(issued.certDer);
  const sealed = privateKey ? await sealPrivateKey(privateKey, input.passphrase!, fp, deps.scrypt) : null;
  privateKey?.der.fill(0);
  const id = randomUUID();
  return db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO holder_certs (id, user_id, algorithm, origin, ca_id, serial, subject, cert_der, fingerprint, spki,
                                 sealed_private_key, not_before, not_after, state, created_by)
       VALUES ($1, $2, $3, 'issued', $4, $5, $6, $7, $8, $9, $10, $11, $12, 'active', $13)`,
      [
        id,
        userId,
        issued.algorithm,
        caRow.id,
        issued.serial,
        subjectOf(username, org),
        issued.certDer,
        fp,
        spki,
        sealed,
        issued.notBefore,
        issued.notAfter,
        actor.label,
      ],
    );
    await recordEvent(tx, actor, 'key.cert_issue', {
      fingerprint: fp,
      algorithm: issued.algorithm,
      keyCustody: sealed ? 'sealed' : 'holder',
    });
    const row = await tx.query<CertRow>(`${CERT_SELECT} WHERE hc.id = $1`, [id]);
    return certView(row.rows[0]!);
  });
}

function subjectOf(username: string, org: string): string {
  const clean = (s: string) => s.replace(/[,+="\\<>;#]/g, ' ').trim() || '-';
  return `CN=${clean(username)}, O=${clean(org)}`;
}

function publicKeyFromPem(pem: string): Buffer {
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
  if (der.length < 32) throw holderKeyUnsupported({ reason: 'unreadable public key' });
  algorithmOfSpki(der);
  return der;
}

/**
 * Unlocks the holder's active keys for `minutes`: those the server keeps sealed open with the
 * passphrase; a key the holder keeps opens when they present it (it must fit the certificate).
 */
export async function unlockMyKeys(
  deps: SelfDeps,
  actor: Actor,
  input: { passphrase?: string; privateKeyPem?: string; minutes?: number },
): Promise<{ unlocked: string[]; expiresAt: string }> {
  const userId = self(actor);
  const { rows } = await deps.db.query<CertRow>(
    `${CERT_SELECT} WHERE hc.user_id = $1 AND hc.state = 'active' AND hc.not_after > now()`,
    [userId],
  );
  const keys = new Map<string, HolderPrivateKey>();
  for (const row of rows) {
    const algorithm = row.algorithm as HolderAlgorithm;
    try {
      if (row.sealed_private_key && input.passphrase !== undefined) {
        keys.set(
          row.id,
          await openPrivateKey(
            Buffer.from(row.sealed_private_key),
            algorithm,
            input.passphrase,
            row.fingerprint,
          ),
        );
      } else if (!row.sealed_private_key && input.privateKeyPem !== undefined) {
        const key = parseHolderPrivateKey(algorithm, input.privateKeyPem);
        if (publicKeyOf(key).spki.equals(Buffer.from(row.spki))) keys.set(row.id, key);
      }
    } catch (error) {
      if (!holderPassphraseWrong.is(error) && !holderKeyUnsupported.is(error)) throw error;
    }
  }
  if (keys.size === 0) {
    await recordEvent(deps.db, actor, 'key.holder_unlock', { outcome: 'failed', certs: rows.length });
    throw holderPassphraseWrong();
  }
  const expiresAt = deps.keyring.holders.put(userId, keys, input.minutes ?? 15);
  await recordEvent(deps.db, actor, 'key.holder_unlock', {
    certs: [...keys.keys()],
    until: expiresAt.toISOString(),
  });
  return { unlocked: [...keys.keys()], expiresAt: expiresAt.toISOString() };
}

export async function lockMyKeys(deps: SelfDeps, actor: Actor): Promise<{ locked: boolean }> {
  const userId = self(actor);
  const locked = deps.keyring.holders.lock(userId);
  await recordEvent(deps.db, actor, 'key.holder_lock', { locked });
  return { locked };
}

/**
 * Shares what the unlocked holder can open with the other holders of the same levels whose
 * certificates have no wrap yet (a holder granted later, a renewed certificate). The holder share is
 * unwrapped with the caller's key and wrapped for each missing certificate; the data key never
 * changes and the server's KEK is not involved.
 */
export async function shareWraps(deps: SelfDeps, actor: Actor): Promise<{ wrapsAdded: number }> {
  const userId = self(actor);
  const keys = deps.keyring.holders.keysOf(userId);
  if (keys.size === 0) throw holderLocked();
  let added = 0;
  await deps.db.transaction(async (tx: Queryable) => {
    const { rows } = await tx.query<{
      address: string;
      cipher: string;
      own_cert: string;
      own_wrap: Uint8Array;
      cert_id: string;
      algorithm: HolderAlgorithm;
      spki: Uint8Array;
    }>(
      `SELECT DISTINCT ON (bk.address, hc.id) bk.address, bk.cipher, w.cert_id AS own_cert, w.wrapped AS own_wrap,
              hc.id AS cert_id, hc.algorithm, hc.spki
         FROM blob_holder_wraps w
         JOIN blob_keys bk ON bk.address = w.address AND bk.wrapped_key IS NOT NULL
         JOIN holder_grants mine ON mine.level = bk.level AND mine.user_id = $1
         JOIN holder_grants hg ON hg.level = bk.level
         JOIN holder_certs hc ON hc.user_id = hg.user_id AND hc.state = 'active' AND hc.not_after > now()
        WHERE w.cert_id = ANY($2::uuid[])
          AND NOT EXISTS (SELECT 1 FROM blob_holder_wraps x WHERE x.address = bk.address AND x.cert_id = hc.id)
        ORDER BY bk.address, hc.id`,
      [userId, [...keys.keys()]],
    );
    for (const row of rows) {
      const context = holderShareContext(row.address, row.cipher);
      const share = unwrapAsHolder(keys.get(row.own_cert)!, Buffer.from(row.own_wrap), context);
      const wrapped = wrapForHolder(
        { algorithm: row.algorithm, spki: Buffer.from(row.spki) },
        share,
        context,
      );
      share.fill(0);
      await tx.query(
        'INSERT INTO blob_holder_wraps (address, cert_id, wrapped) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [row.address, row.cert_id, wrapped],
      );
      added++;
    }
    await recordEvent(tx, actor, 'key.holder_share', { wrapsAdded: added });
  });
  return { wrapsAdded: added };
}
