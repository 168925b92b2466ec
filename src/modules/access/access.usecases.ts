/**
 * Managing who may read what: roles (by the system administrator), clearances and organisation
 * shares (by the security officer), and an account's sessions. Every change is an audit event, in
 * the same transaction as the change, and so goes into the ledger.
 *
 * Separation of duties: nobody changes their own roles, clearance or shares, and role combinations
 * that would join a duty role with another role are refused (access.policy.ts `checkRoles`).
 */
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../db/database.port.ts';
import { recordEvent } from '../events/events.ts';
import { findLevel, findOrganisation, isUuid } from '../reference/reference.repository.ts';
import { userNotFound } from '../users/users.errors.ts';
import { publicUser, type PublicUser, type UserRow } from '../users/users.usecases.ts';
import { authorize, can, checkRoles, forbidden, type Actor, type Role } from './access.policy.ts';
import { selfGrant, sessionNotFound, shareNotFound, shareRedundant } from './access.errors.ts';

async function lockUser(tx: Queryable, username: string): Promise<UserRow> {
  const { rows } = await tx.query<UserRow>('SELECT * FROM users WHERE username = $1 FOR UPDATE', [username]);
  if (!rows[0]) throw userNotFound({ user: username });
  return rows[0];
}

function notSelf(actor: Actor, user: UserRow, what: string): void {
  if (actor.userId !== null && actor.userId === user.id) throw selfGrant({ what });
}

/** Replaces a user's roles (system administrator). Sessions keep working with the new roles. */
export async function setRoles(
  db: Database,
  actor: Actor,
  username: string,
  roles: readonly string[],
): Promise<PublicUser> {
  authorize(actor, 'user.manage');
  const checked = checkRoles(roles);
  return db.transaction(async (tx) => {
    const user = await lockUser(tx, username);
    notSelf(actor, user, '角色 / roles');
    const { rows } = await tx.query<UserRow>('UPDATE users SET roles = $2 WHERE id = $1 RETURNING *', [
      user.id,
      checked,
    ]);
    await recordEvent(tx, actor, 'access.roles', { username, from: user.roles, to: checked });
    return publicUser(rows[0]!);
  });
}

/** Sets a user's clearance (security officer). */
export async function setClearance(
  db: Database,
  actor: Actor,
  username: string,
  clearance: string,
): Promise<PublicUser> {
  authorize(actor, 'access.manage');
  await findLevel(db, clearance);
  return db.transaction(async (tx) => {
    const user = await lockUser(tx, username);
    notSelf(actor, user, '密级 / clearance');
    const { rows } = await tx.query<UserRow>('UPDATE users SET clearance = $2 WHERE id = $1 RETURNING *', [
      user.id,
      clearance,
    ]);
    await recordEvent(tx, actor, 'access.clearance', { username, from: user.clearance, to: clearance });
    return publicUser(rows[0]!);
  });
}

/** Moves a user to another organisation, which changes their own scope (system administrator). */
export async function setOrganisation(
  db: Database,
  actor: Actor,
  username: string,
  organisation: string,
): Promise<PublicUser> {
  authorize(actor, 'user.manage');
  const org = await findOrganisation(db, organisation);
  return db.transaction(async (tx) => {
    const user = await lockUser(tx, username);
    notSelf(actor, user, '所属机构 / organisation');
    const { rows } = await tx.query<UserRow>(
      'UPDATE users SET organisation_id = $2 WHERE id = $1 RETURNING *',
      [user.id, org.id],
    );
    await recordEvent(tx, actor, 'access.organisation', { username, to: org.code });
    return publicUser(rows[0]!);
  });
}

/** Disables or enables an account; disabling revokes every session and token at once. */
export async function setDisabled(
  db: Database,
  actor: Actor,
  username: string,
  disabled: boolean,
): Promise<PublicUser> {
  authorize(actor, 'user.manage');
  return db.transaction(async (tx) => {
    const user = await lockUser(tx, username);
    notSelf(actor, user, '启用状态 / enabled state');
    const { rows } = await tx.query<UserRow>('UPDATE users SET disabled = $2 WHERE id = $1 RETURNING *', [
      user.id,
      disabled,
    ]);
    if (disabled)
      await tx.query(
        'UPDATE credentials SET revoked_at = now(), revoked_by = $2 WHERE user_id = $1 AND revoked_at IS NULL',
        [user.id, actor.label],
      );
    await recordEvent(tx, actor, disabled ? 'user.disable' : 'user.enable', { username });
    return publicUser(rows[0]!);
  });
}

