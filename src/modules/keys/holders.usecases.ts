/**
 * The security officer's side of holder protection (action key.manage): the system CA, trusted
 * external CAs, certificates (import, revoke) and who holds which level (grant, revoke). Every
 * operation is an event in the same transaction as its change, and so enters the ledger.
 * The holders' own side (their key, unlock, share) is in holder-self.usecases.ts.
 */
import { randomUUID } from 'node:crypto';

import type { Database, Queryable } from '../../db/database.port.ts';
import { authorize, can, type Actor } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';
import { userNotFound } from '../users/users.errors.ts';
import {
  certificatePem,
  checkCaCertificate,
  checkHolderCertificate,
  createSystemCa,
  parseCertificate,
} from './holder-ca.ts';
import { fingerprint } from './holder-crypto.ts';
import type { Keyring } from './keyring.ts';
import {
  caExists,
  certInvalid,
  certNotFound,
  holderIneligible,
  holderLast,
  holderLevelBelow,
  holderNotGranted,
} from './holders.errors.ts';

export interface HoldersDeps {
  db: Database;
  keyring: Keyring;
  /** encryption.holderFromLevel, for messages */
  holderFromLevel: string;
  now?: () => Date;
}

export interface CaView {
  id: string;
  kind: 'system' | 'trusted';
  subject: string;
  fingerprint: string;
  state: string;
  createdAt: string;
  pem: string;
}

interface CaRow {
  id: string;
  kind: 'system' | 'trusted';
  subject: string;
  fingerprint: string;
  state: string;
  created_at: Date;
  cert_der: Uint8Array;
}

function caView(row: CaRow): CaView {
  return {
    id: row.id,
    kind: row.kind,
    subject: row.subject,
    fingerprint: row.fingerprint,
    state: row.state,
    createdAt: new Date(row.created_at).toISOString(),
    pem: certificatePem(Buffer.from(row.cert_der)),
  };
}

/** Creates the system CA (once). Its private key is sealed through the KeyStore. */
export async function initSystemCa(deps: HoldersDeps, actor: Actor, name?: string): Promise<CaView> {
  authorize(actor, 'key.manage');
  const { db, keyring } = deps;
  const existing = await db.query(`SELECT 1 FROM holder_cas WHERE kind = 'system' AND state = 'active'`);
  if (existing.rows.length > 0) throw caExists();
  const material = await createSystemCa(keyring.store, {
    name: name ?? 'CN=dangan 系统证书颁发机构, O=dangan',
    now: deps.now?.(),
  });
  const id = randomUUID();
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<CaRow>(
      `INSERT INTO holder_cas (id, kind, subject, cert_der, fingerprint, store, key_ref, wrapped_seal_key,
                               sealed_private_key, state, created_by)
       VALUES ($1, 'system', $2, $3, $4, $5, $6, $7, $8, 'active', $9) RETURNING *`,
      [
        id,
        material.subject,
        material.certDer,
        material.fingerprint,
        material.store,
        material.keyRef,
        material.wrappedSealKey,
        material.sealedPrivateKey,
        actor.label,
      ],
    );
    await recordEvent(tx, actor, 'key.ca_init', {
      fingerprint: material.fingerprint,
      subject: material.subject,
    });
    return caView(rows[0]!);
  });
}

/** Imports an external root whose holder certificates we accept. */
export async function trustCa(deps: HoldersDeps, actor: Actor, pem: string): Promise<CaView> {
  authorize(actor, 'key.manage');
  const der = parseCertificate(pem);
  const checked = checkCaCertificate(der, deps.now?.());
  const fp = fingerprint(der);
  return deps.db.transaction(async (tx) => {
    const { rows } = await tx.query<CaRow>(
      `INSERT INTO holder_cas (id, kind, subject, cert_der, fingerprint, state, created_by)
       VALUES ($1, 'trusted', $2, $3, $4, 'active', $5) ON CONFLICT (fingerprint) DO NOTHING RETURNING *`,
      [randomUUID(), checked.subject, der, fp, actor.label],
    );
    if (!rows[0]) throw certInvalid({ reason: 'already imported / 已导入' });
    await recordEvent(tx, actor, 'key.ca_trust', { fingerprint: fp, subject: checked.subject });
    return caView(rows[0]);
  });
}

export async function listCas(deps: HoldersDeps, actor: Actor): Promise<CaView[]> {
  authorize(actor, 'key.manage');
  const { rows } = await deps.db.query<CaRow>('SELECT * FROM holder_cas ORDER BY created_at, id');
  return rows.map(caView);
}

