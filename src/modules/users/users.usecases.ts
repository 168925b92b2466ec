/**
 * Accounts, sign-in, web sessions and API tokens. Secrets are random 256-bit values shown once;
 * only their SHA-256 is stored, so a stolen database does not yield working sessions.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../db/database.port.ts';
import { authorize, checkRoles, type Actor, type Role } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';
import { findLevel, findOrganisation } from '../reference/reference.repository.ts';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import {
  accountLocked,
  badCredentials,
  passwordChangeRequired,
  unauthenticated,
  userExists,
  userNotFound,
  weakPassword,
} from './users.errors.ts';

const MAX_FAILED_LOGINS = 5;
const LOCK_MINUTES = 15;

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  organisation_id: string;
  roles: Role[];
  clearance: string;
  must_change_password: boolean;
  disabled: boolean;
  failed_logins: number;
  locked_until: Date | null;
  created_at: Date;
  last_login_at: Date | null;
  totp_secret: string | null;
  totp_enabled: boolean;
  totp_last_step: string | null;
  password_changed_at: Date | null;
}

export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  organisationId: string;
  roles: Role[];
  clearance: string;
  mustChangePassword: boolean;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export function publicUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    organisationId: row.organisation_id,
    roles: row.roles,
    clearance: row.clearance,
    mustChangePassword: row.must_change_password,
    disabled: row.disabled,
    createdAt: row.created_at.toISOString(),
    lastLoginAt: row.last_login_at?.toISOString() ?? null,
  };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface CreateUserInput {
  username: string;
  displayName?: string | undefined;
  organisationId: string;
  roles: Role[];
  clearance: string;
}

/** Creates an account with a one-time password that must be changed at first sign-in. */
export async function createUser(
  db: Database,
  actor: Actor,
  input: CreateUserInput,
): Promise<{ user: PublicUser; oneTimePassword: string }> {
  authorize(actor, 'user.manage');
  const roles = checkRoles(input.roles);
  await findOrganisation(db, input.organisationId);
  await findLevel(db, input.clearance);
  const oneTimePassword = generatePassword();
  const hash = await hashPassword(oneTimePassword);
  return db.transaction(async (tx) => {
    const existing = await tx.query('SELECT 1 FROM users WHERE username = $1', [input.username]);
    if (existing.rowCount > 0) throw userExists({ user: input.username });
    const { rows } = await tx.query<UserRow>(
      `INSERT INTO users (id, username, display_name, password_hash, organisation_id, roles, clearance, must_change_password)
       VALUES ($1, $2, $3, $4, $5, $6, $7, true) RETURNING *`,
      [
        randomUUID(),
        input.username,
        input.displayName ?? input.username,
        hash,
        input.organisationId,
        roles,
        input.clearance,
      ],
    );
    await recordEvent(tx, actor, 'user.create', {
      username: input.username,
      roles,
      clearance: input.clearance,
    });
    return { user: publicUser(rows[0]!), oneTimePassword };
  });
}

/** Gives an account a new one-time password (for a forgotten password or the first administrator). */
export async function resetPassword(db: Database, actor: Actor, username: string): Promise<string> {
  authorize(actor, 'user.manage');
  const oneTimePassword = generatePassword();
  const hash = await hashPassword(oneTimePassword);
  await db.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      `UPDATE users SET password_hash = $2, must_change_password = true, failed_logins = 0, locked_until = NULL
       WHERE username = $1`,
      [username, hash],
    );
    if (rowCount === 0) throw userNotFound({ user: username });
    await tx.query(
      `UPDATE credentials SET revoked_at = now() WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE username = $1)`,
      [username],
    );
    await recordEvent(tx, actor, 'user.reset_password', { username });
  });
  return oneTimePassword;
}

export async function listUsers(db: Queryable, actor: Actor): Promise<PublicUser[]> {
  authorize(actor, 'user.read');
  const { rows } = await db.query<UserRow>('SELECT * FROM users ORDER BY username');
  return rows.map(publicUser);
}

/**
 * Checks a user name and password and opens a web session. Failed attempts are counted and lock
 * the account for a while after several, against password guessing.
 */
