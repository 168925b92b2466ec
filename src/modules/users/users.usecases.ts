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
import type { TotpSecrets } from './totp-seal.ts';
import { matchTotp, newTotpSecret, totpUri } from './totp.ts';
import {
  accountLocked,
  badCredentials,
  otpInvalid,
  otpRequired,
  totpAlreadyEnabled,
  totpNotSetUp,
  passwordChangeRequired,
  unauthenticated,
  userExists,
  userNotFound,
  weakPassword,
} from './users.errors.ts';

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

export interface SignInPolicy {
  sessionHours: number;
  maxFailedLogins: number;
  lockMinutes: number;
}

const DEFAULT_POLICY: SignInPolicy = { sessionHours: 12, maxFailedLogins: 5, lockMinutes: 15 };

/**
 * Checks a user name, password and — when enabled — TOTP code, and opens a web session.
 * Against guessing: every failure is counted; from the third in a row the answer is slowed
 * (back-off), and at the limit the account is locked, each further lock twice as long (capped at a
 * day). The answer never says whether the user name exists.
 */
export async function login(
  db: Database,
  input: {
    username: string;
    password: string;
    otp?: string | undefined;
    ip?: string | undefined;
    userAgent?: string | undefined;
  } & Partial<SignInPolicy>,
  totpSecrets: TotpSecrets,
): Promise<{ secret: string; user: PublicUser; expiresAt: Date }> {
  const policy = { ...DEFAULT_POLICY, ...definedOnly(input) };
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
  const fail = async (reason: string, error: Error): Promise<never> => {
    const { rows: counted } = await db.query<{ failed_logins: number }>(
      `UPDATE users SET failed_logins = failed_logins + 1,
         locked_until = CASE WHEN failed_logins + 1 >= $2::int
           THEN now() + make_interval(secs => least($3::float8 * 60 * power(2, failed_logins + 1 - $2::int), 86400))
           ELSE NULL END
       WHERE id = $1 RETURNING failed_logins`,
      [user.id, policy.maxFailedLogins, policy.lockMinutes],
    );
    const failed = counted[0]?.failed_logins ?? 0;
    await recordEvent(db, anonymous, 'auth.login', { outcome: 'denied', reason, failed });
    // Back-off: 250 ms, 500 ms, 1 s … up to 4 s from the third failure in a row.
    if (failed >= 3) await sleep(Math.min(250 * 2 ** (failed - 3), 4000));
    throw error;
  };
  if (!(await verifyPassword(input.password, user.password_hash)))
    await fail('bad_password', badCredentials());
  let totpStep: number | null = null;
  const totpSecret = user.totp_enabled ? await totpSecrets.open(user) : null;
  if (user.totp_enabled && totpSecret) {
    // The password was right: say that a code is needed, without counting a failure.
    if (!input.otp) {
      await recordEvent(db, anonymous, 'auth.login', { outcome: 'denied', reason: 'otp_required' });
      throw otpRequired();
    }
    const last = user.totp_last_step === null ? null : Number(user.totp_last_step);
    totpStep = matchTotp(totpSecret, input.otp, last);
    if (totpStep === null) await fail('bad_otp', otpInvalid());
  }
  const secret = `dgs_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + policy.sessionHours * 3600_000);
  await db.transaction(async (tx) => {
    await tx.query(
      `UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = now(),
         totp_last_step = coalesce($2::bigint, totp_last_step) WHERE id = $1`,
      [user.id, totpStep],
    );
    await tx.query(
      `INSERT INTO credentials (id, user_id, kind, secret_hash, expires_at, ip, user_agent)
       VALUES ($1, $2, 'session', $3, $4, $5, $6)`,
      [
        randomUUID(),
        user.id,
        hashSecret(secret),
        expiresAt,
        input.ip ?? null,
        input.userAgent?.slice(0, 300) ?? null,
      ],
    );
    await recordEvent(tx, { ...anonymous, label: `user:${user.username}` }, 'auth.login', {
      secondFactor: totpStep !== null,
    });
  });
  return { secret, user: publicUser(user), expiresAt };
}

function definedOnly(input: Partial<SignInPolicy>): Partial<SignInPolicy> {
  const out: Partial<SignInPolicy> = {};
  if (input.sessionHours !== undefined) out.sessionHours = input.sessionHours;
  if (input.maxFailedLogins !== undefined) out.maxFailedLogins = input.maxFailedLogins;
  if (input.lockMinutes !== undefined) out.lockMinutes = input.lockMinutes;
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  currentCredentialId?: string,
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
    await tx.query(
      'UPDATE users SET password_hash = $2, must_change_password = false, password_changed_at = now() WHERE id = $1',
      [user.id, hash],
    );
    // Whoever knew the old password may hold a session: end every session but this one.
    await tx.query(
      `UPDATE credentials SET revoked_at = now(), revoked_by = $2
        WHERE user_id = $1 AND kind = 'session' AND revoked_at IS NULL AND id IS DISTINCT FROM $3::uuid`,
      [user.id, actor.label, currentCredentialId ?? null],
    );
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
      touch_due: boolean;
      whole_tree: boolean;
      every_level: boolean;
    }
  >(
    `SELECT u.*, c.id AS credential_id, c.kind, o.path AS org_path, l.rank AS level_rank,
            (SELECT array_agg(so.path ORDER BY so.path) FROM access_shares s JOIN organisations so ON so.id = s.organisation_id
              WHERE s.user_id = u.id AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now())) AS shared_paths,
            (c.last_used_at IS NULL OR c.last_used_at < now() - interval '1 minute') AS touch_due,
            -- The reach of the actor's scope, read with it (search.usecases.ts searchScope)
            (o.parent_id IS NULL AND (SELECT count(*) FROM organisations WHERE parent_id IS NULL) = 1) AS whole_tree,
            coalesce(l.rank >= (SELECT max(rank) FROM secrecy_levels), false) AS every_level
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
  // Throttled: one write a minute per credential is plenty (it keeps an idle session alive). The
  // SELECT above tells whether it is due, so most requests make no second round trip; the condition
  // stays in the UPDATE for requests racing each other.
  if (row.touch_due)
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
      reach: { wholeTree: row.whole_tree, everyLevel: row.every_level },
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

