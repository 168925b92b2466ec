/**
 * Sign-in, web sessions and API tokens. Secrets are random 256-bit values shown once;
 * only their SHA-256 is stored, so a stolen database does not yield working sessions.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../db/database.port.ts';
import type { Actor } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';
import { verifyPassword } from './passwords.ts';
import type { TotpSecrets } from './totp-seal.ts';
import { matchTotp } from './totp.ts';
import {
  accountLocked,
  badCredentials,
  otpInvalid,
  otpRequired,
  passwordChangeRequired,
  unauthenticated,
} from './users.errors.ts';
import { publicUser, type PublicUser, type UserRow } from './users.usecases.ts';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
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
    // Every request runs it (PostgreSQL chose the generic plan by itself after five calls; asked
    // for, the statements of a search after it run under the same setting, with no change between).
    { genericPlan: true },
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