export async function login(
  db: Database,
  input: { username: string; password: string; ip?: string | undefined; sessionHours: number },
): Promise<{ secret: string; user: PublicUser; expiresAt: Date }> {
  const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE username = $1', [input.username]);
  const user = rows[0];
  const anonymous: Actor = anonymousActor(input.username, input.ip);
  if (!user || user.disabled) {
    // Hash anyway so that timing does not tell which user names exist.
    await verifyPassword(input.password, DUMMY_HASH);
    await recordEvent(db, anonymous, 'auth.login', { outcome: 'denied', reason: 'unknown_user' });
    throw badCredentials();
  }
  if (user.locked_until && user.locked_until > new Date()) {
    await recordEvent(db, anonymous, 'auth.login', { outcome: 'denied', reason: 'locked' });
    throw accountLocked({ until: user.locked_until.toISOString() });
  }
  if (!(await verifyPassword(input.password, user.password_hash))) {
    const failed = user.failed_logins + 1;
    await db.query(
      `UPDATE users SET failed_logins = $2::int,
         locked_until = CASE WHEN $2::int >= $3::int THEN now() + make_interval(mins => $4::int) ELSE NULL END
       WHERE id = $1`,
      [user.id, failed, MAX_FAILED_LOGINS, LOCK_MINUTES],
    );
    await recordEvent(db, anonymous, 'auth.login', { outcome: 'denied', reason: 'bad_password' });
    throw badCredentials();
  }
  const secret = `dgs_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + input.sessionHours * 3600_000);
  await db.transaction(async (tx) => {
    await tx.query(
      'UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = now() WHERE id = $1',
      [user.id],
    );
    await tx.query(
      `INSERT INTO credentials (id, user_id, kind, secret_hash, expires_at) VALUES ($1, $2, 'session', $3, $4)`,
      [randomUUID(), user.id, hashSecret(secret), expiresAt],
    );
    await recordEvent(tx, { ...anonymous, label: `user:${user.username}` }, 'auth.login');
  });
  return { secret, user: publicUser(user), expiresAt };
}

export async function logout(db: Database, actor: Actor, secret: string): Promise<void> {
  await db.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      'UPDATE credentials SET revoked_at = now(), revoked_by = $2 WHERE secret_hash = $1 AND revoked_at IS NULL',
      [hashSecret(secret), actor.label],
    );
    if (rowCount > 0) await recordEvent(tx, actor, 'auth.logout');
  });
}

/** Creates a long-lived API token for a machine client acting as the given user. */
export async function createToken(
  db: Database,
  actor: Actor,
  input: { name: string; days?: number | undefined },
): Promise<{ id: string; secret: string; expiresAt: Date | null }> {
  if (actor.userId === null) throw unauthenticated();
  const secret = `dgt_${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  const expiresAt = input.days ? new Date(Date.now() + input.days * 86_400_000) : null;
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO credentials (id, user_id, kind, name, secret_hash, expires_at) VALUES ($1, $2, 'token', $3, $4, $5)`,
      [id, actor.userId, input.name, hashSecret(secret), expiresAt],
    );
    await recordEvent(tx, actor, 'auth.token_create', { tokenId: id, name: input.name });
  });
  return { id, secret, expiresAt };
}

export async function changePassword(
  db: Database,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  if (actor.userId === null) throw unauthenticated();
  const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [actor.userId]);
  const user = rows[0];
  if (!user) throw unauthenticated();
  if (!(await verifyPassword(input.currentPassword, user.password_hash))) throw badCredentials();
  const problem = passwordProblem(input.newPassword, user.username);
  if (problem) throw weakPassword({ reason: problem });
  if (input.newPassword === input.currentPassword)
    throw weakPassword({ reason: '新密码不能与旧密码相同 / must differ from the old one' });
  const hash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    await tx.query('UPDATE users SET password_hash = $2, must_change_password = false WHERE id = $1', [
      user.id,
      hash,
    ]);
    await recordEvent(tx, actor, 'auth.password_change');
  });
}

export interface Authenticated {
  actor: Actor;
  user: UserRow;
  credentialKind: 'session' | 'token';
  credentialId: string;
}

/** Resolves a session cookie or bearer token to the acting user, or throws auth.unauthenticated. */
export async function authenticate(
  db: Queryable,
  secret: string,
  ip?: string,
  options: { idleMinutes?: number } = {},
): Promise<Authenticated> {
  const { rows } = await db.query<
    UserRow & {
      credential_id: string;
      kind: 'session' | 'token';
      org_path: string;
      level_rank: number;
      shared_paths: string[] | null;
    }
  >(
    `SELECT u.*, c.id AS credential_id, c.kind, o.path AS org_path, l.rank AS level_rank,
            (SELECT array_agg(so.path ORDER BY so.path) FROM access_shares s JOIN organisations so ON so.id = s.organisation_id
              WHERE s.user_id = u.id AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now())) AS shared_paths
       FROM credentials c
       JOIN users u ON u.id = c.user_id
       JOIN organisations o ON o.id = u.organisation_id
       JOIN secrecy_levels l ON l.code = u.clearance
      WHERE c.secret_hash = $1 AND c.revoked_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > now())
        AND NOT u.disabled
        AND (c.kind = 'token' OR coalesce(c.last_used_at, c.created_at) > now() - make_interval(secs => $2::float8))`,
    [hashSecret(secret), (options.idleMinutes ?? 30) * 60],
  );
  const row = rows[0];
  if (!row) throw unauthenticated();
  // Throttled: last_used_at is informative, one write a minute per credential is plenty.
  await db.query(
    `UPDATE credentials SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [row.credential_id],
  );
  return {
    user: row,
    credentialKind: row.kind,
    actor: {
      kind: 'user',
      userId: row.id,
      label: `user:${row.username}`,
      roles: row.roles,
      clearanceRank: row.level_rank,
      organisationPath: row.org_path,
      sharedPaths: row.shared_paths ?? [],
      ip,
    },
    credentialId: row.credential_id,
  };
}

/** Everything but changing the password is refused until a one-time password has been replaced. */
export function requirePasswordChanged(user: UserRow): void {
  if (user.must_change_password) throw passwordChangeRequired();
}

function anonymousActor(username: string, ip: string | undefined): Actor {
  return {
    kind: 'user',
    userId: null,
    label: `anonymous:${username}`,
    roles: [],
    clearanceRank: -1,
    organisationPath: '/',
    ip,
  };
}

const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$ZHVtbXlkdW1teWR1bW15ZHVtbXlkdW1teWR1bW15ZHU';
