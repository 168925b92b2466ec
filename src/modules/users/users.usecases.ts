/**
 * Account management: creating accounts, one-time passwords, listing, and removing a lost second
 * factor. The user row and its public shape live here; signing in is in sessions.usecases.ts, a
 * user's own password and TOTP in account.usecases.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../db/database.port.ts';
import { authorize, checkRoles, type Actor, type Role } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';
import { findLevel, findOrganisation } from '../reference/reference.repository.ts';
import { generatePassword, hashPassword } from './passwords.ts';
import { userExists, userNotFound } from './users.errors.ts';

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
  /** plain TOTP secret of before migration 0008; sealed at start-up (totp-seal.ts) */
  totp_secret: string | null;
  totp_secret_sealed: Uint8Array | null;
  totp_key_ref: string | null;
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
  totpEnabled: boolean;
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
    totpEnabled: row.totp_enabled,
    createdAt: row.created_at.toISOString(),
    lastLoginAt: row.last_login_at?.toISOString() ?? null,
  };
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

/** For a lost authenticator: the administrator removes the second factor (recorded). */
export async function resetTotp(db: Database, actor: Actor, username: string): Promise<void> {
  authorize(actor, 'user.manage');
  await db.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      `UPDATE users SET totp_enabled = false, totp_secret = NULL, totp_secret_sealed = NULL, totp_key_ref = NULL,
         totp_last_step = NULL WHERE username = $1`,
      [username],
    );
    if (rowCount === 0) throw userNotFound({ user: username });
    await recordEvent(tx, actor, 'auth.totp_reset', { username });
  });
}