export interface ShareView {
  id: string;
  username: string;
  organisationId: string;
  organisationCode: string;
  organisationName: string;
  reason: string | null;
  grantedBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

interface ShareRow {
  id: string;
  username: string;
  organisation_id: string;
  organisation_code: string;
  organisation_name: string;
  reason: string | null;
  granted_by: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
}

const SELECT_SHARE = `SELECT s.id, u.username, s.organisation_id, o.code AS organisation_code, o.name AS organisation_name,
    s.reason, s.granted_by, s.created_at, s.expires_at, s.revoked_at
  FROM access_shares s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = s.organisation_id`;

function shareView(row: ShareRow): ShareView {
  return {
    id: row.id,
    username: row.username,
    organisationId: row.organisation_id,
    organisationCode: row.organisation_code,
    organisationName: row.organisation_name,
    reason: row.reason,
    grantedBy: row.granted_by,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** Shares an organisation subtree with a user (security officer), optionally for some days. */
export async function grantShare(
  db: Database,
  actor: Actor,
  input: { username: string; organisation: string; days?: number | undefined; reason?: string | undefined },
): Promise<ShareView> {
  authorize(actor, 'access.manage');
  const org = await findOrganisation(db, input.organisation);
  return db.transaction(async (tx) => {
    const user = await lockUser(tx, input.username);
    notSelf(actor, user, '授权范围 / shares');
    const inside = await tx.query(
      `SELECT 1 FROM organisations own WHERE own.id = $1 AND starts_with($2, own.path)`,
      [user.organisation_id, org.path],
    );
    if (inside.rowCount > 0) throw shareRedundant({ organisation: org.code });
    const id = randomUUID();
    const expiresAt = input.days ? new Date(Date.now() + input.days * 86_400_000) : null;
    await tx.query(
      `INSERT INTO access_shares (id, user_id, organisation_id, reason, granted_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, user.id, org.id, input.reason ?? null, actor.label, expiresAt],
    );
    await recordEvent(tx, actor, 'access.share_grant', {
      shareId: id,
      username: input.username,
      organisation: org.code,
      expiresAt: expiresAt?.toISOString() ?? null,
    });
    const { rows } = await tx.query<ShareRow>(`${SELECT_SHARE} WHERE s.id = $1`, [id]);
    return shareView(rows[0]!);
  });
}

export async function revokeShare(db: Database, actor: Actor, shareId: string): Promise<void> {
  authorize(actor, 'access.manage');
  if (!isUuid(shareId)) throw shareNotFound({ share: shareId });
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<ShareRow>(`${SELECT_SHARE} WHERE s.id = $1 AND s.revoked_at IS NULL`, [
      shareId,
    ]);
    if (!rows[0]) throw shareNotFound({ share: shareId });
    await tx.query('UPDATE access_shares SET revoked_at = now(), revoked_by = $2 WHERE id = $1', [
      shareId,
      actor.label,
    ]);
    await recordEvent(tx, actor, 'access.share_revoke', {
      shareId,
      username: rows[0].username,
      organisation: rows[0].organisation_code,
    });
  });
}

/** Shares in force (or all, with history), of one user or of everyone. */
export async function listShares(
  db: Queryable,
  actor: Actor,
  options: { username?: string | undefined; history?: boolean | undefined } = {},
): Promise<ShareView[]> {
  if (!can(actor, 'access.manage') && !can(actor, 'user.read')) throw forbidden({ action: 'user.read' });
  const params: unknown[] = [];
  const where: string[] = [];
  if (options.username) {
    params.push(options.username);
    where.push(`u.username = $${params.length}`);
  }
  if (!options.history) where.push('s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now())');
  const { rows } = await db.query<ShareRow>(
    `${SELECT_SHARE} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.created_at`,
    params,
  );
  return rows.map(shareView);
}

export interface SessionView {
  id: string;
  kind: 'session' | 'token';
  name: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  current: boolean;
}

/** The sessions and tokens in force of a user: one's own, or anyone's for admin and security officer. */
export async function listSessions(
  db: Queryable,
  actor: Actor,
  username: string | null,
  options: { currentId?: string | undefined; idleMinutes?: number | undefined } = {},
): Promise<SessionView[]> {
  const userId = await sessionOwner(db, actor, username);
  const { rows } = await db.query<{
    id: string;
    kind: 'session' | 'token';
    name: string | null;
    ip: string | null;
    user_agent: string | null;
    created_at: Date;
    last_used_at: Date | null;
    expires_at: Date | null;
  }>(
    `SELECT id, kind, name, ip, user_agent, created_at, last_used_at, expires_at FROM credentials
      WHERE user_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
        AND (kind = 'token' OR coalesce(last_used_at, created_at) > now() - make_interval(secs => $2::float8))
      ORDER BY created_at DESC`,
    [userId, (options.idleMinutes ?? 30) * 60],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    name: r.name,
    ip: r.ip,
    userAgent: r.user_agent,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    expiresAt: r.expires_at?.toISOString() ?? null,
    current: r.id === options.currentId,
  }));
}

/** Revokes one session or token (own, or anyone's for admin/security), or all of a user's (id 'all'). */
export async function revokeSessions(
  db: Database,
  actor: Actor,
  username: string | null,
  sessionId: string,
): Promise<number> {
  const userId = await sessionOwner(db, actor, username);
  if (sessionId !== 'all' && !isUuid(sessionId)) throw sessionNotFound({ session: sessionId });
  return db.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      `UPDATE credentials SET revoked_at = now(), revoked_by = $3
        WHERE user_id = $1 AND revoked_at IS NULL AND ($2::text = 'all' OR id::text = $2::text)`,
      [userId, sessionId, actor.label],
    );
    if (rowCount === 0 && sessionId !== 'all') throw sessionNotFound({ session: sessionId });
    await recordEvent(tx, actor, 'auth.session_revoke', {
      username: username ?? actor.label,
      session: sessionId,
      count: rowCount,
    });
    return rowCount;
  });
}

async function sessionOwner(db: Queryable, actor: Actor, username: string | null): Promise<string> {
  if (username === null) {
    if (actor.userId === null) throw forbidden({ action: 'auth.sessions' });
    return actor.userId;
  }
  if (!can(actor, 'user.manage') && !can(actor, 'access.manage')) {
    // One's own sessions by name are fine; anyone else's need an administrative role.
    const own = await db.query('SELECT 1 FROM users WHERE id = $1 AND username = $2', [
      actor.userId,
      username,
    ]);
    if (own.rowCount === 0) throw forbidden({ action: 'user.manage' });
  }
  const { rows } = await db.query<{ id: string }>('SELECT id FROM users WHERE username = $1', [username]);
  if (!rows[0]) throw userNotFound({ user: username });
  return rows[0].id;
}

export type { Role };