export interface CertView {
  id: string;
  username: string;
  algorithm: string;
  origin: 'issued' | 'imported';
  /** whether the server keeps the private key sealed under the holder's passphrase */
  sealedKey: boolean;
  serial: string;
  subject: string;
  fingerprint: string;
  notBefore: string;
  notAfter: string;
  state: 'active' | 'revoked';
  revokedAt: string | null;
  revokeReason: string | null;
  pem: string;
}

export interface CertRow {
  id: string;
  user_id: string;
  username: string;
  algorithm: string;
  origin: 'issued' | 'imported';
  sealed_private_key: Uint8Array | null;
  serial: string;
  subject: string;
  fingerprint: string;
  not_before: Date;
  not_after: Date;
  state: 'active' | 'revoked';
  revoked_at: Date | null;
  revoke_reason: string | null;
  cert_der: Uint8Array;
  spki: Uint8Array;
}

export const CERT_SELECT = `SELECT hc.*, u.username FROM holder_certs hc JOIN users u ON u.id = hc.user_id`;

export function certView(row: CertRow): CertView {
  return {
    id: row.id,
    username: row.username,
    algorithm: row.algorithm,
    origin: row.origin,
    sealedKey: row.sealed_private_key !== null,
    serial: row.serial,
    subject: row.subject,
    fingerprint: row.fingerprint,
    notBefore: new Date(row.not_before).toISOString(),
    notAfter: new Date(row.not_after).toISOString(),
    state: row.state,
    revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
    revokeReason: row.revoke_reason,
    pem: certificatePem(Buffer.from(row.cert_der)),
  };
}

export async function listCerts(deps: HoldersDeps, actor: Actor): Promise<CertView[]> {
  authorize(actor, 'key.manage');
  const { rows } = await deps.db.query<CertRow>(`${CERT_SELECT} ORDER BY u.username, hc.created_at`);
  return rows.map(certView);
}

async function findUser(db: Queryable, username: string) {
  const { rows } = await db.query<{
    id: string;
    username: string;
    roles: string[];
    clearance: string;
    disabled: boolean;
  }>('SELECT id, username, roles, clearance, disabled FROM users WHERE username = $1', [username]);
  if (!rows[0]) throw userNotFound({ user: username });
  return rows[0];
}

/**
 * Imports a holder certificate issued outside (by the system CA or a trusted root): the chain, the
 * dates and the key usage are checked; the private key stays with the holder.
 */