async function reauthenticate(db: Queryable, actor: Actor, password: string): Promise<UserRow> {
  if (actor.userId === null) throw unauthenticated();
  const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [actor.userId]);
  const user = rows[0];
  if (!user) throw unauthenticated();
  if (!(await verifyPassword(password, user.password_hash))) {
    await recordEvent(db, actor, 'auth.reauthenticate', { outcome: 'denied' });
    throw badCredentials();
  }
  return user;
}

/** Starts TOTP enrolment: a new secret, kept unused until a first code confirms it. */
export async function setUpTotp(
  db: Database,
  actor: Actor,
  input: { password: string; issuer: string },
  totpSecrets: TotpSecrets,
): Promise<{ secret: string; uri: string }> {
  const user = await reauthenticate(db, actor, input.password);
  if (user.totp_enabled) throw totpAlreadyEnabled();
  const secret = newTotpSecret();
  await db.transaction(async (tx) => {
    const { sealed, keyRef } = await totpSecrets.seal(tx, user.id, secret);
    await tx.query(
      `UPDATE users SET totp_secret = NULL, totp_secret_sealed = $2, totp_key_ref = $3, totp_last_step = NULL
        WHERE id = $1`,
      [user.id, sealed, keyRef],
    );
    await recordEvent(tx, actor, 'auth.totp_setup');
  });
  return { secret, uri: totpUri(secret, input.issuer, user.username) };
}

/** Confirms enrolment with a first code; from now on sign-in asks for a code. */
export async function enableTotp(
  db: Database,
  actor: Actor,
  code: string,
  totpSecrets: TotpSecrets,
): Promise<void> {
  if (actor.userId === null) throw unauthenticated();
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<UserRow>('SELECT * FROM users WHERE id = $1 FOR UPDATE', [actor.userId]);
    const user = rows[0]!;
    if (user.totp_enabled) throw totpAlreadyEnabled();
    const secret = await totpSecrets.open(user);
    if (!secret) throw totpNotSetUp();
    const step = matchTotp(secret, code, null);
    if (step === null) throw otpInvalid();
    await tx.query('UPDATE users SET totp_enabled = true, totp_last_step = $2 WHERE id = $1', [
      user.id,
      step,
    ]);
    await recordEvent(tx, actor, 'auth.totp_enable');
  });
}

/** Turns the second factor off, with the password and a current code. */
export async function disableTotp(
  db: Database,
  actor: Actor,
  input: { password: string; code: string },
  totpSecrets: TotpSecrets,
): Promise<void> {
  const user = await reauthenticate(db, actor, input.password);
  const secret = user.totp_enabled ? await totpSecrets.open(user) : null;
  if (!secret) throw totpNotSetUp();
  const last = user.totp_last_step === null ? null : Number(user.totp_last_step);
  if (matchTotp(secret, input.code, last) === null) throw otpInvalid();
  await db.transaction(async (tx) => {
    await tx.query(
      `UPDATE users SET totp_enabled = false, totp_secret = NULL, totp_secret_sealed = NULL, totp_key_ref = NULL,
         totp_last_step = NULL WHERE id = $1`,
      [user.id],
    );
    await recordEvent(tx, actor, 'auth.totp_disable');
  });
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