export async function importCert(
  deps: HoldersDeps,
  actor: Actor,
  username: string,
  pem: string,
): Promise<CertView> {
  authorize(actor, 'key.manage');
  const { db } = deps;
  const user = await findUser(db, username);
  const der = parseCertificate(pem);
  const cas = await db.query<{ id: string; cert_der: Uint8Array }>(
    `SELECT id, cert_der FROM holder_cas WHERE state = 'active' ORDER BY created_at`,
  );
  const checked = checkHolderCertificate(
    der,
    cas.rows.map((row) => ({ id: row.id, certDer: Buffer.from(row.cert_der) })),
    deps.now?.(),
  );
  const fp = fingerprint(der);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO holder_certs (id, user_id, algorithm, origin, ca_id, serial, subject, cert_der, fingerprint, spki,
                                 not_before, not_after, state, created_by)
       VALUES ($1, $2, $3, 'imported', $4, $5, $6, $7, $8, $9, $10, $11, 'active', $12)
       ON CONFLICT (fingerprint) DO NOTHING RETURNING id`,
      [
        randomUUID(),
        user.id,
        checked.algorithm,
        checked.caId,
        checked.serial,
        checked.subject,
        der,
        fp,
        checked.spki,
        checked.notBefore,
        checked.notAfter,
        actor.label,
      ],
    );
    if (!rows[0]) throw certInvalid({ reason: 'already imported / 已导入' });
    await recordEvent(tx, actor, 'key.cert_import', {
      username,
      fingerprint: fp,
      algorithm: checked.algorithm,
    });
    const cert = await tx.query<CertRow>(`${CERT_SELECT} WHERE hc.id = $1`, [rows[0].id]);
    return certView(cert.rows[0]!);
  });
}

/**
 * Blobs that only the given certificates can open: wrapped for them, and for no other active
 * certificate of a user who still holds the blob's level.
 */
async function orphanedBlobs(tx: Queryable, certIds: readonly string[]): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    `SELECT count(DISTINCT w.address)::int AS n FROM blob_holder_wraps w
       JOIN blob_keys bk ON bk.address = w.address AND bk.wrapped_key IS NOT NULL
      WHERE w.cert_id = ANY($1::uuid[])
        AND NOT EXISTS (
          SELECT 1 FROM blob_holder_wraps o
            JOIN holder_certs oc ON oc.id = o.cert_id AND oc.state = 'active'
            JOIN holder_grants og ON og.user_id = oc.user_id AND og.level = bk.level
           WHERE o.address = w.address AND NOT (o.cert_id = ANY($1::uuid[])))`,
    [certIds],
  );
  return rows[0]!.n;
}

export interface RevokeResult {
  wrapsRemoved: number;
  /** blobs no holder can open any more (only with force) */
  orphaned: number;
}

/**
 * Revokes a certificate: its wraps are deleted at once, so the key behind it opens nothing from now
 * on. Refused (key.holder_last) when some content would be left with no holder, unless `force`.
 */
export async function revokeCert(
  deps: HoldersDeps,
  actor: Actor,
  certId: string,
  options: { reason?: string; force?: boolean } = {},
): Promise<CertView & RevokeResult> {
  authorize(actor, 'key.manage');
  if (!/^[0-9a-f-]{36}$/i.test(certId)) throw certNotFound({ cert: certId });
  return deps.db.transaction(async (tx) => {
    const found = await tx.query<{ id: string; state: string }>(
      'SELECT id, state FROM holder_certs WHERE id = $1 FOR UPDATE',
      [certId],
    );
    if (!found.rows[0]) throw certNotFound({ cert: certId });
    const orphaned = await orphanedBlobs(tx, [certId]);
    if (orphaned > 0 && !options.force) throw holderLast({ blobs: orphaned });
    const removed = await tx.query('DELETE FROM blob_holder_wraps WHERE cert_id = $1', [certId]);
    await tx.query(
      `UPDATE holder_certs SET state = 'revoked', revoked_at = coalesce(revoked_at, now()),
              revoked_by = coalesce(revoked_by, $2), revoke_reason = coalesce(revoke_reason, $3) WHERE id = $1`,
      [certId, actor.label, options.reason ?? null],
    );
    await recordEvent(tx, actor, 'key.cert_revoke', {
      certId,
      wrapsRemoved: removed.rowCount,
      orphaned,
      reason: options.reason ?? null,
    });
    const cert = await tx.query<CertRow>(`${CERT_SELECT} WHERE hc.id = $1`, [certId]);
    return { ...certView(cert.rows[0]!), wrapsRemoved: removed.rowCount, orphaned };
  });
}

export interface HolderView {
  level: string;
  username: string;
  grantedBy: string;
  grantedAt: string;
  activeCerts: number;
}

export async function listHolders(deps: HoldersDeps, actor: Actor): Promise<HolderView[]> {
  authorize(actor, 'key.manage');
  const { rows } = await deps.db.query<{
    level: string;
    username: string;
    granted_by: string;
    granted_at: Date;
    active_certs: number;
  }>(
    `SELECT hg.level, u.username, hg.granted_by, hg.granted_at,
            (SELECT count(*)::int FROM holder_certs hc WHERE hc.user_id = hg.user_id AND hc.state = 'active'
                AND hc.not_after > now()) AS active_certs
       FROM holder_grants hg JOIN users u ON u.id = hg.user_id ORDER BY hg.level, u.username`,
  );
  return rows.map((row) => ({
    level: row.level,
    username: row.username,
    grantedBy: row.granted_by,
    grantedAt: new Date(row.granted_at).toISOString(),
    activeCerts: row.active_certs,
  }));
}

/**
 * Makes a user a holder of a level. They must be cleared for it, hold a role that reads content and
 * have an active certificate. New content at the level is wrapped for them from now on; content
 * already stored is shared with them by a holder who unlocks (holder-self.usecases.ts shareWraps).
 */
export async function grantHolder(
  deps: HoldersDeps,
  actor: Actor,
  username: string,
  level: string,
): Promise<HolderView> {
  authorize(actor, 'key.manage');
  const { db, keyring } = deps;
  if (!keyring.holderLevels.has(level)) throw holderLevelBelow({ level, from: deps.holderFromLevel });
  const user = await findUser(db, username);
  const ineligible = (reason: string) => holderIneligible({ username, level, reason });
  if (actor.userId !== null && actor.userId === user.id) throw ineligible('不能授予自己 / not yourself');
  if (user.disabled) throw ineligible('账户已停用 / account disabled');
  if (!can({ ...actor, roles: user.roles as Actor['roles'] }, 'record.read'))
    throw ineligible('没有查阅档案的角色 / no role that reads records');
  const ranks = await db.query<{ code: string; rank: number }>(
    'SELECT code, rank FROM secrecy_levels WHERE code = ANY($1::text[])',
    [[level, user.clearance]],
  );
  const rank = (code: string) => ranks.rows.find((r) => r.code === code)?.rank ?? -1;
  if (rank(user.clearance) < rank(level)) throw ineligible('密级许可不足 / clearance below the level');
  const certs = await db.query(
    `SELECT 1 FROM holder_certs WHERE user_id = $1 AND state = 'active' AND not_after > now()`,
    [user.id],
  );
  if (certs.rows.length === 0) throw ineligible('没有有效证书 / no active certificate');
  return db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO holder_grants (level, user_id, granted_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [level, user.id, actor.label],
    );
    await recordEvent(tx, actor, 'key.holder_grant', { username, level });
    return (await listHoldersIn(tx, level, user.id))!;
  });
}

async function listHoldersIn(tx: Queryable, level: string, userId: string): Promise<HolderView | undefined> {
  const { rows } = await tx.query<{
    username: string;
    granted_by: string;
    granted_at: Date;
    active_certs: number;
  }>(
    `SELECT u.username, hg.granted_by, hg.granted_at,
            (SELECT count(*)::int FROM holder_certs hc WHERE hc.user_id = hg.user_id AND hc.state = 'active') AS active_certs
       FROM holder_grants hg JOIN users u ON u.id = hg.user_id WHERE hg.level = $1 AND hg.user_id = $2`,
    [level, userId],
  );
  const row = rows[0];
  return row
    ? {
        level,
        username: row.username,
        grantedBy: row.granted_by,
        grantedAt: new Date(row.granted_at).toISOString(),
        activeCerts: row.active_certs,
      }
    : undefined;
}

/**
 * Revokes a holder of a level: the grant and every wrap of their certificates at that level are
 * deleted in one transaction. The remaining holders keep their own wraps, made at storing time or
 * by a share; the content key itself is not rotated (that would mean re-encrypting the content).
 */
export async function revokeHolder(
  deps: HoldersDeps,
  actor: Actor,
  username: string,
  level: string,
  options: { force?: boolean } = {},
): Promise<RevokeResult> {
  authorize(actor, 'key.manage');
  const { db } = deps;
  const user = await findUser(db, username);
  return db.transaction(async (tx) => {
    const grant = await tx.query('SELECT 1 FROM holder_grants WHERE level = $1 AND user_id = $2 FOR UPDATE', [
      level,
      user.id,
    ]);
    if (grant.rows.length === 0) throw holderNotGranted({ username, level });
    const certs = await tx.query<{ id: string }>('SELECT id FROM holder_certs WHERE user_id = $1', [user.id]);
    const certIds = certs.rows.map((row) => row.id);
    const { rows } = await tx.query<{ n: number }>(
      `SELECT count(DISTINCT w.address)::int AS n FROM blob_holder_wraps w
         JOIN blob_keys bk ON bk.address = w.address AND bk.level = $2 AND bk.wrapped_key IS NOT NULL
        WHERE w.cert_id = ANY($1::uuid[])
          AND NOT EXISTS (
            SELECT 1 FROM blob_holder_wraps o
              JOIN holder_certs oc ON oc.id = o.cert_id AND oc.state = 'active' AND oc.user_id <> $3
              JOIN holder_grants og ON og.user_id = oc.user_id AND og.level = bk.level
             WHERE o.address = w.address)`,
      [certIds, level, user.id],
    );
    const orphaned = rows[0]!.n;
    if (orphaned > 0 && !options.force) throw holderLast({ blobs: orphaned });
    const removed = await tx.query(
      `DELETE FROM blob_holder_wraps w USING blob_keys bk
        WHERE bk.address = w.address AND bk.level = $2 AND w.cert_id = ANY($1::uuid[])`,
      [certIds, level],
    );
    await tx.query('DELETE FROM holder_grants WHERE level = $1 AND user_id = $2', [level, user.id]);
    await recordEvent(tx, actor, 'key.holder_revoke', {
      username,
      level,
      wrapsRemoved: removed.rowCount,
      orphaned,
    });
    return { wrapsRemoved: removed.rowCount, orphaned };
  });
}
